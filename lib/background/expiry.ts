/**
 * The background side of the retention warning: webmails that delete every message after a fixed time (Medimail,
 * 90 days) report what goes within the meter's horizon ('retention/report'); the user is notified once, a few days
 * before the first deletion (the rule: lib/quota-rules/expiry-alert.ts), and a click brings their webmail's tab
 * forward, where the meter offers to keep a copy. The state (what the last notification covered, per BAL) is in the
 * database, so page loads, tabs and service-worker restarts never notify twice; "forget this mailbox" erases it
 * (lib/background/retention.ts).
 */
import * as z from 'zod/mini';
import { browser } from 'wxt/browser';
import { db } from '../store/db';
import { nextExpiryAlert, type ExpiryReport } from '../quota-rules/expiry-alert';
import { focusWebmail, notificationObserver, rememberTab } from './quota';
import { formatDate } from '../format';
import { t, uiLang } from '../i18n/t';
import type { HandlersFor } from '../messages/router';
import type { retentionMessages } from '../messages/retention';

export const EXPIRY_ALERTS_KEY = 'retention/expiry-alerts';
const NOTIFICATION_PREFIX = 'balise-expiry:';
const Covered = z.record(z.string(), z.number());

export interface ExpiryNotice {
  address: string;
  count: number;
  firstExpiry: number;
  lifetimeDays: number;
}

export type ExpiryNotify = (n: ExpiryNotice) => Promise<void>;

/** Record one report; notifies when the rule says so. Returns whether it did (for tests). */
export async function recordExpiry(address: string, lifetimeDays: number, r: ExpiryReport, notify: ExpiryNotify, now = Date.now()): Promise<boolean> {
  const bal = address.toLowerCase();
  const decided = await db().transaction('rw', db().kv, async () => {
    const row = await db().kv.get(EXPIRY_ALERTS_KEY);
    const parsed = Covered.safeParse(row?.value ?? {});
    const state = parsed.success ? parsed.data : {};
    const next = nextExpiryAlert(state[bal], r, now);
    if (next.notify && next.coveredUntil !== undefined) await db().kv.put({ key: EXPIRY_ALERTS_KEY, value: { ...state, [bal]: next.coveredUntil } });
    return next.notify;
  });
  if (decided && r.firstExpiry !== null) {
    try {
      await notify({ address: bal, count: r.count, firstExpiry: r.firstExpiry, lifetimeDays });
    } catch (e) {
      console.warn('[Balise] expiry notification', e);
    }
  }
  return decided;
}

export const browserExpiryNotify: ExpiryNotify = async (n) => {
  const lang = uiLang();
  const title = t('expiryNotifyTitle');
  const message = n.count === 1 ? t('expiryNotifyBodyOne', n.address, formatDate(n.firstExpiry, lang), n.lifetimeDays) : t('expiryNotifyBodyMany', n.address, n.count, formatDate(n.firstExpiry, lang), n.lifetimeDays);
  const id = `${NOTIFICATION_PREFIX}${n.address}`;
  const options: Record<string, unknown> = { type: 'basic', iconUrl: browser.runtime.getURL('/icon/128.png'), title, message, priority: 1 };
  // Firefox has no notification buttons (the whole notification is clickable there).
  if (!import.meta.env.FIREFOX) options.buttons = [{ title: t('expiryNotifyButton') }];
  await (browser.notifications.create as (id: string, o: unknown) => Promise<string>)(id, options);
  await notificationObserver.created?.({ id, address: n.address, level: 'expiry', at: Date.now(), title, message });
};

export function expiryHandlers(notify: ExpiryNotify = browserExpiryNotify): HandlersFor<typeof retentionMessages> {
  return {
    'retention/report': async ({ address, lifetimeDays, count, firstExpiry, horizonEnd }, sender) => {
      rememberTab(sender.tab?.id, address);
      await recordExpiry(address, lifetimeDays, { count, firstExpiry, horizonEnd }, notify);
      return { ok: true as const };
    },
  };
}

/** Registered synchronously at service-worker start (a click wakes the worker up). */
export function startExpiry(): void {
  const onClick = (id: string) => {
    if (!id.startsWith(NOTIFICATION_PREFIX)) return;
    void browser.notifications.clear(id).catch(() => undefined);
    void focusWebmail(id.slice(NOTIFICATION_PREFIX.length));
  };
  browser.notifications.onClicked.addListener(onClick);
  browser.notifications.onButtonClicked?.addListener((id: string) => onClick(id));
}
