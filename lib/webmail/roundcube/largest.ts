/**
 * The N largest messages of a Roundcube folder without listing the folder whole.
 *
 * Roundcube sorts a list only through `_sort`, which it saves as the user's preference (list.php): Balise never
 * sends it. Listing a 12,000-message folder to keep its 100 largest took 240 list pages (bench/cleanup-run.ts).
 * IMAP's `LARGER n` narrows the search instead: a search request answers its match count with its first page, so
 * a few counts find a size above which at least N, and not many more, messages lie; only those are listed.
 * Sizes there are exact (RFC822.SIZE); the list's are rounded labels, sorted afterwards as before.
 */

/** Below this many matches the folder is listed whole: counting would cost more than a few pages. */
export const LIST_WHOLE_BELOW = 400;
/** At most this many counts before listing what the best threshold found gives. */
export const MAX_COUNTS = 8;

/**
 * A threshold t (bytes, 0 = none) such that at least `limit` messages are larger than t, and, when the counts allow,
 * at most `slack` × limit. `total` = messages matching without a threshold; `sample` = sizes of some of them (the
 * first page); `count(t)` = how many are larger than t. Never returns a t with fewer than `limit` above it: the
 * caller's list then always holds the N largest.
 */
export async function largestThreshold(
  limit: number,
  total: number,
  sample: number[],
  count: (t: number) => Promise<number>,
  slack = 4,
): Promise<number> {
  if (limit <= 0 || total <= Math.max(LIST_WHOLE_BELOW, limit * slack)) return 0;
  // lo: a threshold known to leave ≥ limit (0 always does); hi: one known to leave < limit.
  let lo = 0;
  let hi: number | null = null;
  // First guess: the sample's size at the rank that would leave about 2 × limit of `total` above it.
  const sorted = sample.filter((s) => Number.isFinite(s) && s > 0).sort((a, b) => b - a);
  const rank = Math.floor((sorted.length * 2 * limit) / total);
  let t = sorted.length ? sorted[Math.min(rank, sorted.length - 1)]! : 1 << 20;
  for (let i = 0; i < MAX_COUNTS && t >= 1; i++) {
    const c = await count(t);
    if (c >= limit) {
      lo = t;
      if (c <= limit * slack) return t;
    } else hi = t;
    if (hi !== null && hi - lo <= Math.max(1, lo * 0.02)) break;
    // Halfway in log scale between what is known, or a step of ×4 / ÷4 while one side is open.
    const next = hi === null ? t * 4 : lo > 0 ? Math.sqrt(lo * hi) : hi / 4;
    t = Math.floor(next);
    if (t <= lo || (hi !== null && t >= hi)) break;
  }
  return lo;
}
