/**
 * index.html at the top of the zip, written last from the entries' metadata (IndexRecord, a few hundred bytes per
 * message: nothing of the messages themselves is kept for it). No script: the list is shown twice, grouped by month
 * (newest first) and by sender (alphabetical), each row linking to the message's page and its attachments.
 * Built as string pieces (a generator) so that a large index is written to the zip as it is made.
 */
import { escapeHtml, fileHref, localDateTime, page } from './html';
import type { ClinicalKind, DocType } from '../../mssante/doc-type';
import { attachmentList, typeBadges, type PageAttachment } from './message-page';
import type { ReadableTexts } from './texts';

export interface IndexRecord {
  /** The message's folder in the zip ("Messages/2025-03-02 10h15 - … "). */
  dir: string;
  date: number | null;
  from: string;
  subject: string;
  /** The mailbox folder it was in. */
  mailboxFolder: string;
  docType: DocType;
  kinds: ClinicalKind[];
  attachments: PageAttachment[];
  emlPath: string | null;
  /** 'ok', or why its page shows no content. */
  status: 'ok' | 'too-large' | 'unreadable';
  size: number;
}

export interface IndexHeader {
  exportedAt: number;
  mailbox: string;
}

const monthKey = (ms: number | null) => {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
};

function monthTitle(key: string, texts: ReadableTexts): string {
  if (!key) return texts.tr('readable_noDate');
  const [y, m] = key.split('-').map(Number);
  const name = new Date(y!, m! - 1, 15).toLocaleDateString(texts.lang === 'fr' ? 'fr-FR' : 'en-GB', { month: 'long', year: 'numeric' });
  return name.charAt(0).toUpperCase() + name.slice(1);
}

const count = (n: number, texts: ReadableTexts) => (n === 1 ? texts.tr('readable_messagesOne') : texts.tr('readable_messages', n));

const byDateDesc = (a: IndexRecord, b: IndexRecord) => (b.date ?? -Infinity) - (a.date ?? -Infinity);

function subjectCell(r: IndexRecord, texts: ReadableTexts): string {
  const subject = r.subject.trim() || texts.tr('readable_noSubject');
  const link = `<a href="${fileHref(`${r.dir}/message.html`)}">${escapeHtml(subject)}</a>`;
  return r.status === 'ok' ? link : `${link} <span class="muted">(${escapeHtml(texts.tr('readable_notShown'))})</span>`;
}

function fullRow(r: IndexRecord, texts: ReadableTexts): string {
  return (
    `<tr><td class="date">${escapeHtml(localDateTime(r.date))}</td><td>${escapeHtml(r.from)}</td><td>${subjectCell(r, texts)}</td>` +
    `<td>${escapeHtml(r.mailboxFolder)}</td><td>${typeBadges(r.docType, r.kinds, texts)}</td>` +
    `<td>${attachmentList(r.attachments, texts, `${r.dir}/`)}</td></tr>\n`
  );
}

/** The index page, in pieces. `records` in any order. */
export function* indexPagePieces(records: IndexRecord[], header: IndexHeader, texts: ReadableTexts): Generator<string> {
  const { tr } = texts;
  const title = tr('readable_indexTitle', header.mailbox);
  // The page shell is split around a marker so that the body can be streamed between its halves.
  const MARK = '\u0000BODY\u0000';
  const [head, tail] = page(texts.lang, title, MARK).split(MARK) as [string, string];
  yield head;
  yield (
    `<h1>${escapeHtml(title)}</h1>\n<p>${escapeHtml(tr('readable_exportedOn', localDateTime(header.exportedAt), header.mailbox, count(records.length, texts)))}</p>\n` +
    `<p class="reminder">${escapeHtml(texts.reminder)}</p>\n<p class="muted">${escapeHtml(tr('readable_howTo'))}</p>\n` +
    `<nav><a href="#by-month">${escapeHtml(tr('readable_byMonth'))}</a><a href="#by-sender">${escapeHtml(tr('readable_bySender'))}</a></nav>\n`
  );
  const sorted = [...records].sort(byDateDesc);
  const cols = ['readable_col_date', 'readable_col_from', 'readable_col_subject', 'readable_col_folder', 'readable_col_types', 'readable_col_attachments'] as const;
  const thead = `<thead><tr>${cols.map((c) => `<th scope="col">${escapeHtml(tr(c))}</th>`).join('')}</tr></thead>`;
  yield `<h2 id="by-month">${escapeHtml(tr('readable_byMonth'))}</h2>\n`;
  let i = 0;
  while (i < sorted.length) {
    const key = monthKey(sorted[i]!.date);
    let rows = '';
    let n = 0;
    while (i < sorted.length && monthKey(sorted[i]!.date) === key) {
      rows += fullRow(sorted[i]!, texts);
      i++;
      n++;
    }
    yield `<h3 id="m-${escapeHtml(key || 'none')}">${escapeHtml(monthTitle(key, texts))} <span class="muted">(${escapeHtml(count(n, texts))})</span></h3>\n<table>${thead}<tbody>\n${rows}</tbody></table>\n`;
  }
  yield `<h2 id="by-sender">${escapeHtml(tr('readable_bySender'))}</h2>\n`;
  const groups = new Map<string, IndexRecord[]>();
  for (const r of sorted) {
    const k = r.from.trim() || tr('readable_noSender');
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const senders = [...groups.keys()].sort((a, b) => a.localeCompare(b, texts.lang, { sensitivity: 'base' }));
  const sthead = `<thead><tr>${(['readable_col_date', 'readable_col_subject', 'readable_col_types'] as const).map((c) => `<th scope="col">${escapeHtml(tr(c))}</th>`).join('')}</tr></thead>`;
  for (const s of senders) {
    const g = groups.get(s)!;
    const rows = g
      .map((r) => `<tr><td class="date">${escapeHtml(localDateTime(r.date))}</td><td>${subjectCell(r, texts)}</td><td>${typeBadges(r.docType, r.kinds, texts)}</td></tr>\n`)
      .join('');
    yield `<h3>${escapeHtml(s)} <span class="muted">(${escapeHtml(count(g.length, texts))})</span></h3>\n<table>${sthead}<tbody>\n${rows}</tbody></table>\n`;
  }
  yield tail;
}

/** The whole index as bytes (small exports, tests). */
export function buildIndexPage(records: IndexRecord[], header: IndexHeader, texts: ReadableTexts): Uint8Array {
  const enc = new TextEncoder();
  const parts = [...indexPagePieces(records, header, texts)].map((s) => enc.encode(s));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

