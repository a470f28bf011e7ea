import { db } from '../store/db';
import type { Bal, QuotaSnapshot } from '../store/schemas';
import type * as z from 'zod/mini';

type Quota = z.infer<typeof QuotaSnapshot>;

/**
 * A content script found a BAL on a webmail page. A BAL the user registered keeps what they entered; a new one
 * is recorded as "seen" so the options page can offer to add it to the registry.
 */
export async function recordSeen(
  address: string,
  kind: NonNullable<Bal['webmailKind']>,
  origin: string,
  quota: Quota | null | undefined,
  now = Date.now(),
): Promise<Bal> {
  const key = address.toLowerCase();
  return db().transaction('rw', db().bals, async () => {
    const current = await db().bals.get(key);
    const next: Bal = current
      ? {
          ...current,
          lastSeen: now,
          webmailKind: current.webmailKind ?? kind,
          webmailOrigin: current.webmailOrigin ?? origin,
          ...(quota ? { lastQuota: quota } : {}),
        }
      : {
          address: key,
          kind: null,
          status: 'active',
          preferred: false,
          source: 'seen',
          webmailKind: kind,
          webmailOrigin: origin,
          lastSeen: now,
          ...(quota ? { lastQuota: quota } : {}),
        };
    await db().bals.put(next);
    return next;
  });
}
