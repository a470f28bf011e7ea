/**
 * Roundcube 1.6, pure parsing: no DOM, no request, no evaluation of anything the server or the page sends.
 *
 * - Inline page scripts (`rcmail.set_env({...})`, `rcmail.set_quota({...})`) and AJAX `exec` strings
 *   (`this.add_message_row(...);\nthis.set_quota(...);`) are read by scanning for the call and JSON-parsing
 *   its arguments; the arguments Roundcube writes are always JSON (rcube_output::json_serialize).
 * - List rows carry formatted sizes ("4.5 Mo") and dates ("Aujourd’hui 14:05"): they become bytes ± precision
 *   and epoch ms (minute precision) with the host's label kept.
 * - IMAP search criteria for `_filter` are built here, with quoting that cannot inject anything.
 */
import * as z from 'zod/mini';
import type { FolderRole, MessageSummary, SearchQuery, SortOrder } from '../types';

// ---------------------------------------------------------------------------------------------------------
// Scanning JavaScript text for JSON arguments

/**
 * End index (exclusive) of the balanced value starting at `start` (an opening `{`, `[` or `(`), skipping
 * JSON/JS strings. -1 when unbalanced.
 */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

function jsonOrUndefined(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The JSON arguments of the first call `callee(` found in `text` (e.g. 'rcmail.set_env('), or null. Only the
 * argument list is parsed, as JSON: nothing is evaluated.
 */
export function callArgs(text: string, callee: string, from = 0): { args: unknown[]; end: number } | null {
  let at = text.indexOf(callee, from);
  while (at >= 0) {
    const open = at + callee.length - 1;
    if (text[open] === '(') {
      const end = balancedEnd(text, open);
      if (end > 0) {
        const args = jsonOrUndefined(`[${text.slice(open + 1, end - 1)}]`);
        if (Array.isArray(args)) return { args, end };
      }
    }
    at = text.indexOf(callee, at + 1);
  }
  return null;
}

/** Every argument list of `callee(` in `text`, in order. */
export function allCallArgs(text: string, callee: string): unknown[][] {
  const out: unknown[][] = [];
  let from = 0;
  for (;;) {
    const r = callArgs(text, callee, from);
    if (!r) return out;
    out.push(r.args);
    from = r.end;
  }
}

/** The object given to `rcmail.set_env({...})` in a page's inline script, or null. */
export function parseSetEnv(scriptText: string): Record<string, unknown> | null {
  // Some pages call set_env with (name, value): only the object form carries the environment.
  let from = 0;
  for (;;) {
    const r = callArgs(scriptText, 'rcmail.set_env(', from);
    if (!r) return null;
    const first = r.args[0];
    if (r.args.length === 1 && first && typeof first === 'object' && !Array.isArray(first)) return first as Record<string, unknown>;
    from = r.end;
  }
}

export interface ExecCall {
  name: string;
  /** JSON-parsed arguments; null when they were not JSON (never evaluated). */
  args: unknown[] | null;
}

const IDENT = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/y;

/**
 * The commands of an AJAX `exec` string (`this.name(args);` separated by newlines), read top-level only, so
 * text inside a string argument (a subject containing "this.foo(") is never taken for a command.
 */
export function parseExec(exec: string): ExecCall[] {
  const out: ExecCall[] = [];
  let i = 0;
  const n = exec.length;
  while (i < n) {
    const at = exec.indexOf('this.', i);
    if (at < 0) break;
    IDENT.lastIndex = at + 5;
    const m = IDENT.exec(exec);
    if (!m) {
      i = at + 5;
      continue;
    }
    const open = at + 5 + m[0].length;
    if (exec[open] !== '(') {
      i = open;
      continue;
    }
    const end = balancedEnd(exec, open);
    if (end < 0) {
      out.push({ name: m[0], args: null });
      break;
    }
    const args = jsonOrUndefined(`[${exec.slice(open + 1, end - 1)}]`);
    out.push({ name: m[0], args: Array.isArray(args) ? args : null });
    i = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// AJAX responses

export const AjaxResponseSchema = z.looseObject({
  action: z.optional(z.string()),
  env: z.optional(z.record(z.string(), z.unknown())),
  exec: z.optional(z.string()),
});
export type AjaxResponse = z.infer<typeof AjaxResponseSchema>;

export interface DisplayedMessage {
  text: string;
  type: string;
}

/** display_message(text, type, …) commands: what Roundcube told the user ("error", "confirmation", …). */
export function displayedMessages(calls: ExecCall[]): DisplayedMessage[] {
  return calls
    .filter((c) => c.name === 'display_message' && c.args)
    .map((c) => ({ text: String(c.args![0] ?? ''), type: String(c.args![1] ?? '') }));
}

/** True when the response says the session is over (this.session_error(url)). */
export function isSessionError(calls: ExecCall[]): boolean {
  return calls.some((c) => c.name === 'session_error' || c.name === 'redirect' && typeof c.args?.[0] === 'string' && /_task=login/.test(c.args[0] as string));
}

// ---------------------------------------------------------------------------------------------------------
// Quota

export const QuotaSchema = z.looseObject({
  used: z.number(),
  total: z.number(),
});

/** Roundcube's set_quota object (KiB) to bytes. total <= 0 means no limit. Null when it is not a quota. */
export function quotaFromSetQuota(v: unknown): { usedBytes: number; limitBytes: number | null } | null {
  const r = QuotaSchema.safeParse(v);
  if (!r.success) return null;
  const { used, total } = r.data;
  if (!Number.isFinite(used) || used < 0) return null;
  return { usedBytes: Math.round(used * 1024), limitBytes: Number.isFinite(total) && total > 0 ? Math.round(total * 1024) : null };
}

/** The last set_quota(...) in a page's script text (`rcmail.set_quota(` or `parent.rcmail.set_quota(`). */
export function quotaFromScript(text: string): { usedBytes: number; limitBytes: number | null } | null {
  const all = allCallArgs(text, 'rcmail.set_quota(');
  for (let i = all.length - 1; i >= 0; i--) {
    const q = quotaFromSetQuota(all[i]![0]);
    if (q) return q;
  }
  return null;
}

export function quotaFromExec(calls: ExecCall[]): { usedBytes: number; limitBytes: number | null } | null {
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (c.name === 'set_quota' && c.args) {
      const q = quotaFromSetQuota(c.args[0]);
      if (q) return q;
    }
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Sizes

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/**
 * A size as Roundcube formats it (rcmail_action::show_bytes: "875 o", "397 ko", "4.5 Mo", "12 Mo"; English
 * "B/KB/MB/GB") to bytes and the ± uncertainty the format leaves:
 * - bytes: exact;
 * - KiB: round(b/1024), so ±512 B;
 * - MiB/GiB below 10: "%.1f", so ±0.05 unit; from 10: "%d", truncated, so the range is [v, v+1) units and the
 *   middle is returned, ±0.5 unit.
 */
export function parseSizeLabel(label: string): { bytes: number; precision: number } | null {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*([A-Za-z]+)\s*$/.exec(label.replace(/\u00a0/g, ' '));
  if (!m) return null;
  const text = m[1]!.replace(',', '.');
  const v = Number(text);
  if (!Number.isFinite(v)) return null;
  const u = m[2]!;
  const first = u[0]!.toLowerCase();
  let unit: number;
  if (u === 'o' || u === 'B' || u === 'b' || /^(octets?|bytes?)$/i.test(u)) unit = 1;
  else if (first === 'k') unit = KiB;
  else if (first === 'm') unit = MiB;
  else if (first === 'g') unit = GiB;
  else if (first === 't') unit = TiB;
  else return null;
  if (unit === 1) return { bytes: Math.round(v), precision: 0 };
  if (unit === KiB) return { bytes: Math.round(v * KiB), precision: KiB / 2 };
  if (text.includes('.')) {
    const decimals = text.split('.')[1]!.length;
    const half = 0.5 * 10 ** -decimals;
    return { bytes: Math.round(v * unit), precision: Math.ceil(half * unit) };
  }
  // "%d": truncated towards zero.
  return { bytes: Math.round((v + 0.5) * unit), precision: Math.ceil(0.5 * unit) };
}

// ---------------------------------------------------------------------------------------------------------
// Dates

const WEEKDAYS: Record<string, number> = {
  // fr_FR (Roundcube's labels), en_US, de_DE, es_ES, it_IT
  dim: 0, lun: 1, mar: 2, mer: 3, jeu: 4, ven: 5, sam: 6,
  sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6,
  so: 0, mo: 1, di: 2, mi: 3, do: 4, fr: 5, sa: 6,
  dom: 0, lu: 1, ma: 2, mié: 3, mie: 3, ju: 4, vi: 5, sá: 6,
  gio: 4, sab: 6,
};
const TODAY = new Set(['aujourd’hui', "aujourd'hui", 'today', 'heute', 'hoy', 'oggi']);

interface WallTime {
  y: number;
  mo: number;
  d: number;
  h: number;
  mi: number;
  dow: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function wallTime(t: number, timeZone: string): WallTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  const o: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(t))) o[p.type] = p.value;
  return {
    y: Number(o.year),
    mo: Number(o.month),
    d: Number(o.day),
    h: Number(o.hour),
    mi: Number(o.minute),
    dow: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(o.weekday!),
  };
}

/** Epoch ms of a wall-clock time in `timeZone` (the earlier instant when the time is ambiguous). */
export function zonedToEpoch(y: number, mo: number, d: number, h: number, mi: number, timeZone: string): number {
  const want = Date.UTC(y, mo - 1, d, h, mi);
  let t = want;
  for (let i = 0; i < 3; i++) {
    const w = wallTime(t, timeZone);
    const diff = want - Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi);
    if (diff === 0) break;
    t += diff;
  }
  // When the clock was put back, the same wall time came an hour earlier too: take that one.
  const e = wallTime(t - 3_600_000, timeZone);
  if (Date.UTC(e.y, e.mo - 1, e.d, e.h, e.mi) === want) return t - 3_600_000;
  return t;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function parseTime(s: string): { h: number; mi: number } | null {
  const m = /^(\d{1,2})[:h.](\d{2})(?:\s*([ap])\.?m\.?)?$/i.exec(s.trim());
  if (!m) return null;
  let h = Number(m[1]);
  const mi = Number(m[2]);
  if (m[3]) {
    const pm = m[3].toLowerCase() === 'p';
    if (h === 12) h = pm ? 12 : 0;
    else if (pm) h += 12;
  }
  if (h > 23 || mi > 59) return null;
  return { h, mi };
}

/**
 * Roundcube's `date_format` (jQuery UI style, e.g. "yy-mm-dd", "dd/mm/yy", "dd.mm.yy") to a reader of the
 * date part of `date_long` labels. Defaults to ISO.
 */
function dateReader(format: string | undefined): (s: string) => { y: number; mo: number; d: number } | null {
  const order: ('y' | 'm' | 'd')[] = [];
  for (const tok of (format ?? 'yy-mm-dd').toLowerCase().match(/y+|m+|d+/g) ?? []) order.push(tok[0] as 'y' | 'm' | 'd');
  const ord = order.length === 3 && new Set(order).size === 3 ? order : (['y', 'm', 'd'] as const);
  return (s) => {
    const parts = s.split(/[-/.\s]+/).filter(Boolean);
    if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return null;
    const v: Record<string, number> = {};
    ord.forEach((k, i) => (v[k] = Number(parts[i])));
    const y = v.y! < 100 ? 2000 + v.y! : v.y!;
    if (v.m! < 1 || v.m! > 12 || v.d! < 1 || v.d! > 31) return null;
    return { y, mo: v.m!, d: v.d! };
  };
}

/**
 * A list-row date label (rcmail::format_date with prettydate) to epoch ms (start of the minute), or null:
 * - "2026-06-13 17:57" (date_long, in the user's date format);
 * - "Aujourd’hui 14:05" / "Today 14:05" (today, after local midnight);
 * - "Lun 14:05" / "Mon 14:05" (within the last six days).
 * `now` is the server's current time, `timeZone` the user's Roundcube time zone.
 */
export function parseDateLabel(label: string, now: number, timeZone: string, dateFormat?: string): number | null {
  const s = label.replace(/\u00a0/g, ' ').trim();
  if (!s || !isValidTimeZone(timeZone)) return null;
  const tm = /\s(\d{1,2}[:h.]\d{2}(?:\s*[ap]\.?m\.?)?)$/i.exec(s);
  if (!tm) return null;
  const head = s.slice(0, tm.index).trim();
  const time = parseTime(tm[1]!);
  if (!time) return null;
  const lower = head.toLowerCase();
  if (TODAY.has(lower)) {
    const w = wallTime(now, timeZone);
    return zonedToEpoch(w.y, w.mo, w.d, time.h, time.mi, timeZone);
  }
  const dow = WEEKDAYS[lower.replace(/\.$/, '')];
  if (dow !== undefined && !/\d/.test(head)) {
    for (let k = 1; k <= 6; k++) {
      const w = wallTime(now - k * 86_400_000, timeZone);
      if (w.dow === dow) return zonedToEpoch(w.y, w.mo, w.d, time.h, time.mi, timeZone);
    }
    return null;
  }
  const d = dateReader(dateFormat)(head);
  if (!d) return null;
  return zonedToEpoch(d.y, d.mo, d.d, time.h, time.mi, timeZone);
}

// ---------------------------------------------------------------------------------------------------------
// Text from Roundcube's HTML snippets

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

/** Decodes HTML character references (what htmlspecialchars produces, plus numeric ones). */
export function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (all, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[ref.toLowerCase()] ?? all;
  });
}

