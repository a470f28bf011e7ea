/**
 * The background side of the quota meter: what content scripts report ('quota/report') becomes the BAL's
 * lastQuota, one history point per BAL per hour, the toolbar badge (fullest known BAL) and, once per upward
 * threshold crossing, a notification whose click opens the cleanup on that BAL's webmail tab.
 *
 * Everything the decision needs is persisted (kv 'quota/alerts'), so a service-worker restart or another page
 * load never notifies twice; the browser effects (badge, notification) are injected for unit tests.
 */
import * as z from 'zod/mini';
import { browser } from 'wxt/browser';
import { db, HOUR } from '../store/db';
import type { Bal, QuotaPoint } from '../store/schemas';
import { getSettings } from './settings';
import { quotaLevel } from '../ui/level';
import { nextAlert, type AlertLevel } from '../quota/alerts';
import { badgeFor, type Badge } from '../quota/badge';
import { formatBytes, formatPercent, percentUsed } from '../format';
import { t, uiLang } from '../i18n/t';
import { sendToTab } from '../messages/send';
import { MessageError } from '../messages/envelope';
import type { HandlersFor } from '../messages/router';
import type { quotaMessages } from '../messages/quota';

export const ALERTS_KEY = 'quota/alerts';
/** History older than this is dropped (one point an hour at most: about 8,800 rows per BAL and year). */
export const HISTORY_DAYS = 400;
const NOTIFICATION_PREFIX = 'balise-quota:';

export interface CreatedNotification {
  id: string;
  address: string;
  level: string;
  at: number;
  title: string;
  message: string;
}

/** Told of every quota notification created (the test build records them: lib/testing/background.ts). */
export const notificationObserver: { created?: (n: CreatedNotification) => Promise<void> } = {};

const AlertState = z.record(z.string(), z.enum(['ok', 'warn', 'crit']));

export interface QuotaReport {
  address: string;
  usedBytes: number;
  limitBytes: number | null;
  at: number;
}

export interface QuotaNotice {
  address: string;
  level: 'warn' | 'crit';
  usedBytes: number;
  limitBytes: number;
  percent: number;
}

export interface QuotaEffects {
  setBadge(badge: Badge): Promise<void>;
  notify(notice: QuotaNotice): Promise<void>;
}

export function hourOf(at: number): number {
  return Math.floor(at / HOUR) * HOUR;
}

async function readAlerts(): Promise<Record<string, AlertLevel>> {
  const row = await db().kv.get(ALERTS_KEY);
  const parsed = AlertState.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : {};
}

/**
 * Record one report. Returns what was decided (for tests). A report older than the BAL's lastQuota (two tabs
 * answering out of order) changes nothing.
 */
export async function recordQuota(
  report: QuotaReport,
  origin: string | null,
  effects: QuotaEffects,
  now = Date.now(),
): Promise<{ stored: boolean; notified: 'warn' | 'crit' | null }> {
  const address = report.address.toLowerCase();
  const snapshot = { usedBytes: report.usedBytes, limitBytes: report.limitBytes, at: report.at };
  const decision = await db().transaction('rw', [db().bals, db().quotaHistory, db().kv], async () => {
    const current = await db().bals.get(address);
    if (current?.lastQuota && current.lastQuota.at > snapshot.at) return { stored: false, notify: null, level: 'unknown' as const };
    const next: Bal = current
      ? { ...current, lastQuota: snapshot, ...(current.webmailOrigin || !origin ? {} : { webmailOrigin: origin }) }
      : {
          address,
          kind: null,
          status: 'active',
          preferred: false,
          source: 'seen',
          lastSeen: now,
          lastQuota: snapshot,
          ...(origin ? { webmailOrigin: origin } : {}),
        };
    await db().bals.put(next);
    const point: QuotaPoint = { bal: address, at: hourOf(snapshot.at), usedBytes: snapshot.usedBytes, limitBytes: snapshot.limitBytes };
    await db().quotaHistory.put(point);
    await db()
      .quotaHistory.where('[bal+at]')
      .between([address, -Infinity], [address, now - HISTORY_DAYS * 24 * HOUR], true, false)
      .delete();

    const settings = await getSettings();
    const level = quotaLevel(snapshot.usedBytes, snapshot.limitBytes, settings.quota.warnPercent, settings.quota.criticalPercent);
    const alerts = await readAlerts();
    const decided = nextAlert(alerts[address], level);
    if (alerts[address] !== decided.state) {
      await db().kv.put({ key: ALERTS_KEY, value: { ...alerts, [address]: decided.state } });
    }
    return { stored: true, notify: decided.notify, level };
  });

  if (decision.notify && snapshot.limitBytes) {
    try {
      await effects.notify({
        address,
        level: decision.notify,
        usedBytes: snapshot.usedBytes,
        limitBytes: snapshot.limitBytes,
        percent: percentUsed(snapshot.usedBytes, snapshot.limitBytes),
      });
    } catch (e) {
      console.warn('[Balise] quota notification', e);
    }
  }
  if (decision.stored) await refreshBadge(effects);
  return { stored: decision.stored, notified: decision.notify };
}

