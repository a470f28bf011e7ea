/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): IMAP search criteria for `_filter`, with quoting that cannot inject anything; UID sets and ids.
 */
import type { PartQuery, PartTest, SearchQuery } from '../../types';

/**
 * A term as it can travel in `_filter`: Roundcube strips tags from input values (so "<…>" would be cut) and
 * newlines; control characters are refused by IMAP. When a term holds such characters the longest piece
 * without them is searched instead: every message containing the term contains the piece, so the answer is
 * a superset. Returns '' when nothing searchable is left (the criterion then matches everything).
 */
export function searchableTerm(s: string): string {
  const pieces = s.split(/[<>\u0000-\u001f\u007f]+/);
  let best = '';
  for (const p of pieces) if (p.length > best.length) best = p;
  return best;
}

/** An IMAP quoted string. */
export function imapQuote(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** `OR a OR b c` for any-of; a single key as is. */
function anyOf(keys: string[]): string {
  if (keys.length === 1) return keys[0]!;
  return `OR ${keys[0]} ${anyOf(keys.slice(1))}`;
}

/** Roundcube's own idea of "has an attachment" (the paper clip): see attachmentFromCtype. */
export const ATTACHMENT_CRITERION = 'OR OR HEADER Content-Type multipart/mixed HEADER Content-Type multipart/signed HEADER Content-Type application/';

export type FilterResult = { filter: string } | { nothing: true };

/**
 * SearchQuery → the IMAP SEARCH criteria Roundcube passes through `_filter` (search.php passes it verbatim).
 * `serverNow` is the IMAP server's current time in seconds: dates become WITHIN intervals (OLDER/YOUNGER, to
 * the second, RFC 5032) because IMAP BEFORE/SINCE compare whole days.
 * - before T (strictly): internal date < ceil(T/1000) s  ⇔  OLDER (now − ceil(T/1000) + 1);
 * - since T: internal date ≥ ceil(T/1000) s  ⇔  YOUNGER (now − ceil(T/1000)).
 * Content criteria use TEXT (headers, text parts and MIME part headers, so file names and types): a superset.
 */
export function buildFilter(q: Omit<SearchQuery, 'sort' | 'folderId'>, serverNow: number): FilterResult {
  const keys: string[] = [];
  if (q.before !== undefined) {
    const b = Math.ceil(q.before / 1000);
    const n = serverNow - b + 1;
    // A boundary in the future (n < 1) cannot be said with intervals: every message up to now matches.
    if (n >= 1) keys.push(`OLDER ${n}`);
  }
  if (q.since !== undefined) {
    const s = Math.ceil(q.since / 1000);
    const n = serverNow - s;
    if (n >= 1) keys.push(`YOUNGER ${n}`);
    // now or later: "not older than one second" (date ≥ now), a superset of date ≥ s.
    else keys.push('NOT OLDER 1');
  }
  if (q.largerThan !== undefined) keys.push(`LARGER ${Math.max(0, Math.floor(q.largerThan))}`);
  if (q.hasAttachment === true) keys.push(ATTACHMENT_CRITERION);
  if (q.hasAttachment === false) keys.push(`NOT ${ATTACHMENT_CRITERION}`);
  if (q.unread === true) keys.push('UNSEEN');
  if (q.unread === false) keys.push('SEEN');
  if (q.flagged === true) keys.push('FLAGGED');
  if (q.flagged === false) keys.push('UNFLAGGED');
  for (const list of [q.bodyContainsAny, q.attachmentNameAny, q.attachmentTypeAny]) {
    if (list === undefined) continue;
    if (list.length === 0) return { nothing: true };
    const terms = list.map(searchableTerm);
    // An empty term matches every message: the any-of is then always true.
    if (terms.some((t) => t === '')) continue;
    keys.push(anyOf([...new Set(terms)].map((t) => `TEXT ${imapQuote(t)}`)));
  }
  // search.php treats an empty filter or "ALL" as "no search" (the plain folder listing): always search.
  return { filter: keys.length ? keys.join(' ') : 'UID 1:*' };
}

/** UIDs as a compact IMAP set ("1:5,7,9:10"), ascending. */
export function uidSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].filter((u) => Number.isSafeInteger(u) && u > 0).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** Message ids of this adapter are IMAP UIDs in decimal: anything else is refused. */
export function parseUid(id: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(id)) return null;
  const n = Number(id);
  return n <= 0xffffffff ? n : null;
}

/** One MIMEPART test (RFC draft "IMAP SEARCH=MIMEPART", Dovecot 2.3): TYPE/SUBTYPE, FILENAME ENDS, or their negation. */
function partTest(t: PartTest): string | null {
  const type = (s: string): string | null => {
    const m = /^([a-z0-9][a-z0-9!#$&^_.+-]*)(?:\/([a-z0-9][a-z0-9!#$&^_.+-]*))?$/.exec(s.trim().toLowerCase());
    if (!m) return null;
    return m[2] ? `(TYPE ${imapQuote(m[1]!)} SUBTYPE ${imapQuote(m[2])})` : `TYPE ${imapQuote(m[1]!)}`;
  };
  if ('type' in t) return type(t.type);
  if ('nameEnds' in t) {
    const term = searchableTerm(t.nameEnds);
    return term === t.nameEnds && term ? `FILENAME ENDS ${imapQuote(term)}` : null;
  }
  const keys = t.typeNotIn.map(type);
  if (!keys.length || keys.some((k) => k === null)) return null;
  return `(${keys.map((k) => `NOT ${k}`).join(' ')})`;
}

/**
 * PartQuery → IMAP criteria (without the UID set). Null when a test cannot be said exactly: the caller then asks
 * nothing (every answer of partSearch is a positive listing, so saying less is never safe here).
 */
export function partFilter(q: PartQuery): string | null {
  const keys: string[] = [];
  const tests = (list: PartTest[]) => {
    const out = list.map(partTest);
    return out.some((k) => k === null) || !out.length ? null : anyOf(out as string[]);
  };
  if (q.someAny) {
    const k = tests(q.someAny);
    if (k === null) return null;
    keys.push(`MIMEPART (${k})`);
  }
  if (q.noneAny) {
    const k = tests(q.noneAny);
    if (k === null) return null;
    keys.push(`NOT MIMEPART (${k})`);
  }
  for (const s of q.textLacksAll ?? []) {
    const term = searchableTerm(s);
    // A string that cannot travel whole cannot be said to be absent.
    if (!term || term !== s) return null;
    keys.push(`NOT TEXT ${imapQuote(term)}`);
  }
  return keys.length ? keys.join(' ') : null;
}
