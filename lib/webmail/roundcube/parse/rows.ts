/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): List rows (add_message_row) to message summaries, and text from Roundcube's HTML snippets.
 */
import * as z from 'zod/mini';
import type { MessageSummary, SortOrder } from '../../types';
import type { ExecCall } from './script';
import { parseDateLabel, parseSizeLabel } from './sizes-dates';

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
