import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QuotaRefresher, type RefreshResult } from '../../../lib/features/quota-meter/refresher';
import type { Quota } from '../../../lib/webmail/types';

const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);

/** A fake host: each read takes `latency` ms and answers the current figure; every read start is logged. */
function setup(opts: { latency?: number; fail?: boolean } = {}) {
  const starts: number[] = [];
  const results: RefreshResult[] = [];
  let used = 100;
  const r = new QuotaRefresher({
    read: () => {
      starts.push(Date.now());
      const at = Date.now();
      return new Promise<Quota>((resolve, reject) =>
        setTimeout(() => (opts.fail ? reject(new Error('down')) : resolve({ usedBytes: used, limitBytes: 1000, at })), opts.latency ?? 200),
      );
    },
    onResult: (x) => results.push(x),
  });
  return { r, starts, results, setUsed: (n: number) => (used = n), rel: () => starts.map((s) => s - T0) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());

describe('QuotaRefresher', () => {
  it('reads at once the first time', async () => {
    const s = setup();
    s.r.request('initial');
    expect(s.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(200);
    expect(s.results).toEqual([{ quota: { usedBytes: 100, limitBytes: 1000, at: T0 }, source: 'read' }]);
  });

  it('makes at most one request a minute, coalescing host refreshes into one read at the end of the window', async () => {
    const s = setup();
    s.r.request('initial');
    for (let i = 1; i <= 30; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      s.r.request('host'); // Roundcube calls set_quota after every list: many signals
    }
    expect(s.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.rel()).toEqual([0, 60_000]);
    // Nothing more was asked: no more reads.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(s.starts).toHaveLength(2);
  });

  it('never exceeds one read per minute under a steady stream of host signals (10 minutes)', async () => {
    const s = setup();
    s.r.request('initial');
    for (let i = 0; i < 600; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      s.r.request('host');
    }
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = s.starts.slice(1).map((t, i) => t - s.starts[i]!);
    expect(gaps.every((g) => g >= 60_000)).toBe(true);
    expect(s.starts.length).toBeLessThanOrEqual(12);
    expect(s.starts.length).toBeGreaterThanOrEqual(10);
  });

  it('allows one refresh right after a Balise action, inside the minute', async () => {
    const s = setup();
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(10_000);
    s.r.request('action');
    await vi.advanceTimersByTimeAsync(1500); // the quiet period
    expect(s.rel()).toEqual([0, 11_500]);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(s.starts).toHaveLength(2);
  });

  it('coalesces a burst of actions (one per cleanup batch) into one refresh', async () => {
    const s = setup();
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(5000);
    for (let i = 0; i < 5; i++) {
      s.r.request('action');
      await vi.advanceTimersByTimeAsync(500);
    }
    await vi.advanceTimersByTimeAsync(1500);
    expect(s.rel()).toEqual([0, 7000 + 1500]); // last action at 7 s, then 1.5 s of quiet
  });

  it('bounds action refreshes during a long cleanup: at most one per 20 s and one per 10 s of waiting', async () => {
    const s = setup();
    s.r.request('initial');
    // An action every second for two minutes: never quiet.
    for (let i = 0; i < 120; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      s.r.request('action');
    }
    await vi.advanceTimersByTimeAsync(60_000);
    const rel = s.rel();
    const gaps = rel.slice(1).map((t, i) => t - rel[i]!);
    expect(gaps.every((g) => g >= 10_000)).toBe(true);
    // 1 initial + at most 3 a minute over 2 minutes + the final one after the burst.
    expect(rel.length).toBeLessThanOrEqual(1 + 6 + 1);
    // The last action is served: a read starts after it.
    expect(rel[rel.length - 1]).toBeGreaterThan(120_000);
  });

  it('an early refresh serves a pending host request (no second read at the end of the window)', async () => {
    const s = setup();
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(5000);
    s.r.request('host'); // would be read at 60 s
    await vi.advanceTimersByTimeAsync(5000);
    s.r.request('action'); // read at 11.5 s serves both
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(s.rel()).toEqual([0, 11_500]);
  });

  it('a figure read by another feature serves earlier requests', async () => {
    const s = setup();
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(10_000);
    s.r.request('host');
    s.r.request('action');
    await vi.advanceTimersByTimeAsync(500);
    s.r.supply({ usedBytes: 42, limitBytes: 1000, at: Date.now() });
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    expect(s.starts).toHaveLength(1);
    expect(s.results.at(-1)).toEqual({ quota: { usedBytes: 42, limitBytes: 1000, at: T0 + 10_500 }, source: 'supplied' });
  });

  it('a request made while a read is in flight waits for the window (the read in flight may predate the change)', async () => {
    const s = setup({ latency: 3000 });
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(1000);
    s.r.request('host');
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(57_000);
    expect(s.rel()).toEqual([0, 60_000]);
  });

  it('reports failures and keeps the budget (no retry storm)', async () => {
    const s = setup({ fail: true });
    s.r.request('initial');
    await vi.advanceTimersByTimeAsync(300);
    expect(s.results[0]).toMatchObject({ source: 'read' });
    expect('error' in s.results[0]!).toBe(true);
    s.r.request('user');
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.starts).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(s.starts).toHaveLength(2);
  });

  it('does nothing after dispose', async () => {
    const s = setup();
    s.r.request('initial');
    s.r.request('host');
    s.r.dispose();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(s.starts).toHaveLength(1);
    expect(s.results).toHaveLength(0);
  });
});
