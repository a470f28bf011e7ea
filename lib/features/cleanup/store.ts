/**
 * The runner's view of the journal and the locks. The content script cannot reach extension storage: the real
 * store sends messages to the background (lib/background/cleanup.ts does the work, in IndexedDB), which knows the
 * calling tab and its origin and enforces the rules (one job per mailbox, no batch sent without the lock, the
 * snapshot's ids never change). Unit tests plug the background's journal in directly (one store per fake tab).
 */
import { send, MessageError } from '../../messages/send';
import type { Batch, Job } from '../../store/schemas';
import type { BatchRecord, JobExtras, LockHolder } from '../../store/journal';

export type { BatchRecord };

/** The lock's answer as the runner uses it (the message carries `{ ok, holder? }`). */
export type LockAnswer = { ok: true } | { ok: false; holder: LockHolder };

/** 'same-tab': the caller knows that the job holding the lock in its own tab is not running in this page. */
export type Takeover = 'same-tab';

export interface JobPatch {
  state?: Job['state'];
  /** Merged into the stored extras (keys replaced one by one; the merged extras are checked again). */
  report?: JobExtras;
}

export interface CleanupStore {
  /** Jobs running in this page: a lock this tab holds for any other job belongs to a page that is gone. */
  readonly active: Set<string>;
  /** Create a job with its batches (all 'pending'), only if the mailbox's lock can be taken for it. */
  create(job: Job, batches: Batch[], takeover?: Takeover): Promise<LockAnswer>;
  /** Take the lock for an existing job (resume, abandon). */
  lock(bal: string, jobId: string, takeover?: Takeover): Promise<LockAnswer>;
  /** False: the lock is no longer this job's (taken over after it looked stale). */
  heartbeat(bal: string, jobId: string): Promise<boolean>;
  unlock(bal: string, jobId: string): Promise<void>;
  /** Journal a batch as 'sent' right before its request. False: this job no longer holds the lock; do not send. */
  markSent(jobId: string, seq: number): Promise<boolean>;
  recordBatch(jobId: string, seq: number, rec: BatchRecord): Promise<void>;
  updateJob(jobId: string, patch: JobPatch): Promise<void>;
  getJob(jobId: string): Promise<{ job: Job; batches: Batch[] } | null>;
  /** This mailbox's jobs on this origin, newest first. */
  listJobs(bal: string, limit: number): Promise<Job[]>;
  /** Who holds the mailbox's lock now (null: nobody, or a stale holder). */
  lockStatus(bal: string): Promise<LockHolder | null>;
}

/** Errors from the store carry a code (e.g. 'not-found', 'invalid', 'unreachable'). */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function call<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof MessageError) throw new StoreError(e.code, e.message);
    // The extension was reloaded or updated: this page's content script can no longer reach it.
    throw new StoreError('unreachable', e instanceof Error ? e.message : String(e));
  }
}

function toAnswer(a: { ok: boolean; holder?: LockHolder }): LockAnswer {
  return a.ok ? { ok: true } : { ok: false, holder: a.holder ?? { jobId: '', sameTab: false, heartbeatAt: 0 } };
}

let pageStore: CleanupStore | undefined;

/** The page's store: messages to the background. One per page (its `active` set is this page's jobs). */
export function messageStore(): CleanupStore {
  pageStore ??= {
    active: new Set(),
    create: async (job, batches, takeover) => toAnswer(await call(() => send('cleanup/create', { job, batches, ...(takeover ? { takeover } : {}) }))),
    lock: async (bal, jobId, takeover) => toAnswer(await call(() => send('cleanup/lock', { bal, jobId, ...(takeover ? { takeover } : {}) }))),
    heartbeat: async (bal, jobId) => (await call(() => send('cleanup/heartbeat', { bal, jobId }))).ok,
    unlock: async (bal, jobId) => {
      await call(() => send('cleanup/unlock', { bal, jobId }));
    },
    markSent: async (jobId, seq) => (await call(() => send('cleanup/mark-sent', { jobId, seq }))).ok,
    recordBatch: async (jobId, seq, rec) => {
      await call(() => send('cleanup/record-batch', { jobId, seq, ...rec }));
    },
    updateJob: async (jobId, patch) => {
      await call(() => send('cleanup/update-job', { jobId, ...patch }));
    },
    getJob: async (jobId) => (await call(() => send('cleanup/get-job', { jobId }))).found ?? null,
    listJobs: async (bal, limit) => (await call(() => send('cleanup/list-jobs', { bal, limit }))).jobs,
    lockStatus: async (bal) => (await call(() => send('cleanup/lock-status', { bal }))).holder ?? null,
  };
  return pageStore;
}
