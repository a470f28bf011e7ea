/**
 * Signature insertion on any page: a context-menu entry on editable fields and the keyboard shortcut
 * (command 'insert-signature', Alt+Shift+S). Both run {@link insertSignatureInTab}: the signature is resolved
 * here (registry, templates, the person's details) and inserted at the caret by a function injected with
 * scripting.executeScript (lib/features/signature/caret.ts). Clicking the entry or pressing the shortcut grants
 * activeTab on that tab, which is what lets Balise inject there: no host permission is needed for webmails the
 * user did not add.
 *
 * The signature carries the user's identity (name, RPPS, phone): on a page whose origin is neither a webmail the
 * user added nor a known MSSanté webmail, Balise first asks, in that tab, whether to insert it there. The question
 * runs in Balise's isolated world (the page's own scripts cannot answer it for the user); "no" inserts nothing.
 */
import { browser } from 'wxt/browser';
import { t } from '../i18n/t';
import { composeContext } from './registry';
import { parseSignatureHtml } from '../webmail/kit/signature-html';
import { insertSignatureAtCaret, type CaretPayload, type CaretResult } from '../features/signature/caret';
import { KNOWN_WEBMAILS } from '../origins';
import { isRegisteredOrigin } from './origins';

/** Injected in the tab's top frame: the browser's own confirmation dialog. */
export function askBeforeSignature(question: string): boolean {
  return globalThis.confirm(question);
}

/** A webmail the user added, or one of the known MSSanté webmails: no question there. */
export async function isTrustedOrigin(origin: string | null): Promise<boolean> {
  if (!origin) return false;
  if (KNOWN_WEBMAILS.some((k) => k.origin === origin)) return true;
  return isRegisteredOrigin(origin);
}

export const MENU_ID = 'balise-insert-signature';
export const COMMAND = 'insert-signature';

function originOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

/** Resolve the signature for this tab and insert it at the caret of the given frame (the top one by default). */
export async function insertSignatureInTab(tabId: number, frameId = 0, tabUrl?: string): Promise<CaretResult | 'failed' | 'declined'> {
  let url = tabUrl;
  if (url === undefined) url = await browser.tabs.get(tabId).then((tab) => tab.url, () => undefined);
  const origin = originOf(url);
  if (!(await isTrustedOrigin(origin))) {
    let yes = false;
    try {
      const asked = await browser.scripting.executeScript({
        target: { tabId, frameIds: [0] },
        func: askBeforeSignature,
        args: [t('sigAskUnknownOrigin', origin ?? url ?? '')],
      });
      yes = asked?.[0]?.result === true;
    } catch (e) {
      console.warn('[Balise] could not ask before inserting the signature', e);
    }
    if (!yes) return 'declined';
  }
  const ctx = await composeContext(null, originOf(url));
  const payload: CaretPayload = {
    text: ctx.signature.text,
    nodes: parseSignatureHtml(ctx.signature.html),
    noFieldMessage: t('sigNoField'),
  };
  const run = async (frame: number): Promise<CaretResult | 'failed'> => {
    const results = await browser.scripting.executeScript({
      target: { tabId, frameIds: [frame] },
      func: insertSignatureAtCaret,
      args: [payload],
    });
    const value = results?.[0]?.result as CaretResult | undefined;
    return value ?? 'failed';
  };
  try {
    return await run(frameId);
  } catch (e) {
    if (frameId !== 0) {
      // A frame Balise may not reach (another origin): try from the top frame, through the focus chain.
      try {
        return await run(0);
      } catch {
        // reported below
      }
    }
    console.warn('[Balise] signature insertion failed', e);
    return 'failed';
  }
}

async function createMenu(): Promise<void> {
  try {
    await browser.contextMenus.removeAll();
    browser.contextMenus.create({ id: MENU_ID, title: t('sigMenuInsert'), contexts: ['editable'] }, () => {
      // Reading lastError keeps Chromium from logging "Unchecked runtime.lastError" on a duplicate id.
      void browser.runtime.lastError;
    });
  } catch (e) {
    console.warn('[Balise] context menu', e);
  }
}

/** Wire the context-menu entry and the keyboard shortcut (called once from startBackground). */
export function startSignatureMenu(): void {
  // Chromium keeps menu entries across service-worker restarts, Firefox's event pages may not: (re)create the
  // entry whenever the background starts (removeAll first, so there is never a duplicate id).
  void createMenu();
  browser.runtime.onInstalled.addListener(() => void createMenu());
  browser.contextMenus.onClicked.addListener((info, tab) => {
    if (info.menuItemId !== MENU_ID || tab?.id === undefined) return;
    void insertSignatureInTab(tab.id, info.frameId ?? 0, tab.url);
  });
  browser.commands.onCommand.addListener((command, tab) => {
    if (command !== COMMAND) return;
    void (async () => {
      const target = tab?.id !== undefined ? tab : (await browser.tabs.query({ active: true, currentWindow: true }))[0];
      if (target?.id !== undefined) await insertSignatureInTab(target.id, 0, target.url);
    })();
  });
}
