/**
 * Medimail pages → data, by the documented structure (selectors.ts) and label text only. Every function checks the
 * facts it relies on and throws Unrecognised with a short French reason when one does not hold: the caller then
 * shows "Balise ne reconnaît pas cette page Medimail : <reason>" and does nothing else. Data leaving here is parsed
 * with zod.
 */
import * as z from 'zod/mini';
import { parseSizeLabel, zonedToEpoch } from '../roundcube/parse';
import type { FolderRole } from '../types';
import { DEFAULT_FOLDERS, LABELS, LIST_DATE, MEDIMAIL_SELECTORS } from './selectors';
import { accountBox } from './detect';

export { accountBox, isLoginPage } from './detect';

/** The timezone of the list's local dates: Mipih's servers are in France (a guess: the facts say "local time"). */
export const MEDIMAIL_TIMEZONE = 'Europe/Paris';

/** The page parts the adapter needs (the selectors file's names, plus the label-found parts). */
export type PagePart =
  | 'pagination' | 'rows' | 'rowId' | 'rowDate' | 'folders' | 'account' | 'message' | 'messageBody' | 'messageParams' | 'documents';

export class Unrecognised extends Error {
  override readonly name = 'Unrecognised';
  constructor(
    readonly part: PagePart,
    readonly reason: string,
  ) {
    super(`Balise ne reconnaît pas cette page Medimail : ${reason}`);
  }
}

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;
const EMAIL_G = new RegExp(EMAIL.source, 'g');

// ---------------------------------------------------------------------------------------------------------
// Lists

export const Row = z.object({
  id: z.string().check(z.regex(/^\d{1,12}$/)),
  subject: z.string().check(z.maxLength(2000)),
  from: z.string().check(z.maxLength(2000)),
  /** Epoch ms of the list's local date (second precision). */
  date: z.number().check(z.gte(0)),
  dateLabel: z.string(),
  unread: z.boolean(),
  /** null: no row of the page shows a paper clip, so the page may not show one at all. */
  hasAttachment: z.nullable(z.boolean()),
});
export type Row = z.infer<typeof Row>;

export interface ListPage {
  page: number;
  pages: number;
  rows: Row[];
}

/** A list date "yyyy-MM-dd HH:mm:ss" (local time) → epoch ms, or null when it is not that. */
export function parseListDate(label: string): number | null {
  const m = LIST_DATE.exec(label);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  return zonedToEpoch(y, mo, d, h, mi, MEDIMAIL_TIMEZONE) + s * 1000;
}

/** The message id of a row: the `idk=` in the first td.middle's onclick, else the first number in it (code). */
export function rowId(cell: Element | undefined): string | null {
  const onclick = cell?.getAttribute('onclick') ?? '';
  const m = /idk=(\d{1,12})\b/.exec(onclick) ?? /(\d{1,12})/.exec(onclick);
  return m ? m[1]! : null;
}

export function parseListPage(doc: Document): ListPage {
  const pag = doc.querySelector(MEDIMAIL_SELECTORS.pagination.css);
  if (!pag) throw new Unrecognised('pagination', 'la liste n’a pas de pagination (#pagination)');
  const pm = LABELS.pagination.exec(text(pag));
  if (!pm) throw new Unrecognised('pagination', `la pagination ne dit pas « Page X sur Y » (« ${text(pag).slice(0, 60)} »)`);
  const page = Number(pm[1]);
  const pages = Number(pm[2]);
  if (!(page >= 0 && pages >= 0 && page <= Math.max(pages, 1))) throw new Unrecognised('pagination', `pagination incohérente (« ${pm[0]} »)`);
  const trs = Array.from(doc.querySelectorAll(MEDIMAIL_SELECTORS.rows.css));
  const clipped = trs.map((tr) => Array.from(tr.querySelectorAll('img')).some((img) => LABELS.attachmentIcon.test(`${img.getAttribute('alt') ?? ''} ${img.getAttribute('title') ?? ''} ${img.getAttribute('src') ?? ''}`)));
  const anyClip = clipped.some(Boolean);
  const rows = trs.map((tr, i) => {
    const cells = Array.from(tr.querySelectorAll(MEDIMAIL_SELECTORS.rowCells.css));
    if (cells.length < 3) throw new Unrecognised('rows', `une ligne de la liste n’a pas ses trois cellules td.middle (ligne ${i + 1})`);
    const withClick = cells.find((c) => c.hasAttribute('onclick'));
    const id = rowId(withClick);
    if (!id) throw new Unrecognised('rowId', `une ligne de la liste n’a pas d’identifiant de message (ligne ${i + 1})`);
    const rest = cells.filter((c) => c !== withClick);
    const dateCell = tr.querySelector(MEDIMAIL_SELECTORS.rowDate.css);
    const dateLabel = text(dateCell);
    const date = parseListDate(dateLabel);
    if (date === null) throw new Unrecognised('rowDate', `une date de la liste n’est pas au format aaaa-mm-jj hh:mm:ss (« ${dateLabel.slice(0, 40)} »)`);
    const fromCell = rest[1];
    const title = fromCell?.getAttribute('title') ?? '';
    const name = text(fromCell);
    const from = EMAIL.test(title) && !EMAIL.test(name) && name ? `${name} <${title.match(EMAIL)![0]}>` : name || title;
    const parsed = Row.safeParse({
      id,
      subject: text(rest[0]),
      from,
      date,
      dateLabel,
      unread: tr.matches('tr.unopen'),
      hasAttachment: anyClip ? clipped[i]! : null,
    });
    if (!parsed.success) throw new Unrecognised('rows', `une ligne de la liste est illisible (ligne ${i + 1})`);
    return parsed.data;
  });
  return { page, pages, rows };
}

