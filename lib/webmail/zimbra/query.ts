/**
 * SearchQuery → Zimbra search grammar (Zimbra/zm-mailbox `index/query/parser/Parser.jj`, `QueryParser.java`).
 * Pure functions.
 *
 * What the server does with each term (read in zm-mailbox):
 * - `inid:N`: exactly that folder (`InQuery`). A positive folder term also lifts the implicit Trash/Junk exclusion
 *   (`DbSearchConstraints.addInFolder` → forceHasSpamTrashSetting), so the trash and its subfolders can be searched.
 * - `before:N` / `after:N` with a bare number = epoch ms (`DateQuery.parseDate`): before → date < N;
 *   after → date ≥ N + 1000. Dates are compared in whole SECONDS in the database (`DbSearch.encodeDateRange`
 *   divides by 1000, rounding down), so the adapter only sends whole seconds: exact for message dates, which
 *   Zimbra keeps to the second.
 * - `larger:N` = size > N bytes, strict (`SizeQuery`, no unit = bytes).
 * - `has:attachment` = the message's attachment flag; `is:unread|read|flagged|unflagged`.
 * - `content:"…"`, `filename:"…"`, `type:…` are Lucene terms: the server matches words (tokens), so the
 *   answer may be a superset of "contains this string" for the callers that confirm on the raw message.
 *   Quoted terms may not contain a newline or an unescaped `"`; a `\` before the closing quote would escape
 *   it: the adapter replaces `"`, `\` and line breaks by spaces (they separate words anyway).
 */
import type { SearchQuery, SortOrder } from '../types';

export const SORT_BY: Record<SortOrder, string> = {
  sizeDesc: 'sizeDesc',
  dateAsc: 'dateAsc',
  dateDesc: 'dateDesc',
};

/** A quoted search term: no `"`, `\` or line break inside (see above). */
export function quoteTerm(s: string): string {
  return `"${s.replace(/["\\\u0000-\u001f]+/g, ' ').replace(/\s+/g, ' ').trim()}"`;
}

/** Words the server can match: a string with no letter or digit cannot be searched for by word. */
function hasWord(s: string): boolean {
  return /[\p{L}\p{N}]/u.test(s);
}

function anyOf(field: string, values: string[]): string {
  const terms = values.map((v) => `${field}:${quoteTerm(v)}`);
  return terms.length === 1 ? terms[0]! : `(${terms.join(' OR ')})`;
}

export interface BuiltQuery {
  /** The query string, or null when nothing can match (e.g. before the epoch): no request needed. */
  query: string | null;
  sortBy: string;
}

export function isFolderId(id: unknown): id is string {
  return typeof id === 'string' && /^\d{1,10}$/.test(id);
}

/**
 * Builds the query for one folder. Throws RangeError on a folder id that is not a Zimbra id (the caller turns it
 * into a WebmailError): ids are never pasted into a query unchecked.
 */
export function buildQuery(q: SearchQuery): BuiltQuery {
  if (!isFolderId(q.folderId)) throw new RangeError(`not a Zimbra folder id: ${String(q.folderId)}`);
  const sortBy = SORT_BY[q.sort];
  if (!sortBy) throw new RangeError(`unknown sort ${String(q.sort)}`);
  const terms = [`inid:${q.folderId}`];

  if (q.before !== undefined) {
    if (!Number.isFinite(q.before)) throw new RangeError('before must be a number');
    // date < before  ⇔  (whole-second dates) date < ceil(before / 1000) s
    const sec = Math.ceil(q.before / 1000);
    if (sec <= 0) return { query: null, sortBy };
    terms.push(`before:${sec * 1000}`);
  }
  if (q.since !== undefined) {
    if (!Number.isFinite(q.since)) throw new RangeError('since must be a number');
    // date ≥ since  ⇔  date ≥ S = ceil(since / 1000) s  ⇔  after:(S - 1 s)  (after:N means date ≥ N + 1000 ms)
    const sec = Math.ceil(q.since / 1000);
    // after:<negative> would read as a relative date; anything since the epoch is every message.
    if (sec - 1 >= 0) terms.push(`after:${(sec - 1) * 1000}`);
  }
  if (q.largerThan !== undefined) {
    if (!Number.isFinite(q.largerThan)) throw new RangeError('largerThan must be a number');
    // size > x  ⇔  size > floor(x) for whole byte sizes; below 0 every message qualifies.
    if (q.largerThan >= 0) terms.push(`larger:${Math.floor(q.largerThan)}`);
  }
  if (q.hasAttachment === true) terms.push('has:attachment');
  if (q.hasAttachment === false) terms.push('-has:attachment');
  if (q.unread === true) terms.push('is:unread');
  if (q.unread === false) terms.push('is:read');
  if (q.flagged === true) terms.push('is:flagged');
  if (q.flagged === false) terms.push('is:unflagged');

  // Superset rule: when one of the strings has no word in it, the criterion cannot be searched for by word:
  // it is dropped (every message passes), never narrowed.
  const body = (q.bodyContainsAny ?? []).filter((s) => typeof s === 'string');
  if (body.length && body.every(hasWord)) terms.push(anyOf('content', body));

  const names = (q.attachmentNameAny ?? []).filter((s) => typeof s === 'string');
  if (names.length) {
    // File names are split into words on , . and spaces only (FilenameTokenizer), and a name like
    // "CR_radio.pdf" is not found by "radio": words cannot express "contains". The attachment flag and the
    // attachment index catch every part Zimbra treats as an attachment; filename: adds the parts it does not.
    const extra = names.filter(hasWord).map((n) => `filename:${quoteTerm(n)}`);
    terms.push(`(${['has:attachment', 'attachment:any', ...extra].join(' OR ')})`);
  }

  const types = (q.attachmentTypeAny ?? [])
    .filter((s) => typeof s === 'string')
    .map((s) => s.trim().toLowerCase());
  if (types.length) {
    // type: matches the MIME type of any part (a superset of "an attachment of that type").
    // Sent unquoted, as documented (`type:application/pdf`): the value is checked to be a plain MIME type.
    if (types.every((t) => /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9*][a-z0-9!#$&^_.+*-]*$/.test(t))) {
      const list = types.map((t) => `type:${t}`);
      terms.push(list.length === 1 ? list[0]! : `(${list.join(' OR ')})`);
    }
    // A malformed type cannot be matched exactly: the criterion is dropped (superset), never narrowed.
  }
  return { query: terms.join(' '), sortBy };
}
