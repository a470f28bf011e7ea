/**
 * How the Roundcube adapter cuts a folder's ids into requests: ascending UIDs so that runs fold into IMAP ranges,
 * at most `max` ids, and a UID set that fits the checks' GET request line (ROUNDCUBE_MAX_SET_CHARS once
 * URL-encoded) — checked against the encoding the browser really applies.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ROUNDCUBE_MAX_SET_CHARS, cutUidBatches, encodedSetLength } from '../../../../lib/webmail/roundcube/index';
import { uidSet } from '../../../../lib/webmail/roundcube/parse';

const encoded = (ids: string[]) => encodeURIComponent(uidSet(ids.map(Number))).length;

describe('encodedSetLength', () => {
  it('is the length of the URL-encoded IMAP set', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 20_000_000 }), { maxLength: 300 }), (uids) => {
        const sorted = [...uids].sort((a, b) => a - b);
        expect(encodedSetLength(sorted)).toBe(uids.length ? encodeURIComponent(uidSet(sorted)).length : 0);
      }),
    );
  });
});

describe('cutUidBatches', () => {
  it('puts 10,000 consecutive UIDs in two requests of 5,000', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => String(10_000 - i));
    const parts = cutUidBatches(ids, 5000);
    expect(parts.map((p) => p.length)).toEqual([5000, 5000]);
    expect(uidSet(parts[0]!.map(Number))).toBe('1:5000');
    expect(uidSet(parts[1]!.map(Number))).toBe('5001:10000');
  });

  it('stops scattered 7-digit UIDs near 500 a request, within the request-line budget', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => String(1_000_000 + 3 * i));
    const parts = cutUidBatches(ids, 5000);
    for (const p of parts) expect(encoded(p)).toBeLessThanOrEqual(ROUNDCUBE_MAX_SET_CHARS);
    expect(parts[0]!.length).toBeGreaterThanOrEqual(450);
    expect(parts[0]!.length).toBeLessThanOrEqual(510);
  });

  it('keeps ids that are not UIDs, and repeats, in the first request (they fail there as not found)', () => {
    const parts = cutUidBatches(['7', 'abc', '5', '7', '6'], 2);
    expect(parts).toEqual([['abc', '7', '5', '6'], ['7']]);
  });

  it('gives every id exactly once, never more than max a request, never over the budget', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 0xffffffff })), { maxLength: 3000 }),
        fc.integer({ min: 1, max: 6000 }),
        (uids, max) => {
          const ids = [...new Set(uids)].map(String);
          const parts = cutUidBatches(ids, max);
          expect(parts.flat().sort()).toEqual([...ids].sort());
          for (const p of parts) {
            expect(p.length).toBeGreaterThan(0);
            expect(p.length).toBeLessThanOrEqual(max);
            expect(encoded(p)).toBeLessThanOrEqual(ROUNDCUBE_MAX_SET_CHARS);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
