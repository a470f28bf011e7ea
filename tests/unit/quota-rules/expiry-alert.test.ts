import { describe, expect, it } from 'vitest';
import { EXPIRY_NOTICE_DAYS, nextExpiryAlert } from '../../../lib/quota-rules/expiry-alert';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);
const report = (count: number, inDays: number | null, now = T0) => ({ count, firstExpiry: inDays === null ? null : now + inDays * DAY, horizonEnd: now + 7 * DAY });

describe('the expiry warning: once, a few days before', () => {
  it('says nothing while the first deletion is further than the notice period, or when nothing goes', () => {
    expect(nextExpiryAlert(undefined, report(4, EXPIRY_NOTICE_DAYS + 0.5), T0)).toEqual({ coveredUntil: undefined, notify: false });
    expect(nextExpiryAlert(undefined, report(0, null), T0)).toEqual({ coveredUntil: undefined, notify: false });
  });

  it('notifies when the first deletion comes within the notice period, covering the report’s whole horizon', () => {
    expect(nextExpiryAlert(undefined, report(4, 2), T0)).toEqual({ coveredUntil: T0 + 7 * DAY, notify: true });
  });

  it('stays silent for the same messages on every later report (page loads, tabs, days after)', () => {
    const covered = T0 + 7 * DAY;
    for (const later of [T0 + 60_000, T0 + DAY, T0 + 5 * DAY]) {
      // The first not yet deleted message goes before what was covered.
      expect(nextExpiryAlert(covered, report(3, 1, later), later).notify).toBe(false);
    }
  });

  it('notifies again for messages that reach the line after what was covered, once', () => {
    const covered = T0 + 7 * DAY;
    const later = T0 + 6 * DAY;
    const r = { count: 2, firstExpiry: covered + DAY, horizonEnd: later + 7 * DAY };
    const first = nextExpiryAlert(covered, r, later);
    expect(first).toEqual({ coveredUntil: later + 7 * DAY, notify: true });
    expect(nextExpiryAlert(first.coveredUntil, r, later + 3_600_000).notify).toBe(false);
  });
});
