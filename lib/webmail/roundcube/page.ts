/**
 * Roundcube 1.6, the page: the account, the list state, the folders as listed, the quota display and mount points.
 * Detection and the inline environment are in detect.ts, the compose editors in compose.ts, the selectors (what the
 * page must contain) in selectors.ts.
 *
 * The content script lives in an isolated world: `window.rcmail` is invisible, so everything is read from the
 * DOM and from the text of the page's inline scripts (parsed as JSON, never evaluated). Elements seen on the
 * elastic skin of Roundcube 1.6.5 (tests/fixtures/roundcube/*.html); larry's ids are the same for the parts used.
 */
import { pick, pickAll } from '../kit/selectors';
import { ROUNDCUBE_SELECTORS } from './selectors';
import type { UiAnchor } from '../types';

export { detectRoundcube, pageKind, readPageEnv, readToken, versionText } from './detect';

export const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

export function emailIn(text: string | null | undefined): string | null {
  const m = EMAIL.exec(text ?? '');
  return m ? m[0].toLowerCase() : null;
}

/** The mailbox the page is logged in to, from the header's user name (elastic: .header-title.username). */
export function accountFromDom(doc: Document): string | null {
  for (const el of pickAll(doc, ROUNDCUBE_SELECTORS, 'userName')) {
    const a = emailIn(el.textContent);
    if (a) return a;
  }
  return null;
}

/** The account in a fetched mail page's HTML (same element, by text). */
export function accountFromHtml(html: string): string | null {
  const m = /<[^>]*class="[^"]*\busername\b[^"]*"[^>]*>([^<]*)</.exec(html);
  return m ? emailIn(m[1]) : null;
}

/** The folder and page the page shows, to put the session back there after our own requests. */
export function listState(doc: Document, env: Record<string, unknown> | null): { folder: string; page: number } | null {
  const sel = doc.querySelector<HTMLAnchorElement>('#mailboxlist li.selected > a[rel]');
  const folder = sel?.getAttribute('rel') || (typeof env?.mailbox === 'string' ? env.mailbox : null);
  if (!folder) return null;
  const pagesize = typeof env?.pagesize === 'number' && env.pagesize > 0 ? env.pagesize : 50;
  const count = pick(doc, ROUNDCUBE_SELECTORS, 'countDisplay')?.textContent ?? '';
  const first = /(\d+)\D+\d+\D+\d+/.exec(count);
  let page = typeof env?.current_page === 'number' && env.current_page > 0 ? env.current_page : 1;
  if (first) page = Math.floor((Number(first[1]) - 1) / pagesize) + 1;
  return { folder, page: Math.max(1, page) };
}

/** Folders as the page lists them (#mailboxlist): id (a[rel]), display name, depth, role class. */
export function foldersFromDom(doc: Document): { id: string; name: string; depth: number; cls: string }[] {
  const out: { id: string; name: string; depth: number; cls: string }[] = [];
  const root = pick(doc, ROUNDCUBE_SELECTORS, 'folderList');
  if (!root) return out;
  for (const a of pickAll<HTMLAnchorElement>(doc, ROUNDCUBE_SELECTORS, 'folderLinks')) {
    const li = a.parentElement!;
    let depth = 0;
    for (let p = li.parentElement; p && p !== root; p = p.parentElement) if (p.tagName === 'UL') depth++;
    const name = Array.from(a.childNodes)
      .filter((n) => n.nodeType === 3)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    out.push({ id: a.getAttribute('rel')!, name: name || (a.textContent ?? '').trim(), depth, cls: li.className });
  }
  return out;
}

/** Calls `cb` when Roundcube updates its quota display (set_quota after its own requests). */
export function observeQuotaDisplay(doc: Document, cb: () => void): () => void {
  const targets = pickAll(doc, ROUNDCUBE_SELECTORS, 'quotaDisplay');
  if (!targets.length) return () => undefined;
  const win = doc.defaultView;
  let timer: number | undefined;
  // Every rcmail.set_quota rewrites the text and the title, even with the same values (a changed quota may
  // also look the same once formatted): any rewrite is a refresh. One call per burst of changes.
  const obs = new MutationObserver(() => {
    if (timer !== undefined) win?.clearTimeout(timer);
    timer = win?.setTimeout(() => {
      timer = undefined;
      try {
        cb();
      } catch (e) {
        console.error('[Balise] quota listener', e);
      }
    }, 50);
  });
  for (const t of targets) obs.observe(t, { attributes: true, childList: true, characterData: true, subtree: true });
  return () => {
    obs.disconnect();
    if (timer !== undefined) win?.clearTimeout(timer);
  };
}

/**
 * Below Roundcube's own messages (Elastic: #messagestack, z-index 105, in the window's bottom-right corner, where a
 * floating meter goes) and dialogs (1299 and up); above its panes (1 to 3). Read from the Debian package's
 * skins/elastic styles; Larry's message stack is at the top of the window, out of the way.
 */
const FLOAT_LAYER = 104;

export function findAnchor(doc: Document, kind: 'quota' | 'toolbar'): UiAnchor | null {
  if (kind === 'quota') {
    const q = doc.getElementById('quotadisplay') ?? doc.getElementById('rcmquotadisplay')?.parentElement;
    if (q) return { element: q, placement: 'after', floatLayer: FLOAT_LAYER };
    const user = doc.querySelector('.header-title.username, .username');
    if (user) return { element: user, placement: 'after', floatLayer: FLOAT_LAYER };
    return null;
  }
  const bar =
    doc.getElementById('mailtoolbar') ??
    doc.getElementById('messagetoolbar') ??
    doc.querySelector('#layout-content .header [role="toolbar"] .toolbar, #layout-content [role="toolbar"]') ??
    doc.querySelector('#toolbar-menu, .toolbar[role="toolbar"]');
  return bar ? { element: bar, placement: 'append' } : null;
}
