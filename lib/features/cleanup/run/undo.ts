/**
 * Undo of the last trash job: which job can be undone, the undo job that puts its messages back (a job of its own,
 * journaled and resumable), and, once they are back, marking unread again those that were unread before.
 */
import { isWebmailError, type Webmail } from '../../../webmail/types';
import type { Job } from '../../../store/schemas';
import type { SkippedItem } from '../../../store/journal';
import { extrasOf, key, quotaOf, RESUMABLE, Stop, STOPPING, storeError, storeOf, type Ctx, type Live, type RunDeps } from './context';
import { batchSize, cutItems, makeBatches, movedItems, sizeOf } from './batches';
import { summaryOf, type JobSummary } from './report';

/** The mailbox's last job if it is a finished 'trash' job that was not undone yet. */
export async function findUndoableJob(bal: string, opts: { deps?: RunDeps } = {}): Promise<JobSummary | null> {
  const store = storeOf(opts);
  try {
    const [last] = await store.listJobs(bal.toLowerCase(), 1);
    if (!last || last.action !== 'trash' || RESUMABLE.has(last.state) || extrasOf(last).undoneBy) return null;
    // A job an older version wrote that this one cannot read: its journal is not trusted to put anything back.
    if (extrasOf(last).stopReason === 'journal-outdated') return null;
    const full = await store.getJob(last.id);
    if (!full) return null;
    const n = movedItems(full.job, full.batches).length;
    return n ? summaryOf(full.job, n) : null;
  } catch (e) {
    throw storeError(e);
  }
}

/**
 * The undo job of a trash job (not created yet): its batches put each message still in the trash back where it came
 * from (its place there comes from the journal's newRefs); those whose place is not known are skipped.
 */
export function undoJobOf(ctx: Ctx, source: Live, quotaBefore: Parameters<typeof quotaOf>[0]): Live {
  const items = movedItems(source.job, source.batches);
  const skipped: SkippedItem[] = [];
  for (const b of source.batches) {
    for (const id of b.done ?? []) if (!b.newRefs?.[id]) skipped.push({ ref: { folderId: b.folderId, id }, size: sizeOf(b, id), reason: 'unknown-location' });
  }
  const t = ctx.now();
  const jobId = ctx.newId();
  const batches = makeBatches(ctx.webmail, jobId, items.map((i) => ({ ref: i.ref, size: i.size, target: i.restoreTo! })), t);
  const extras: Live['extras'] = { startedAt: t, quotaBefore: quotaOf(quotaBefore), skipped, sourceJobId: source.job.id };
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
    report: extras,
  };
  return { job, batches, extras };
}

/**
 * Undo: the messages that were unread before the trash job and are back home now are marked unread again, through
 * the adapter's optional markUnread, in batches per folder. Never fails the undo: what could not be marked stays in
 * the report ('unread-not-restored' on its line); what was marked is journaled (a resume does not mark it twice).
 */
export async function restoreUnread(ctx: Ctx, live: Live): Promise<void> {
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
  const webmail: Webmail = ctx.webmail;
  const mark = webmail.mailbox?.markUnread?.bind(webmail.mailbox);
  if (!mark || !byFolder.size) return;
  const before = done.size;
  try {
    for (const [folderId, list] of byFolder) {
      for (const part of cutItems(webmail, list, (p) => p.id, batchSize(webmail))) {
        const res = await mark(folderId, part.map((p) => p.id));
        const ok = new Set(res.done);
        for (const p of part) if (ok.has(p.id)) done.add(p.k);
        // Session over or permission refused: the next requests would be refused too.
        const refused = res.failed.find((f) => STOPPING.has(f.code));
        if (refused) throw new Stop(refused.code);
      }
    }
  } catch (e) {
    if (!(e instanceof Stop) && !isWebmailError(e)) console.error('[Balise] cleanup: marking unread', e);
  }
  if (done.size === before) return;
  live.extras.unreadDone = [...done];
  await ctx.store.updateJob(live.job.id, { report: { unreadDone: live.extras.unreadDone } }).catch(() => undefined);
}
