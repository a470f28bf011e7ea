/**
 * The background's side of the cleanup: the journal (jobs and their batches) and the per-mailbox locks, in
 * IndexedDB. The runner lives in the content script (it needs the page's session to talk to the webmail) and
 * reaches this through messages (lib/messages/cleanup.ts).
 *
 * Rules enforced here, whatever a content script asks:
 * - one job per mailbox at a time, across tabs: a LockRow per mailbox, refreshed by heartbeats. A lock is stale,
 *   and may be taken over, when its heartbeat is older than LOCK_STALE_MS or its tab is gone (closed, browser
 *   restarted). A tab may also take over its own lock when the page that held it was reloaded (the runner knows
 *   which jobs run in its page and only asks then). Anyone else gets "locked", with the holder.
 * - a batch is marked 'sent' only while the job holds the lock; a batch's ids never change after creation; its
 *   outcome (done / failed / newRefs) only names its own ids; a finished batch is never rewritten.
 * - a page only sees and touches jobs of its own origin.
 * - what is read back is checked (readJob): a row an older version wrote that does not pass today's schema is shown
 *   as ended, with stopReason 'journal-outdated' (never resumed, never undone), and never crashes a caller.
 */
import { browser } from 'wxt/browser';
import { db as defaultDb, type BaliseDb } from '../store/db';
import { Batch as BatchRow, Job as JobRow, type Batch, type Job, type LockRow } from '../store/schemas';
import { JobExtrasSchema, JobHead, type BatchRecord, type JobExtras, type LockHolder } from '../store/journal';
import * as z from 'zod/mini';
import type { Sender } from '../messages/router';
import { dropVerdicts, runRetention } from './retention';

/** A lock whose heartbeat is older than this is stale (the runner beats every 15 s). */
export const LOCK_STALE_MS = 60_000;

export interface Caller {
  tabId: number;
  origin: string;
}

export interface LockAnswer {
  ok: boolean;
  holder?: LockHolder;
}

const RESUMABLE_JOB = new Set<Job['state']>(['planned', 'exporting', 'running', 'paused']);
const JobHeadRow = z.object({ ...JobHead, bal: JobRow.shape.bal, origin: JobRow.shape.origin });
const JobOwner = z.object({ id: JobHead.id, bal: JobRow.shape.bal, origin: JobRow.shape.origin });

/**
 * A job row as read back, checked. Rows of an older version kept folder paths in their final report's foldersAfter:
 * those are dropped and the row checked again. A row that still does not pass is read as ended ('journal-outdated':
 * not resumable, not undoable) with its head only; a row whose head does not pass either is not read at all (null).
 * `changed`: the row as stored is not the row as read (the journal writes the checked one back).
 */
export function readJobRow(row: unknown): { job: Job | null; changed: boolean } {
  const ok = JobRow.safeParse(row);
  if (ok.success) return { job: ok.data, changed: false };
  const r = row as { report?: { final?: { foldersAfter?: unknown } } } | null;
  const folders = r?.report?.final?.foldersAfter;
  if (Array.isArray(folders)) {
    const foldersAfter = folders.map((f: unknown) => {
      if (!f || typeof f !== 'object') return f;
      const { path: _path, ...rest } = f as Record<string, unknown>;
      return rest;
    });
    const again = JobRow.safeParse({ ...r, report: { ...r!.report, final: { ...r!.report!.final, foldersAfter } } });
    if (again.success) return { job: again.data, changed: true };
  }
  return { job: outdated(row), changed: true };
}

export function readJob(row: unknown): Job | null {
  return readJobRow(row).job;
}

function outdated(row: unknown): Job | null {
  const head = JobHeadRow.safeParse(row);
  if (!head.success) return null;
  const state: Job['state'] = RESUMABLE_JOB.has(head.data.state) ? 'failed' : head.data.state;
  return { ...head.data, state, report: { stopReason: 'journal-outdated' } };
}

const FINAL_JOB = new Set<Job['state']>(['done', 'failed', 'cancelled']);
const FINAL_BATCH = new Set<Batch['state']>(['done', 'failed']);

