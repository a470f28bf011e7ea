/**
 * The cleanup's execution: a job acts on exact message ids (a snapshot), in batches, journaled in the background's
 * IndexedDB before and after every batch, under a per-mailbox lock held by the background across tabs.
 *
 * API for the panel (ENGINEER P), all in the content script:
 *
 *   const report = await startJob(webmail, { bal, origin, plan, action: 'trash', items }, { signal, onProgress, bus });
 *   const resumable = await findResumableJob(bal);          // an interrupted job of this mailbox, or null
 *   const report = await resumeJob(webmail, resumable.jobId, { signal, onProgress, bus });
 *   const report = await abandonJob(webmail, jobId);          // "stop here": settle what is known, no more actions
 *   const undoable = await findUndoableJob(bal);             // the last job, if it is a 'trash' job not undone yet
 *   const report = await undoLastJob(webmail, bal, { signal, onProgress, bus });
 *   const items = await trashedItems(jobId);                 // what a trash job moved, at its place in the trash
 *   const status = await cleanupStatus(bal);                 // running elsewhere? resumable? undoable?
 *   const last = await findLastJob(bal);                     // the most recent job and its report (after a reload)
 *
 * Contract:
 * - startJob / resumeJob / undoLastJob / abandonJob RESOLVE with a Report whatever happened to the messages
 *   (state 'done' | 'failed' | 'cancelled' | 'interrupted'; every item has exactly one line). They REJECT only
 *   when nothing was done at all, with a CleanupError:
 *     'locked'           another job of this mailbox runs (in another tab: `error.holder.sameTab === false`);
 *     'unsupported'      the webmail cannot act on messages (no mailbox part);
 *     'nothing-to-do'    no item at all;
 *     'not-found'        resumeJob / abandonJob: no such job (or not this mailbox's);
 *     'not-resumable'    resumeJob: the job already ended;
 *     'nothing-to-undo'  undoLastJob: no undoable job;
 *     'export-required'  a 'delete' job that must export first was resumed without `exportFirst`;
 *     'store'            the background could not be reached (extension updated or reloaded: reload the page);
 *   or with the adapter's WebmailError when the very first read (folders) fails.
 * - Cancel (opts.signal): the batch being sent finishes and is journaled; the job stops ('cancelled'), the
 *   remaining items get outcome 'skipped', reason 'cancelled'. Nothing is interrupted mid-request.
 * - Progress (opts.onProgress) after every batch; the bus gets 'mailbox-changed' after every batch that changed
 *   something, so the quota meter refreshes.
 * - Report.lines reasons: a WebmailErrorCode, or 'cancelled', 'not-in-snapshot', 'not-in-trash', 'already-in-trash',
 *   'not-exported', 'export-failed' (nothing deleted), 'unconfirmed' (sent, but the server could not be asked where
 *   the message is: resume settles it), 'unknown-location' (undo: its place in the trash is not known, put it back
 *   by hand), or, for items the job never got to, the job's stopReason ('auth-expired', 'network', 'server',
 *   'lock-lost' (another tab took the lock after this one looked dead), 'store', 'internal' (a bug of ours), …).
 *   A 'restored' line (undo) may carry reason 'unread-not-restored': back home, but it was unread before the trash
 *   job and is not confirmed unread again (Roundcube marks messages read on their way to the trash; the adapter has
 *   no markUnread, or it failed, or a tab marked it but its journal write failed before recording it). The undo
 *   itself does not fail for it. A line without that reason is exact: the message is unread again.
 *   Report.stopReason says why a job stopped early. States: 'interrupted' = resumable (findResumableJob);
 *   'failed' = the export failed (nothing deleted); 'cancelled' = the user stopped it, or abandonJob.
 * - 'trash': moves items to the trash (predictedFreed 0: the quota counts the trash), noting which were unread
 *   (JobItem.unread, else the plan's summary) so that undo can make them unread again. 'delete': deletes exact ids
 *   that are in the trash (only them, never the whole trash; predictedFreed = their sizes); with `exportFirst`,
 *   only messages the exporter confirms are deleted. 'undo': see undoLastJob.
 * - Retries: a batch whose request fails with 'network' / 'server' / 'busy' / 'invalid-response' is settled by
 *   asking the server which of its messages are still in the source folder, and only those are sent again (up to
 *   3 attempts). 'auth-expired' / 'forbidden' stop the job ('interrupted', resumable after logging in again).
 */
import { isWebmailError, mailboxOf, type Folder, type MessageRef, type Quota, type Webmail } from '../../webmail/types';
import type { Bus } from '../bus';
import type { Batch, Job } from '../../store/schemas';
import type { JobAction, JobItem, Plan, Progress, Report, ReportLine } from './types';
import { messageStore, StoreError, type BatchRecord, type CleanupStore, type LockAnswer } from './store';

export type { JobAction, JobItem, Progress, Report } from './types';

/** Exports messages before a 'delete' job deletes them (ENGINEER X's exporter). Only `exported` ones are deleted. */
export type Exporter = (
  items: JobItem[],
  opts: { signal?: AbortSignal },
) => Promise<{ exported: { folderId: string; id: string }[] }>;

