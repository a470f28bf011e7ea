/**
 * A job's report, made from its journal (every item once, with its outcome), and the summary the panel shows of a
 * job. foldersAfter names folders by id only: the journal keeps no free text (no folder path or name).
 */
import type { Folder, Quota, Webmail } from '../../../webmail/types';
import type { CleanupReason } from '../../../store/journal';
import type { Job } from '../../../store/schemas';
import type { JobAction, Report, ReportLine } from '../types';
import { extrasOf, key, quotaOf, type Ctx, type Live } from './context';
import { batchSize, cutItems } from './batches';

const SKIP_CODES = new Set<string>(['not-exported', 'export-failed', 'not-in-snapshot', 'not-in-trash', 'already-in-trash', 'cancelled', 'unknown-location']);

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

export function summaryOf(job: Job, pendingCount: number): JobSummary {
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

/** Report lines from the journal: every item once, with its outcome. */
function linesOf(live: Live, stopReason: CleanupReason | undefined): ReportLine[] {
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

/**
 * The quota and the figures of the folders the job touched (sources, targets, the trash) after it: a report needs no
 * other folder, and on Roundcube every folder's figures cost a request.
 */
async function readAfter(webmail: Webmail, live: Live): Promise<{ quota: Quota | null; folders: Report['foldersAfter']; trashId: string | null }> {
  const touched = new Set<string>();
  for (const b of live.batches) {
    touched.add(b.folderId);
    if (b.target) touched.add(b.target);
    for (const r of Object.values(b.newRefs ?? {})) touched.add(r.folderId);
  }
  // Independent reads: at the same time (the adapter's pacer bounds them).
  let trashId: string | null = null;
  const [quota, folders] = await Promise.all([
    webmail.quota ? webmail.quota.read().catch(() => null) : null,
    webmail.capabilities.folders
      ? webmail
          .folders({ only: [...touched] })
          .then((fs: Folder[]) => {
            trashId = fs.find((f) => f.role === 'trash')?.id ?? null;
            return fs.filter((f) => touched.has(f.id) || f.role === 'trash').map((f) => ({ id: f.id, count: f.count, bytes: f.bytes }));
          })
          .catch(() => null)
      : null,
  ]);
  return { quota: quotaOf(quota), folders, trashId };
}

/**
 * The check scan after a permanent deletion: which of the messages the job was to delete the server still shows in
 * the trash (asked by id, Webmail.mailbox.stillIn, not by listing the folder), and how many others are there. Only
 * for a job that ended (an interrupted one is resumed, and checked then). A read that fails leaves stillThere null:
 * the report says the check could not be made, never that all is gone.
 */
async function checkTrash(ctx: Ctx, live: Live, after: { folders: Report['foldersAfter']; trashId: string | null }): Promise<Report['trashCheck']> {
  const mailbox = ctx.webmail.mailbox;
  const trash = after.trashId ?? live.batches[0]?.folderId ?? null;
  const ids = live.batches.filter((b) => b.folderId === trash).flatMap((b) => b.ids);
  const planned = live.batches.reduce((n, b) => n + b.ids.length, 0);
  const count = after.folders?.find((f) => f.id === trash)?.count ?? null;
  let stillThere: number | null = null;
  if (mailbox && trash) {
    try {
      stillThere = 0;
      for (const part of cutItems(ctx.webmail, ids, (id) => id, batchSize(ctx.webmail))) stillThere += (await mailbox.stillIn(trash, part)).size;
    } catch {
      stillThere = null;
    }
  }
  return { planned, stillThere, others: count === null || stillThere === null ? null : Math.max(0, count - stillThere) };
}

/** The job's report, journaled as its final word (the job's state follows it), then returned. */
export async function finish(ctx: Ctx, live: Live, state: Report['state'], stopReason: CleanupReason | undefined): Promise<Report> {
  const lines = linesOf(live, stopReason);
  const after = await readAfter(ctx.webmail, live);
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
  if (action === 'delete' && state !== 'interrupted') report.trashCheck = await checkTrash(ctx, live, after);
  const jobState: Job['state'] = state === 'interrupted' ? 'paused' : state;
  try {
    await ctx.store.updateJob(live.job.id, { state: jobState, report: { final: report, ...(stopReason ? { stopReason } : {}) } });
  } catch {
    // The background is gone: the report is still the caller's to show; the journal says 'running' (resumable).
  }
  return report;
}
