/**
 * One message's page (message.html in its folder): the headers table (date, from, to, cc, subject, folder), the
 * document kinds, the attachments with links and sizes, and the body (sanitised HTML, or the text part as an
 * escaped <pre>, or a note that it was too large or unreadable, with a link to the original .eml).
 * Built as a string from escaped pieces: every text goes through escapeHtml; only `body.html` (DOMPurify's
 * output, sanitize.ts) is inserted as markup.
 */
import { escapeHtml, fileHref, humanSize, localDateTime, page } from './html';
import type { ClinicalKind, DocType } from '../../mssante/doc-type';
import { kindLabel, typeLabel, type ReadableTexts } from './texts';

export interface PageAttachment {
  /** File name inside the message's folder. */
  file: string;
  size: number;
  kind: ClinicalKind | null;
  /** Name of the archive this file was extracted from (XDM). */
  extractedFrom?: string;
  /** A note shown beside it (an XDM that could not be extracted). */
  note?: string;
}

export type PageBody = { html: string; blocked: boolean } | { text: string } | { tooLarge: number } | { unreadable: true };

export interface MessagePageInput {
  date: number | null;
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  folder: string;
  docType: DocType;
  kinds: ClinicalKind[];
  attachments: PageAttachment[];
  body: PageBody;
  /** Path of the .eml inside the zip, and of index.html; the page sits two folders down (root/folder/). */
  emlPath: string | null;
  indexPath: string;
  /** How many folders down the page sits (2 for "Messages/<message>/message.html"). */
  depth?: number;
}

function row(label: string, value: string): string {
  return `<tr><th scope="row">${escapeHtml(label)}</th><td>${value}</td></tr>`;
}

export function attachmentList(items: PageAttachment[], texts: ReadableTexts, prefix = '', up = 0): string {
  if (!items.length) return `<span class="muted">${escapeHtml(texts.tr('readable_none'))}</span>`;
  const li = items.map((a) => {
    const extra = [a.kind ? kindLabel(texts, a.kind) : '', a.extractedFrom ? texts.tr('readable_extractedFrom', a.extractedFrom) : ''].filter(Boolean);
    return (
      `<li><a href="${fileHref(prefix + a.file, up)}">${escapeHtml(a.file)}</a> <span class="size">${escapeHtml(humanSize(a.size, texts.lang))}</span>` +
      (extra.length ? ` <span class="muted">(${escapeHtml(extra.join(', '))})</span>` : '') +
      (a.note ? ` <span class="note">${escapeHtml(a.note)}</span>` : '') +
      `</li>`
    );
  });
  return `<ul class="files">${li.join('')}</ul>`;
}

export function typeBadges(docType: DocType, kinds: ClinicalKind[], texts: ReadableTexts): string {
  return [`<span class="type">${escapeHtml(typeLabel(texts, docType))}</span>`, ...kinds.map((k) => `<span class="type">${escapeHtml(kindLabel(texts, k))}</span>`)].join('');
}

export function buildMessagePage(m: MessagePageInput, texts: ReadableTexts): string {
  const { tr } = texts;
  const DEPTH = m.depth ?? 2;
  const subject = m.subject.trim() || tr('readable_noSubject');
  const headers = [
    row(tr('readable_col_date'), escapeHtml(localDateTime(m.date) || tr('readable_noDate'))),
    row(tr('readable_col_from'), escapeHtml(m.from || tr('readable_noSender'))),
    row(tr('readable_col_to'), escapeHtml(m.to.join(', '))),
    ...(m.cc.length ? [row(tr('readable_col_cc'), escapeHtml(m.cc.join(', ')))] : []),
    row(tr('readable_col_subject'), escapeHtml(subject)),
    row(tr('readable_col_folder'), escapeHtml(m.folder)),
    row(tr('readable_col_types'), typeBadges(m.docType, m.kinds, texts)),
    row(tr('readable_col_attachments'), attachmentList(m.attachments, texts)),
    ...(m.emlPath ? [row(tr('readable_col_original'), `<a href="${fileHref(m.emlPath, DEPTH)}">${escapeHtml(m.emlPath.replace(/^.*\//, ''))}</a>`)] : []),
  ];
  let body: string;
  const b = m.body;
  if ('html' in b) body = (b.blocked ? `<p class="note">${escapeHtml(tr('readable_linksNote'))}</p>` : '') + b.html;
  else if ('text' in b) body = `<pre class="text">${escapeHtml(b.text)}</pre>`;
  else if ('tooLarge' in b) body = `<p class="note">${escapeHtml(tr('readable_tooLarge', humanSize(b.tooLarge, texts.lang)))}</p>`;
  else body = `<p class="note">${escapeHtml(tr('readable_unreadable'))}</p>`;
  const html =
    `<nav><a href="${fileHref(m.indexPath, DEPTH)}">${escapeHtml(tr('readable_back'))}</a></nav>\n` +
    `<h1>${escapeHtml(subject)}</h1>\n<p class="reminder">${escapeHtml(texts.reminder)}</p>\n` +
    `<table class="headers">${headers.join('\n')}</table>\n<div class="body">${body}</div>`;
  return page(texts.lang, subject, html);
}
