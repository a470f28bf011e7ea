/** mapLimit (lib/webmail/kit/async.ts): the bound, the order, and what happens after a failure. */
import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../../../lib/webmail/kit/async';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('mapLimit', () => {
  it('keeps at most `limit` calls running and gives the results in the items order', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapLimit([30, 5, 20, 1, 12, 8, 3], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await tick(ms);
      running--;
      return `${i}:${ms}`;
    });
    expect(out).toEqual(['0:30', '1:5', '2:20', '3:1', '4:12', '5:8', '6:3']);
    expect(peak).toBe(3);
  });

  it('starts nothing after the first failure, and settles only once the calls already running have ended', async () => {
    const started: number[] = [];
    const ended: number[] = [];
    const failure = new Error('blocked');
    const p = mapLimit([0, 1, 2, 3, 4, 5], 3, async (n) => {
      started.push(n);
      if (n === 1) {
        await tick(5);
        throw failure;
      }
      // A later failure of a call already running is not the one reported.
      await tick(n === 2 ? 40 : 20);
      ended.push(n);
      if (n === 2) throw new Error('later');
      return n;
    });
    await expect(p).rejects.toBe(failure);
    // 0, 1 and 2 were running; 1 failed while 0 and 2 still ran: nothing else started, both had ended.
    expect(started).toEqual([0, 1, 2]);
    expect(ended.sort()).toEqual([0, 2]);
  });

  it('tells the calls still running to stop (its signal) at the first failure, and when the caller\'s signal fires', async () => {
    const seen: boolean[] = [];
    const p = mapLimit([0, 1, 2], 3, async (n, _i, signal) => {
      if (n === 0) {
        await tick(2);
        throw new Error('ended session');
      }
      await tick(20);
      seen.push(signal.aborted);
      return n;
    });
    await expect(p).rejects.toThrow('ended session');
    expect(seen).toEqual([true, true]);
    const outer = new AbortController();
    const q = mapLimit([0, 1], 2, async (_n, _i, signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw new Error('aborted');
    }, { signal: outer.signal });
    outer.abort();
    await expect(q).rejects.toThrow('aborted');
  });

  it('runs nothing for no items, and one at a time with a limit of 1', async () => {
    expect(await mapLimit([], 3, async () => 1)).toEqual([]);
    const order: string[] = [];
    await mapLimit(['a', 'b', 'c'], 1, async (s) => {
      order.push(`start ${s}`);
      await tick(2);
      order.push(`end ${s}`);
    });
    expect(order).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