export class CleanupRefused extends Error {
  override readonly name = 'CleanupRefused';
  constructor(
    readonly code: 'not-found' | 'invalid' | 'forbidden',
    message: string,
  ) {
    super(message);
  }
}

export interface JournalDeps {
  db?: () => BaliseDb;
  /** Whether a tab still exists (a lock of a closed tab is stale at once). */
  tabExists?: (tabId: number) => Promise<boolean>;
  now?: () => number;
}

async function browserTabExists(tabId: number): Promise<boolean> {
  try {
    await browser.tabs.get(tabId);
    return true;
  } catch {
    return false;
  }
}

export class CleanupJournal {
  private readonly db: () => BaliseDb;
  private readonly tabExists: (tabId: number) => Promise<boolean>;
  private readonly now: () => number;

  constructor(deps: JournalDeps = {}) {
    this.db = deps.db ?? defaultDb;
    this.tabExists = deps.tabExists ?? browserTabExists;
    this.now = deps.now ?? Date.now;
  }

  private async isStale(lock: LockRow, caller: Caller): Promise<boolean> {
    if (this.now() - lock.heartbeatAt > LOCK_STALE_MS) return true;
    if (lock.tabId === caller.tabId) return false;
    return !(await this.tabExists(lock.tabId));
  }

  /**
   * Decide about the lock outside the transaction (tabs.get is not an IndexedDB call), then write inside one,
   * only if the row is still the one we looked at.
   */
  private async take(caller: Caller, bal: string, jobId: string, takeover: 'same-tab' | undefined, write?: (d: BaliseDb) => Promise<void>): Promise<LockAnswer> {
    const d = this.db();
    const seen = await d.locks.get(bal);
    let allowed = !seen;
    if (seen) {
      if (seen.jobId === jobId && seen.tabId === caller.tabId) allowed = true;
      else if (seen.tabId === caller.tabId && takeover === 'same-tab') allowed = true;
      else if (await this.isStale(seen, caller)) allowed = true;
    }
    if (!allowed) return { ok: false, holder: { jobId: seen!.jobId, sameTab: seen!.tabId === caller.tabId, heartbeatAt: seen!.heartbeatAt } };
    return d.transaction('rw', [d.locks, d.jobs, d.batches], async () => {
      const now = await d.locks.get(bal);
      if ((now?.jobId ?? null) !== (seen?.jobId ?? null) || (now?.heartbeatAt ?? null) !== (seen?.heartbeatAt ?? null) || (now?.tabId ?? null) !== (seen?.tabId ?? null)) {
        // Someone else changed it meanwhile: report them as the holder.
        return now
          ? { ok: false, holder: { jobId: now.jobId, sameTab: now.tabId === caller.tabId, heartbeatAt: now.heartbeatAt } }
          : { ok: false, holder: { jobId: '', sameTab: false, heartbeatAt: 0 } };
      }
      if (write) await write(d);
      const t = this.now();
      await d.locks.put({ mailbox: bal, jobId, tabId: caller.tabId, acquiredAt: seen?.jobId === jobId && seen.tabId === caller.tabId ? seen.acquiredAt : t, heartbeatAt: t });
      return { ok: true };
    });
  }

  async create(caller: Caller, job: Job, batches: Batch[], takeover?: 'same-tab'): Promise<LockAnswer> {
    if (job.origin !== caller.origin) throw new CleanupRefused('forbidden', 'A page may only create jobs for its own origin');
    const seqs = new Set<number>();
    for (const b of batches) {
      if (b.jobId !== job.id) throw new CleanupRefused('invalid', 'Batch of another job');
      if (seqs.has(b.seq)) throw new CleanupRefused('invalid', 'Duplicate batch seq');
      seqs.add(b.seq);
      if (b.state !== 'pending' || b.done?.length || b.failed?.length || b.newRefs) throw new CleanupRefused('invalid', 'New batches are pending and empty');
      if (new Set(b.ids).size !== b.ids.length) throw new CleanupRefused('invalid', 'Duplicate ids in a batch');
      if (b.sizes && b.sizes.length !== b.ids.length) throw new CleanupRefused('invalid', 'sizes must parallel ids');
    }
    const existing = await this.db().jobs.get(job.id);
    if (existing) throw new CleanupRefused('invalid', 'Job id already used');
    return this.take(caller, job.bal, job.id, takeover, async (d) => {
      await d.jobs.add(job);
      await d.batches.bulkAdd(batches);
    });
  }