export async function computeBadge(): Promise<Badge> {
  const [bals, settings] = await Promise.all([db().bals.toArray(), getSettings()]);
  return badgeFor(bals, settings.quota.warnPercent, settings.quota.criticalPercent);
}

export async function refreshBadge(effects: Pick<QuotaEffects, 'setBadge'>): Promise<Badge> {
  const badge = await computeBadge();
  try {
    await effects.setBadge(badge);
  } catch (e) {
    console.warn('[Balise] badge', e);
  }
  return badge;
}

export async function quotaHistory(address: string, since = 0): Promise<QuotaPoint[]> {
  const key = address.toLowerCase();
  return db().quotaHistory.where('[bal+at]').between([key, since], [key, Infinity], true, true).toArray();
}

// ---------------------------------------------------------------------------------------------------------
// Browser effects

function notificationText(n: QuotaNotice): { title: string; message: string } {
  const lang = uiLang();
  const pct = formatPercent(n.percent, lang);
  const used = formatBytes(n.usedBytes, lang);
  const limit = formatBytes(n.limitBytes, lang);
  return n.level === 'crit'
    ? { title: t('quotaNotifyCritTitle'), message: t('quotaNotifyCritBody', n.address, pct, used, limit) }
    : { title: t('quotaNotifyWarnTitle'), message: t('quotaNotifyWarnBody', n.address, pct, used, limit) };
}

export const browserEffects: QuotaEffects = {
  async setBadge(badge) {
    await browser.action.setBadgeText({ text: badge.text });
    await browser.action.setBadgeBackgroundColor({ color: badge.color });
    // Chromium ≥ 110 and Firefox ≥ 63 have it; older ones keep their default (white) text.
    await (browser.action as { setBadgeTextColor?: (d: { color: string }) => Promise<void> }).setBadgeTextColor?.({ color: badge.textColor });
    const lang = uiLang();
    await browser.action.setTitle({
      title:
        badge.address && badge.percent !== null
          ? t('quotaBadgeTitle', badge.address, formatPercent(badge.percent, lang))
          : t('actionTitle'),
    });
  },
  async notify(n) {
    const { title, message } = notificationText(n);
    const id = `${NOTIFICATION_PREFIX}${n.address}`;
    const options: Record<string, unknown> = {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title,
      message,
      priority: n.level === 'crit' ? 2 : 1,
    };
    // Firefox has no notification buttons (the whole notification is clickable there).
    if (!import.meta.env.FIREFOX) options.buttons = [{ title: t('quotaNotifyButton') }];
    await (browser.notifications.create as (id: string, o: unknown) => Promise<string>)(id, options);
    await notificationObserver.created?.({ id, address: n.address, level: n.level, at: Date.now(), title, message });
  },
};

// ---------------------------------------------------------------------------------------------------------
// Opening a BAL's webmail and its cleanup

/** Which tab last reported which BAL (in memory: after a service-worker restart any tab of the origin will do). */
const tabAddresses = new Map<number, string>();