// ---------------------------------------------------------------------------------------------------------
// Folders (the menu)

export interface MenuFolder {
  id: string;
  name: string;
  path: string;
  role: FolderRole;
  depth: number;
}

/** The folder id of a list link (`?m=liste&f=<id>`), or null. */
export function folderIdOf(href: string): string | null {
  const q = href.slice(href.indexOf('?') + 1).replace(/&amp;/g, '&');
  const params = new URLSearchParams(q);
  if (params.get('m') !== 'liste') return null;
  const f = params.get('f') ?? '';
  return /^\d{1,10}$/.test(f) ? f : null;
}

/**
 * The folders of the menu: list links outside the list itself, the pagination and the message; nesting from the
 * list items around them. The four default folders must all be there, recognised by name.
 */
export function parseFolders(doc: Document): MenuFolder[] {
  const links = Array.from(doc.querySelectorAll<HTMLAnchorElement>(MEDIMAIL_SELECTORS.folderLinks.css)).filter(
    (a) => !a.closest(`table, ${MEDIMAIL_SELECTORS.pagination.css}, ${MEDIMAIL_SELECTORS.message.css}, form`) && text(a) && folderIdOf(a.getAttribute('href') ?? ''),
  );
  const byId = new Map<string, { a: HTMLAnchorElement; lis: number }>();
  for (const a of links) {
    const id = folderIdOf(a.getAttribute('href') ?? '')!;
    if (byId.has(id)) continue;
    const lis: Element[] = [];
    for (let el = a.parentElement; el; el = el.parentElement) if (el.tagName === 'LI') lis.push(el);
    if (!lis.length && a.querySelector('img')) continue; // the logo's link back to the inbox
    byId.set(id, { a, lis: lis.length });
  }
  const minDepth = Math.min(...[...byId.values()].map((v) => v.lis));
  const out: MenuFolder[] = [];
  for (const [id, { a, lis }] of byId) {
    const name = text(a);
    const ancestors: string[] = [];
    for (let li = a.closest('li')?.parentElement?.closest('li'); li; li = li.parentElement?.closest('li')) {
      const own = Array.from(li.children).find((c) => c.tagName === 'A');
      if (own) ancestors.unshift(text(own));
    }
    const role = DEFAULT_FOLDERS.find((d) => d.name.test(name))?.role ?? 'other';
    out.push({ id, name, path: [...ancestors, name].join('/'), role, depth: Math.max(0, lis - minDepth) });
  }
  const missing = DEFAULT_FOLDERS.filter((d) => !out.some((f) => f.role === d.role));
  if (missing.length) throw new Unrecognised('folders', `dossiers par défaut introuvables dans le menu (${missing.map((m) => m.role).join(', ')})`);
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The account box

export interface AccountBox {
  name: string | null;
  /** The account's own Medimail address. */
  own: string | null;
  /** Its MSSanté correspondence, when the box shows one: the BAL. */
  mssante: string | null;
  apicrypt: string | null;
}

export function parseAccountBox(doc: Document): AccountBox {
  const box = accountBox(doc);
  if (!box) throw new Unrecognised('account', 'la boîte du compte (« Gérer votre compte Medimail », « Déconnexion ») est introuvable');
  const out: AccountBox = { name: null, own: null, mssante: null, apicrypt: null };
  // Each line: the smallest elements with text (p, li, div, span without element children holding text).
  const lines = Array.from(box.querySelectorAll('p, li, div, span, dd, dt, td')).filter((el) => !el.querySelector('p, li, div, span, dd, dt, td') && text(el));
  for (const el of lines) {
    if (el.closest('a, button')) continue;
    const t = text(el);
    const email = t.match(EMAIL)?.[0]?.toLowerCase() ?? null;
    if (!email) {
      if (!out.name && t.length <= 120 && !LABELS.manageAccount.test(t) && !LABELS.logout.test(t)) out.name = t;
      continue;
    }
    if (LABELS.mssante.test(t)) out.mssante ??= email;
    else if (LABELS.apicrypt.test(t)) out.apicrypt ??= email;
    else out.own ??= email;
  }
  if (!out.own && !out.mssante) throw new Unrecognised('account', 'la boîte du compte ne montre aucune adresse');
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// A message

export const Attachment = z.object({
  name: z.string().check(z.minLength(1), z.maxLength(1000)),
  href: z.string().check(z.minLength(1)),
  /** The size the page prints next to the link, when it prints one (bytes ± precision). */
  shown: z.nullable(z.object({ bytes: z.number(), precision: z.number() })),
});
export type Attachment = z.infer<typeof Attachment>;

export interface MessagePage {
  subject: string | null;
  from: string | null;
  to: string[];
  cc: string[];
  /** "Envoyé le …" as epoch ms (minute or day precision), null when the page does not say. */
  sent: number | null;
  /** The body's HTML as the page holds it (read as text from a parsed copy, never put into a page). */
  bodyHtml: string;
  attachments: Attachment[];
}

export function addressesIn(s: string): string[] {
  return s.match(EMAIL_G)?.map((a) => a.toLowerCase()) ?? [];
}

function labelled(corps: Element, label: RegExp): string | null {
  for (const el of Array.from(corps.querySelectorAll('p, div, li, span, td, dd'))) {
    if (el.closest('#kvp_content, #kvp_param')) continue;
    const t = text(el);
    if (label.test(t) && !Array.from(el.children).some((c) => label.test(text(c)))) return t.replace(label, '').trim();
  }
  return null;
}

export function parseMessagePage(doc: Document): MessagePage {
  const corps = doc.querySelector(MEDIMAIL_SELECTORS.message.css);
  if (!corps) throw new Unrecognised('message', 'le message n’a pas de contenu #corps');
  const body = doc.querySelector(MEDIMAIL_SELECTORS.messageBody.css);
  if (!body) throw new Unrecognised('messageBody', 'le message n’a pas de corps #kvp_content');
  const params = doc.querySelector(MEDIMAIL_SELECTORS.messageParams.css);
  if (!params) throw new Unrecognised('messageParams', 'le message n’a pas de bloc #kvp_param');
  const attachments: Attachment[] = [];
  for (const h3 of Array.from(params.querySelectorAll('h3')).filter((h) => LABELS.documents.test(text(h)))) {
    const block = h3.parentElement && h3.parentElement !== params ? h3.parentElement : params;
    for (const a of Array.from(block.querySelectorAll('a'))) {
      const href = a.getAttribute('href');
      if (!href) throw new Unrecognised('documents', `un document n’a pas de lien (« ${text(a).slice(0, 60)} »)`);
      const around = text(a.closest('li') ?? a.parentElement);
      const sm = /\(\s*(\d+(?:[.,]\d+)?\s*(?:o|octets?|Ko|Mo|Go|KB|MB|GB))\s*\)/i.exec(around);
      const parsed = Attachment.safeParse({ name: text(a), href, shown: sm ? parseSizeLabel(sm[1]!) : null });
      if (!parsed.success) throw new Unrecognised('documents', 'un document de la liste est illisible');
      attachments.push(parsed.data);
    }
  }
  const sm = LABELS.sent.exec(text(corps));
  let sent: number | null = null;
  if (sm) {
    const [d, mo, y] = [Number(sm[1]), Number(sm[2]), Number(sm[3])];
    sent = zonedToEpoch(y, mo, d, sm[4] ? Number(sm[4]) : 0, sm[5] ? Number(sm[5]) : 0, MEDIMAIL_TIMEZONE);
  }
  const heading = corps.querySelector('h1, h2') ?? Array.from(corps.querySelectorAll('h3')).find((el) => !el.closest(MEDIMAIL_SELECTORS.messageParams.css)) ?? null;
  const fromText = labelled(corps, LABELS.from);
  const toText = labelled(corps, LABELS.to);
  const ccText = labelled(corps, LABELS.cc);
  return {
    subject: heading ? text(heading) : null,
    from: fromText,
    to: toText ? addressesIn(toText) : [],
    cc: ccText ? addressesIn(ccText) : [],
    sent,
    bodyHtml: body.innerHTML,
    attachments,
  };
}
