import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { browser } from 'wxt/browser';
import {
  ALERTS_KEY,
  browserEffects,
  focusWebmail,
  openCleanup,
  rememberTab,
  hourOf,
  quotaHandlers,
  quotaHistory,
  recordQuota,
  refreshBadge,
  type QuotaEffects,
  type QuotaNotice,
} from '../../../lib/background/quota';
import { db, HOUR, resetDbForTests } from '../../../lib/store/db';
import type { Badge } from '../../../lib/quota-rules/badge';
import { updateSettings } from '../../../lib/background/settings';

const MiB = 1024 * 1024;
const LIMIT = 200 * MiB;
const A = 'martin.durand@medecin.mssante.fr';
const B = 'secretariat@cabinet.mssante.fr';
const ORIGIN = 'https://webmail.example.org';
const T0 = Date.UTC(2026, 5, 1, 9, 10, 0);

function recorder() {
  const notices: QuotaNotice[] = [];
  const badges: Badge[] = [];
  const effects: QuotaEffects = {
    setBadge: async (b) => void badges.push(b),
    notify: async (n) => void notices.push(n),
  };
  return { notices, badges, effects };
}

const report = (usedMiB: number, at: number, address = A, limit: number | null = LIMIT) => ({ address, usedBytes: usedMiB * MiB, limitBytes: limit, at });

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => 'fr';
  i18n.getMessage = (key: string, subs?: string[]) => [key, ...(subs ?? [])].join('|');
});

describe('quota reports in the background', () => {
  it('store the BAL’s lastQuota (creating a "seen" BAL with its webmail origin) and a history point', async () => {
    const r = recorder();
    expect(await recordQuota(report(100, T0), ORIGIN, r.effects, T0)).toEqual({ stored: true, notified: null });
    const bal = await db().bals.get(A);
    expect(bal).toMatchObject({ address: A, source: 'seen', webmailOrigin: ORIGIN, lastQuota: { usedBytes: 100 * MiB, limitBytes: LIMIT, at: T0 } });
    expect(await quotaHistory(A)).toEqual([{ bal: A, at: hourOf(T0), usedBytes: 100 * MiB, limitBytes: LIMIT }]);
    expect(r.badges.at(-1)).toMatchObject({ text: '50%', level: 'ok' });
  });

  it('keep what the user registered and only update the quota', async () => {
    await db().bals.put({ address: A, kind: 'PER', status: 'active', preferred: true, source: 'user', operator: 'Mipih', webmailOrigin: 'https://medimail.mipih.fr' });
    await recordQuota(report(10, T0), ORIGIN, recorder().effects, T0);
    expect(await db().bals.get(A)).toMatchObject({ kind: 'PER', preferred: true, source: 'user', operator: 'Mipih', webmailOrigin: 'https://medimail.mipih.fr' });
  });

  it('keep at most one history point per BAL per hour (the latest figure of the hour)', async () => {
    const r = recorder();
    const h = hourOf(T0);
    await recordQuota(report(100, h + 5 * 60_000), ORIGIN, r.effects, T0);
    await recordQuota(report(101, h + 20 * 60_000), ORIGIN, r.effects, T0);
    await recordQuota(report(102, h + 59 * 60_000), ORIGIN, r.effects, T0);
    await recordQuota(report(103, h + HOUR), ORIGIN, r.effects, T0);
    await recordQuota(report(50, h + HOUR + 1), ORIGIN, r.effects, T0, ).then(() => undefined);
    await recordQuota(report(7, h + 30 * 60_000, B), ORIGIN, r.effects, T0);
    const points = await quotaHistory(A);
    expect(points.map((p) => [p.at - h, p.usedBytes / MiB])).toEqual([
      [0, 102],
      [HOUR, 50],
    ]);
    expect(await db().quotaHistory.count()).toBe(3);
    // Every point sits at the start of its hour.
    expect((await db().quotaHistory.toArray()).every((p) => p.at % HOUR === 0)).toBe(true);
  });

  it('ignore a report older than the last one (two tabs answering out of order)', async () => {
    const r = recorder();
    await recordQuota(report(120, T0 + 1000), ORIGIN, r.effects, T0);
    expect(await recordQuota(report(100, T0), ORIGIN, r.effects, T0)).toEqual({ stored: false, notified: null });
    expect((await db().bals.get(A))!.lastQuota!.usedBytes).toBe(120 * MiB);
  });

  it('drop history older than 400 days', async () => {
    const r = recorder();
    await db().quotaHistory.bulkPut([
      { bal: A, at: hourOf(T0 - 500 * 24 * HOUR), usedBytes: 1, limitBytes: LIMIT },
      { bal: A, at: hourOf(T0 - 100 * 24 * HOUR), usedBytes: 2, limitBytes: LIMIT },
      { bal: B, at: hourOf(T0 - 500 * 24 * HOUR), usedBytes: 3, limitBytes: LIMIT },
    ]);
    await recordQuota(report(100, T0), ORIGIN, r.effects, T0);
    expect((await quotaHistory(A)).map((p) => p.usedBytes)).toEqual([2, 100 * MiB]);
    expect(await quotaHistory(B)).toHaveLength(1); // another BAL's history is pruned by its own reports
  });
});

