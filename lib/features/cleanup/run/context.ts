/**
 * What every part of the runner shares: its options and test seams, the errors it rejects with, the context one run
 * carries (webmail, store, clock), and how it takes a mailbox's lock.
 */
import { isWebmailError, type MessageRef, type Quota, type Webmail } from '../../../webmail/types';
import type { Bus } from '../../bus';
import type { Job } from '../../../store/schemas';
import type { Batch, CleanupReason, JobExtras, LockHolder } from '../../../store/journal';
import type { JobItem, Progress } from '../types';
import { messageStore, StoreError, type CleanupStore, type LockAnswer } from '../store';

/** Exports messages before a 'delete' job deletes them (the export module). Only `exported` ones are deleted. */
export type Exporter = (
  items: JobItem[],
  opts: { signal?: AbortSignal },
) => Promise<{ exported: { folderId: string; id: string }[] }>;

/** Injection points for tests; the extension uses the defaults. */
export interface RunDeps {
  store?: CleanupStore;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Heartbeat period (ms); 0 = none (tests). Default 15 s. */
  heartbeatMs?: number;
  /** Attempts per batch for transient errors (default 3) and the pause between them (default 1 s, then ×3). */
  attempts?: number;
  retryDelayMs?: number;
  /** A fresh job id. */
  newId?: () => string;
}

export interface RunOptions {
  /** Cancel: stops after the current batch. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Gets 'mailbox-changed' after each batch. */
  bus?: Bus;
  /** resumeJob of a 'delete' job that had not finished exporting. */
  exportFirst?: Exporter;
  deps?: RunDeps;
}

export type CleanupErrorCode =
  | 'locked'
  | 'unsupported'
  | 'nothing-to-do'
  | 'too-many'
  | 'not-found'
  | 'not-resumable'
  | 'nothing-to-undo'
  | 'export-required'
  | 'other-webmail'
  | 'store';

export type { LockHolder };

export class CleanupError extends Error {
  override readonly name = 'CleanupError';
  constructor(
    readonly code: CleanupErrorCode,
    message: string,
    readonly holder?: LockHolder,
  ) {
    super(message);
  }
}

/** Thrown inside a run to stop it; `reason` becomes the job's stopReason. */
export class Stop extends Error {
  constructor(readonly reason: CleanupReason) {
    super(reason);
  }
}

export const TRANSIENT = new Set<string>(['network', 'server', 'busy', 'invalid-response', 'aborted']);
/**
 * Codes that stop the run with the ids they name left pending for a resume (not failed): the session is over,
 * permission was refused, or a firewall blocked the requests (the person resumes after the cool-down).
 */
export const STOPPING = new Set<string>(['auth-expired', 'forbidden', 'blocked']);
export const RESUMABLE = new Set<Job['state']>(['planned', 'exporting', 'running', 'paused']);
/** How many of a mailbox's recent jobs are looked at (resume, the snapshot of a delete). */
export const HISTORY = 20;

export const key = (r: MessageRef) => `${r.folderId}\u0000${r.id}`;

export function codeOf(e: unknown): CleanupReason {
  if (isWebmailError(e)) return e.code;
  if (e instanceof StoreError) return 'store';
  return 'server';
}

/** The job's extras, as the journal checked them (a row an older version wrote reads as 'journal-outdated'). */
export function extrasOf(job: Job): JobExtras {
  return job.report ?? {};
}

/** A quota as the journal keeps it (only its numbers). */
export function quotaOf(q: Quota | null): Quota | null {
  return q ? { usedBytes: q.usedBytes, limitBytes: q.limitBytes, at: q.at } : null;
}

/**
 * A store failure as the runner reports it. 'forbidden' is the background's ownership check refusing this page the
 * mailbox (it belongs to another webmail origin, lib/background/ownership.ts): reloading would not help, so it is not
 * 'store' (which tells the person to reload) but 'other-webmail'.
 */
export function storeError(e: unknown): CleanupError {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof StoreError && e.code === 'forbidden') return new CleanupError('other-webmail', message);
  return new CleanupError('store', message);
}

function randomId(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return `job-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

export interface Ctx {
  webmail: Webmail;
  store: CleanupStore;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  heartbeatMs: number;
  attempts: number;
  retryDelayMs: number;
  newId: () => string;
  opts: RunOptions;
}

export function ctxOf(webmail: Webmail, opts: RunOptions): Ctx {
  const d = opts.deps ?? {};
  return {
    webmail,
    store: d.store ?? messageStore(),
    now: d.now ?? Date.now,
    sleep: d.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    heartbeatMs: d.heartbeatMs ?? 15_000,
    attempts: Math.max(1, d.attempts ?? 3),
    retryDelayMs: d.retryDelayMs ?? 1000,
    newId: d.newId ?? randomId,
    opts,
  };
}

/** The store of the read-only calls (status, find…): the test's, or the page's. */
export function storeOf(opts: { deps?: RunDeps }): CleanupStore {
  return opts.deps?.store ?? messageStore();
}

/** Take the lock; a holder in this same tab that is not running in this page is a reloaded page: take over. */
export async function acquire(ctx: Ctx, attempt: (takeover?: 'same-tab') => Promise<LockAnswer>): Promise<void> {
  let answer: LockAnswer;
  try {
    answer = await attempt();
    if (!answer.ok && answer.holder.sameTab && !ctx.store.active.has(answer.holder.jobId)) answer = await attempt('same-tab');
  } catch (e) {
    if (e instanceof StoreError && e.code === 'not-found') throw new CleanupError('not-found', e.message);
    throw storeError(e);
  }
  if (!answer.ok) {
    const where = answer.holder.sameTab ? 'in this tab' : 'in another tab';
    throw new CleanupError('locked', `A cleanup of this mailbox is already running ${where}`, answer.holder);
  }
}

/** A job being run: its row, its batches (in order) and its extras, as this page last wrote them. */
export interface Live {
  job: Job;
  batches: Batch[];
  extras: JobExtras;
}
