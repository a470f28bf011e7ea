/**
 * The whole mailbox's largest messages: every folder (the trash included), one server-sorted search per folder
 * (Webmail.search, sort 'sizeDesc', limit N: the adapter narrows it its own way; from the second folder on, only
 * messages larger than the N-th found so far), merged and cut to N, then the
 * attachments of those N where the adapter can tell them without downloading anything (Webmail.attachments, one
 * request per folder among the N). Requests are paced by the adapter (lib/webmail/kit/request.ts); folders are
 * searched one after the other where the host keeps one stored search per session (Roundcube), all in one of the
 * adapter's request sequences (Webmail.together), and a few at once where its searches keep no such state (Zimbra:
 * each search then narrows by the N-th largest known when it starts, a superset of what one after the other asks).
 */
import type { AttachmentInfo, Folder, MessageSummary, Webmail } from '../../webmail/types';
import { isWebmailError } from '../../webmail/types';
import { mapLimit } from '../../webmail/kit/async';
import { OPERATION_CONCURRENCY } from '../../webmail/kit/pacing-policy';

export const LARGEST_DEFAULT = 50;

export interface LargeRow {
  summary: MessageSummary;
  folderPath: string;
  inTrash: boolean;
  /** The server's list of attachments; null when this webmail cannot tell it cheaply (see summary.hasAttachment). */
  attachments: AttachmentInfo[] | null;
}

export interface LargestProgress {
  done: number;
  total: number;
}

export interface LargestResult {
  rows: LargeRow[];
  /** Searches and attachment requests asked of the adapter. */
  calls: number;
  ms: number;
}

/** Largest first; equal sizes by folder then id, so the order is stable. */
export function compareLarge(a: MessageSummary, b: MessageSummary): number {
  return b.size - a.size || (a.ref.folderId < b.ref.folderId ? -1 : a.ref.folderId > b.ref.folderId ? 1 : 0) || (a.ref.id < b.ref.id ? -1 : a.ref.id > b.ref.id ? 1 : 0);
}

type LargestOptions = { limit?: number; signal?: AbortSignal; onProgress?: (p: LargestProgress) => void; now?: () => number };

export async function largestOfMailbox(webmail: Webmail, folders: Folder[], opts: LargestOptions = {}): Promise<LargestResult> {
  // One request sequence for the whole view: Roundcube's list state is put back once, not after every folder.
  const run = () => largestOf(webmail, folders, opts);
  return webmail.together ? webmail.together(run) : run();
}

async function largestOf(webmail: Webmail, folders: Folder[], opts: LargestOptions): Promise<LargestResult> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const limit = Math.max(1, Math.floor(opts.limit ?? LARGEST_DEFAULT));
  // Empty folders (as the folder list says) need no search; the largest folders first, so that the size of the
  // N-th largest found so far soon rules out most of what the next folders hold (their search asks only for larger).
  const searched = folders.filter((f) => f.count > 0).sort((a, b) => (b.bytes ?? 0) - (a.bytes ?? 0) || b.count - a.count);
  const byId = new Map(folders.map((f) => [f.id, f]));
  let calls = 0;
  let found: MessageSummary[] = [];
  opts.onProgress?.({ done: 0, total: searched.length });
  const atOnce = webmail.together ? 1 : OPERATION_CONCURRENCY;
  let done = 0;
  await mapLimit(searched, atOnce, async (f, _i, signal) => {
    calls++;
    // Once N are known, a message can only enter the list if it is larger than the N-th: at its size's lower bound
    // (Roundcube's are rounded), so that nothing that might be larger is left out.
    const nth = found.length >= limit ? found.sort(compareLarge)[limit - 1]! : null;
    const largerThan = nth ? Math.max(0, nth.size - nth.sizePrecision - 1) : undefined;
    const q = { folderId: f.id, sort: 'sizeDesc' as const, ...(largerThan !== undefined ? { largerThan } : {}) };
    for await (const batch of webmail.search(q, { limit, signal })) found.push(...batch);
    // Keep only what can still be among the N (memory stays at about 2·N summaries).
    if (found.length > 2 * limit) found = found.sort(compareLarge).slice(0, limit);
    opts.onProgress?.({ done: ++done, total: searched.length });
  }, { signal: opts.signal });
  found = found.sort(compareLarge).slice(0, limit);

  const attachments = new Map<string, AttachmentInfo[]>();
  if (webmail.attachments) {
    const perFolder = new Map<string, string[]>();
    for (const m of found) perFolder.set(m.ref.folderId, [...(perFolder.get(m.ref.folderId) ?? []), m.ref.id]);
    const max = Math.max(1, webmail.capabilities.maxBatch);
    const asks: { folderId: string; ids: string[] }[] = [];
    for (const [folderId, ids] of perFolder) for (let i = 0; i < ids.length; i += max) asks.push({ folderId, ids: ids.slice(i, i + max) });
    // Attachment lists read only and leave no list state (Webmail.attachments): a few at once.
    const list = webmail.attachments.bind(webmail);
    await mapLimit(asks, OPERATION_CONCURRENCY, async ({ folderId, ids }, _i, signal) => {
      calls++;
      try {
        const got = await list(folderId, ids, { signal });
        for (const [id, l] of got) attachments.set(`${folderId}\u0000${id}`, l);
      } catch (e) {
        // The names are a help, not the list: without them the row shows the paper-clip flag.
        if (isWebmailError(e) && (e.code === 'aborted' || e.code === 'auth-expired' || e.code === 'blocked')) throw e;
      }
    }, { signal: opts.signal });
  }
  const rows = found.map((summary) => {
    const f = byId.get(summary.ref.folderId);
    return {
      summary,
      folderPath: f?.path ?? summary.ref.folderId,
      inTrash: f?.role === 'trash',
      attachments: attachments.get(`${summary.ref.folderId}\u0000${summary.ref.id}`) ?? null,
    };
  });
  return { rows, calls, ms: now() - t0 };
}
