/**
 * Everything the Medimail adapter looks for on a page, as data in the kit's shape (lib/webmail/kit/selectors.ts): each
 * entry says where the fact comes from ('manual' = the webmail manual V1.5, 'code' = public programs that read the
 * webmail in 2020) and how many matches each saved stand-in page has (tests/fixtures/medimail/, checked with every
 * adapter's table by tests/unit/webmail/selectors.test.ts).
 * Nothing here names a detail only our stand-in has: ids and classes come from the facts, the rest is label text.
 */
import type { SelectorTable } from '../kit/selectors';

/** Where the saved stand-in pages are (under tests/fixtures/). */
const M = 'medimail/';

/**
 * What a list page or a message page needs is finer than the page kinds the kit knows ('mail' covers both), so
 * nothing but the compose editor is `requiredOn` here: parse.ts checks each fact where it applies and names the
 * missing one (Unrecognised → recognition()).
 */
export const MEDIMAIL_SELECTORS = {
  pagination: {
    css: '#pagination',
    requiredOn: [],
    source: 'code',
    why: 'a folder list pages with "Page X sur Y"',
    fixtures: { [M + 'list-inbox-p1.html']: 1, [M + 'list-drafts.html']: 1, [M + 'open-documents.html']: 0, [M + 'altered-no-pagination.html']: 0 },
  },
  rows: {
    css: 'tr.open, tr.unopen',
    requiredOn: [],
    source: 'code',
    why: 'read (open) and unread (unopen) rows of a folder list',
    fixtures: { [M + 'list-inbox-p1.html']: 20, [M + 'list-inbox-p2.html']: 20, [M + 'list-empty-no-mssante.html']: 0, [M + 'open-documents.html']: 0 },
  },
  unreadRows: {
    css: 'tr.unopen',
    requiredOn: [],
    source: 'code',
    why: 'unread rows',
    fixtures: { [M + 'list-drafts.html']: 0 },
  },
  rowCells: {
    css: 'td.middle',
    requiredOn: [],
    source: 'code',
    why: 'in order: the cell whose onclick holds the id, the subject, the sender',
    fixtures: { [M + 'list-inbox-p1.html']: 60 },
  },
  rowDate: {
    css: 'td.right',
    requiredOn: [],
    source: 'code',
    why: 'the first is the date, yyyy-MM-dd HH:mm:ss, local time',
    fixtures: { [M + 'list-inbox-p1.html']: 20 },
  },
  folderLinks: {
    css: 'a[href*="m=liste"][href*="f="]',
    requiredOn: [],
    source: 'code',
    why: 'folders are reached by /?m=liste&f=<id>&o=…',
    fixtures: { [M + 'open-documents.html']: 7, [M + 'compose.html']: 6 },
  },
  message: {
    css: '#corps',
    requiredOn: [],
    source: 'code',
    why: 'a message page holds its content in #corps',
    fixtures: { [M + 'open-documents.html']: 1, [M + 'open-plain.html']: 1, [M + 'altered-unknown-layout.html']: 0, [M + 'list-inbox-p1.html']: 0 },
  },
  messageBody: {
    css: '#corps #kvp_content',
    requiredOn: [],
    source: 'code',
    why: 'the body of the message',
    fixtures: { [M + 'open-documents.html']: 1, [M + 'altered-open-no-body.html']: 0 },
  },
  messageParams: {
    css: '#corps #kvp_param',
    requiredOn: [],
    source: 'code',
    why: 'blocks with an h3 title; the one saying "Document" lists the attachments as links',
    fixtures: { [M + 'open-documents.html']: 1, [M + 'open-plain.html']: 1 },
  },
  paramTitles: {
    css: '#kvp_param h3',
    requiredOn: [],
    source: 'code',
    why: 'block titles ("Document(s)", "Evénements")',
    fixtures: { [M + 'open-documents.html']: 2, [M + 'open-plain.html']: 1 },
  },
  editable: {
    css: '[contenteditable="true"], [contenteditable=""], textarea',
    requiredOn: ['compose'],
    source: 'manual',
    why: 'the compose form has a rich-text body (how it is built is not documented: any editable element)',
    fixtures: { [M + 'compose.html']: 1 },
  },
} as const satisfies SelectorTable;

/** Label texts of the manual (French, as the webmail shows them). */
export const LABELS = {
  product: /\bMedimail\b/i,
  manageAccount: /G[ée]rer votre compte Medimail/i,
  logout: /D[ée]connexion/i,
  newMessage: /^\s*Nouveau message\s*$/i,
  directory: /^\s*Annuaire\s*$/i,
  pagination: /Page\s+(\d+)\s+sur\s+(\d+)/i,
  documents: /Document/i,
  sent: /Envoy[ée] le\s+(\d{2})\/(\d{2})\/(\d{4})(?:\s+(?:à|a)\s+(\d{2})[:h](\d{2}))?/i,
  from: /^\s*De\s*:\s*/i,
  to: /^\s*(?:À|A|Destinataires?)\s*:\s*/i,
  cc: /^\s*Pour information\s*:\s*/i,
  mssante: /MSSant[ée]/i,
  apicrypt: /Apicrypt/i,
  composeTo: /^\s*(?:À|A|Destinataires?)\s*:?\s*$/i,
  composeCc: /^\s*Pour information\s*:?\s*$/i,
  composeSubject: /^\s*Objet\s*:?\s*$/i,
  send: /^\s*Envoyer\s*$/i,
  saveDraft: /Sauvegarder le message/i,
  addAttachment: /Ajouter une pi[èe]ce jointe/i,
  gauge: /(\d+(?:[.,]\d+)?)\s*(o|Ko|Mo)\s*(?:\/|sur)\s*60\s*Mo/i,
  login: /code à usage unique|Pro Sant[ée] Connect|e-CPS|mot de passe/i,
  attachmentIcon: /pi[èe]ce jointe|trombone|attach|clip/i,
} as const;

/** The four default folders (manual), recognised by name. */
export const DEFAULT_FOLDERS = [
  { role: 'inbox', name: /^\s*Bo[iî]te de r[ée]ception\s*$/i },
  { role: 'sent', name: /^\s*Messages envoy[ée]s\s*$/i },
  { role: 'drafts', name: /^\s*Brouillons\s*$/i },
  { role: 'trash', name: /^\s*Messages supprim[ée]s\s*$/i },
] as const;

/** A list date: yyyy-MM-dd HH:mm:ss (code). */
export const LIST_DATE = /^\s*(\d{4})-(\d{2})-(\d{2})\s+(\d{2}):(\d{2}):(\d{2})\s*$/;

/** The largest total of attachments per message (manual: 60 MB). */
export const MAX_ATTACHMENTS_BYTES = 60 * 1024 * 1024;

/** Medimail deletes every message after this many days (manual: 3 months). */
export const RETENTION_DAYS = 90;
