/**
 * Everything the Medimail adapter looks for on a page, as data: each entry says where the fact comes from
 * ('manual' = the webmail manual V1.5, 'code' = public programs that read the webmail in 2020) and how many matches
 * each saved fixture page has (tests/fixtures/medimail/, checked by tests/unit/webmail/medimail/selectors.test.ts).
 * Nothing here names a detail only our stand-in has: ids and classes come from the facts, the rest is label text.
 */

export type Source = 'manual' | 'code';

export interface SelectorFact {
  css: string;
  source: Source;
  why: string;
  /** Matches expected in saved fixture pages (file name → count). */
  fixtures: Record<string, number>;
}

export const SELECTORS = {
  pagination: {
    css: '#pagination',
    source: 'code',
    why: 'a folder list pages with "Page X sur Y"',
    fixtures: { 'list-inbox-p1.html': 1, 'list-drafts.html': 1, 'open-documents.html': 0, 'altered-no-pagination.html': 0 },
  },
  rows: {
    css: 'tr.open, tr.unopen',
    source: 'code',
    why: 'read (open) and unread (unopen) rows of a folder list',
    fixtures: { 'list-inbox-p1.html': 20, 'list-inbox-p2.html': 20, 'list-empty-no-mssante.html': 0, 'open-documents.html': 0 },
  },
  unreadRows: {
    css: 'tr.unopen',
    source: 'code',
    why: 'unread rows',
    fixtures: { 'list-drafts.html': 0 },
  },
  rowCells: {
    css: 'td.middle',
    source: 'code',
    why: 'in order: the cell whose onclick holds the id, the subject, the sender',
    fixtures: { 'list-inbox-p1.html': 60 },
  },
  rowDate: {
    css: 'td.right',
    source: 'code',
    why: 'the first is the date, yyyy-MM-dd HH:mm:ss, local time',
    fixtures: { 'list-inbox-p1.html': 20 },
  },
  folderLinks: {
    css: 'a[href*="m=liste"][href*="f="]',
    source: 'code',
    why: 'folders are reached by /?m=liste&f=<id>&o=…',
    fixtures: { 'open-documents.html': 7, 'compose.html': 6 },
  },
  message: {
    css: '#corps',
    source: 'code',
    why: 'a message page holds its content in #corps',
    fixtures: { 'open-documents.html': 1, 'open-plain.html': 1, 'altered-unknown-layout.html': 0, 'list-inbox-p1.html': 0 },
  },
  messageBody: {
    css: '#corps #kvp_content',
    source: 'code',
    why: 'the body of the message',
    fixtures: { 'open-documents.html': 1, 'altered-open-no-body.html': 0 },
  },
  messageParams: {
    css: '#corps #kvp_param',
    source: 'code',
    why: 'blocks with an h3 title; the one saying "Document" lists the attachments as links',
    fixtures: { 'open-documents.html': 1, 'open-plain.html': 1 },
  },
  paramTitles: {
    css: '#kvp_param h3',
    source: 'code',
    why: 'block titles ("Document(s)", "Evénements")',
    fixtures: { 'open-documents.html': 2, 'open-plain.html': 1 },
  },
  editable: {
    css: '[contenteditable="true"], [contenteditable=""], textarea',
    source: 'manual',
    why: 'the compose form has a rich-text body (how it is built is not documented: any editable element)',
    fixtures: { 'compose.html': 1 },
  },
} satisfies Record<string, SelectorFact>;

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
