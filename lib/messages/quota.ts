/** Messages of the quota meter: content script → background reports, popup → background queries and actions. */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { Email, QuotaPoint } from '../store/schemas';

const Bytes = z.number().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));

export const quotaMessages = {
  /**
   * The content script read the quota of the BAL its page is logged in to. The background keeps it as the BAL's
   * lastQuota, adds a history point (one per BAL per hour), updates the toolbar badge and notifies when a
   * threshold is crossed upward.
   */
  'quota/report': def(
    { address: Email, usedBytes: Bytes, limitBytes: z.nullable(Bytes), at: z.number().check(z.gte(0)) },
    Ok,
    ['content'],
  ),
  /** Quota history points of one BAL, oldest first (the popup's chart). */
  'quota/history': def({ address: Email, since: z.optional(z.number()) }, z.array(QuotaPoint), ['page']),
  /**
   * Open the cleanup on this BAL's webmail: focus a tab of its webmail (or open it), then ask the page to open
   * its cleanup panel ('tab/open-cleanup').
   */
  'quota/open-cleanup': def(
    { address: Email, source: z.enum(['popup', 'notification']) },
    z.object({ ok: z.boolean(), reason: z.optional(z.enum(['unknown-bal', 'no-webmail', 'not-ready'])) }),
    ['page'],
  ),
  /** Focus a tab of this BAL's webmail, or open it. */
  'quota/open-webmail': def(
    { address: Email },
    z.object({ ok: z.boolean(), reason: z.optional(z.enum(['unknown-bal', 'no-webmail'])) }),
    ['page'],
  ),
} as const;