export function rememberTab(tabId: number | undefined, address: string): void {
  if (tabId !== undefined && tabId >= 0) tabAddresses.set(tabId, address.toLowerCase());
}

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Focus the best tab of this BAL's webmail, or open its webmail. */
export async function focusWebmail(address: string): Promise<{ ok: true; tabId: number; opened: boolean } | { ok: false; reason: 'unknown-bal' | 'no-webmail' }> {
  const bal = await db().bals.get(address.toLowerCase());
  if (!bal) return { ok: false, reason: 'unknown-bal' };
  const origin = bal.webmailOrigin;
  if (!origin) return { ok: false, reason: 'no-webmail' };
  const tabs = (await browser.tabs.query({})).filter((tab) => tab.id !== undefined && originOf(tab.url) === origin);
  const score = (tab: (typeof tabs)[number]) =>
    (tabAddresses.get(tab.id!) === bal.address ? 4 : 0) + (tab.active ? 2 : 0) + ((tab as { lastAccessed?: number }).lastAccessed ?? 0) / 1e15;
  tabs.sort((a, b) => score(b) - score(a));
  const best = tabs[0];
  if (best?.id !== undefined) {
    await browser.tabs.update(best.id, { active: true });
    if (best.windowId !== undefined) await browser.windows.update(best.windowId, { focused: true }).catch(() => undefined);
    return { ok: true, tabId: best.id, opened: false };
  }
  const created = await browser.tabs.create({ url: `${origin}/` });
  return { ok: true, tabId: created.id!, opened: true };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Ask the page in this tab to open its cleanup, waiting for its content script: a tab just opened (or a login
 * page the user is going through) has none yet, or one that is not ready. Gives up after `timeoutMs`.
 */
export async function sendOpenCleanup(tabId: number, source: 'popup' | 'notification', timeoutMs = 25_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await sendToTab(tabId, 'tab/open-cleanup', { source });
      return true;
    } catch (e) {
      // No content script yet ("Receiving end does not exist"), or one that has not mounted its features.
      const retry = !(e instanceof MessageError) || e.code === 'not-ready' || e.code === 'invalid-answer';
      if (!retry || Date.now() > deadline) return false;
      const alive = await browser.tabs.get(tabId).then(
        () => true,
        () => false,
      );
      if (!alive) return false;
      await sleep(400);
    }
  }
}

export async function openCleanup(
  address: string,
  source: 'popup' | 'notification',
): Promise<{ ok: boolean; reason?: 'unknown-bal' | 'no-webmail' | 'not-ready' }> {
  const focused = await focusWebmail(address);
  if (!focused.ok) return focused;
  const ok = await sendOpenCleanup(focused.tabId, source);
  return ok ? { ok: true } : { ok: false, reason: 'not-ready' };
}

// ---------------------------------------------------------------------------------------------------------
// Wiring

export function quotaHandlers(effects: QuotaEffects = browserEffects): HandlersFor<typeof quotaMessages> {
  return {
    'quota/report': async ({ address, usedBytes, limitBytes, at }, sender) => {
      rememberTab(sender.tab?.id, address);
      await recordQuota({ address, usedBytes, limitBytes, at }, originOf(sender.url), effects);
      return { ok: true as const };
    },
    'quota/history': ({ address, since }) => quotaHistory(address, since),
    'quota/open-cleanup': ({ address, source }) => openCleanup(address, source),
    'quota/open-webmail': async ({ address }) => {
      const r = await focusWebmail(address);
      return r.ok ? { ok: true } : r;
    },
  };
}

/** Listeners registered synchronously at service-worker start (so that a click wakes the worker up). */
export function startQuota(effects: QuotaEffects = browserEffects): void {
  const onClick = (id: string) => {
    if (!id.startsWith(NOTIFICATION_PREFIX)) return;
    const address = id.slice(NOTIFICATION_PREFIX.length);
    void browser.notifications.clear(id).catch(() => undefined);
    void openCleanup(address, 'notification');
  };
  browser.notifications.onClicked.addListener(onClick);
  browser.notifications.onButtonClicked?.addListener((id: string) => onClick(id));
  browser.tabs.onRemoved.addListener((tabId) => void tabAddresses.delete(tabId));
  // The badge is browser state: set it again when the browser starts or the extension is (re)installed.
  browser.runtime.onStartup.addListener(() => void refreshBadge(effects));
  browser.runtime.onInstalled.addListener(() => void refreshBadge(effects));
}