describe('threshold notifications', () => {
  it('notify once when crossing upward, not at every page load', async () => {
    const r = recorder();
    let t = T0;
    for (const used of [150, 155, 161, 165, 170, 161]) await recordQuota(report(used, (t += 60_000)), ORIGIN, r.effects, t);
    // 161 of 200 MiB is 80.5 %: shown as 81 %, rounded as Roundcube rounds its own (lib/format.ts percentUsed).
    expect(r.notices).toEqual([{ address: A, level: 'warn', usedBytes: 161 * MiB, limitBytes: LIMIT, percent: 81 }]);
    expect((await db().kv.get(ALERTS_KEY))!.value).toEqual({ [A]: 'warn' });
  });

  it('do not notify again after a service-worker restart (the state is persisted)', async () => {
    const first = recorder();
    await recordQuota(report(170, T0), ORIGIN, first.effects, T0);
    expect(first.notices).toHaveLength(1);
    // A restarted worker: a new database connection and new effects; same IndexedDB.
    resetDbForTests();
    const second = recorder();
    await recordQuota(report(171, T0 + HOUR), ORIGIN, second.effects, T0 + HOUR);
    await recordQuota(report(172, T0 + 2 * HOUR), ORIGIN, second.effects, T0 + 2 * HOUR);
    expect(second.notices).toEqual([]);
  });

  it('re-arm when usage falls back below the threshold, and notify at the next crossing', async () => {
    const r = recorder();
    await recordQuota(report(170, T0), ORIGIN, r.effects, T0);
    await recordQuota(report(120, T0 + 1), ORIGIN, r.effects, T0); // a cleanup
    expect((await db().kv.get(ALERTS_KEY))!.value).toEqual({ [A]: 'ok' });
    await recordQuota(report(165, T0 + 2), ORIGIN, r.effects, T0);
    expect(r.notices.map((n) => n.level)).toEqual(['warn', 'warn']);
  });

  it('notify for the critical threshold too, once', async () => {
    const r = recorder();
    let t = T0;
    for (const used of [170, 191, 195, 199, 192]) await recordQuota(report(used, (t += 1)), ORIGIN, r.effects, t);
    expect(r.notices.map((n) => [n.level, n.percent])).toEqual([
      ['warn', 85],
      ['crit', 96], // 191 of 200 MiB: 95.5 %, rounded
    ]);
  });

  it('keep one state per BAL', async () => {
    const r = recorder();
    await recordQuota(report(170, T0), ORIGIN, r.effects, T0);
    await recordQuota(report(170, T0, B), ORIGIN, r.effects, T0);
    await recordQuota(report(171, T0 + 1, B), ORIGIN, r.effects, T0);
    expect(r.notices.map((n) => n.address)).toEqual([A, B]);
  });

  it('follow the user’s thresholds', async () => {
    const r = recorder();
    await updateSettings({ quota: { warnPercent: 50, criticalPercent: 60 } });
    await recordQuota(report(110, T0), ORIGIN, r.effects, T0);
    expect(r.notices.map((n) => n.level)).toEqual(['warn']);
    expect(r.badges.at(-1)).toMatchObject({ text: '55%', level: 'warn' });
  });

  it('never notify for an unlimited or unknown quota', async () => {
    const r = recorder();
    await recordQuota(report(5000, T0, A, null), ORIGIN, r.effects, T0);
    expect(r.notices).toEqual([]);
    expect(r.badges.at(-1)!.text).toBe('');
  });
});