/** Plain text of an HTML snippet: tags dropped, entities decoded, spaces collapsed. */
export function htmlToText(s: string): string {
  return decodeEntities(s.replace(/<[^>]*>/g, '')).replace(/[\s\u00a0]+/g, ' ').trim();
}

/**
 * The `fromto` column (rcmail_action_mail_index::address_string): `<span class="adr"><span title="addr"
 * class="rcmContactAddress">Name</span></span>, …` to "Name <addr>, …" (plain text).
 */
export function addressesText(html: string): string {
  const out: string[] = [];
  const re = /<span\b[^>]*\btitle="([^"]*)"[^>]*>([\s\S]*?)<\/span>/g;
  for (const m of html.matchAll(re)) {
    const addr = decodeEntities(m[1]!).trim();
    const name = htmlToText(m[2]!);
    if (!addr) continue;
    out.push(name && name.toLowerCase() !== addr.toLowerCase() ? `${name} <${addr}>` : addr);
  }
  if (out.length) return out.join(', ');
  const text = htmlToText(html);
  return text === '\u00a0' ? '' : text;
}

// ---------------------------------------------------------------------------------------------------------
// List rows

const RowFlagsSchema = z.looseObject({
  seen: z.optional(z.number()),
  flagged: z.optional(z.number()),
  answered: z.optional(z.number()),
  deleted: z.optional(z.number()),
  ctype: z.optional(z.string()),
  mbox: z.optional(z.string()),
});

