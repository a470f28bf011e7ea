/**
 * Roundcube: the N largest messages of one folder without listing the whole folder and without changing the user's
 * sort (sorting by size is a preference Roundcube saves: FINDINGS.md). The search is narrowed with IMAP `LARGER`
 * instead, each answer's first page being a sample of what matched:
 *
 *   1. the search itself: how many match (T) and one page of them (the user's page size, often 50);
 *   2. while T is more than a few pages, `LARGER s` where s is the size the sample says about 2·N messages exceed
 *      (the sample's largest when it cannot tell finer); a narrowing that leaves fewer than N is not taken, and the
 *      next try is halfway (geometrically) between the thresholds known to leave enough and too few;
 *   3. every page of the last search (a few, 3 at a time), sorted here.
 *
 * Exact whatever the sample: the N largest of a folder all exceed s as soon as N messages exceed s. Bounded: at most
 * MAX_NARROWING narrowing searches, then the pages of what is left. Roundcube's listed sizes are rounded: the
 * thresholds are taken at the low end of a label's precision and the final order is the rounded sizes'.
 */
import { WebmailError } from '../types';
import type { RcApi } from './api';
import { decodeEntities, parseSizeLabel, type RcRow } from './parse';

const MAX_NARROWING = 6;

type First = Awaited<ReturnType<RcApi['searchFirst']>>;

/** A row's size, at the low end of its label's precision (0 when unreadable). */
function lowBytes(row: RcRow): number {
  const s = parseSizeLabel(decodeEntities(row.cols.size ?? ''));
  return s ? Math.max(0, s.bytes - s.precision) : 0;
}

/**
 * The rows of `folder` matching `filter` among which its `limit` largest certainly are (usually 1 to 3 times
 * `limit`), with how many searches it took. Callers sort and cut.
 */
export async function largestRows(
  api: RcApi,
  folder: string,
  filter: string,
  limit: number,
  signal?: AbortSignal,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ rows: { row: RcRow; now: number }[]; requests: number }> {
  let requests = 0;
  // The narrowed search found by the first attempt: later attempts search it again directly.
  let narrowed = filter;
  for (let attempt = 0; attempt < 4; attempt++) {
    // Another request of the same session replaced the stored search. Seen on 20,500 messages: PHP writes the
    // session after the answer has gone out, so a big search's late write (12,000 UIDs) can land after the narrowed
    // search that followed it. Wait a little, then search the narrowed one again, alone.
    if (attempt) await wait(250 * 2 ** attempt);
    if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
    let cur = await api.searchFirst(folder, narrowed, signal);
    requests++;
    if (attempt) {
      const rows = await api.allRows(folder, cur, signal);
      requests += Math.max(0, (cur.request ? cur.pages : 1) - 1);
      if (rows) return { rows, requests };
      continue;
    }
    const pageSize = Math.max(1, cur.rows.length);
    // Up to this many rows are cheaper to page through than to narrow once more.
    const enough = Math.max(2 * pageSize, 4 * limit);
    // Thresholds known to leave at least `limit` (low) and fewer than `limit` (high).
    let low = -1;
    let high = Number.POSITIVE_INFINITY;
    let stored = cur; // the session's stored search: the last one sent
    for (let i = 0; i < MAX_NARROWING && cur.total > enough && cur.rows.length > 0; i++) {
      const sizes = cur.rows.map(lowBytes).sort((a, b) => b - a);
      // The sample's k-th largest stands for about (k + 1) / n of the T matches: aim at 2·limit of them.
      const k = Math.floor((2 * limit * sizes.length) / cur.total) - 1;
      let s = sizes[Math.min(sizes.length - 1, Math.max(0, k))]!;
      // Past a threshold that left too few: halfway (geometrically) between what is known.
      if (s >= high) s = Math.floor(Math.sqrt(Math.max(low, 1024) * high));
      if (s <= low || s >= high) break;
      const next = await api.searchFirst(folder, `${filter} LARGER ${s}`, signal);
      requests++;
      stored = next;
      if (next.total < limit) {
        high = s;
        continue;
      }
      cur = next;
      low = s;
      narrowed = `${filter} LARGER ${s}`;
    }
    if (stored !== cur && cur.request && cur.total > cur.rows.length) {
      // The last search sent left too few: the one that holds the N largest must be the stored one again.
      cur = await api.searchFirst(folder, narrowed, signal);
      requests++;
    }
    const rows = await api.allRows(folder, cur, signal);
    requests += Math.max(0, (cur.request ? cur.pages : 1) - 1);
    if (rows) return { rows, requests };
  }
  throw new WebmailError('busy', 'another search kept replacing ours');
}
