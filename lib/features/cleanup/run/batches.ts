/**
 * How a job's items become batches (per source folder and target, cut to the webmail's request size), and what the
 * journal's batches say: sizes, progress, what a trash job moved.
 */
import type { MessageRef, Webmail } from '../../../webmail/types';
import type { Batch } from '../../../store/journal';
import type { Job } from '../../../store/schemas';
import type { JobItem, Progress } from '../types';
import type { Live } from './context';

function chunk<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export function batchSize(webmail: Webmail): number {
  const n = webmail.capabilities.maxBatch;
  return Number.isInteger(n) && n > 0 ? Math.min(n, 5000) : 50;
}

/**
 * One folder's items cut into requests: the adapter's own cut when it has one (Roundcube folds consecutive UIDs into
 * ranges), else `size` at a time in the given order. An adapter's cut that loses or repeats an id is not used.
 */
export function cutItems<T>(webmail: Webmail, list: T[], id: (t: T) => string, size: number): T[][] {
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
export function makeBatches(webmail: Webmail, jobId: string, items: { ref: MessageRef; size: number; target?: string }[], now: number): Batch[] {
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

const sizeIndex = new WeakMap<Batch, Map<string, number>>();

export function sizeOf(b: Batch, id: string): number {
  let m = sizeIndex.get(b);
  if (!m) sizeIndex.set(b, (m = new Map(b.ids.map((x, i) => [x, b.sizes?.[i] ?? (b.ids.length ? b.bytes / b.ids.length : 0)]))));
  return m.get(id) ?? 0;
}

export function isFinal(b: Batch): boolean {
  return b.state === 'done' || b.state === 'failed';
}

/** Items with no outcome yet. */
export function pendingOf(batches: Batch[]): number {
  return batches.reduce((s, b) => s + (isFinal(b) ? 0 : b.ids.length - (b.done?.length ?? 0) - (b.failed?.length ?? 0)), 0);
}

export function progressOf(live: Live, current: number): Progress {
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

/** Items a trash job moved (at their place in the trash), for a job's snapshot check or a delete job. */
export function movedItems(job: Job, batches: Batch[]): JobItem[] {
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