const RowSchema = z.tuple([
  z.union([z.number(), z.string()]),
  z.record(z.string(), z.union([z.string(), z.number()])),
  RowFlagsSchema,
]);

export interface RcRow {
  uid: number;
  /** Formatted columns as Roundcube sends them (HTML-escaped text / HTML for addresses). */
  cols: Record<string, string>;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  deleted: boolean;
  ctype: string;
  mbox: string | null;
}

/** The add_message_row(uid, cols, flags, insert_top) commands of a list/search response. */
export function parseRows(calls: ExecCall[]): { rows: RcRow[]; invalid: number } {
  const rows: RcRow[] = [];
  let invalid = 0;
  for (const c of calls) {
    if (c.name !== 'add_message_row') continue;
    const r = c.args ? RowSchema.safeParse(c.args.slice(0, 3)) : null;
    if (!r || !r.success) {
      invalid++;
      continue;
    }
    const [rawUid, cols, flags] = r.data;
    const uid = typeof rawUid === 'number' ? rawUid : /^\d+$/.test(rawUid) ? Number(rawUid) : NaN;
    if (!Number.isSafeInteger(uid) || uid <= 0) {
      invalid++;
      continue;
    }
    const strCols: Record<string, string> = {};
    for (const [k, v] of Object.entries(cols)) strCols[k] = String(v);
    rows.push({
      uid,
      cols: strCols,
      seen: !!flags.seen,
      flagged: !!flags.flagged,
      answered: !!flags.answered,
      deleted: !!flags.deleted,
      ctype: decodeEntities(flags.ctype ?? '').toLowerCase(),
      mbox: flags.mbox ?? null,
    });
  }
  return { rows, invalid };
}