  /**
   * Read a job row checked; a row an older version wrote is written back as read (paths dropped, or outdated: its
   * batches, of no use any more, go with it), so that no unchecked text stays in the journal once seen.
   */
  private async checked(row: unknown, badBatches = false): Promise<Job | null> {
    const { job, changed } = readJobRow(row);
    if (!job) return null;
    const final = badBatches ? (outdated(job) ?? job) : job;
    if (changed || badBatches) {
      const d = this.db();
      await d.transaction('rw', [d.jobs, d.batches], async () => {
        await d.jobs.put(final);
        if (badBatches || final.report?.stopReason === 'journal-outdated') await d.batches.where('jobId').equals(final.id).delete();
      });
    }
    return final;
  }

  /** Whose job it is (its mailbox and origin): every write checks this first, so it reads no more than the head. */
  private async ownJob(caller: Caller, jobId: string): Promise<Pick<Job, 'id' | 'bal' | 'origin'>> {
    const row: unknown = await this.db().jobs.get(jobId);
    const head = JobOwner.safeParse(row);
    if (!head.success || head.data.origin !== caller.origin) throw new CleanupRefused('not-found', 'No such job');
    return head.data;
  }

  async lock(caller: Caller, bal: string, jobId: string, takeover?: 'same-tab'): Promise<LockAnswer> {
    const job = await this.ownJob(caller, jobId);
    if (job.bal !== bal) throw new CleanupRefused('not-found', 'No such job for this mailbox');
    return this.take(caller, bal, jobId, takeover);
  }

  async heartbeat(caller: Caller, bal: string, jobId: string): Promise<boolean> {
    const d = this.db();
    return d.transaction('rw', d.locks, async () => {
      const lock = await d.locks.get(bal);
      if (!lock || lock.jobId !== jobId || lock.tabId !== caller.tabId) return false;
      await d.locks.put({ ...lock, heartbeatAt: this.now() });
      return true;
    });
  }

  async unlock(caller: Caller, bal: string, jobId: string): Promise<void> {
    const d = this.db();
    await d.transaction('rw', d.locks, async () => {
      const lock = await d.locks.get(bal);
      if (lock && lock.jobId === jobId && lock.tabId === caller.tabId) await d.locks.delete(bal);
    });
  }

  /** Release every lock a closed tab held (its jobs become resumable from another tab at once). */
  async releaseTab(tabId: number): Promise<number> {
    const d = this.db();
    return d.transaction('rw', d.locks, async () => {
      const rows = (await d.locks.toArray()).filter((l) => l.tabId === tabId);
      await d.locks.bulkDelete(rows.map((l) => l.mailbox));
      return rows.length;
    });
  }

  async markSent(caller: Caller, jobId: string, seq: number): Promise<boolean> {
    const job = await this.ownJob(caller, jobId);
    const d = this.db();
    return d.transaction('rw', [d.locks, d.jobs, d.batches], async () => {
      const lock = await d.locks.get(job.bal);
      if (!lock || lock.jobId !== jobId || lock.tabId !== caller.tabId) return false;
      const batch = await d.batches.get([jobId, seq]);
      if (!batch) throw new CleanupRefused('not-found', 'No such batch');
      if (FINAL_BATCH.has(batch.state)) throw new CleanupRefused('invalid', 'This batch is finished');
      const t = this.now();
      await d.batches.put({ ...batch, state: 'sent', updatedAt: t });
      await d.locks.put({ ...lock, heartbeatAt: t });
      const current = await d.jobs.get(jobId);
      if (current && current.state !== 'running' && !FINAL_JOB.has(current.state)) await d.jobs.put({ ...current, state: 'running', updatedAt: t });
      return true;
    });
  }

