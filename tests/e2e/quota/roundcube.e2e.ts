/**
 * The quota meter in both real browsers on real Roundcube 1.6 + Dovecot 2.3 (realistic seed, 160 MiB used of a
 * 210 MiB quota: about 75 %, below the 80 % warning). Every figure is compared with Dovecot's (doveadm quota get,
 * doveadm mailbox status): the meter, the badge, the panel's folder sizes (within the precision Roundcube's
 * formatted sizes allow), the popup. Mail delivered across the threshold (doveadm save) updates everything and
 * notifies exactly once; expunging re-arms, a second crossing notifies again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { deliver, seedMailbox, startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { folderStatus, quota as quotaTruth, rawMessage, search as truthSearch } from '../../servers/roundcube/truth';
import { loginWithBalise, sec } from '../roundcube/helpers';
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
  waitInShadow,
  waitForMeterUsed,
} from './helpers';

const QUOTA = 210 * MiB;
const DAY = 86_400_000;
const hex = (rgba: number[]) => `#${rgba.slice(0, 3).map((n) => n.toString(16).padStart(2, '0')).join('')}`;
const timings: string[] = [];

describe('quota meter on Roundcube', () => {
  let env: RoundcubeEnv;

  beforeAll(async () => {
    env = await startRoundcube({ profile: 'empty', quotaBytes: QUOTA });
  });
  afterAll(async () => {
    await env?.stop();
    console.log(`[quota roundcube] ${timings.join(', ')}`);
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      const t0 = Date.now();
      let deliveredUid = 0;
      let startPct = 0;
      const downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-quota-dl-${kind}-`));

      beforeAll(async () => {
        await seedMailbox(env, { profile: 'realistic', seed: 1 });
        s = await launchWithBalise(kind, { downloadDir });
        page = await s.newPage();
        // A wide desktop window: Roundcube's Elastic skin hides the sidebar (and its quota display) on narrow ones, and
        // its footer has room for the meter's compact form from about 1400 px (at 1280 px the meter floats).
        await page.setViewport({ width: 1920, height: 1000 });
        await loginWithBalise(s, page, env);
      });
      afterAll(async () => {
        await s?.close();
        fs.rmSync(downloadDir, { recursive: true, force: true });
        timings.push(`${kind} ${sec(Date.now() - t0)}`);
      });

      const bus = (type: string, payload: unknown) => s.call(page, 'bus', type, payload);

      it('shows used / limit next to Roundcube’s own quota display, exactly as Dovecot counts it', async () => {
        const truth = await quotaTruth(env);
        const t = Date.now();
        const m = await waitForMeterUsed(page, truth.usedKiB * 1024);
        timings.push(`${kind}: meter shown ${sec(Date.now() - t)} after the adapter`);
        expect(m.limit).toBe(String(truth.limitKiB! * 1024));
        expect(Number(m.limit)).toBe(QUOTA);
        expect(m).toMatchObject({ level: 'ok', state: 'ok', placement: 'anchored' });
        startPct = percentUsed(truth.usedKiB, truth.limitKiB!);
        expect(startPct).toBeLessThan(80);
        expect(m.text).toMatch(new RegExp(`${startPct}\\s?%`));
        // Roundcube rounds usage up to the KiB: within 1 KiB of what Dovecot charges.
        expect(truth.usedKiB * 1024 - truth.usedBytes).toBeGreaterThanOrEqual(0);
        expect(truth.usedKiB * 1024 - truth.usedBytes).toBeLessThan(1024);
        // Next to the host's quota widget, inside the same container.
        const near = await page.evaluate(() => {
          const h = document.querySelector('[data-balise="quota"]')!;
          return !!h.parentElement?.querySelector('#quotadisplay, #rcmquotadisplay') || !!h.closest('#layout-sidebar, .sidebar, #quotadisplay');
        });
        expect(near).toBe(true);
      });

      it('floats when a narrow window hides Roundcube’s sidebar, and goes back next to the quota display after', async () => {
        await page.setViewport({ width: 800, height: 600 });
        await page.waitForSelector('[data-balise="quota"][data-placement="floating"]', { timeout: 10_000 });
        const box = await page.$eval('[data-balise="quota"]', (e) => e.getBoundingClientRect().toJSON() as DOMRect);
        expect(box.width).toBeGreaterThan(0);
        expect(box.right).toBeLessThanOrEqual(800);
        await page.setViewport({ width: 1920, height: 1000 });
        await page.waitForSelector('[data-balise="quota"][data-placement="anchored"]', { timeout: 10_000 });
      });

      it('puts the same figure on the toolbar badge, coloured as "ok"', async () => {
        const b = await waitForBadge(s, page, `${startPct}%`);
        expect(hex(b.color)).toBe(BADGE_COLORS.ok.color);
        expect(await notifications(s, page)).toEqual([]);
      });

      it('opens the details with the keyboard: folder sizes equal Dovecot’s within Roundcube’s precision, trash reclaim, Escape closes', async () => {
        const t = Date.now();
        await openPanelWithKeyboard(page);
        timings.push(`${kind}: panel folders ${sec(Date.now() - t)}`);
        const rows = await panelFolders(page);
        const truth = await folderStatus(env);
        expect(rows.map((r) => r.id).sort()).toEqual(truth.map((f) => f.name).sort());
        for (const f of truth) {
          const r = rows.find((x) => x.id === f.name)!;
          expect(Number(r.count), f.name).toBe(f.messages);
          expect(r.bytes, f.name).not.toBe('');
          expect(Math.abs(Number(r.bytes) - f.vsize), `${f.name}: ${r.bytes} ± ${r.precision} vs ${f.vsize}`).toBeLessThanOrEqual(Number(r.precision));
          if (Number(r.precision) > 0) expect(r.size.startsWith('≈')).toBe(true);
        }
        // Largest first.
        const shown = rows.map((r) => Number(r.bytes));
        expect(shown).toEqual([...shown].sort((a, b) => b - a));
        const trash = await page.evaluate(() => {
          const sec = document.querySelector('[data-balise="quota-panel"]')!.shadowRoot!.querySelector('[data-section="trash"]')!;
          return { bytes: sec.getAttribute('data-bytes'), precision: sec.getAttribute('data-precision') };
        });
        const trashTruth = truth.filter((f) => f.name === 'Trash' || f.name.startsWith('Trash/')).reduce((a, f) => a + f.vsize, 0);
        expect(Math.abs(Number(trash.bytes) - trashTruth)).toBeLessThanOrEqual(Number(trash.precision));
        // No retention known for this webmail (not an operator Balise knows, nothing configured).
        await waitInShadow(page, '[data-balise="quota-panel"]', '[data-retention="none"]', 60_000);
        await closePanelWithEscape(page);
        const focused = await page.evaluate(() => {
          const host = document.activeElement;
          return { host: host?.getAttribute('data-balise'), inner: host?.shadowRoot?.activeElement?.getAttribute('data-action') };
        });
        expect(focused).toEqual({ host: 'quota', inner: 'open-quota' });
      }, 200_000);

      it('counts what a configured 30-day trash lifetime will remove within 7 days, as Dovecot finds it', async () => {
        const popup = await s.openExtensionPage('/popup.html', page);
        // As the options page saves a BAL the user configured ("trash emptied after 30 days").
        const r = await popup.evaluate(
          async (address: string, webmailOrigin: string) => {
            const g = globalThis as unknown as { browser?: { runtime: { sendMessage(m: unknown): Promise<unknown> } }; chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };
            return (g.browser ?? g.chrome).runtime.sendMessage({
              type: 'registry/save-bal',
              bal: { address, kind: 'PER', status: 'active', preferred: true, webmailOrigin, webmailKind: 'roundcube', limits: { trashLifetimeDays: 30 } },
            });
          },
          env.address,
          new URL(env.url).origin,
        );
        expect(r).toMatchObject({ ok: true, data: { ok: true } });
        await popup.close();
        await page.bringToFront();
        // Keep a copy through the downloads API (Chromium's save dialog cannot be driven from here).
        expect(await s.call(page, 'quota-export-target', 'downloads')).toBe('downloads');
        const now = Date.now();
        await openPanelWithKeyboard(page);
        const item = await waitInShadow(page, '[data-balise="quota-panel"]', '[data-section="retention"] [data-scope="trash"]', 60_000);
        const shown = await item.evaluate((e) => ({ count: Number(e.getAttribute('data-count')), days: e.getAttribute('data-days'), source: e.getAttribute('data-source') }));
        expect(shown).toMatchObject({ days: '30', source: 'bal' });
        const cutoff = new Date(Math.ceil((now - 23 * DAY) / 1000) * 1000);
        const truth = await truthSearch(env, 'Trash', { before: cutoff });
        // The search runs a moment after `now`: a message received in between would be the only difference.
        expect(Math.abs(shown.count - truth.length)).toBeLessThanOrEqual(1);
        expect(shown.count).toBeGreaterThan(0);

        // "Keep a copy": the exporter's own view, in the panel; the saved zip holds exactly those messages, byte for
        // byte as Dovecot stores them, and nothing was deleted.
        const start = await waitInShadow(page, '[data-balise="quota-panel"]', '[data-export-host] [data-action="export"]', 60_000);
        await start.click();
        await page.waitForFunction(
          () => document.querySelector('[data-balise="quota-panel"]')?.shadowRoot?.querySelector('[data-export-state]')?.getAttribute('data-export-state') === 'verified',
          { timeout: 150_000, polling: 200 },
        );
        const exported = await page.evaluate(() =>
          Number(document.querySelector('[data-balise="quota-panel"]')!.shadowRoot!.querySelector('[data-export-state]')!.getAttribute('data-exported-count')),
        );
        expect(exported).toBe(shown.count);
        const zips = (fs.readdirSync(downloadDir, { recursive: true }) as string[]).filter((f) => f.endsWith('.zip')).sort();
        expect(zips.length).toBeGreaterThan(0);
        const entries: Record<string, Uint8Array> = {};
        for (const z of zips) Object.assign(entries, unzipSync(new Uint8Array(fs.readFileSync(path.join(downloadDir, z)))));
        const manifest = JSON.parse(new TextDecoder().decode(entries['manifeste.json'] ?? entries['manifest.json'])) as {
          messages: { id: string; file: string; size: number; folder?: string }[];
        };
        expect(manifest.messages).toHaveLength(shown.count);
        const truthIds = new Set(truth.map(String));
        const missing = manifest.messages.filter((m) => !truthIds.has(m.id));
        expect(missing.length).toBeLessThanOrEqual(1);
        for (const m of manifest.messages) {
          if (!truthIds.has(m.id)) continue;
          const stored = await rawMessage(env, 'Trash', Number(m.id));
          expect(Buffer.from(entries[m.file]!).equals(stored), `Trash/${m.id} → ${m.file}`).toBe(true);
          expect(m.size).toBe(stored.length);
        }
        expect((await truthSearch(env, 'Trash', { before: cutoff })).length).toBe(truth.length);
        await closePanelWithEscape(page);
      }, 300_000);

      it('asks Roundcube at most once a minute when the host keeps refreshing its own quota', async () => {
        const before = await meterDebug(s, page);
        // Roundcube sends set_quota with every page-1 list: list folders a few times, as a user browsing would.
        for (const box of ['Trash', 'INBOX', 'Sent', 'INBOX']) {
          await page.evaluate(`rcmail.list_mailbox(${JSON.stringify(box)})`);
          await page.waitForFunction(`!rcmail.busy && rcmail.env.mailbox === ${JSON.stringify(box)}`);
        }
        await new Promise((r) => setTimeout(r, 1500));
        const after = await meterDebug(s, page);
        // At most one read in any minute: nothing now, one scheduled at the end of the window.
        expect(after.reads - before.reads).toBeLessThanOrEqual(1);
        if (after.nextAt !== null) expect(after.nextAt).toBeGreaterThan(Date.now() + 1000);
      });

      it('follows mail delivered across the 80 % threshold after a Balise action: meter, badge, one notification', async () => {
        const before = await quotaTruth(env);
        // 80.3 % of the quota, minus what is used: one message that takes the mailbox over the threshold (and that
        // the meter, rounding as Roundcube does, shows as 80 %).
        const size = Math.ceil(0.803 * QUOTA - before.usedBytes);
        deliveredUid = await deliver(env, 'INBOX', messageOfSize(size, `Resultats volumineux ${kind}`, env.address));
        const truth = await quotaTruth(env);
        expect(percentUsed(truth.usedKiB, truth.limitKiB!)).toBe(80);
        const t = Date.now();
        await bus('mailbox-changed', { reason: 'test' });
        const m = await waitForMeterUsed(page, truth.usedKiB * 1024, 15_000);
        timings.push(`${kind}: meter after action ${sec(Date.now() - t)}`);
        expect(m).toMatchObject({ level: 'warn', limit: String(QUOTA) });
        expect(m.label).toContain('80');
        const b = await waitForBadge(s, page, '80%');
        expect(hex(b.color)).toBe(BADGE_COLORS.warn.color);
        await expect.poll(() => notifications(s, page), { timeout: 10_000 }).toHaveLength(1);
        const [n] = await notifications(s, page);
        expect(n).toMatchObject({ address: env.address, level: 'warn', id: `balise-quota:${env.address}` });
        expect(n!.message).toContain(env.address);
      });

      it('does not notify again on reload or further reads while above the threshold', async () => {
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(`window.rcmail && !rcmail.busy`, { timeout: 30_000 });
        const truth = await quotaTruth(env);
        await waitForMeterUsed(page, truth.usedKiB * 1024);
        await bus('mailbox-changed', { reason: 'test' });
        await new Promise((r) => setTimeout(r, 3000));
        expect(await notifications(s, page)).toHaveLength(1);
      });

      it('re-arms when usage falls below the threshold, and notifies again at the next crossing', async () => {
        await env.doveadm(['expunge', '-u', env.user, 'mailbox', 'INBOX', 'uid', String(deliveredUid)]);
        let truth = await quotaTruth(env);
        expect(percentUsed(truth.usedKiB, truth.limitKiB!)).toBe(startPct);
        // A new page load reads the quota again (and gets a fresh "one early refresh" allowance).
        await page.reload({ waitUntil: 'load' });
        await page.waitForFunction(`window.rcmail && !rcmail.busy`, { timeout: 30_000 });
        await waitForMeterUsed(page, truth.usedKiB * 1024);
        expect((await readMeter(page))!.level).toBe('ok');
        await waitForBadge(s, page, `${startPct}%`);
        expect(await notifications(s, page)).toHaveLength(1);

        const size = Math.ceil(0.81 * QUOTA - truth.usedBytes);
        deliveredUid = await deliver(env, 'INBOX', messageOfSize(size, `Resultats volumineux bis ${kind}`, env.address));
        truth = await quotaTruth(env);
        await bus('mailbox-changed', { reason: 'test' });
        await waitForMeterUsed(page, truth.usedKiB * 1024, 15_000);
        await expect.poll(() => notifications(s, page), { timeout: 10_000 }).toHaveLength(2);
        await waitForBadge(s, page, `${percentUsed(truth.usedKiB, truth.limitKiB!)}%`);
      });

      it('shows the BAL in the popup with the same figure and colour, and “make room” opens the cleanup on the webmail tab', async () => {
        const truth = await quotaTruth(env);
        const popup = await s.openExtensionPage('/popup.html', page);
        const card = await popup.waitForSelector(`li[data-bal="${env.address}"]`);
        // The history is read after the card shows.
        await popup.waitForSelector(`li[data-bal="${env.address}"] [data-chart]`);
        const shown = await card!.evaluate((e) => ({
          level: e.getAttribute('data-level'),
          percent: e.getAttribute('data-percent'),
          used: e.querySelector('[data-used-bytes]')?.getAttribute('data-used-bytes'),
          limit: e.querySelector('[data-limit-bytes]')?.getAttribute('data-limit-bytes'),
          chart: e.querySelector('[data-chart]')?.getAttribute('data-chart'),
          webmail: e.querySelector('[data-action="open-webmail"]')?.getAttribute('href'),
          lastSeen: Number(e.querySelector('[data-last-seen]')?.getAttribute('data-last-seen')),
          seenText: e.querySelector('[data-last-seen]')?.textContent ?? '',
        }));
        // Seen on this run's webmail page, and said in words.
        expect(shown.lastSeen).toBeGreaterThan(t0);
        expect(shown.lastSeen).toBeLessThanOrEqual(Date.now());
        expect(shown.seenText.length).toBeGreaterThan(0);
        expect(shown).toMatchObject({
          level: 'warn',
          percent: String(percentUsed(truth.usedKiB, truth.limitKiB!)),
          used: String(truth.usedKiB * 1024),
          limit: String(QUOTA),
          webmail: `${new URL(env.url).origin}/`,
        });
        // All the points of this run fall in the same hour or two: the chart says it needs more visits, or draws them.
        expect(['empty', 'history']).toContain(shown.chart);
        const before = (await meterDebug(s, page)).cleanupEvents.length;
        await popup.click(`li[data-bal="${env.address}"] [data-action="open-cleanup"]`);
        await expect.poll(async () => (await meterDebug(s, page)).cleanupEvents.slice(before).map((e) => e.source), { timeout: 20_000 }).toEqual(['popup']);
        // The webmail tab was brought to the front.
        expect(await page.evaluate(() => document.visibilityState)).toBe('visible');
        await popup.close().catch(() => undefined);
      });

      it('opens the cleanup from the meter’s panel in one click (bus "open-cleanup")', async () => {
        await page.bringToFront();
        // The popup's "make room" (previous test) opened the cleanup panel, which loads on demand: close it once it
        // is there, so that it cannot open over the meter afterwards.
        await page.waitForSelector('[data-balise="cleanup"]', { timeout: 30_000 });
        await s.call(page, 'cleanup-close');
        await page.waitForFunction(() => !document.querySelector('[data-balise="cleanup"]'), { timeout: 10_000 });
        const before = (await meterDebug(s, page)).cleanupEvents.length;
        await (await waitInShadow(page, '[data-balise="quota"]', '[data-action="open-quota"]')).click();
        await (await waitInShadow(page, '[data-balise="quota-panel"]', '[data-action="open-cleanup"]')).click();
        // The panel may redraw (folder sizes arriving) under the first click: click again while it is still open.
        await expect
          .poll(
            async () => {
              const events = (await meterDebug(s, page)).cleanupEvents.slice(before).map((e) => e.source);
              if (!events.length) await (await page.$('[data-balise="quota-panel"] >>> [data-action="open-cleanup"]'))?.click().catch(() => undefined);
              return events;
            },
            { timeout: 20_000, interval: 1000 },
          )
          .toEqual(['meter']);
        expect(await page.$('[data-balise="quota-panel"]')).toBeNull();
      });

      it('made no request to any host but 127.0.0.1', () => {
        s.assertNoForeignRequests();
      });
    });
  }
});