/**
 * Whether a message has attachments, from its top-level content type, the way Roundcube's list decides to
 * show the paper clip (app.js: multipart/m…, multipart/signed, application/…): true; plain text and
 * multipart/alternative: false; anything else (related, report, encrypted): unknown.
 */
export function attachmentFromCtype(ctype: string): boolean | null {
  const c = ctype.trim().toLowerCase();
  if (!c) return null;
  if (/^(multipart\/(mixed|signed)|application\/)/.test(c)) return true;
  if (/^text\//.test(c) || c === 'multipart/alternative') return false;
  return null;
}

export interface RowContext {
  folderId: string;
  /** Server time (epoch ms) when the row was produced, for "today"/weekday labels. */
  now: number;
  timeZone: string;
  dateFormat?: string;
}

export function rowToSummary(row: RcRow, ctx: RowContext): MessageSummary {
  const sizeLabel = row.cols.size ?? '';
  const size = parseSizeLabel(decodeEntities(sizeLabel));
  const dateLabel = htmlToText(row.cols.date ?? '');
  const date = dateLabel ? parseDateLabel(dateLabel, ctx.now, ctx.timeZone, ctx.dateFormat) : null;
  const subject = htmlToText(row.cols.subject ?? '');
  const from = addressesText(row.cols.fromto ?? row.cols.from ?? '');
  return {
    ref: { folderId: ctx.folderId, id: String(row.uid) },
    date,
    dateLabel: dateLabel || undefined,
    size: size ? size.bytes : 0,
    // Unknown format: say so with a precision as large as the value could be (never "exact").
    sizePrecision: size ? size.precision : Number.MAX_SAFE_INTEGER,
    from,
    subject,
    unread: !row.seen,
    flagged: row.flagged,
    hasAttachment: attachmentFromCtype(row.ctype),
  };
}

/** Sorts summaries client-side: sizes and dates are the rows' (± precision); ties fall back to the UID. */
export function sortSummaries(list: MessageSummary[], order: SortOrder): MessageSummary[] {
  const uid = (m: MessageSummary) => Number(m.ref.id);
  const copy = [...list];
  if (order === 'sizeDesc') copy.sort((a, b) => b.size - a.size || uid(b) - uid(a));
  else {
    const sign = order === 'dateAsc' ? 1 : -1;
    // Undated rows go last, in UID order (UIDs grow with arrival).
    copy.sort((a, b) => {
      if (a.date === null && b.date === null) return sign * (uid(a) - uid(b));
      if (a.date === null) return 1;
      if (b.date === null) return -1;
      return sign * (a.date - b.date) || sign * (uid(a) - uid(b));
    });
  }
  return copy;
}

// ---------------------------------------------------------------------------------------------------------
// IMAP search criteria for `_filter`

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

// ---------------------------------------------------------------------------------------------------------
// Folders

export interface EnvMailbox {
  id: string;
  name: string;
  class?: string;
  virtual?: boolean;
}

const EnvMailboxSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  class: z.optional(z.string()),
  virtual: z.optional(z.boolean()),
});

