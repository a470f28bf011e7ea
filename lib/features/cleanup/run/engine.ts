/**
 * Running a job: batch after batch, each journaled 'sent' before its request and settled after it (a failed or
 * unanswered request is settled by asking the server which messages are still in the source folder; only those are
 * sent again), under the mailbox's lock kept alive by a heartbeat.
 */
import { mailboxOf, type Webmail } from '../../../webmail/types';
import { asReason, type Batch, type CleanupReason } from '../../../store/journal';
import type { JobAction, JobItem, Report } from '../types';
import type { BatchRecord } from '../store';
import { codeOf, key, Stop, STOPPING, TRANSIENT, type Ctx, type Exporter, type Live } from './context';
import { isFinal, progressOf, sizeOf } from './batches';
import { finish } from './report';
import { restoreUnread } from './undo';

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

export async function record(ctx: Ctx, live: Live, b: Batch, state: Batch['state']): Promise<void> {
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
export async function settle(ctx: Ctx, b: Batch, ids: string[]): Promise<string[]> {
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

async function runBatch(ctx: Ctx, live: Live, b: Batch, exported: Set<string> | null, gate: () => CleanupReason | null): Promise<void> {
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
      b.failed = [...(b.failed ?? []), ...notExported.map((id) => ({ id, code: 'not-exported' as const }))];
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
    const uncertain = new Map<string, CleanupReason>();
    /** The whole request failed with this code (or the adapter said so for ids: session over, permission refused). */
    let requestCode: CleanupReason | null = null;
    /** Ids refused because the session is over or permission was refused: not done, they wait for a resume. */
    const refused: string[] = [];
    try {
      const res = await act(ctx, live.job.action, b, remaining);
      const asked = new Set(remaining);
      const done = new Set(res.done.filter((id) => asked.has(id)));
      const failed = new Map(res.failed.filter((f) => asked.has(f.id) && !done.has(f.id)).map((f) => [f.id, asReason(String(f.code))]));
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

/** Export first ('delete' jobs that must): the set of keys the exporter confirmed, journaled before any deletion. */
async function exportedKeys(ctx: Ctx, live: Live): Promise<Set<string> | null> {
  const { job } = live;
  if (job.action !== 'delete' || !live.extras.needsExport) return null;
  if (!live.extras.exported) {
    const exporter: Exporter | undefined = ctx.opts.exportFirst;
    if (!exporter) throw new Stop('export-required');
    const signal = ctx.opts.signal;
    await ctx.store.updateJob(job.id, { state: 'exporting' }).catch((e) => {
      throw new Stop(codeOf(e));
    });
    const items: JobItem[] = live.batches.flatMap((b) =>
      b.ids.filter((id) => !(b.done ?? []).includes(id)).map((id) => ({ ref: { folderId: b.folderId, id }, size: sizeOf(b, id) })),
    );
    let res: Awaited<ReturnType<Exporter>>;
    try {
      res = await exporter(items, signal ? { signal } : {});
    } catch {
      throw new Stop(signal?.aborted ? 'cancelled' : 'export-failed');
    }
    const planned = new Set(items.map((i) => key(i.ref)));
    live.extras.exported = res.exported.map(key).filter((k) => planned.has(k));
    await ctx.store.updateJob(job.id, { state: 'running', report: { exported: live.extras.exported } }).catch((e) => {
      throw new Stop(codeOf(e));
    });
  }
  return new Set(live.extras.exported);
}

/** Run a job that holds its lock to its end (or to a stop), and release the lock. Resolves with its report. */
export async function execute(ctx: Ctx, live: Live): Promise<Report> {
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
  let stopReason: CleanupReason | undefined;
  try {
    const exported = await exportedKeys(ctx, live);
    const gate = (): CleanupReason | null => (signal?.aborted ? 'cancelled' : lockLost ? 'lock-lost' : null);
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
