import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LIST_WHOLE_BELOW, MAX_COUNTS, largestThreshold } from '../../../../lib/webmail/roundcube/largest';

/** A folder of these sizes: the counts the server would answer (LARGER t = strictly larger). */
function folder(sizes: number[]) {
  const asked: number[] = [];
  return {
    asked,
    count: async (t: number) => {
      asked.push(t);
      return sizes.filter((s) => s > t).length;
    },
  };
}

describe('largestThreshold: narrowing a folder to its N largest with counts', () => {
  it('lists a small folder whole without a count', async () => {
    const f = folder([10, 20, 30]);
    expect(await largestThreshold(100, LIST_WHOLE_BELOW, [10, 20, 30], f.count)).toBe(0);
    expect(f.asked).toEqual([]);
  });

  it('on 12,000 messages finds a threshold leaving between 100 and 400 of them, in a few counts', async () => {
    // Sizes spread like a mailbox: most small, a long tail of attachments.
    const sizes = Array.from({ length: 12_000 }, (_, i) => Math.round(2_000 * Math.exp((i * 7919) % 12_000 / 1_200)));
    const f = folder(sizes);
    const t = await largestThreshold(100, sizes.length, sizes.slice(0, 50), f.count);
    const above = sizes.filter((s) => s > t).length;
    expect(above).toBeGreaterThanOrEqual(100);
    expect(above).toBeLessThanOrEqual(400);
    expect(f.asked.length).toBeLessThanOrEqual(MAX_COUNTS);
  });

  it('never leaves fewer than N above the threshold, whatever the sizes and the sample (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 50_000_000 }), { minLength: 0, maxLength: 3_000 }),
        fc.integer({ min: 1, max: 300 }),
        fc.array(fc.integer({ min: 0, max: 50_000_000 }), { maxLength: 50 }),
        async (sizes, limit, sample) => {
          const f = folder(sizes);
          const t = await largestThreshold(limit, sizes.length, sample, f.count);
          const above = sizes.filter((s) => s > t).length;
          // Either the whole folder is listed (t = 0) or at least `limit` lie above t: the N largest are all listed.
          if (t > 0) expect(above).toBeGreaterThanOrEqual(limit);
          expect(f.asked.length).toBeLessThanOrEqual(MAX_COUNTS);
        },
      ),
      { numRuns: 300 },
    );
  });
});
