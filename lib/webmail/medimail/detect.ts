/**
 * Is this page Medimail? From what the page shows, never from the host name (operators put it behind their portals):
 * the product's name on the page (logo, title, "Gérer votre compte Medimail") and at least two structures of the
 * manual or of the code that read it (the menu's "Nouveau message" and "Annuaire", folder links ?m=liste&f=…, the
 * account box, a list's #pagination and rows, a message's #corps). A login page naming strong authentication counts
 * as Medimail's login.
 *
 * As tiny as the other detectors (no parser, no zod: it runs in the content script on every webmail page). The page's
 * full structure is checked by the adapter's part before any feature mounts (check.ts, medimailFactory.confirm): when
 * something is missing there, the detection becomes "not supported, unrecognised" and only a small notice shows.
 */
import type { Detection, PageKind, WebmailDetector } from '../types';
import { LABELS, MEDIMAIL_SELECTORS } from './selectors';

const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The box opened by the initials bubble: the smallest element holding "Gérer votre compte Medimail" and "Déconnexion". */
export function accountBox(doc: Document): Element | null {
  const manage = Array.from(doc.querySelectorAll('a, button')).find((el) => LABELS.manageAccount.test(text(el)));
  for (let el = manage?.parentElement; el && el !== doc.body; el = el.parentElement) {
    if (Array.from(el.querySelectorAll('a, button')).some((b) => LABELS.logout.test(text(b)))) return el;
  }
  return null;
}

/** A page that asks to log in again (the session is over): a login form naming strong authentication, no account box. */
export function isLoginPage(doc: Document): boolean {
  if (accountBox(doc)) return false;
  const forms = Array.from(doc.querySelectorAll('form'));
  return forms.some((f) => LABELS.login.test(text(f)) || !!f.querySelector('input[type="password"], input[autocomplete="one-time-code"]'));
}

function namesMedimail(doc: Document): boolean {
  if (LABELS.product.test(doc.title)) return true;
  if (Array.from(doc.querySelectorAll('img[alt], img[title], [aria-label]')).some((el) => LABELS.product.test(`${el.getAttribute('alt') ?? ''} ${el.getAttribute('title') ?? ''} ${el.getAttribute('aria-label') ?? ''}`))) return true;
  return Array.from(doc.querySelectorAll('a, button, h1')).some((el) => LABELS.product.test(text(el)));
}

function structures(doc: Document): number {
  let n = 0;
  const links = Array.from(doc.querySelectorAll('a, button'));
  if (links.some((a) => LABELS.newMessage.test(text(a)))) n++;
  if (links.some((a) => LABELS.directory.test(text(a)))) n++;
  if (doc.querySelector(MEDIMAIL_SELECTORS.folderLinks.css)) n++;
  if (accountBox(doc)) n++;
  if (doc.querySelector(MEDIMAIL_SELECTORS.pagination.css) || doc.querySelector(MEDIMAIL_SELECTORS.rows.css)) n++;
  if (doc.querySelector(MEDIMAIL_SELECTORS.message.css)) n++;
  return n;
}

/** The compose form: a form with the manual's "Envoyer" and "Sauvegarder le message" buttons. */
export function composeForms(doc: Document): HTMLFormElement[] {
  return Array.from(doc.querySelectorAll('form')).filter((f) => {
    const buttons = Array.from(f.querySelectorAll('button, input[type="submit"], input[type="button"], a'));
    const label = (b: Element) => text(b) || (b as HTMLInputElement).value || '';
    return buttons.some((b) => LABELS.send.test(label(b))) && buttons.some((b) => LABELS.saveDraft.test(label(b)));
  });
}

function pageKind(doc: Document, loc: Location | null): PageKind {
  const m = loc ? new URLSearchParams(loc.search).get('m') : null;
  if (composeForms(doc).length) return 'compose';
  if (doc.querySelector(MEDIMAIL_SELECTORS.message.css) || doc.querySelector(MEDIMAIL_SELECTORS.pagination.css) || doc.querySelector(MEDIMAIL_SELECTORS.rows.css)) return 'mail';
  if (m === 'liste' || m === 'open') return 'mail';
  if (m === 'compte') return 'settings';
  return 'other';
}

export function detectMedimail(doc: Document, loc: Location | null): Detection | null {
  if (!namesMedimail(doc)) return null;
  if (isLoginPage(doc) && LABELS.login.test(text(doc.body))) return { kind: 'medimail', page: 'login', supported: true };
  if (structures(doc) < 2) return null;
  return { kind: 'medimail', page: pageKind(doc, loc), supported: true };
}

/** The detector and how to load the adapter (lib/webmail/adapters.ts lists these). */
export const medimailDetector: WebmailDetector = {
  kind: 'medimail',
  detect: (doc, loc) => detectMedimail(doc, loc),
  load: () => import('./index'),
};
