/**
 * How long Balise keeps what it derives from a mailbox, and how the user erases it.
 *
 * The classification cache says which messages carry health documents, and cleanup jobs hold folder ids (which
 * practices sometimes name after patients), message ids and report lines: none of it may outlive its use.
 * - Cleanup jobs and their batches: a finished job goes 30 days after it ended, except the last job of each
 *   mailbox and webmail (the one "undo" works on, and what the panel's last report shows). Unfinished jobs stay
 *   (they are resumable) until they end.
 * - Verdicts: a message moved or deleted by a cleanup no longer exists where the verdict says: its verdict goes
 *   when the batch records it. Verdicts that no snapshot has read for VERDICT_IDLE_DAYS go at the next snapshot
 *   of that mailbox (a message deleted in the webmail itself is never read again).
 * - Quota history: HISTORY_DAYS (lib/background/quota.ts), unchanged.
 * - "Forget this mailbox" (options page) removes every row derived from one mailbox; removing a webmail origin
 *   offers to forget every mailbox seen on it.
 */
import Dexie from 'dexie';
import { db, type BaliseDb } from '../store/db';
import { ALERTS_KEY } from './quota';
import { EXPIRY_ALERTS_KEY } from './expiry';
import { readSettings } from '../store/settings';
import type { Job } from '../store/schemas';

const DAY = 86_400_000;
export const JOB_RETENTION_DAYS = 30;
export const VERDICT_IDLE_DAYS = 30;
const FINAL = new Set<Job['state']>(['done', 'failed', 'cancelled']);

/** Drop finished jobs (and their batches) older than JOB_RETENTION_DAYS, keeping each mailbox's last job. */
export async function purgeJobs(now = Date.now()): Promise<string[]> {
  const d = db();
  return d.transaction('rw', [d.jobs, d.batches], async () => {
    const jobs = await d.jobs.toArray();
    const last = new Map<string, Job>();
    for (const j of jobs) {
      const key = `${j.bal}\n${j.origin}`;
      const seen = last.get(key);
      if (!seen || j.createdAt > seen.createdAt || (j.createdAt === seen.createdAt && j.updatedAt > seen.updatedAt)) last.set(key, j);
    }
    const keep = new Set([...last.values()].map((j) => j.id));
    const gone = jobs.filter((j) => FINAL.has(j.state) && !keep.has(j.id) && j.updatedAt < now - JOB_RETENTION_DAYS * DAY).map((j) => j.id);
    if (gone.length) {
      await d.batches.where('jobId').anyOf(gone).delete();
      await d.jobs.bulkDelete(gone);
    }
    return gone;
  });
}

/** Drop the verdicts of messages that left these places (moved to the trash, put back, deleted). */
export async function dropVerdicts(bal: string, folderId: string, ids: readonly string[], d: BaliseDb = db()): Promise<void> {
  if (!ids.length) return;
  // Only the verdicts that exist: a batch of 5,000 moved messages usually has a few hundred (the preview reads only
  // candidates), and a delete per id held every batch's journal answer by hundreds of milliseconds (bench/cleanup-run.ts).
  const b = bal.toLowerCase();
  const gone = new Set(ids);
  const keys = (await d.classifications
    .where('[bal+folderId+id]')
    .between([b, folderId, Dexie.minKey], [b, folderId, Dexie.maxKey])
    .primaryKeys()) as [string, string, string][];
  const drop = keys.filter((k) => gone.has(k[2]));
  if (drop.length) await d.classifications.bulkDelete(drop);
}

/** Drop the verdicts of this mailbox that no snapshot has read for VERDICT_IDLE_DAYS. */
export async function purgeIdleVerdicts(bal: string, now = Date.now()): Promise<number> {
  const limit = now - VERDICT_IDLE_DAYS * DAY;
  return db()
    .classifications.where('bal')
    .equals(bal.toLowerCase())
    .filter((r) => r.at < limit)
    .delete();
}

