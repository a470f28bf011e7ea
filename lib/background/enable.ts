/**
 * "Enable Balise on this webmail" from the toolbar popup: wait for the host permission the popup asked for in the
 * user's click, record the origin (which registers the content script for later visits), then start Balise in
 * the open tab by injecting that same content script file, so the user does not have to reload.
 *
 * Why the background waits rather than the popup: the permission prompt must be opened in the click (no await
 * before it), and Firefox may close the popup while its prompt is shown, losing whatever the popup meant to do
 * next. The popup sends this request first, without awaiting it, then opens the prompt.
 */
import { browser } from 'wxt/browser';
import { originToMatchPattern } from '../origins';
import { CONTENT_SCRIPT_FILE } from '../env';
import { addOrigin } from './origins';

export type StartedHow = 'injected' | 'reloaded' | 'none';

export interface EnableResult {
  ok: boolean;
  reason?: 'not-granted' | 'tab-moved';
  started?: StartedHow;
}

/** How long the background waits for the user to answer the browser's prompt. */
export const PERMISSION_WAIT_MS = 120_000;

/** Resolves true as soon as the origin's permission is granted, false after `timeoutMs`. */
export function waitForPermission(origin: string, timeoutMs = PERMISSION_WAIT_MS): Promise<boolean> {
  const pattern = originToMatchPattern(origin);
  return new Promise((resolve) => {
    let done = false;
    const finish = (ok: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      browser.permissions.onAdded.removeListener(onAdded);
      resolve(ok);
    };
    const onAdded = (p: { origins?: string[] }) => {
      if (p.origins?.includes(pattern)) finish(true);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    browser.permissions.onAdded.addListener(onAdded);
    // Already granted (asked before, or granted by the administrator): no prompt, no event.
    void browser.permissions.contains({ origins: [pattern] }).then((ok) => ok && finish(true), () => undefined);
  });
}

/** Start Balise in a tab that is still on `origin`: inject the content script, or reload when injection fails. */
export async function startInTab(tabId: number, origin: string): Promise<EnableResult> {
  const tab = await browser.tabs.get(tabId).catch(() => null);
  let tabOrigin = '';
  try {
    tabOrigin = tab?.url ? new URL(tab.url).origin : '';
  } catch {
    tabOrigin = '';
  }
  if (tabOrigin !== origin) return { ok: true, reason: 'tab-moved', started: 'none' };
  try {
    const [probe] = await browser.scripting.executeScript({
      target: { tabId, frameIds: [0] },
      func: () => (window as Window & { __baliseContent?: boolean }).__baliseContent === true,
    });
    if (probe?.result === true) return { ok: true, started: 'injected' };
    // The very file registered for later visits (lib/background/origins.ts); WXT types only its own public paths.
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [CONTENT_SCRIPT_FILE as `/${string}.js` as never] });
    return { ok: true, started: 'injected' };
  } catch (e) {
    console.warn('[Balise] could not start in the open tab, reloading it', e);
    await browser.tabs.reload(tabId);
    return { ok: true, started: 'reloaded' };
  }
}

export async function enableOnTab(origin: string, tabId: number, knownId?: string, timeoutMs?: number): Promise<EnableResult> {
  if (!(await waitForPermission(origin, timeoutMs))) return { ok: false, reason: 'not-granted' };
  if (!(await addOrigin(origin, 'user', knownId))) return { ok: false, reason: 'not-granted' };
  return startInTab(tabId, origin);
}
