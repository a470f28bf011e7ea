/**
 * The runner's public calls (the contract is in ./index.ts): start, resume, abandon, undo, and what the panel asks
 * about a mailbox's jobs.
 */
import type { Webmail } from '../../../webmail/types';
import { MAX_JOB_ITEMS, type CleanupReason, type JobExtras, type LockHolder, type SkippedItem } from '../../../store/journal';
import type { Job } from '../../../store/schemas';
import type { JobAction, JobItem, Plan, Report } from '../types';
import {
  acquire,
  CleanupError,
  ctxOf,
  extrasOf,
  HISTORY,
  key,
  quotaOf,
  RESUMABLE,
  Stop,
  storeError,
  storeOf,
  type Ctx,
  type Exporter,
  type Live,
  type RunDeps,
  type RunOptions,
} from './context';
import { isFinal, makeBatches, movedItems, pendingOf } from './batches';
import { execute, record, settle } from './engine';
import { finish, summaryOf, type JobSummary } from './report';
import { findUndoableJob, undoJobOf } from './undo';

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

export interface CleanupStatus {
  /** A job of this mailbox holds the lock now (in this tab or another). */
  running: LockHolder | null;
  resumable: JobSummary | null;
  undoable: JobSummary | null;
}

async function trashFolderOf(webmail: Webmail): Promise<string | null> {
  // Only the trash's id: no per-folder figures (on Roundcube they cost a request per folder).
  const folders = await webmail.folders({ figures: false });
  return folders.find((f) => f.role === 'trash')?.id ?? null;
}

/** Start a job on a snapshot of items. See the contract in ./index.ts. */
export async function startJob(webmail: Webmail, req: StartRequest, opts: RunOptions = {}): Promise<Report> {
  const exporter = req.exportFirst ?? opts.exportFirst;
  const ctx = ctxOf(webmail, exporter ? { ...opts, exportFirst: exporter } : opts);
  if (!webmail.mailbox) throw new CleanupError('unsupported', 'This webmail does not let Balise move messages');
  if (!req.items.length) throw new CleanupError('nothing-to-do', 'No message to act on');
  if (req.items.length > MAX_JOB_ITEMS) throw new CleanupError('too-many', `At most ${MAX_JOB_ITEMS} messages in one cleanup`);
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
    const ref = { folderId: it.ref.folderId, id: it.ref.id };
    if (req.action === 'delete' && it.ref.folderId !== trash) skipped.push({ ref, size, reason: 'not-in-trash' });
    else if (allowed && !allowed.has(k)) skipped.push({ ref, size, reason: 'not-in-snapshot' });
    else if (req.action === 'trash' && it.ref.folderId === trash) skipped.push({ ref, size, reason: 'already-in-trash' });
    else {
      items.push({ ref, size });
      if (req.action === 'trash' && (it.unread ?? unreadInPlan.has(k))) unread.push(k);
    }
  }

  const quotaBefore = webmail.quota ? await webmail.quota.read().catch(() => req.plan?.quotaBefore ?? null) : null;
  const t = ctx.now();
  const jobId = ctx.newId();
  const batches = makeBatches(webmail, jobId, items, t);
  const extras: JobExtras = { startedAt: t, quotaBefore: quotaOf(quotaBefore), skipped };
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
    report: extras,
  };
  await acquire(ctx, (takeover) => ctx.store.create(job, batches, takeover));
  return execute(ctx, { job, batches, extras });
}

/** The interrupted job of this mailbox (tab closed, session expired, network cut), or null. */
export async function findResumableJob(bal: string, opts: { deps?: RunDeps } = {}): Promise<JobSummary | null> {
  const store = storeOf(opts);
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
  let stopReason: CleanupReason = 'cancelled';
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
          b.failed = [...(b.failed ?? []), ...b.ids.filter((id) => !known.has(id)).map((id) => ({ id, code: 'unconfirmed' as const }))];
          await record(ctx, live, b, (b.done?.length ?? 0) ? 'done' : 'failed');
          continue;
        }
      }
      const known = k();
      b.failed = [...(b.failed ?? []), ...b.ids.filter((id) => !known.has(id)).map((id) => ({ id, code: 'cancelled' as const }))];
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
  const store = storeOf(opts);
  try {
    const [last] = await store.listJobs(bal.toLowerCase(), 1);
    if (!last) return null;
    const full = await store.getJob(last.id);
    return full ? summaryOf(full.job, pendingOf(full.batches)) : null;
  } catch (e) {
    throw storeError(e);
  }
}

export { findUndoableJob };

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
  const quotaBefore = webmail.quota ? await webmail.quota.read().catch(() => null) : null;
  const undo = undoJobOf(ctx, source, quotaBefore);
  await acquire(ctx, (takeover) => ctx.store.create(undo.job, undo.batches, takeover));
  try {
    await ctx.store.updateJob(source.job.id, { report: { undoneBy: undo.job.id } });
  } catch (e) {
    await ctx.store.unlock(undo.job.bal, undo.job.id).catch(() => undefined);
    throw storeError(e);
  }
  return execute(ctx, undo);
}

/** What a 'trash' job moved, as items in the trash (restoreTo = where each came from), for a delete right after. */
export async function trashedItems(jobId: string, opts: { deps?: RunDeps } = {}): Promise<JobItem[]> {
  const full = await storeOf(opts)
    .getJob(jobId)
    .catch((e) => {
      throw storeError(e);
    });
  if (!full) throw new CleanupError('not-found', 'No such cleanup job');
  return movedItems(full.job, full.batches);
}

/** For the panel: is a job running (here or in another tab), can one be resumed, can the last one be undone. */
export async function cleanupStatus(bal: string, opts: { deps?: RunDeps } = {}): Promise<CleanupStatus> {
  const store = storeOf(opts);
  const running = await store.lockStatus(bal.toLowerCase()).catch((e) => {
    throw storeError(e);
  });
  const [resumable, undoable] = await Promise.all([findResumableJob(bal, opts), findUndoableJob(bal, opts)]);
  return { running, resumable, undoable };
}