  /**
   * Record a batch's outcome so far. Allowed without the lock (it records what happened; a runner that lost its
   * lock still says what its last request did), never for a finished batch, never naming foreign ids.
   */
  async recordBatch(caller: Caller, jobId: string, seq: number, rec: BatchRecord): Promise<void> {
    const job = await this.ownJob(caller, jobId);
    const d = this.db();
    const folderId = await d.transaction('rw', d.batches, async () => {
      const batch = await d.batches.get([jobId, seq]);
      if (!batch) throw new CleanupRefused('not-found', 'No such batch');
      if (FINAL_BATCH.has(batch.state)) throw new CleanupRefused('invalid', 'This batch is finished');
      const ids = new Set(batch.ids);
      const done = new Set(rec.done);
      if (done.size !== rec.done.length || rec.done.some((id) => !ids.has(id))) throw new CleanupRefused('invalid', 'done must be distinct ids of the batch');
      const failedIds = rec.failed.map((f) => f.id);
      if (new Set(failedIds).size !== failedIds.length || failedIds.some((id) => !ids.has(id) || done.has(id))) throw new CleanupRefused('invalid', 'failed must be other ids of the batch');
      if (rec.newRefs && Object.keys(rec.newRefs).some((id) => !done.has(id))) throw new CleanupRefused('invalid', 'newRefs only for done ids');
      // An outcome once known stays: a later record may add to it, never take back.
      for (const id of batch.done ?? []) if (!done.has(id)) throw new CleanupRefused('invalid', 'A done id cannot be forgotten');
      if (FINAL_BATCH.has(rec.state) && done.size + failedIds.length !== ids.size) throw new CleanupRefused('invalid', 'A finished batch names every id');
      await d.batches.put({
        ...batch,
        state: rec.state,
        done: rec.done,
        failed: rec.failed,
        ...(rec.newRefs ? { newRefs: { ...(batch.newRefs ?? {}), ...rec.newRefs } } : {}),
        updatedAt: this.now(),
      });
      return batch.folderId;
    });
    // The messages done here left this folder (trashed, put back or deleted): their verdicts name nothing now.
    await dropVerdicts(job.bal, folderId, rec.done, d).catch(() => undefined);
  }

  async updateJob(caller: Caller, jobId: string, patch: { state?: Job['state']; report?: JobExtras }): Promise<void> {
    await this.ownJob(caller, jobId);
    const d = this.db();
    await d.transaction('rw', d.jobs, async () => {
      const job = readJob(await d.jobs.get(jobId));
      if (!job) throw new CleanupRefused('not-found', 'No such job');
      if (patch.state && patch.state !== job.state && FINAL_JOB.has(job.state)) throw new CleanupRefused('invalid', 'This job is finished');
      // The merged extras are checked as a whole (caps hold across patches).
      const report = patch.report ? JobExtrasSchema.safeParse({ ...(job.report ?? {}), ...patch.report }) : null;
      if (report && !report.success) throw new CleanupRefused('invalid', 'These extras do not fit the journal');
      await d.jobs.put({
        ...job,
        ...(patch.state ? { state: patch.state } : {}),
        ...(report ? { report: report.data } : {}),
        updatedAt: this.now(),
      });
    });
  }

  /** A job and its batches, checked: if one batch does not read back, the job reads as outdated, without batches. */
  async getJob(caller: Caller, jobId: string): Promise<{ job: Job; batches: Batch[] } | null> {
    const row = await this.db().jobs.get(jobId);
    if (!row || row.origin !== caller.origin) return null;
    const rows: unknown[] = await this.db().batches.where('jobId').equals(jobId).sortBy('seq');
    const batches: Batch[] = [];
    for (const r of rows) {
      const b = BatchRow.safeParse(r);
      if (!b.success) {
        const job = await this.checked(row, true);
        return job ? { job, batches: [] } : null;
      }
      batches.push(b.data);
    }
    const job = await this.checked(row);
    return job && job.origin === caller.origin ? { job, batches: job.report?.stopReason === 'journal-outdated' ? [] : batches } : null;
  }

  async actionOf(caller: Caller, jobId: string): Promise<Job['action'] | null> {
    const job = await this.db().jobs.get(jobId);
    return job && job.origin === caller.origin ? job.action : null;
  }