describe('browser effects', () => {
  it('set the badge text, colours and title on the toolbar button', async () => {
    await db().bals.bulkPut([
      { address: A, kind: null, status: 'active', preferred: false, source: 'seen', lastQuota: { usedBytes: 192 * MiB, limitBytes: LIMIT, at: T0 } },
      { address: B, kind: null, status: 'active', preferred: false, source: 'seen', lastQuota: { usedBytes: 20 * MiB, limitBytes: LIMIT, at: T0 } },
    ]);
    const badge = await refreshBadge(browserEffects);
    expect(badge).toMatchObject({ text: '96%', level: 'crit', address: A });
    expect(await browser.action.getBadgeText({})).toBe('96%');
    expect(await browser.action.getBadgeBackgroundColor({})).toEqual([0xb4, 0x23, 0x18, 255]);
    expect(await (browser.action as unknown as { getBadgeTextColor: (d: object) => Promise<unknown> }).getBadgeTextColor({})).toBe('#ffffff');
    expect(await browser.action.getTitle({})).toBe(`quotaBadgeTitle|${A}|96\u00a0%`);
    // Nothing known: empty.
    await db().bals.clear();
    await refreshBadge(browserEffects);
    expect(await browser.action.getBadgeText({})).toBe('');
  });

  it('create one notification per BAL (same id: a new one replaces the old)', async () => {
    await browserEffects.notify({ address: A, level: 'warn', usedBytes: 170 * MiB, limitBytes: LIMIT, percent: 85 });
    await browserEffects.notify({ address: A, level: 'crit', usedBytes: 195 * MiB, limitBytes: LIMIT, percent: 97 });
    const all = (fakeBrowser.notifications as unknown as { getAllCreateOptions(): Record<string, { type: string; iconUrl: string }> }).getAllCreateOptions();
    expect(Object.keys(all)).toEqual([`balise-quota:${A}`]);
    expect(all[`balise-quota:${A}`]).toMatchObject({
      type: 'basic',
      title: 'quotaNotifyCritTitle',
      message: `quotaNotifyCritBody|${A}|97\u00a0%|195\u00a0Mo|200\u00a0Mo`,
    });
  });
});

describe('message handlers', () => {
  it('record a content script’s report with the tab’s origin and answer history to pages', async () => {
    const h = quotaHandlers(recorder().effects);
    const sender = { id: 'x', url: `${ORIGIN}/?_task=mail`, tab: { id: 7 } } as never;
    await h['quota/report']!({ type: 'quota/report', ...report(100, T0) }, sender);
    expect((await db().bals.get(A))!.webmailOrigin).toBe(ORIGIN);
    const points = await h['quota/history']!({ type: 'quota/history', address: A }, {} as never);
    expect(points).toHaveLength(1);
    expect(await h['quota/history']!({ type: 'quota/history', address: A, since: hourOf(T0) + 1 }, {} as never)).toEqual([]);
  });
});

describe('opening a BAL’s webmail and its cleanup', () => {
  const seen = (address: string, webmailOrigin?: string) =>
    db().bals.put({ address, kind: null, status: 'active', preferred: false, source: 'seen', ...(webmailOrigin ? { webmailOrigin } : {}) });

  it('focuses the tab that reported this BAL rather than another tab of the same webmail', async () => {
    await seen(A, ORIGIN);
    const other = await browser.tabs.create({ url: `${ORIGIN}/?_task=mail&x=1`, active: true });
    const mine = await browser.tabs.create({ url: `${ORIGIN}/?_task=mail` });
    await browser.tabs.create({ url: 'https://elsewhere.example.org/' });
    rememberTab(other.id, B);
    rememberTab(mine.id, A);
    expect(await focusWebmail(A)).toEqual({ ok: true, tabId: mine.id, opened: false });
    expect((await browser.tabs.get(mine.id!))!.active).toBe(true);
  });

  it('opens the webmail when no tab shows it, and says why it cannot when the BAL has no known webmail', async () => {
    await seen(A, ORIGIN);
    await seen(B);
    const r = await focusWebmail(A);
    expect(r).toMatchObject({ ok: true, opened: true });
    expect((await browser.tabs.get((r as { tabId: number }).tabId))!.url).toBe(`${ORIGIN}/`);
    expect(await focusWebmail(B)).toEqual({ ok: false, reason: 'no-webmail' });
    expect(await focusWebmail('nobody@x.mssante.fr')).toEqual({ ok: false, reason: 'unknown-bal' });
  });

  it('sends tab/open-cleanup, retrying until the page’s content script is ready', async () => {
    await seen(A, ORIGIN);
    const tab = await browser.tabs.create({ url: `${ORIGIN}/` });
    rememberTab(tab.id, A);
    const calls: unknown[] = [];
    (fakeBrowser.tabs as unknown as Record<string, unknown>).sendMessage = async (tabId: number, msg: unknown, opts: unknown) => {
      calls.push([tabId, msg, opts]);
      if (calls.length === 1) throw new Error('Could not establish connection. Receiving end does not exist.');
      if (calls.length === 2) return { ok: false, error: { code: 'not-ready', message: 'No webmail ready on this page' } };
      return { ok: true, data: { ok: true } };
    };
    expect(await openCleanup(A, 'notification')).toEqual({ ok: true });
    expect(calls).toHaveLength(3);
    expect(calls[2]).toEqual([tab.id, { type: 'tab/open-cleanup', source: 'notification' }, { frameId: 0 }]);
  });

  it('gives up on a page that refuses for another reason', async () => {
    await seen(A, ORIGIN);
    await browser.tabs.create({ url: `${ORIGIN}/` });
    (fakeBrowser.tabs as unknown as Record<string, unknown>).sendMessage = async () => ({ ok: false, error: { code: 'forbidden-sender', message: 'no' } });
    expect(await openCleanup(A, 'popup')).toEqual({ ok: false, reason: 'not-ready' });
  });
});