export interface ForgetOutcome {
  bals: string[];
  jobs: number;
  verdicts: number;
  quotaPoints: number;
}

/**
 * Remove every row derived from these mailboxes: the BAL itself (registry or seen), its quota history, its
 * cleanup jobs and batches, its lock, its cached verdicts, its folder choices and its alert state. The mailbox
 * itself (on the server) is not touched.
 */
export async function forgetMailboxes(addresses: readonly string[]): Promise<ForgetOutcome> {
  const keys = [...new Set(addresses.map((a) => a.toLowerCase()))];
  const d = db();
  return d.transaction('rw', [d.bals, d.quotaHistory, d.jobs, d.batches, d.locks, d.classifications, d.kv], async () => {
    const out: ForgetOutcome = { bals: [], jobs: 0, verdicts: 0, quotaPoints: 0 };
    for (const key of keys) {
      if (await d.bals.get(key)) out.bals.push(key);
      await d.bals.delete(key);
      out.quotaPoints += await d.quotaHistory.where('bal').equals(key).delete();
      const jobIds = (await d.jobs.where('bal').equals(key).primaryKeys()) as string[];
      if (jobIds.length) await d.batches.where('jobId').anyOf(jobIds).delete();
      out.jobs += jobIds.length;
      await d.jobs.bulkDelete(jobIds);
      await d.locks.delete(key);
      out.verdicts += await d.classifications.where('bal').equals(key).delete();
    }
    const settingsRow = await d.kv.get('settings');
    if (settingsRow) {
      const settings = readSettings(settingsRow.value);
      const ruleFolders = { ...settings.cleanup.ruleFolders };
      let changed = false;
      for (const key of keys) if (key in ruleFolders) changed = delete ruleFolders[key] || changed;
      if (changed) await d.kv.put({ key: 'settings', value: { ...settings, cleanup: { ...settings.cleanup, ruleFolders } } });
    }
    // What was notified for these BALs (quota levels, expiry warnings) goes with them.
    for (const kvKey of [ALERTS_KEY, EXPIRY_ALERTS_KEY]) {
      const alerts = await d.kv.get(kvKey);
      if (!alerts?.value || typeof alerts.value !== 'object') continue;
      const next = { ...(alerts.value as Record<string, unknown>) };
      let changed = false;
      for (const key of keys) if (key in next) changed = delete next[key] || changed;
      if (changed) await d.kv.put({ key: kvKey, value: next });
    }
    return out;
  });
}

/** The mailboxes Balise holds rows about that were seen on (or registered for) this webmail origin. */
export async function mailboxesOfOrigin(origin: string): Promise<string[]> {
  const d = db();
  const fromBals = (await d.bals.toArray()).filter((b) => b.webmailOrigin === origin).map((b) => b.address);
  const fromJobs = (await d.jobs.toArray()).filter((j) => j.origin === origin).map((j) => j.bal);
  return [...new Set([...fromBals, ...fromJobs])].sort();
}

/** Forget every mailbox of a webmail origin, and every job run on it. */
export async function forgetOrigin(origin: string): Promise<ForgetOutcome> {
  const out = await forgetMailboxes(await mailboxesOfOrigin(origin));
  const d = db();
  const jobIds = (await d.jobs.toArray()).filter((j) => j.origin === origin).map((j) => j.id);
  if (jobIds.length) {
    await d.transaction('rw', [d.jobs, d.batches], async () => {
      await d.batches.where('jobId').anyOf(jobIds).delete();
      await d.jobs.bulkDelete(jobIds);
    });
    out.jobs += jobIds.length;
  }
  return out;
}

/** Run the time-based retention (at start-up and when a cleanup job is created). */
export async function runRetention(now = Date.now()): Promise<void> {
  try {
    await purgeJobs(now);
  } catch (e) {
    console.warn('[Balise] retention', e);
  }
}