  async listJobs(caller: Caller, bal: string, limit: number): Promise<Job[]> {
    const num = (x: unknown) => (typeof x === 'number' ? x : -Infinity);
    const rows = (await this.db().jobs.where('bal').equals(bal).toArray())
      .filter((r) => r.origin === caller.origin)
      .sort((a, b) => num(b.createdAt) - num(a.createdAt) || num(b.updatedAt) - num(a.updatedAt));
    // Only the rows returned are checked (a report may hold thousands of lines).
    const jobs: Job[] = [];
    for (const r of rows) {
      if (jobs.length >= limit) break;
      const j = await this.checked(r);
      if (j) jobs.push(j);
    }
    return jobs;
  }

  async lockStatus(caller: Caller, bal: string): Promise<LockHolder | null> {
    const lock = await this.db().locks.get(bal);
    if (!lock || (await this.isStale(lock, caller))) return null;
    return { jobId: lock.jobId, sameTab: lock.tabId === caller.tabId, heartbeatAt: lock.heartbeatAt };
  }
}

/** The caller of a message: its tab and origin, from the sender (never from the request). */
export function callerOf(sender: Sender): Caller {
  const tabId = sender.tab?.id;
  if (typeof tabId !== 'number' || !sender.url) throw new CleanupRefused('forbidden', 'Only a webmail tab may run a cleanup');
  return { tabId, origin: new URL(sender.url).origin };
}

/** Message handlers (spread into lib/background/main.ts). */
export function cleanupHandlers(journal = new CleanupJournal(), hooks: { beforeDelete?: (tabId: number) => void } = {}) {
  return {
    'cleanup/create': async ({ job, batches, takeover }: { job: Job; batches: Batch[]; takeover?: 'same-tab' }, sender: Sender) => {
      await runRetention();
      return journal.create(callerOf(sender), job, batches, takeover);
    },
    'cleanup/lock': ({ bal, jobId, takeover }: { bal: string; jobId: string; takeover?: 'same-tab' }, sender: Sender) =>
      journal.lock(callerOf(sender), bal, jobId, takeover),
    'cleanup/heartbeat': async ({ bal, jobId }: { bal: string; jobId: string }, sender: Sender) => ({
      ok: await journal.heartbeat(callerOf(sender), bal, jobId),
    }),
    'cleanup/unlock': async ({ bal, jobId }: { bal: string; jobId: string }, sender: Sender) => {
      await journal.unlock(callerOf(sender), bal, jobId);
      return { ok: true as const };
    },
    'cleanup/mark-sent': async ({ jobId, seq }: { jobId: string; seq: number }, sender: Sender) => {
      const caller = callerOf(sender);
      const ok = await journal.markSent(caller, jobId, seq);
      if (ok && (await journal.actionOf(caller, jobId)) === 'delete') hooks.beforeDelete?.(caller.tabId);
      return { ok };
    },
    'cleanup/record-batch': async ({ jobId, seq, state, done, failed, newRefs }: { jobId: string; seq: number } & BatchRecord, sender: Sender) => {
      await journal.recordBatch(callerOf(sender), jobId, seq, { state, done, failed, ...(newRefs ? { newRefs } : {}) });
      return { ok: true as const };
    },
    'cleanup/update-job': async ({ jobId, state, report }: { jobId: string; state?: Job['state']; report?: JobExtras }, sender: Sender) => {
      await journal.updateJob(callerOf(sender), jobId, { ...(state ? { state } : {}), ...(report ? { report } : {}) });
      return { ok: true as const };
    },
    'cleanup/get-job': async ({ jobId }: { jobId: string }, sender: Sender) => {
      const found = await journal.getJob(callerOf(sender), jobId);
      return found ? { found } : {};
    },
    'cleanup/list-jobs': async ({ bal, limit }: { bal: string; limit: number }, sender: Sender) => ({
      jobs: await journal.listJobs(callerOf(sender), bal, limit),
    }),
    'cleanup/lock-status': async ({ bal }: { bal: string }, sender: Sender) => {
      const holder = await journal.lockStatus(callerOf(sender), bal);
      return holder ? { holder } : {};
    },
  };
}

/** Wire the cleanup into the background: a closed tab gives its locks back at once. */
export function startCleanupBackground(journal = new CleanupJournal()): void {
  browser.tabs.onRemoved.addListener((tabId) => void journal.releaseTab(tabId).catch(() => undefined));
}
