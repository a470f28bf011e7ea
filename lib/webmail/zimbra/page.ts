/**
 * The Zimbra classic (Ajax) client's page, seen from the content script's isolated world: detection, the CSRF
 * token, the quota display, anchors. Page globals (appCtxt, window.csrfToken) are invisible from here; everything
 * comes from the DOM and the text of the page's own inline script.
 *
 * Ids and markup (Zimbra/zm-web-client): `launchZCS.jsp` (inline script: appContextPath, cacheKillerVersion,
 * csrfToken and, from 8.8.15.p4 on, localStorage.setItem("csrfToken", …)); `core/ZmId.js` (#z_shell, #skin_outer,
 * #z_userName, #z_userQuota, #skin_container_quota, views zv__…, toolbars ztb__…); `public/login.jsp`
 * (form#zLoginForm with loginOp); `public/modern.jsp` → /modern/ (the Modern UI, #zm-x-web in its public fork).
 */
import type { Detection } from '../types';
import { pick, pickAll } from '../kit/selectors';
import { ZIMBRA_SELECTORS } from './selectors';

const TOKEN_RE = /^[A-Za-z0-9_:.=+/-]{1,512}$/;
const SCRIPT_TOKEN_RE = /window\.csrfToken\s*=\s*"([^"\\\r\n]{1,512})"/;
const CACHE_KILLER_RE = /window\.cacheKillerVersion\s*=\s*"([^"\\\r\n]{1,64})"/;

/** What the launchZCS inline script says, or null when the page has no such script. */
export interface LaunchInfo {
  csrfToken: string | null;
  cacheKillerVersion: string | null;
}

/** Pure: reads launchZCS.jsp's inline script text. */
export function parseLaunchScript(text: string): LaunchInfo | null {
  if (!/window\.appContextPath\s*=/.test(text)) return null;
  const token = SCRIPT_TOKEN_RE.exec(text)?.[1] ?? null;
  const version = CACHE_KILLER_RE.exec(text)?.[1] ?? null;
  return {
    csrfToken: token && TOKEN_RE.test(token) ? token : null,
    cacheKillerVersion: version && /^[\w.-]+$/.test(version) ? version : null,
  };
}

export function readLaunchInfo(doc: Document): LaunchInfo | null {
  for (const s of Array.from(doc.scripts)) {
    if (s.src) continue;
    const text = s.textContent ?? '';
    if (text.length > 200_000 || !text.includes('appContextPath')) continue;
    const info = parseLaunchScript(text);
    if (info) return info;
  }
  return null;
}

/**
 * The CSRF tokens the page has, best first: localStorage "csrfToken" (written by launchZCS.jsp since 8.8.15.p4 on
 * every login, removed at logout: the freshest), then the value this page was started with (window.csrfToken in
 * the inline script, read as text: no main-world script needed). The classic client itself sends window.csrfToken.
 */
export function csrfTokenSource(doc: Document): () => string[] {
  let fromScript: string | null | undefined;
  return () => {
    const out: string[] = [];
    try {
      const v = doc.defaultView?.localStorage?.getItem('csrfToken');
      if (v && TOKEN_RE.test(v)) out.push(v);
    } catch {
      // storage may be blocked: the page's own value remains
    }
    if (fromScript === undefined) fromScript = readLaunchInfo(doc)?.csrfToken ?? null;
    if (fromScript && !out.includes(fromScript)) out.push(fromScript);
    return out;
  };
}

const MODERN_PATH = /^\/modern(\/|$)/;

