/**
 * What the popup needs to offer "Enable Balise on this webmail": the tab the user is on, what Balise knows of its
 * origin, and the click itself. Reading the active tab's address needs no install-time permission: the `activeTab`
 * the user grants by clicking the toolbar button is enough.
 */
import { browser } from 'wxt/browser';
import { KNOWN_WEBMAILS, normalizeOrigin, originToMatchPattern } from '../origins';
import { TEST_BUILD } from '../env';
import { send } from '../messages/send';

export interface TabPlace {
  tabId: number;
  origin: string;
}

/** What an origin is to Balise. `portal` / `login`: the operator's page around the webmail, not its mail pages. */
export type OriginRole = 'mail' | 'portal' | 'login' | 'unknown';

export interface OriginInfo {
  role: OriginRole;
  /** The platform's name, when the origin is a known one. */
  label?: string;
  knownId?: string;
  /** For a portal or login page: where the mail pages are. */
  mailOrigin?: string;
}

/**
 * The one place the popup classifies an origin. Today the known list holds the mail pages' origins only; when it
 * learns the operators' portal and login origins, this function switches to its classifier and the popup's
 * portal / login hints light up.
 */
export function describeOrigin(origin: string): OriginInfo {
  const known = KNOWN_WEBMAILS.find((k) => k.origin === origin);
  return known ? { role: 'mail', label: known.label, knownId: known.id } : { role: 'unknown' };
}

/**
 * The tab the popup was opened over. Test builds only: the e2e tests open the popup in a tab of its own, so
 * `?tab=<url>` names the tab to act on instead (found by its address).
 */
export async function activeTab(search = globalThis.location?.search ?? ''): Promise<TabPlace | null> {
  let tab: { id?: number; url?: string } | undefined;
  const wanted = TEST_BUILD ? new URLSearchParams(search).get('tab') : null;
  if (wanted) tab = (await browser.tabs.query({})).find((t) => t.url?.startsWith(wanted));
  else [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  if (tab?.id === undefined || !tab.url) return null;
  const origin = normalizeOrigin(tab.url, { allowLoopbackHttp: TEST_BUILD });
  return origin && /^https?:/.test(tab.url) ? { tabId: tab.id, origin } : null;
}

export type EnableOutcome = { ok: true; reloaded: boolean } | { ok: false; reason: 'denied' | 'failed'; message?: string };

/**
 * The click. Order matters: the background is told first (not awaited) so that it finishes the job even if the
 * popup closes while the browser's prompt is up (Firefox), then the prompt is opened while still in the click.
 */
export function enableHere(place: TabPlace, info: OriginInfo): Promise<EnableOutcome> {
  const done = send('origins/enable-tab', { origin: place.origin, tabId: place.tabId, ...(info.knownId ? { knownId: info.knownId } : {}) });
  const granted = browser.permissions.request({ origins: [originToMatchPattern(place.origin)] });
  done.catch(() => undefined); // awaited below only when granted
  return granted.then(
    async (ok): Promise<EnableOutcome> => {
      if (!ok) return { ok: false, reason: 'denied' };
      const res = await done;
      if (!res.ok) return { ok: false, reason: res.reason === 'not-granted' ? 'denied' : 'failed' };
      return { ok: true, reloaded: res.started === 'reloaded' };
    },
    (e: unknown) => ({ ok: false, reason: 'failed', message: e instanceof Error ? e.message : String(e) }),
  );
}