/** env.mailboxes (id → {id, name, class}) in env.mailboxes_list order. */
export function envMailboxes(env: Record<string, unknown>): EnvMailbox[] {
  const map = z.record(z.string(), z.unknown()).safeParse(env.mailboxes);
  if (!map.success) return [];
  const order = z.array(z.string()).safeParse(env.mailboxes_list);
  const ids = order.success ? order.data.filter((id) => id in map.data) : Object.keys(map.data);
  const out: EnvMailbox[] = [];
  for (const id of ids) {
    const r = EnvMailboxSchema.safeParse(map.data[id]);
    if (r.success && r.data.id === id) out.push({ id, name: r.data.name, class: r.data.class, virtual: r.data.virtual });
  }
  return out;
}

export function folderRole(id: string, cls: string | undefined, env: Record<string, unknown>): FolderRole {
  if (id.toUpperCase() === 'INBOX') return 'inbox';
  if (typeof env.trash_mailbox === 'string' && id === env.trash_mailbox) return 'trash';
  if (typeof env.drafts_mailbox === 'string' && id === env.drafts_mailbox) return 'drafts';
  if (typeof env.junk_mailbox === 'string' && id === env.junk_mailbox) return 'junk';
  if (typeof env.sent_mailbox === 'string' && id === env.sent_mailbox) return 'sent';
  const c = (cls ?? '').toLowerCase().split(/\s+/);
  for (const role of ['inbox', 'sent', 'drafts', 'trash', 'junk'] as const) if (c.includes(role)) return role;
  return 'other';
}

/**
 * What settings/edit-folder tells about one folder: the exact message count (set_env messagecount), its
 * size as formatted text when the server has STATUS=SIZE (the "_size" row), and the quota (parent.set_quota).
 */