export function detectZimbra(doc: Document, loc: Location): Detection | null {
  // The administration console (also a Dwt application, admin cookie): not a mailbox.
  if (/^\/zimbraAdmin(\/|$)/i.test(loc.pathname)) return null;
  if (MODERN_PATH.test(loc.pathname)) {
    const looksZimbra =
      !!doc.getElementById('zm-x-web') ||
      /zimbra/i.test(doc.title) ||
      Array.from(doc.scripts).some((s) => !s.src && /localStorage\.setItem\(\s*["']csrfToken["']/.test(s.textContent ?? ''));
    if (!looksZimbra) return null;
    return { kind: 'zimbra', variant: 'modern', page: 'mail', supported: false, unsupportedReason: 'zimbra-modern' };
  }
  const launch = readLaunchInfo(doc);
  const startup = doc.querySelector('script[src*="/js/Startup1_1"], script[src*="/public/jsp/Startup1_1"]');
  if (doc.getElementById('z_shell') || (launch && (startup || launch.csrfToken))) {
    const d: Detection = { kind: 'zimbra', variant: 'classic', page: 'mail', supported: true };
    if (launch?.cacheKillerVersion) d.version = launch.cacheKillerVersion;
    return d;
  }
  if (doc.querySelector('form#zLoginForm input[name="loginOp"]')) {
    return { kind: 'zimbra', variant: 'classic', page: 'login', supported: true };
  }
  return null;
}

// ---- the host's quota display -------------------------------------------------------------------------------------

function quotaKey(doc: Document): string | null {
  const q = pick(doc, ZIMBRA_SELECTORS, 'quota');
  if (!q) return null;
  const bar = pick(doc, ZIMBRA_SELECTORS, 'quotaBar');
  return `${q.getAttribute('aria-label') ?? ''}|${bar?.getAttribute('style') ?? ''}|${bar?.className ?? ''}|${q.textContent ?? ''}`;
}

/**
 * Calls `cb` when the host redraws its quota display (`ZmZimbraMail.setQuotaInfo`, after a notification
 * `modified.mbx.s`). Only #z_userQuota's own content counts, so Balise's UI mounted next to it does not trigger it.
 */
export function observeHostQuota(doc: Document, cb: () => void): () => void {
  let last = quotaKey(doc);
  let watcher: MutationObserver | null = null;
  const onChange = () => {
    const key = quotaKey(doc);
    if (key !== null && key !== last) {
      last = key;
      try {
        cb();
      } catch (e) {
        console.error('[Balise]', e);
      }
    }
  };
  const attach = (): boolean => {
    const el = doc.getElementById('skin_container_quota') ?? doc.getElementById('z_userQuota');
    if (!el) return false;
    watcher?.disconnect();
    watcher = new MutationObserver(onChange);
    watcher.observe(el, { attributes: true, childList: true, subtree: true, characterData: true });
    if (last === null) last = quotaKey(doc);
    return true;
  };
  // The shell is built asynchronously: wait for it, then watch only the quota container.
  let waiter: MutationObserver | null = null;
  if (!attach()) {
    waiter = new MutationObserver(() => {
      if (attach()) {
        waiter?.disconnect();
        waiter = null;
      }
    });
    waiter.observe(doc.documentElement, { childList: true, subtree: true });
  }
  return () => {
    waiter?.disconnect();
    watcher?.disconnect();
    waiter = null;
    watcher = null;
  };
}

// ---- anchors ------------------------------------------------------------------------------------------------------

function rendered(el: Element): boolean {
  const h = el as HTMLElement;
  if (typeof h.getClientRects === 'function' && h.getClientRects().length > 0) return true;
  return false;
}

export function quotaAnchor(doc: Document): { element: Element; placement: 'before' | 'after' | 'prepend' | 'append' } | null {
  const quota = doc.getElementById('z_userQuota') ?? doc.querySelector('#skin_container_quota .BannerTextQuota');
  if (quota) return { element: quota, placement: 'after' };
  const user = doc.getElementById('z_userName') ?? doc.querySelector('#skin_container_username .BannerTextUser');
  if (user) return { element: user, placement: 'after' };
  return null;
}

export function toolbarAnchor(doc: Document): { element: Element; placement: 'before' | 'after' | 'prepend' | 'append' } | null {
  // The list view's main toolbar: ztb__TV-main (messages), ztb__CLV-main (conversations)… (ZmId.getToolbarId).
  const bars = pickAll(doc, ZIMBRA_SELECTORS, 'mainToolbar');
  const bar = bars.find(rendered) ?? bars[0];
  if (bar) return { element: bar, placement: 'append' };
  const container = pick(doc, ZIMBRA_SELECTORS, 'toolbarContainer');
  if (container) return { element: container, placement: 'append' };
  return null;
}

// ---- folder names as the host shows them ------------------------------------------------------------------------

/** ZmMsg(_fr).properties: inbox, trash, junk, sent, drafts. */
const SYSTEM_NAMES: Record<'fr' | 'en', Record<string, string>> = {
  fr: { '2': 'Réception', '3': 'Corbeille', '4': 'Spam', '5': 'Envoyé', '6': 'Brouillons' },
  en: { '2': 'Inbox', '3': 'Trash', '4': 'Junk', '5': 'Sent', '6': 'Drafts' },
};

export function pageLocale(doc: Document): 'fr' | 'en' {
  const lang = (doc.documentElement.getAttribute('lang') ?? '').toLowerCase();
  return lang.startsWith('fr') ? 'fr' : lang.startsWith('en') ? 'en' : 'fr';
}

/** The name the folder tree shows for a system folder (its label without the unread count), or null. */
export function hostFolderLabel(doc: Document, id: string): string | null {
  if (!['2', '3', '4', '5', '6'].includes(id)) return null;
  const cell = doc.getElementById(`zti__main_Mail__${id}_textCell`);
  const text = cell?.textContent?.replace(/\s*\(\d+\)\s*$/, '').trim();
  if (text && text.length <= 100) return text;
  return SYSTEM_NAMES[pageLocale(doc)][id] ?? null;
}