export interface StartRequest {
  /** The mailbox (account address, lower-cased). */
  bal: string;
  /** The webmail's origin (location.origin). */
  origin: string;
  /** The snapshot the items come from: an item that is not in it is skipped ('not-in-snapshot'). */
  plan?: Plan;
  action: Exclude<JobAction, 'undo'>;
  items: JobItem[];
  /** 'delete' only: export first, then delete only what was exported. */
  exportFirst?: Exporter;
}

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
  | 'not-found'
  | 'not-resumable'
  | 'nothing-to-undo'
  | 'export-required'
  | 'store';

export interface LockHolder {
  jobId: string;
  /** The job runs in this same tab (a page that was reloaded while it ran does not count: it is taken over). */
  sameTab: boolean;
  heartbeatAt: number;
}

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

export interface JobSummary {
  jobId: string;
  bal: string;
  action: JobAction;
  /** 'running' = its tab went away mid-run; 'paused' = it stopped on an error (session, network) and can resume. */
  state: Job['state'];
  createdAt: number;
  updatedAt: number;
  totalCount: number;
  totalBytes: number;
  /** Items with no outcome yet (resumable jobs) or that can be put back (undoable jobs). */
  pendingCount: number;
  /** The final report, when the job ended. */
  report?: Report;
}

export interface CleanupStatus {
  /** A job of this mailbox holds the lock now (in this tab or another). */
  running: LockHolder | null;
  resumable: JobSummary | null;
  undoable: JobSummary | null;
}

// ---------------------------------------------------------------------------------------------------------------
// What a job keeps besides its batches (Job.report, a free record): the extras, and the final report.

interface SkippedItem {
  ref: MessageRef;
  size: number;
  reason: string;
}

interface Extras {
  planId?: string;
  /** undo job: the trash job it undoes. */
  sourceJobId?: string;
  /** trash job: the undo job that put it back. */
  undoneBy?: string;
  /** delete job: export first. */
  needsExport?: boolean;
  /** delete job: keys (folderId \0 id) the exporter confirmed. */
  exported?: string[];
  /** Items refused before the job started (never journaled as something to act on). */
  skipped?: SkippedItem[];
  /** trash job: keys (folderId \0 id) of the items that were unread when the job was made. */
  unread?: string[];
  /** undo job: keys of its items (at their place in the trash) to mark unread again once back home. */
  markUnread?: string[];
  /** undo job: those of `markUnread` that are unread again (checked by the adapter). */
  unreadDone?: string[];
  quotaBefore?: Quota | null;
  startedAt?: number;
  stopReason?: string;
  final?: Report;
}

const TRANSIENT = new Set(['network', 'server', 'busy', 'invalid-response', 'aborted']);
const STOPPING = new Set(['auth-expired', 'forbidden']);
const SKIP_CODES = new Set(['not-exported', 'export-failed', 'not-in-snapshot', 'not-in-trash', 'already-in-trash', 'cancelled', 'unknown-location']);
const RESUMABLE = new Set<Job['state']>(['planned', 'exporting', 'running', 'paused']);
const HISTORY = 20;

const key = (r: MessageRef) => `${r.folderId}\u0000${r.id}`;

