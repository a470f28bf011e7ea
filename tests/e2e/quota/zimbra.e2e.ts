/**
 * The quota meter in both real browsers on the Zimbra simulator (realistic seed, quota 210 MiB: about 75 % used).
 * Figures are compared with the simulator's own truth (its mailbox: `used`, folder sizes, and its request log
 * for how often Balise asked). Mail delivered across the threshold (POST /__sim/deliver) reaches the page through
 * Zimbra's own notifications (the page's NoOp polling): the host refreshes its quota display, the meter follows
 * within its one-request-a-minute budget, the badge too, and one notification is created.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { percentUsed } from '../../../lib/format';
import { BADGE_COLORS } from '../../../lib/quota-rules/badge';
import {
  closePanelWithEscape,
  meterDebug,
  messageOfSize,
  MiB,
  notifications,
  openPanelWithKeyboard,
  panelFolders,
  readMeter,
  waitForBadge,
  waitForMeterUsed,
} from './helpers';

const QUOTA = 210 * MiB;
const hex = (rgba: number[]) => `#${rgba.slice(0, 3).map((n) => n.toString(16).padStart(2, '0')).join('')}`;
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// Each browser has its own simulator, and most of a browser's time here is the meter's one-read-a-minute wait: the
// two browsers run side by side (their describes concurrent), each one's tests in order (it.sequential).
// Concurrent tests use their own `expect` (the test context's): the global one belongs to whichever test vitest thinks is current.
const step = it.sequential;

for (const kind of BROWSERS) {
  describe(`quota meter on the Zimbra simulator in ${kind}`, { concurrent: true }, () => {
    let s: Session;
    let sim: ZimbraSim;
    let page: Page;
    const timings: string[] = [];
    const t0 = Date.now();

    beforeAll(async () => {
      sim = await startZimbraSim({ profile: 'realistic', seed: 5, quotaBytes: QUOTA, pollMs: 500 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      console.log(`[quota zimbra ${kind}] ${sec(Date.now() - t0)}; ${timings.join(', ')}`);
    });

    const getInfos = () => sim.requestLog.filter((e) => e.request === 'GetInfoRequest').length;
    const deliverSim = async (bytes: number, subject: string) => {
      const r = await fetch(`${sim.url}__sim/deliver`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ raw: messageOfSize(bytes, subject, sim.address).toString('base64'), encoding: 'base64', folderId: 2 }),
      });
      expect(r.status).toBe(200);
      return (await r.json()) as { id: number; size: number; used: number };
    };

    step('shows used / limit next to Zimbra’s quota bar, exactly as GetInfo says', async ({ expect }) => {
      const used = sim.mailbox.used;
      await waitForMeterUsed(page, used);
      // The host builds its quota area after the page's load: the meter floats until then, then moves next to it.
      await page.waitForSelector('[data-balise="quota"][data-placement="anchored"]', { timeout: 10_000 });
      const m = (await readMeter(page))!;
      expect(m).toMatchObject({ used: String(used), limit: String(QUOTA), level: 'ok', state: 'ok' });
      expect(m.text).toMatch(new RegExp(`${percentUsed(used, QUOTA)}\\s?%`));
      expect(percentUsed(used, QUOTA)).toBeLessThan(80);
      const near = await page.evaluate(() => !!document.querySelector('[data-balise="quota"]')!.closest('#skin_container_quota, #z_userQuota') || !!document.querySelector('#skin_container_quota [data-balise="quota"], #z_userQuota ~ [data-balise="quota"]'));
      expect(near).toBe(true);
    });

    step('puts the same figure on the toolbar badge, coloured as "ok", and notifies nothing', async ({ expect }) => {
      const b = await waitForBadge(s, page, `${percentUsed(sim.mailbox.used, QUOTA)}%`);
      expect(hex(b.color)).toBe(BADGE_COLORS.ok.color);
      expect(await notifications(s, page)).toEqual([]);
    });

    step('opens the details with the keyboard: exact folder sizes, largest first, trash reclaim; Escape closes', async ({ expect }) => {
      await openPanelWithKeyboard(page);
      const rows = await panelFolders(page);
      const truth = sim.mailbox.snapshot().folders.filter((f) => f.id !== 1 && (f.view === 'message' || f.id === 3));
      expect(rows.map((r) => r.id).sort()).toEqual(truth.map((f) => String(f.id)).sort());
      for (const f of truth) {
        const r = rows.find((x) => x.id === String(f.id))!;
        expect({ bytes: Number(r.bytes), precision: r.precision, count: Number(r.count) }, f.path).toEqual({ bytes: f.s, precision: '0', count: f.n });
        expect(r.size.startsWith('≈')).toBe(false);
      }
      const shown = rows.map((r) => Number(r.bytes));
      expect(shown).toEqual([...shown].sort((a, b) => b - a));
      const trash = await page.evaluate(() => document.querySelector('[data-balise="quota-panel"]')!.shadowRoot!.querySelector('[data-section="trash"]')!.getAttribute('data-bytes'));
      const underTrash = (id: number): boolean => id === 3 || (id > 1 && underTrash(truth.find((f) => f.id === id)?.parentId ?? 1));
      const trashTruth = truth.filter((f) => underTrash(f.id)).reduce((a, f) => a + f.s, 0);
      expect(Number(trash)).toBe(trashTruth);
      // Retention: the server's own trash lifetime (GetInfo: zimbraMailTrashLifetime 30d, zimbraPrefTrashLifetime 0),
      // and as many messages as the simulator holds in the trash dated more than 23 days ago ("up to": Zimbra
      // counts from the move to the trash).
      const now = Date.now();
      await page.waitForFunction(
        () => !!document.querySelector('[data-balise="quota-panel"]')?.shadowRoot?.querySelector('[data-section="retention"] [data-scope="trash"]'),
        { timeout: 60_000, polling: 100 },
      );
      const retention = await page.evaluate(() => {
        const e = document.querySelector('[data-balise="quota-panel"]')!.shadowRoot!.querySelector('[data-section="retention"] [data-scope="trash"]')!;
        return { count: Number(e.getAttribute('data-count')), days: e.getAttribute('data-days'), source: e.getAttribute('data-source') };
      });
      expect(retention).toMatchObject({ days: '30', source: 'server' });
      const expiring = sim.mailbox.snapshot().messages.filter((m) => underTrash(m.folderId) && m.date < now - 23 * 86_400_000).length;
      expect(expiring).toBeGreaterThan(0);
      expect(Math.abs(retention.count - expiring)).toBeLessThanOrEqual(1);
      await closePanelWithEscape(page);
      // Focus is back on the meter's button.
      const focused = await page.evaluate(() => {
        const host = document.activeElement;
        return { host: host?.getAttribute('data-balise'), inner: host?.shadowRoot?.activeElement?.getAttribute('data-action') };
      });
      expect(focused).toEqual({ host: 'quota', inner: 'open-quota' });
    });

    step('follows mail delivered across 80 % through the host’s own refresh, asking at most once a minute', async ({ expect }) => {
      const readsBefore = getInfos();
      const lastRead = (await meterDebug(s, page)).reads;
      const label = () => document.querySelector('#z_userQuota')?.getAttribute('aria-label') ?? '';
      const labelBefore = await page.evaluate(label);
      const target = Math.ceil(0.803 * QUOTA); // 80.3 %: over the threshold, shown as 80 % (rounded as Roundcube does)
      const d = await deliverSim(target - sim.mailbox.used, 'Resultats volumineux');
      expect(d.used).toBe(sim.mailbox.used);
      expect(percentUsed(d.used, QUOTA)).toBe(80);
      // The page polls NoOpRequest, gets the new size, and redraws its quota bar: the meter hears it.
      await page.waitForFunction((before: string) => (document.querySelector('#z_userQuota')?.getAttribute('aria-label') ?? '') !== before, { timeout: 10_000 }, labelBefore);
      const t = Date.now();
      // Within the minute of the last read, the meter waits (no request)…
      await new Promise((r) => setTimeout(r, 3000));
      const dbg = await meterDebug(s, page);
      if (dbg.reads === lastRead) expect(getInfos()).toBe(readsBefore);
      // …and reads once at the end of the window.
      const m = await waitForMeterUsed(page, d.used, 75_000);
      timings.push(`meter after host refresh ${sec(Date.now() - t + 3000)}`);
      expect(m.level).toBe('warn');
      expect(getInfos() - readsBefore).toBe(1);
      const b = await waitForBadge(s, page, '80%');
      expect(hex(b.color)).toBe(BADGE_COLORS.warn.color);
      await expect.poll(() => notifications(s, page), { timeout: 10_000 }).toHaveLength(1);
      expect((await notifications(s, page))[0]).toMatchObject({ address: sim.address, level: 'warn' });
    });

    step('refreshes right after a Balise action, then notifies critical once, and never twice', async ({ expect }) => {
      const readsBefore = getInfos();
      const d = await deliverSim(Math.ceil(0.96 * QUOTA) - sim.mailbox.used, 'Resultats tres volumineux');
      await s.call(page, 'bus', 'mailbox-changed', { reason: 'test' });
      const m = await waitForMeterUsed(page, d.used, 15_000);
      expect(m.level).toBe('crit');
      expect(getInfos() - readsBefore).toBe(1);
      await waitForBadge(s, page, `${percentUsed(d.used, QUOTA)}%`);
      await expect.poll(() => notifications(s, page), { timeout: 10_000 }).toHaveLength(2);
      expect((await notifications(s, page)).map((n) => n.level)).toEqual(['warn', 'crit']);
      // A page load reads the same figure again: no new notification.
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      await waitForMeterUsed(page, sim.mailbox.used);
      await new Promise((r) => setTimeout(r, 1500));
      expect(await notifications(s, page)).toHaveLength(2);
    });

    step('shows the BAL in the popup with the same figure and colour; “make room” opens the cleanup on the webmail tab', async ({ expect }) => {
      const popup = await s.openExtensionPage('/popup.html', page);
      const card = await popup.waitForSelector(`li[data-bal="${sim.address}"]`);
      const shown = await card!.evaluate((e) => ({
        level: e.getAttribute('data-level'),
        percent: e.getAttribute('data-percent'),
        used: e.querySelector('[data-used-bytes]')?.getAttribute('data-used-bytes'),
        limit: e.querySelector('[data-limit-bytes]')?.getAttribute('data-limit-bytes'),
      }));
      expect(shown).toEqual({ level: 'crit', percent: String(percentUsed(sim.mailbox.used, QUOTA)), used: String(sim.mailbox.used), limit: String(QUOTA) });
      const before = (await meterDebug(s, page)).cleanupEvents.length;
      await popup.click(`li[data-bal="${sim.address}"] [data-action="open-cleanup"]`);
      await expect.poll(async () => (await meterDebug(s, page)).cleanupEvents.slice(before).map((e) => e.source), { timeout: 20_000 }).toEqual(['popup']);
      await popup.close().catch(() => undefined);
    });

    step('made no request to any host but 127.0.0.1', ({ expect }) => {
      s.assertNoForeignRequests();
    });
  });
}