export function parseFolderInfoPage(html: string): {
  count: number | null;
  sizeLabel: string | null;
  quota: { usedBytes: number; limitBytes: number | null } | null;
} {
  const env = parseSetEnv(html);
  const count = env && typeof env.messagecount === 'number' && Number.isSafeInteger(env.messagecount) ? env.messagecount : null;
  const m = /<label\b[^>]*\bfor="_size"[^>]*>[\s\S]*?<\/label>\s*<\/td>\s*<td[^>]*>([^<]*)<\/td>/.exec(html);
  const label = m ? decodeEntities(m[1]!).trim() : null;
  return { count, sizeLabel: label && parseSizeLabel(label) ? label : count === 0 ? '0 o' : null, quota: quotaFromScript(html) };
}

/** folder_size_update("76 Mo") in a folder-size response. */
export function folderSizeFromExec(calls: ExecCall[]): string | null {
  const c = calls.find((x) => x.name === 'folder_size_update' && x.args && typeof x.args[0] === 'string');
  return c ? (c.args![0] as string) : null;
}

// ---------------------------------------------------------------------------------------------------------
// Plain-text signatures

/** The separator line Roundcube (sig_separator) and mail clients put before a signature. */
export const SIG_SEPARATOR = '-- \n';

/**
 * The separator Roundcube puts before signatures on this compose page, read from its own (env.signatures):
 * "-- " (sig_separator, the default), "---" (top posting replies, so that the quote below is not taken for the
 * signature), or none (sig_separator off). Without any host signature: "-- ".
 */
export function separatorOf(hostSignatures: string[]): string | null {
  const texts = hostSignatures.filter((t) => t.trim());
  if (!texts.length) return '-- ';
  for (const t of texts) {
    const first = t.replace(/^[\r\n]+/, '').split(/\r?\n/, 1)[0]!;
    if (first === '-- ' || first === '---') return first;
  }
  return null;
}

/**
 * A text signature as it goes in the body: with the separator line in front, unless it has one already (a line
 * "-- " or "---", as Roundcube checks).
 */
export function textSignatureBlock(text: string, separator: string | null = '-- '): string {
  const t = text.replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
  if (!separator || /^--[ -]$/m.test(t)) return t;
  return `${separator}\n${t}`;
}

/** Number of signature separator lines ("-- " alone on a line) in a plain-text body. */
export function countSeparators(body: string): number {
  return body.replace(/\r\n?/g, '\n').split('\n').filter((l) => l === '-- ').length;
}

/**
 * Removes every occurrence of the known signature blocks from a plain-text body, then, when there is still a
 * "-- " separator and `dropTail` is set, the tail from the last separator (a signature edited by hand).
 * Returns the body and where the first removed block was (-1 if none).
 */
export function stripTextSignatures(body: string, known: string[], dropTail: boolean): { body: string; at: number } {
  let text = body.replace(/\r\n?/g, '\n');
  let at = -1;
  const blocks = [...new Set(known.map((k) => k.replace(/\r\n?/g, '\n')).filter((k) => k.length > 1))].sort((a, b) => b.length - a.length);
  for (const b of blocks) {
    for (let p = text.indexOf(b); p >= 0; p = text.indexOf(b)) {
      // Take the blank lines Roundcube put before it ("\n\n" + sig) with it.
      let start = p;
      while (start > 0 && text[start - 1] === '\n' && start > p - 2) start--;
      text = text.slice(0, start) + text.slice(p + b.length);
      if (at < 0 || start < at) at = start;
    }
  }
  if (dropTail) {
    const lines = text.split('\n');
    const last = lines.lastIndexOf('-- ');
    if (last >= 0) {
      let start = lines.slice(0, last).join('\n').length;
      text = text.slice(0, start).replace(/\n+$/, '');
      start = text.length;
      if (at < 0 || start < at) at = start;
    }
  }
  return { body: text, at: Math.min(at, text.length) };
}

/** Puts one signature block at `at` (or at the end) of a plain-text body, with a blank line before it. */
export function insertTextSignature(body: string, block: string, at: number): string {
  if (at < 0 || at >= body.length) {
    const head = body.replace(/\n+$/, '');
    return head ? `${head}\n\n${block}` : `\n\n${block}`;
  }
  const before = body.slice(0, at).replace(/\n+$/, '');
  const after = body.slice(at).replace(/^\n+/, '');
  return `${before}\n\n${block}${after ? `\n\n${after}` : ''}`;
}