function randomId(): string {
  const b = new Uint8Array(12);
  crypto.getRandomValues(b);
  return `job-${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

function codeOf(e: unknown): string {
  if (isWebmailError(e)) return e.code;
  if (e instanceof StoreError) return 'store';
  return 'server';
}

function extrasOf(job: Job): Extras {
  return (job.report ?? {}) as Extras;
}

function storeError(e: unknown): CleanupError {
  return new CleanupError('store', e instanceof Error ? e.message : String(e));
}

interface Ctx {
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

function ctxOf(webmail: Webmail, opts: RunOptions): Ctx {
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

/** Take the lock; a holder in this same tab that is not running in this page is a reloaded page: take over. */
async function acquire(ctx: Ctx, attempt: (takeover?: 'same-tab') => Promise<LockAnswer>): Promise<void> {
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

// ---------------------------------------------------------------------------------------------------------------
// Batches

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

function batchSize(webmail: Webmail): number {
  const n = webmail.capabilities.maxBatch;
  return Number.isInteger(n) && n > 0 ? Math.min(n, 5000) : 50;
}

/**
 * One folder's items cut into requests: the adapter's own cut when it has one (Roundcube folds consecutive UIDs into
 * ranges), else `size` at a time in the given order. An adapter's cut that loses or repeats an id is not used.
 */
function cutItems<T>(webmail: Webmail, list: T[], id: (t: T) => string, size: number): T[][] {
  const cut = webmail.mailbox?.cutBatches?.bind(webmail.mailbox);
  if (!cut) return chunk(list, size);
  const byId = new Map<string, T[]>();
  for (const it of list) {
    const q = byId.get(id(it));
    if (q) q.push(it);
    else byId.set(id(it), [it]);
  }
  let parts: string[][];
  try {
    parts = cut(list.map(id), size);
  } catch {
    return chunk(list, size);
  }
  const out: T[][] = [];
  for (const p of parts) {
    if (!p.length || p.length > size) return chunk(list, size);
    const batch: T[] = [];
    for (const i of p) {
      const it = byId.get(i)?.shift();
      if (it === undefined) return chunk(list, size);
      batch.push(it);
    }
    out.push(batch);
  }
  return [...byId.values()].some((q) => q.length) ? chunk(list, size) : out;
}

/** Group by (source folder, target), keep the caller's order inside a group (unless the adapter cuts it its own way). */
function makeBatches(webmail: Webmail, jobId: string, items: { ref: MessageRef; size: number; target?: string }[], now: number): Batch[] {
  const size = batchSize(webmail);
  const groups = new Map<string, typeof items>();
  for (const it of items) {
    const g = `${it.ref.folderId}\u0000${it.target ?? ''}`;
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(it);
  }
  const batches: Batch[] = [];
  for (const list of groups.values()) {
    for (const part of cutItems(webmail, list, (i) => i.ref.id, size)) {
      const b: Batch = {
        jobId,
        seq: batches.length,
        folderId: part[0]!.ref.folderId,
        ids: part.map((i) => i.ref.id),
        sizes: part.map((i) => i.size),
        bytes: part.reduce((s, i) => s + i.size, 0),
        state: 'pending',
        updatedAt: now,
      };
      if (part[0]!.target !== undefined) b.target = part[0]!.target;
      batches.push(b);
    }
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------------------------
// Running a job

interface Live {
  job: Job;
  batches: Batch[];
  extras: Extras;
}

function act(ctx: Ctx, action: JobAction, b: Batch, ids: string[]) {
  const mailbox = mailboxOf(ctx.webmail);
  if (action === 'trash') return mailbox.moveToTrash(b.folderId, ids);
  if (action === 'delete') return mailbox.deleteForever(b.folderId, ids);
  return mailbox.move(b.folderId, ids, b.target!);
}

/** Which of these ids are still in the folder (the whole folder is listed: the server is the truth). */
async function stillThere(webmail: Webmail, folderId: string, ids: string[]): Promise<Set<string>> {
  return mailboxOf(webmail).stillIn(folderId, ids);
}

const sizeIndex = new WeakMap<Batch, Map<string, number>>();

function sizeOf(b: Batch, id: string): number {
  let m = sizeIndex.get(b);
  if (!m) sizeIndex.set(b, (m = new Map(b.ids.map((x, i) => [x, b.sizes?.[i] ?? (b.ids.length ? b.bytes / b.ids.length : 0)]))));
  return m.get(id) ?? 0;
}

function progressOf(live: Live, current: number): Progress {
  let doneCount = 0;
  let doneBytes = 0;
  let failedCount = 0;
  let totalCount = 0;
  let totalBytes = 0;
  for (const b of live.batches) {
    totalCount += b.ids.length;
    totalBytes += b.bytes;
    for (const id of b.done ?? []) {
      doneCount++;
      doneBytes += sizeOf(b, id);
    }
    failedCount += b.failed?.length ?? 0;
  }
  return { doneCount, doneBytes, failedCount, totalCount, totalBytes, batch: current, batches: live.batches.length };
}

class Stop extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

async function record(ctx: Ctx, live: Live, b: Batch, state: Batch['state']): Promise<void> {
  b.state = state;
  const rec: BatchRecord = { state, done: b.done ?? [], failed: b.failed ?? [] };
  if (b.newRefs && Object.keys(b.newRefs).length) rec.newRefs = b.newRefs;
  try {
    await ctx.store.recordBatch(live.job.id, b.seq, rec);
  } catch (e) {
    throw new Stop(codeOf(e));
  }
}

/** How long after a batch was sent a resume waits before asking the server what became of it. */
export const SETTLE_GRACE_MS = 4000;

/**
 * Settle ids of a batch whose request may or may not have happened: those no longer in the source folder are
 * done (their new place unknown), the others were not acted on. Throws Stop when the server cannot be asked.
 */
async function settle(ctx: Ctx, b: Batch, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  // The request may still be on its way (its tab went away while it was in flight, or the network holds it): let it
  // land before asking where the messages are, or a late one would act after this settles the batch as not done,
  // and the same messages would be sent again — or put back by an undo and then moved once more by the late request.
  const age = ctx.now() - b.updatedAt;
  if (age >= 0 && age < SETTLE_GRACE_MS) await ctx.sleep(SETTLE_GRACE_MS - age);
  let there: Set<string> | null = null;
  let delay = ctx.retryDelayMs;
  // A listing is only a read: a transient failure (no answer, server error) is worth a few more tries.
  for (let attempt = 1; !there; attempt++) {
    try {
      there = await stillThere(ctx.webmail, b.folderId, ids);
    } catch (e) {
      const code = codeOf(e);
      if (!TRANSIENT.has(code) || attempt >= ctx.attempts) throw new Stop(code);
      await ctx.sleep(delay);
      delay *= 3;
    }
  }
  const gone = ids.filter((id) => !there.has(id));
  b.done = [...(b.done ?? []), ...gone];
  return ids.filter((id) => there.has(id));
}

async function runBatch(ctx: Ctx, live: Live, b: Batch, exported: Set<string> | null, gate: () => string | null): Promise<void> {
  const known = () => new Set([...(b.done ?? []), ...(b.failed ?? []).map((f) => f.id)]);
  let remaining = b.ids.filter((id) => !known().has(id));
  if (b.state === 'sent') {
    // Interrupted while in flight: ask the server before anything else, and journal what it says.
    remaining = await settle(ctx, b, remaining);
    if (remaining.length) await record(ctx, live, b, 'pending');
  }
  const stop = remaining.length ? gate() : null;
  if (stop) throw new Stop(stop);
  if (exported) {
    const notExported = remaining.filter((id) => !exported.has(key({ folderId: b.folderId, id })));
    if (notExported.length) {
      b.failed = [...(b.failed ?? []), ...notExported.map((id) => ({ id, code: 'not-exported' }))];
      remaining = remaining.filter((id) => exported.has(key({ folderId: b.folderId, id })));
    }
  }
  let attempt = 0;
  let delay = ctx.retryDelayMs;
  while (remaining.length) {
    attempt++;
    let sent: boolean;
    try {
      sent = await ctx.store.markSent(live.job.id, b.seq);
    } catch (e) {
      throw new Stop(codeOf(e));
    }
    if (!sent) throw new Stop('lock-lost');
    b.state = 'sent';
    /** Ids whose fate the answer does not prove, with the code to report if they turn out not done. */
    const uncertain = new Map<string, string>();
    /** The whole request failed with this code (or the adapter said so for ids: session over, permission refused). */
    let requestCode: string | null = null;
    /** Ids refused because the session is over or permission was refused: not done, they wait for a resume. */
    const refused: string[] = [];
    try {
      const res = await act(ctx, live.job.action, b, remaining);
      const asked = new Set(remaining);
      const done = new Set(res.done.filter((id) => asked.has(id)));
      const failed = new Map(res.failed.filter((f) => asked.has(f.id) && !done.has(f.id)).map((f) => [f.id, String(f.code)]));
      b.done = [...(b.done ?? []), ...done];
      if (res.newRefs) {
        for (const id of done) {
          const r = res.newRefs[id];
          if (r && typeof r.folderId === 'string' && typeof r.id === 'string') (b.newRefs ??= {})[id] = { folderId: r.folderId, id: r.id };
        }
      }
      for (const [id, c] of failed) {
        // A transient failure (no answer, server error) may hide a request that was carried out: ask the server.
        if (TRANSIENT.has(c)) uncertain.set(id, c);
        else if (STOPPING.has(c)) {
          refused.push(id);
          requestCode ??= c;
        } else b.failed = [...(b.failed ?? []), { id, code: c }];
      }
      // An adapter must name every id; one it does not name is settled with the server too.
      for (const id of remaining) if (!done.has(id) && !failed.has(id)) uncertain.set(id, 'invalid-response');
    } catch (e) {
      requestCode = codeOf(e);
      for (const id of remaining) uncertain.set(id, requestCode);
    }
    remaining = [];
    if (uncertain.size) {
      let still: string[];
      try {
        still = await settle(ctx, b, [...uncertain.keys()]);
      } catch (e) {
        // Cannot ask the server: the batch stays 'sent' with what is known, resume settles the rest.
        await record(ctx, live, b, 'sent').catch(() => undefined);
        throw new Stop(requestCode && STOPPING.has(requestCode) ? requestCode : e instanceof Stop ? e.reason : requestCode ?? 'network');
      }
      if (requestCode && STOPPING.has(requestCode)) {
        // Session over or permission refused: what did not happen waits for a resume (after logging in again).
        await record(ctx, live, b, 'pending');
        throw new Stop(requestCode);
      }
      for (const id of still) {
        const c = uncertain.get(id)!;
        if (TRANSIENT.has(c) && attempt < ctx.attempts) remaining.push(id);
        else b.failed = [...(b.failed ?? []), { id, code: c }];
      }
    }
    if (refused.length) {
      await record(ctx, live, b, 'pending');
      throw new Stop(requestCode!);
    }
    if (remaining.length) {
      await record(ctx, live, b, 'pending');
      await ctx.sleep(delay);
      delay *= 3;
    }
  }
  const doneCount = b.done?.length ?? 0;
  await record(ctx, live, b, doneCount === 0 && (b.failed?.length ?? 0) > 0 ? 'failed' : 'done');
}

function isFinal(b: Batch): boolean {
  return b.state === 'done' || b.state === 'failed';
}

/** Report lines from the journal: every item once, with its outcome. */
function linesOf(live: Live, stopReason: string | undefined): ReportLine[] {
  const lines: ReportLine[] = [];
  const action = live.job.action;
  const outcome = action === 'trash' ? 'moved' : action === 'delete' ? 'deleted' : 'restored';
  const markUnread = new Set(live.extras.markUnread ?? []);
  const unreadDone = new Set(live.extras.unreadDone ?? []);
  for (const s of live.extras.skipped ?? []) lines.push({ ref: s.ref, outcome: 'skipped', reason: s.reason });
  for (const b of live.batches) {
    const done = new Set(b.done ?? []);
    const failed = new Map((b.failed ?? []).map((f) => [f.id, f.code]));
    for (const id of b.ids) {
      const ref = { folderId: b.folderId, id };
      if (done.has(id)) {
        const now = b.newRefs?.[id];
        const line: ReportLine = now ? { ref, outcome, now } : { ref, outcome };
        if (markUnread.has(key(ref)) && !unreadDone.has(key(ref))) line.reason = 'unread-not-restored';
        lines.push(line);
      } else if (failed.has(id)) {
        const code = failed.get(id)!;
        lines.push({ ref, outcome: SKIP_CODES.has(code) ? 'skipped' : 'failed', reason: code });
      } else if (b.state === 'sent') {
        lines.push({ ref, outcome: 'failed', reason: 'unconfirmed' });
      } else {
        lines.push({ ref, outcome: 'skipped', reason: stopReason ?? 'interrupted' });
      }
    }
  }
  return lines;
}

async function readAfter(webmail: Webmail): Promise<{ quota: Quota | null; folders: Report['foldersAfter'] }> {
  const quota = webmail.quota ? await webmail.quota.read().catch(() => null) : null;
  const folders = webmail.capabilities.folders
    ? await webmail
        .folders()
        .then((fs: Folder[]) => fs.map((f) => ({ id: f.id, path: f.path, count: f.count, bytes: f.bytes })))
        .catch(() => null)
    : null;
  return { quota, folders };
}

/**
 * Undo: the messages that were unread before the trash job and are back home now are marked unread again, through
 * the adapter's optional markUnread, in batches per folder. Never fails the undo: what could not be marked stays in
 * the report ('unread-not-restored' on its line); what was marked is journaled (a resume does not mark it twice).
 */
async function restoreUnread(ctx: Ctx, live: Live): Promise<void> {
  const want = new Set(live.extras.markUnread ?? []);
  if (!want.size) return;
  const done = new Set(live.extras.unreadDone ?? []);
  const byFolder = new Map<string, { id: string; k: string }[]>();
  for (const b of live.batches) {
    for (const id of b.done ?? []) {
      const k = key({ folderId: b.folderId, id });
      const now = b.newRefs?.[id];
      // Back, but where exactly is not known: it cannot be marked (its line says so).
      if (!want.has(k) || done.has(k) || !now) continue;
      let list = byFolder.get(now.folderId);
      if (!list) byFolder.set(now.folderId, (list = []));
      list.push({ id: now.id, k });
    }
  }
  const mark = ctx.webmail.mailbox?.markUnread?.bind(ctx.webmail.mailbox);
  if (!mark || !byFolder.size) return;
  const before = done.size;
  try {
    for (const [folderId, list] of byFolder) {
      for (const part of cutItems(ctx.webmail, list, (p) => p.id, batchSize(ctx.webmail))) {
        const res = await mark(folderId, part.map((p) => p.id));
        const ok = new Set(res.done);
        for (const p of part) if (ok.has(p.id)) done.add(p.k);
        // Session over or permission refused: the next requests would be refused too.
        if (res.failed.some((f) => STOPPING.has(f.code))) throw new Stop(res.failed.find((f) => STOPPING.has(f.code))!.code);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop) && !isWebmailError(e)) console.error('[Balise] cleanup: marking unread', e);
  }
  if (done.size === before) return;
  live.extras.unreadDone = [...done];
  await ctx.store.updateJob(live.job.id, { report: { unreadDone: live.extras.unreadDone } }).catch(() => undefined);
}

async function finish(ctx: Ctx, live: Live, state: Report['state'], stopReason: string | undefined): Promise<Report> {
  const lines = linesOf(live, stopReason);
  const after = await readAfter(ctx.webmail);
  const action = live.job.action;
  const before = live.extras.quotaBefore ?? null;
  // Moving to the trash frees nothing (the quota counts the trash); a deletion frees what it was asked to delete.
  const predictedFreed = action === 'delete' ? live.batches.reduce((s, b) => s + b.bytes, 0) : 0;
  const report: Report = {
    jobId: live.job.id,
    action,
    state,
    movedCount: lines.filter((l) => l.outcome === 'moved' || l.outcome === 'deleted' || l.outcome === 'restored').length,
    failedCount: lines.filter((l) => l.outcome === 'failed').length,
    lines,
    predictedFreed,
    actualFreed: before && after.quota ? before.usedBytes - after.quota.usedBytes : null,
    quotaAfter: after.quota,
    startedAt: live.extras.startedAt ?? live.job.createdAt,
    endedAt: ctx.now(),
    foldersAfter: after.folders,
  };
  if (stopReason) report.stopReason = stopReason;
  const jobState: Job['state'] = state === 'interrupted' ? 'paused' : state;
  try {
    await ctx.store.updateJob(live.job.id, { state: jobState, report: { final: report, ...(stopReason ? { stopReason } : {}) } });
  } catch {
    // The background is gone: the report is still the caller's to show; the journal says 'running' (resumable).
  }
  return report;
}

async function execute(ctx: Ctx, live: Live): Promise<Report> {
  const { store } = ctx;
  const { job } = live;
  const signal = ctx.opts.signal;
  store.active.add(job.id);
  let lockLost = false;
  const timer =
    ctx.heartbeatMs > 0
      ? setInterval(() => {
          store.heartbeat(job.bal, job.id).then(
            (ok) => {
              if (!ok) lockLost = true;
            },
            () => undefined,
          );
        }, ctx.heartbeatMs)
      : null;
  let state: Report['state'] = 'done';
  let stopReason: string | undefined;
  try {
    let exported: Set<string> | null = null;
    if (job.action === 'delete' && live.extras.needsExport) {
      if (!live.extras.exported) {
        const exporter = ctx.opts.exportFirst;
        if (!exporter) throw new Stop('export-required');
        await store.updateJob(job.id, { state: 'exporting' }).catch((e) => {
          throw new Stop(codeOf(e));
        });
        const items: JobItem[] = live.batches.flatMap((b) =>
          b.ids.filter((id) => !(b.done ?? []).includes(id)).map((id) => ({ ref: { folderId: b.folderId, id }, size: sizeOf(b, id) })),
        );
        let res: Awaited<ReturnType<Exporter>>;
        try {
          res = await exporter(items, signal ? { signal } : {});
        } catch (e) {
          throw new Stop(signal?.aborted ? 'cancelled' : 'export-failed');
        }
        const planned = new Set(items.map((i) => key(i.ref)));
        live.extras.exported = res.exported.map(key).filter((k) => planned.has(k));
        await store.updateJob(job.id, { state: 'running', report: { exported: live.extras.exported } }).catch((e) => {
          throw new Stop(codeOf(e));
        });
      }
      exported = new Set(live.extras.exported);
    }
    const gate = () => (signal?.aborted ? 'cancelled' : lockLost ? 'lock-lost' : null);
    for (const b of live.batches) {
      if (isFinal(b)) continue;
      const before = b.done?.length ?? 0;
      await runBatch(ctx, live, b, exported, gate);
      ctx.opts.onProgress?.(progressOf(live, b.seq + 1));
      if ((b.done?.length ?? 0) > before) ctx.opts.bus?.emit('mailbox-changed', { reason: `cleanup-${job.action}` });
    }
  } catch (err) {
    // A bug of ours must not leave the job half-said: stop as interrupted (resumable), the report says so.
    const e = err instanceof Stop ? err : new Stop('internal');
    if (!(err instanceof Stop)) console.error('[Balise] cleanup', err);
    stopReason = e.reason;
    state = e.reason === 'cancelled' ? 'cancelled' : e.reason === 'unsupported' || e.reason === 'export-failed' ? 'failed' : 'interrupted';
    if (state !== 'interrupted') {
      // Nothing more will happen to this job: what was not attempted is settled as skipped.
      for (const b of live.batches) {
        if (isFinal(b) || b.state === 'sent') continue;
        const k = new Set([...(b.done ?? []), ...(b.failed ?? []).map((f) => f.id)]);
        b.failed = [...(b.failed ?? []), ...b.ids.filter((id) => !k.has(id)).map((id) => ({ id, code: e.reason }))];
        await record(ctx, live, b, (b.done?.length ?? 0) ? 'done' : 'failed').catch(() => undefined);
      }
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  if (job.action === 'undo' && stopReason !== 'lock-lost') await restoreUnread(ctx, live);
  const report = await finish(ctx, live, state, stopReason);
  store.active.delete(job.id);
  await store.unlock(job.bal, job.id).catch(() => undefined);
  ctx.opts.onProgress?.(progressOf(live, live.batches.length));
  return report;
}

// ---------------------------------------------------------------------------------------------------------------
// The API

async function trashFolderOf(webmail: Webmail): Promise<string | null> {
  const folders = await webmail.folders();
  return folders.find((f) => f.role === 'trash')?.id ?? null;
}

/** Items a trash job moved (at their place in the trash), for a job's snapshot check or a delete job. */
function movedItems(job: Job, batches: Batch[]): JobItem[] {
  if (job.action !== 'trash') return [];
  const out: JobItem[] = [];
  for (const b of batches) {
    for (const id of b.done ?? []) {
      const r = b.newRefs?.[id];
      if (r) out.push({ ref: r, size: sizeOf(b, id), restoreTo: b.folderId });
    }
  }
  return out;
}

/** Start a job on a snapshot of items. See the contract above. */
export async function startJob(webmail: Webmail, req: StartRequest, opts: RunOptions = {}): Promise<Report> {
  const exporter = req.exportFirst ?? opts.exportFirst;
  const ctx = ctxOf(webmail, exporter ? { ...opts, exportFirst: exporter } : opts);
  if (!webmail.mailbox) throw new CleanupError('unsupported', 'This webmail does not let Balise move messages');
  if (!req.items.length) throw new CleanupError('nothing-to-do', 'No message to act on');
  const bal = req.bal.toLowerCase();
  const trash = await trashFolderOf(webmail);

  // The snapshot: the plan's messages (and, for a delete, what earlier jobs moved to the trash).
  let allowed: Set<string> | null = null;
  if (req.plan) {
    allowed = new Set(req.plan.groups.flatMap((g) => g.messages.map((m) => key(m.summary.ref))));
    if (req.action === 'delete') {
      const jobs = await ctx.store.listJobs(bal, HISTORY).catch((e) => {
        throw storeError(e);
      });
      for (const j of jobs) {
        if (j.action !== 'trash' || extrasOf(j).undoneBy) continue;
        const full = await ctx.store.getJob(j.id).catch(() => null);
        if (full) for (const it of movedItems(full.job, full.batches)) allowed.add(key(it.ref));
      }
    }
  }
  const unreadInPlan = new Set(req.plan ? req.plan.groups.flatMap((g) => g.messages.filter((m) => m.summary.unread).map((m) => key(m.summary.ref))) : []);
  const unread: string[] = [];
  const seen = new Set<string>();
  const skipped: SkippedItem[] = [];
  const items: JobItem[] = [];
  for (const it of req.items) {
    const k = key(it.ref);
    if (seen.has(k)) continue;
    seen.add(k);
    const size = Number.isFinite(it.size) && it.size >= 0 ? it.size : 0;
    if (req.action === 'delete' && it.ref.folderId !== trash) skipped.push({ ref: it.ref, size, reason: 'not-in-trash' });
    else if (allowed && !allowed.has(k)) skipped.push({ ref: it.ref, size, reason: 'not-in-snapshot' });
    else if (req.action === 'trash' && it.ref.folderId === trash) skipped.push({ ref: it.ref, size, reason: 'already-in-trash' });
    else {
      items.push({ ref: { folderId: it.ref.folderId, id: it.ref.id }, size });
      if (req.action === 'trash' && (it.unread ?? unreadInPlan.has(k))) unread.push(k);
    }
  }

  const quotaBefore = webmail.quota ? await webmail.quota.read().catch(() => req.plan?.quotaBefore ?? null) : null;
  const t = ctx.now();
  const jobId = ctx.newId();
  const batches = makeBatches(webmail, jobId, items, t);
  const extras: Extras = { startedAt: t, quotaBefore, skipped };
  if (req.plan) extras.planId = req.plan.id;
  if (unread.length) extras.unread = unread;
  if (req.action === 'delete' && exporter) extras.needsExport = true;
  const job: Job = {
    id: jobId,
    bal,
    origin: req.origin,
    createdAt: t,
    updatedAt: t,
    state: 'planned',
    action: req.action,
    totalCount: items.length,
    totalBytes: items.reduce((s, i) => s + i.size, 0),
    report: extras as Record<string, unknown>,
  };
  await acquire(ctx, (takeover) => ctx.store.create(job, batches, takeover));
  return execute(ctx, { job, batches, extras });
}

function pendingOf(batches: Batch[]): number {
  return batches.reduce((s, b) => s + (isFinal(b) ? 0 : b.ids.length - (b.done?.length ?? 0) - (b.failed?.length ?? 0)), 0);
}

function summaryOf(job: Job, pendingCount: number): JobSummary {
  const s: JobSummary = {
    jobId: job.id,
    bal: job.bal,
    action: job.action,
    state: job.state,
    createdAt: job.createdAt,
    updatedAt: job.updatedAt,
    totalCount: job.totalCount,
    totalBytes: job.totalBytes,
    pendingCount,
  };
  const final = extrasOf(job).final;
  if (final) s.report = final;
  return s;
}

/** The interrupted job of this mailbox (tab closed, session expired, network cut), or null. */
export async function findResumableJob(bal: string, opts: { deps?: RunDeps } = {}): Promise<JobSummary | null> {
  const store = opts.deps?.store ?? messageStore();
  try {
    const holder = await store.lockStatus(bal.toLowerCase());
    for (const job of await store.listJobs(bal.toLowerCase(), HISTORY)) {
      if (!RESUMABLE.has(job.state)) continue;
      // Running right now somewhere (another tab, or this page): not something to resume.
      if (holder && holder.jobId === job.id && (!holder.sameTab || store.active.has(job.id))) continue;
      const full = await store.getJob(job.id);
      if (full) return summaryOf(full.job, pendingOf(full.batches));
    }
    return null;
  } catch (e) {
    throw storeError(e);
  }
}

async function load(ctx: Ctx, jobId: string): Promise<Live> {
  const full = await ctx.store.getJob(jobId).catch((e) => {
    throw storeError(e);
  });
  if (!full) throw new CleanupError('not-found', 'No such cleanup job');
  return { job: full.job, batches: full.batches.sort((a, b) => a.seq - b.seq), extras: { ...extrasOf(full.job) } };
}

/** Resume an interrupted job from its journal: batches left 'sent' are settled by asking the server first. */
export async function resumeJob(webmail: Webmail, jobId: string, opts: RunOptions = {}): Promise<Report> {
  const ctx = ctxOf(webmail, opts);
  const live = await load(ctx, jobId);
  if (!RESUMABLE.has(live.job.state)) throw new CleanupError('not-resumable', 'This cleanup already ended');
  if (!webmail.mailbox) throw new CleanupError('unsupported', 'This webmail does not let Balise move messages');
  if (live.job.action === 'delete' && live.extras.needsExport && !live.extras.exported && !opts.exportFirst) {
    throw new CleanupError('export-required', 'This deletion must export the messages first');
  }
  await acquire(ctx, (takeover) => ctx.store.lock(live.job.bal, jobId, takeover));
  return execute(ctx, live);
}

/** Stop an interrupted job for good: settle its 'sent' batch with the server, act on nothing else. */
export async function abandonJob(webmail: Webmail, jobId: string, opts: { deps?: RunDeps } = {}): Promise<Report> {
  const ctx = ctxOf(webmail, opts);
  const live = await load(ctx, jobId);
  if (!RESUMABLE.has(live.job.state)) throw new CleanupError('not-resumable', 'This cleanup already ended');
  await acquire(ctx, (takeover) => ctx.store.lock(live.job.bal, jobId, takeover));
  ctx.store.active.add(jobId);
  let stopReason = 'cancelled';
  try {
    for (const b of live.batches) {
      if (isFinal(b)) continue;
      const k = () => new Set([...(b.done ?? []), ...(b.failed ?? []).map((f) => f.id)]);
      if (b.state === 'sent') {
        try {
          await settle(ctx, b, b.ids.filter((id) => !k().has(id)));
        } catch (e) {
          // Still cannot ask the server: say so for these messages.
          stopReason = e instanceof Stop ? e.reason : 'network';
          const known = k();
          b.failed = [...(b.failed ?? []), ...b.ids.filter((id) => !known.has(id)).map((id) => ({ id, code: 'unconfirmed' }))];
          await record(ctx, live, b, (b.done?.length ?? 0) ? 'done' : 'failed');
          continue;
        }
      }
      const known = k();
      b.failed = [...(b.failed ?? []), ...b.ids.filter((id) => !known.has(id)).map((id) => ({ id, code: 'cancelled' }))];
      await record(ctx, live, b, (b.done?.length ?? 0) ? 'done' : 'failed');
    }
  } catch (e) {
    if (!(e instanceof Stop)) throw e;
    stopReason = e.reason;
  }
  const report = await finish(ctx, live, 'cancelled', stopReason);
  ctx.store.active.delete(jobId);
  await ctx.store.unlock(live.job.bal, jobId).catch(() => undefined);
  return report;
}

/** The mailbox's most recent job (any action, any state), with its report when it ended; null if none. */
export async function findLastJob(bal: string, opts: { deps?: RunDeps } = {}): Promise<JobSummary | null> {
  const store = opts.deps?.store ?? messageStore();
  try {
    const [last] = await store.listJobs(bal.toLowerCase(), 1);
    if (!last) return null;
    const full = await store.getJob(last.id);
    return full ? summaryOf(full.job, pendingOf(full.batches)) : null;
  } catch (e) {
    throw storeError(e);
  }
}

/** The mailbox's last job if it is a finished 'trash' job that was not undone yet. */
export async function findUndoableJob(bal: string, opts: { deps?: RunDeps } = {}): Promise<JobSummary | null> {
  const store = opts.deps?.store ?? messageStore();
  try {
    const [last] = await store.listJobs(bal.toLowerCase(), 1);
    if (!last || last.action !== 'trash' || RESUMABLE.has(last.state) || extrasOf(last).undoneBy) return null;
    const full = await store.getJob(last.id);
    if (!full) return null;
    const n = movedItems(full.job, full.batches).length;
    return n ? summaryOf(full.job, n) : null;
  } catch (e) {
    throw storeError(e);
  }
}

/**
 * Put the last trash job's messages back from the trash into their original folders (those still in the trash;
 * their place there comes from the journal's newRefs). A job of its own ('undo'), journaled and resumable. Then
 * those that were unread before the trash job are marked unread again (Webmail.markUnread), see restoreUnread.
 */
export async function undoLastJob(webmail: Webmail, bal: string, opts: RunOptions = {}): Promise<Report> {
  const ctx = ctxOf(webmail, opts);
  if (!webmail.mailbox) throw new CleanupError('unsupported', 'This webmail does not let Balise move messages');
  const target = await findUndoableJob(bal, opts.deps ? { deps: opts.deps } : {});
  if (!target) throw new CleanupError('nothing-to-undo', 'Nothing to undo');
  const source = await load(ctx, target.jobId);
  const items = movedItems(source.job, source.batches);
  const skipped: SkippedItem[] = [];
  for (const b of source.batches) {
    for (const id of b.done ?? []) if (!b.newRefs?.[id]) skipped.push({ ref: { folderId: b.folderId, id }, size: sizeOf(b, id), reason: 'unknown-location' });
  }
  const t = ctx.now();
  const jobId = ctx.newId();
  const batches = makeBatches(webmail, jobId, items.map((i) => ({ ref: i.ref, size: i.size, target: i.restoreTo! })), t);
  const quotaBefore = webmail.quota ? await webmail.quota.read().catch(() => null) : null;
  const extras: Extras = { startedAt: t, quotaBefore, skipped, sourceJobId: source.job.id };
  // Those that were unread before the trash job are made unread again once back (the host may have marked them read).
  const wasUnread = new Set(source.extras.unread ?? []);
  const markUnread: string[] = [];
  for (const b of source.batches) {
    for (const id of b.done ?? []) {
      const r = b.newRefs?.[id];
      if (r && wasUnread.has(key({ folderId: b.folderId, id }))) markUnread.push(key(r));
    }
  }
  if (markUnread.length) extras.markUnread = markUnread;
  const job: Job = {
    id: jobId,
    bal: source.job.bal,
    origin: source.job.origin,
    createdAt: t,
    updatedAt: t,
    state: 'planned',
    action: 'undo',
    totalCount: items.length,
    totalBytes: items.reduce((s, i) => s + i.size, 0),
    report: extras as Record<string, unknown>,
  };
  await acquire(ctx, (takeover) => ctx.store.create(job, batches, takeover));
  try {
    await ctx.store.updateJob(source.job.id, { report: { undoneBy: jobId } });
  } catch (e) {
    await ctx.store.unlock(job.bal, jobId).catch(() => undefined);
    throw storeError(e);
  }
  return execute(ctx, { job, batches, extras });
}

/** What a 'trash' job moved, as items in the trash (restoreTo = where each came from), for a delete right after. */
export async function trashedItems(jobId: string, opts: { deps?: RunDeps } = {}): Promise<JobItem[]> {
  const store = opts.deps?.store ?? messageStore();
  const full = await store.getJob(jobId).catch((e) => {
    throw storeError(e);
  });
  if (!full) throw new CleanupError('not-found', 'No such cleanup job');
  return movedItems(full.job, full.batches);
}

/** For the panel: is a job running (here or in another tab), can one be resumed, can the last one be undone. */
export async function cleanupStatus(bal: string, opts: { deps?: RunDeps } = {}): Promise<CleanupStatus> {
  const store = opts.deps?.store ?? messageStore();
  const running = await store.lockStatus(bal.toLowerCase()).catch((e) => {
    throw storeError(e);
  });
  const [resumable, undoable] = await Promise.all([findResumableJob(bal, opts), findUndoableJob(bal, opts)]);
  return { running, resumable, undoable };
}
