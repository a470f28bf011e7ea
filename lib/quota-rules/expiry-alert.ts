/**
 * "Notify once, a few days before": the rule for webmails that delete every message after a fixed time (Medimail:
 * 90 days). The retention meter reports, for a BAL, how many messages the server deletes within its horizon (7
 * days) and when the first of them goes. The user is told once, EXPIRY_NOTICE_DAYS before that first deletion, of
 * everything the report counted; the state is the end of the horizon that notification covered, so later reports of
 * the same messages (every page load, every tab) stay silent, and the next notification is for messages that reach
 * the line after it — at most about once a week, never every day.
 *
 * Pure: the background keeps the state (lib/background/expiry.ts).
 */
export const EXPIRY_NOTICE_DAYS = 3;
const DAY = 86_400_000;

export interface ExpiryReport {
  /** Messages the server deletes before `horizonEnd`. */
  count: number;
  /** When the first of them is deleted (its arrival + the lifetime), or null when none. */
  firstExpiry: number | null;
  /** The end of the period the count covers (the report's time + the meter's horizon). */
  horizonEnd: number;
}

/** `coveredUntil`: what the last notification covered (undefined: never notified for this BAL). */
export function nextExpiryAlert(coveredUntil: number | undefined, r: ExpiryReport, now: number): { coveredUntil: number | undefined; notify: boolean } {
  if (r.count <= 0 || r.firstExpiry === null) return { coveredUntil, notify: false };
  const soon = r.firstExpiry - now <= EXPIRY_NOTICE_DAYS * DAY;
  const already = coveredUntil !== undefined && r.firstExpiry <= coveredUntil;
  if (!soon || already) return { coveredUntil, notify: false };
  return { coveredUntil: Math.max(r.horizonEnd, r.firstExpiry), notify: true };
}
