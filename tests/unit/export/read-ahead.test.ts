import { describe, expect, it } from 'vitest';
import { ReadAhead } from '../../../lib/export/read-ahead';
import type { RawMessage } from '../../../lib/webmail/raw';

/** A fake download: resolves when released, records when it was asked and whether its body was cancelled. */
function downloads(fail: Set<number> = new Set()) {
  const asked: number[] = [];
  const cancelled: number[] = [];
  const signals: AbortSignal[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = async (i: number, signal: AbortSignal): Promise<RawMessage> => {
    asked.push(i);
    signals.push(signal);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 1));
    inFlight--;
    if (fail.has(i)) throw new Error(`message ${i} failed`);
    const rest = new ReadableStream<Uint8Array>({ cancel: () => void cancelled.push(i) });
    return { head: new Uint8Array([i]), rest };
  };
  return { fetch, asked, cancelled, signals, max: () => maxInFlight };
}

describe('ReadAhead: one message asked ahead of the one being written', () => {
  it('hands the messages in order, asking each once, never more than one ahead', async () => {
    const d = downloads();
    const items = [0, 1, 2, 3, 4];
    const ahead = new ReadAhead(items, d.fetch);
    const got: number[] = [];
    for (const i of items.keys()) {
      const raw = await ahead.take(i);
      got.push(raw.head[0]!);
      // The next one (only) is already asked while this one is handled.
      expect(d.asked).toEqual(items.slice(0, Math.min(i + 2, items.length)));
      await raw.rest?.cancel();
    }
    ahead.close();
    expect(got).toEqual(items);
    expect(d.max()).toBeLessThanOrEqual(2);
  });

  it('reports a failure of the message ahead only when its turn comes', async () => {
    const d = downloads(new Set([2]));
    const ahead = new ReadAhead([0, 1, 2, 3], d.fetch);
    await ahead.take(0);
    await ahead.take(1); // message 2 is asked (and fails) meanwhile: nothing surfaces yet
    await new Promise((r) => setTimeout(r, 5));
    await expect(ahead.take(2)).rejects.toThrow('message 2 failed');
    ahead.close();
  });

  it('close() aborts what is ahead and cancels its body; a stopped export stops the requests', async () => {
    const d = downloads();
    const ahead = new ReadAhead([0, 1, 2], d.fetch);
    await ahead.take(0);
    ahead.close();
    await new Promise((r) => setTimeout(r, 5));
    expect(d.signals.every((s) => s.aborted)).toBe(true);
    expect(d.cancelled).toEqual([1]);

    const stop = new AbortController();
    const d2 = downloads();
    const ahead2 = new ReadAhead([0, 1], d2.fetch, stop.signal);
    await ahead2.take(0);
    stop.abort();
    expect(d2.signals.every((s) => s.aborted)).toBe(true);
    ahead2.close();
  });
});
