import { describe, expect, it } from 'vitest';
import { chartGeometry } from '../../../lib/popup/QuotaChart';

describe('the popup’s history chart geometry', () => {
  it('maps time to x and used space to y, with the limit and warning lines', () => {
    const g = chartGeometry(
      [
        { at: 1000, usedBytes: 0, limitBytes: 100 },
        { at: 3000, usedBytes: 50, limitBytes: 100 },
        { at: 2000, usedBytes: 25, limitBytes: 100 },
      ],
      80,
    )!;
    // 240 × 56 with a 2-unit padding: x from 2 to 238, y from 54 (0) to 2 (limit).
    expect(g.xs).toEqual([2, 120, 238]);
    expect(g.ys).toEqual([54, 41, 28]);
    expect(g.path).toBe('M2 54 L120 41 L238 28');
    expect(g.limitY).toBe(2);
    expect(g.warnY).toBe(12.4);
  });
  it('scales to the largest figure when usage went over the limit or there is none', () => {
    const g = chartGeometry(
      [
        { at: 0, usedBytes: 10, limitBytes: null },
        { at: 1, usedBytes: 20, limitBytes: null },
      ],
      80,
    )!;
    expect(g.ys).toEqual([28, 2]);
    expect(g.limitY).toBeNull();
  });
  it('needs two points', () => {
    expect(chartGeometry([{ at: 0, usedBytes: 1, limitBytes: 2 }], 80)).toBeNull();
  });
});
