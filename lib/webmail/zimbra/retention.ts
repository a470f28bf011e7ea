/**
 * How long Zimbra keeps messages in the Trash and Junk before its purge deletes them for good.
 *
 * Sources (zm-mailbox): the admin limits zimbraMailTrashLifetime / zimbraMailSpamLifetime (GetInfo `attrs`,
 * defaults 30d) and the user's zimbraPrefTrashLifetime / zimbraPrefJunkLifetime (GetInfo `prefs`, default 0);
 * the effective one is Mailbox.purgeMessages' pickTimeout(admin, user): if one is 0 use the other, otherwise the
 * smaller; 0 means never purged. Durations are DateUtil.getTimeInterval's: a number followed by d, h, m, s or ms;
 * a bare number is seconds.
 */

const UNIT_MS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
const DAY_MS = 86_400_000;

/** A Zimbra duration in milliseconds; null when it cannot be read (treated as "not said", never as 0). */
export function parseZimbraDuration(value: unknown): number | null {
  const v = Array.isArray(value) ? value[0] : value;
  if (typeof v !== 'string' && typeof v !== 'number') return null;
  const m = /^\s*(\d{1,12})\s*(d|h|m|s|ms)?\s*$/i.exec(String(v));
  if (!m) return null;
  return Number(m[1]) * UNIT_MS[(m[2] ?? 's').toLowerCase()]!;
}

/** pickTimeout(admin, user) in days; null when the folder is never purged or neither value can be read. */
export function effectiveLifetimeDays(admin: unknown, user: unknown): number | null {
  const a = parseZimbraDuration(admin);
  const u = parseZimbraDuration(user);
  let ms: number | null;
  if (a === null && u === null) return null;
  if (!a) ms = u ?? 0;
  else if (!u) ms = a;
  else ms = Math.min(a, u);
  return ms > 0 ? ms / DAY_MS : null;
}

/** Trash and Junk lifetimes from GetInfo's `attrs` and `prefs` maps. */
export function retentionFromInfo(
  attrs: Record<string, unknown> | undefined,
  prefs: Record<string, unknown> | undefined,
): { trashDays: number | null; junkDays: number | null } {
  return {
    trashDays: effectiveLifetimeDays(attrs?.['zimbraMailTrashLifetime'], prefs?.['zimbraPrefTrashLifetime']),
    junkDays: effectiveLifetimeDays(attrs?.['zimbraMailSpamLifetime'], prefs?.['zimbraPrefJunkLifetime']),
  };
}
