import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DAY, leastSquares, projectFull, type HistoryPoint } from '../../../lib/quota-rules/projection';

const MiB = 1024 * 1024;
const LIMIT = 200 * MiB;
const NOW = Date.UTC(2026, 5, 30, 12);

/** One point a day for `days` days ending at NOW, growing by `perDay` from `start`. */
function line(days: number, start: number, perDay: number, limit: number | null = LIMIT): HistoryPoint[] {
  return Array.from({ length: days }, (_, i) => ({ at: NOW - (days - 1 - i) * DAY, usedBytes: start + i * perDay, limitBytes: limit }));
}

describe('leastSquares', () => {
  it('finds the exact line through collinear points', () => {
    const fit = leastSquares([0, 1, 2, 3], [10, 12, 14, 16])!;
    expect(fit.slope).toBeCloseTo(2, 12);
    expect(fit.intercept).toBeCloseTo(10, 12);
  });
  it('fits the textbook example (x = 1..5, y = 2,4,5,4,5 → y = 0.6x + 2.2)', () => {
    const fit = leastSquares([1, 2, 3, 4, 5], [2, 4, 5, 4, 5])!;
    expect(fit.slope).toBeCloseTo(0.6, 12);
    expect(fit.intercept).toBeCloseTo(2.2, 12);
  });
  it('has no answer when x does not vary', () => {
    expect(leastSquares([3, 3, 3], [1, 2, 3])).toBeNull();
    expect(leastSquares([1], [1])).toBeNull();
  });
  it('recovers any line exactly (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), (a, b) => {
        const xs = [0, 1, 2, 5, 9];
        const fit = leastSquares(xs, xs.map((x) => a * x + b))!;
        expect(fit.slope).toBeCloseTo(a, 3);
      }),
    );
  });
});

describe('projectFull', () => {
  it('projects a steady growth: 100 MiB used, +2 MiB a day, 200 MiB limit → 50 days', () => {
    const p = projectFull(line(10, 82 * MiB, 2 * MiB), NOW)!;
    expect(p.bytesPerDay).toBeCloseTo(2 * MiB, 0);
    expect(p.days).toBeCloseTo(50, 6);
    expect(p.points).toBe(10);
    expect(p.limitBytes).toBe(LIMIT);
  });

  it('counts from now, not from the last point', () => {
    const p = projectFull(line(10, 82 * MiB, 2 * MiB), NOW + 3 * DAY)!;
    expect(p.days).toBeCloseTo(47, 6);
  });

  it('fits noisy data by least squares rather than joining the ends', () => {
    const pts = line(8, 100 * MiB, 1 * MiB).map((p, i) => ({ ...p, usedBytes: p.usedBytes + (i % 2 ? 0.5 : -0.5) * MiB }));
    const p = projectFull(pts, NOW)!;
    const fit = leastSquares(
      pts.map((q) => (q.at - pts[0]!.at) / DAY),
      pts.map((q) => q.usedBytes),
    )!;
    expect(p.bytesPerDay).toBeCloseTo(fit.slope, 6);
    expect(p.days).toBeCloseTo((LIMIT - pts[7]!.usedBytes) / fit.slope, 6);
  });

  it('says nothing with too few points or too short a span', () => {
    expect(projectFull(line(3, 100 * MiB, 5 * MiB), NOW)).toBeNull();
    const hourly = Array.from({ length: 20 }, (_, i) => ({ at: NOW - (19 - i) * 3_600_000, usedBytes: 100 * MiB + i * MiB, limitBytes: LIMIT }));
    expect(projectFull(hourly, NOW)).toBeNull();
    expect(projectFull([], NOW)).toBeNull();
  });

  it('says nothing when the trend is flat or falling', () => {
    expect(projectFull(line(10, 100 * MiB, 0), NOW)).toBeNull();
    expect(projectFull(line(10, 150 * MiB, -1 * MiB), NOW)).toBeNull();
    // +50 KiB a day on 200 MiB: 0.02 % a day, under the 0.05 % "flat" line.
    expect(projectFull(line(10, 100 * MiB, 50 * 1024), NOW)).toBeNull();
  });

  it('says nothing without a limit, when already full, or beyond a year', () => {
    expect(projectFull(line(10, 100 * MiB, 2 * MiB, null), NOW)).toBeNull();
    expect(projectFull(line(10, 190 * MiB, 2 * MiB), NOW)).toBeNull(); // last point 208 MiB > limit
    // +0.12 MiB a day (0.06 %) with 100 MiB left: about 830 days.
    expect(projectFull(line(10, 100 * MiB, 0.12 * MiB), NOW)).toBeNull();
  });

  it('restarts the trend after a cleanup (a fall of 2 % of the limit or more)', () => {
    const before = line(10, 120 * MiB, 3 * MiB).map((p) => ({ ...p, at: p.at - 10 * DAY }));
    const after = line(10, 60 * MiB, 1 * MiB);
    const p = projectFull([...before, ...after], NOW)!;
    expect(p.points).toBe(10);
    expect(p.bytesPerDay).toBeCloseTo(1 * MiB, 0);
    expect(p.days).toBeCloseTo((LIMIT - 69 * MiB) / MiB, 6);
  });

  it('ignores points older than the window and says nothing when the last reading is stale', () => {
    const old = line(5, 10 * MiB, 20 * MiB).map((p) => ({ ...p, at: p.at - 60 * DAY }));
    const p = projectFull([...old, ...line(10, 82 * MiB, 2 * MiB)], NOW)!;
    expect(p.points).toBe(10);
    expect(projectFull(line(10, 82 * MiB, 2 * MiB), NOW + 8 * DAY)).toBeNull();
  });

  it('uses only points measured against the current limit', () => {
    const smaller = line(5, 80 * MiB, 1 * MiB, 100 * MiB).map((p) => ({ ...p, at: p.at - 6 * DAY }));
    const p = projectFull([...smaller, ...line(6, 86 * MiB, 2 * MiB)], NOW)!;
    expect(p.points).toBe(6);
    expect(p.limitBytes).toBe(LIMIT);
  });

  it('never projects a negative or non-finite time (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ d: fc.integer({ min: 0, max: 29 }), used: fc.integer({ min: 0, max: 300 * MiB }) }), { minLength: 0, maxLength: 40 }),
        (raw) => {
          const p = projectFull(
            raw.map((r) => ({ at: NOW - r.d * DAY, usedBytes: r.used, limitBytes: LIMIT })),
            NOW,
          );
          if (p) {
            expect(Number.isFinite(p.days)).toBe(true);
            expect(p.days).toBeGreaterThanOrEqual(0);
            expect(p.days).toBeLessThanOrEqual(365);
            expect(p.bytesPerDay).toBeGreaterThan(0);
          }
        },
      ),
    );
  });
});
