/**
 * TEST BUILDS ONLY: the background's side of the test hooks, installed by one call behind TEST_BUILD
 * (lib/background/main.ts). Handles the test/* messages (./messages.ts) and records the quota notifications.
 */
import { browser } from 'wxt/browser';
import { db } from '../store/db';
import { notificationObserver, type CreatedNotification } from '../background/quota';
import { insertSignatureInTab } from '../background/signature-menu';
import type { BackgroundHandlers } from '../background/handlers';

/** Also a marker: scripts/check-build.ts fails a store build that contains "balise:test-hooks". */
const NOTIFICATIONS_KEY = 'balise:test-hooks/quota-notifications';

export function installBackgroundTesting(handlers: BackgroundHandlers): void {
  handlers['test/open-page'] = async ({ path }) => {
    await browser.tabs.create({ url: browser.runtime.getURL(path) });
    return { ok: true as const };
  };
  // The context-menu entry's own handler, on the sender's tab (puppeteer cannot click browser menus).
  handlers['test/menu-insert-signature'] = async ({ frameId }, sender) => ({
    result: sender.tab?.id === undefined ? 'no-tab' : await insertSignatureInTab(sender.tab.id, frameId ?? 0, sender.tab.url),
  });
  // Kept in the database: the service worker may restart between a notification and the test's question.
  notificationObserver.created = async (n: CreatedNotification) => {
    const row = await db().kv.get(NOTIFICATIONS_KEY);
    const list = Array.isArray(row?.value) ? (row!.value as unknown[]) : [];
    await db().kv.put({ key: NOTIFICATIONS_KEY, value: [...list, n] });
  };
  handlers['test/quota-notifications'] = async () => {
    const row = await db().kv.get(NOTIFICATIONS_KEY);
    return Array.isArray(row?.value) ? (row!.value as CreatedNotification[]) : [];
  };
}
