/**
 * The background's side of the classification cache (lib/messages/classify.ts). A content script only reads and
 * writes verdicts of a BAL seen on its own origin: a page of another webmail cannot learn which messages of this
 * BAL carry clinical documents.
 */
import { db } from '../store/db';
import type { ClassificationRow } from '../store/schemas';
import type { HandlersFor, Sender } from '../messages/router';
import { CLASSIFY_MAX_KEPT, type classificationMessages } from '../messages/classify';
import { purgeIdleVerdicts } from './retention';

const DAY = 86_400_000;
/** Idle verdicts of a mailbox are purged at most this often (a snapshot sends many 'classify/get'). */
const PURGE_EVERY_MS = 10 * 60_000;
const lastPurge = new Map<string, number>();

class ForbiddenError extends Error {
  readonly code = 'forbidden';
}

async function checkBal(bal: string, sender: Sender): Promise<string> {
  const key = bal.toLowerCase();
  const origin = sender.url ? new URL(sender.url).origin : '';
  const row = await db().bals.get(key);
  if (row?.webmailOrigin && row.webmailOrigin !== origin) throw new ForbiddenError('This mailbox belongs to another webmail');
  return key;
}

export function classificationHandlers(now: () => number = Date.now): HandlersFor<typeof classificationMessages> {
  return {
    'classify/get': async ({ bal, refs }, sender) => {
      const key = await checkBal(bal, sender);
      const t = now();
      // A snapshot reads the verdicts of the messages that still exist: what is not read for long goes.
      if (t - (lastPurge.get(key) ?? -Infinity) > PURGE_EVERY_MS) {
        lastPurge.set(key, t);
        await purgeIdleVerdicts(key, t);
      }
      const found = await db().classifications.bulkGet(refs.map((r) => [key, r.folderId, r.id] as [string, string, string]));
      const stale = found.filter((r): r is ClassificationRow => !!r && t - r.at > DAY);
      if (stale.length) await db().classifications.bulkPut(stale.map((r) => ({ ...r, at: t })));
      return {
        rows: found
          .filter((r): r is ClassificationRow => !!r)
          .map((r) => ({ folderId: r.folderId, id: r.id, size: r.size, clinical: r.clinical, ...(r.listed !== undefined ? { listed: r.listed } : {}) })),
      };
    },
    'classify/ids': async ({ bal }, sender) => {
      const key = await checkBal(bal, sender);
      // Most recently read first: beyond the cap, the oldest-read wait for the idle purge.
      const rows = await db().classifications.where('bal').equals(key).toArray();
      rows.sort((a, b) => b.at - a.at);
      return { refs: rows.slice(0, CLASSIFY_MAX_KEPT).map((r) => ({ folderId: r.folderId, id: r.id })) };
    },
    'classify/drop': async ({ bal, refs }, sender) => {
      const key = await checkBal(bal, sender);
      await db().classifications.bulkDelete(refs.map((r) => [key, r.folderId, r.id] as [string, string, string]));
      return { ok: true as const };
    },
    'classify/put': async ({ bal, rows }, sender) => {
      const key = await checkBal(bal, sender);
      const at = now();
      await db().classifications.bulkPut(rows.map((r) => ({ bal: key, folderId: r.folderId, id: r.id, size: r.size, clinical: r.clinical, ...(r.listed !== undefined ? { listed: r.listed } : {}), at })));
      return { ok: true as const };
    },
  };
}
