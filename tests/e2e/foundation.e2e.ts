/**
 * The foundation in both real browsers: the built extension loads, its content script runs on a registered
 * origin (and only there), its UI is isolated in a shadow root, the popup shows stored settings, and the options
 * page adds and removes an origin. No request leaves 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, fill, launchWithBalise, type Session } from './harness/browsers';
import { waitPierced } from './harness/shadow';
import { startStaticServer } from './harness/static-server';

for (const kind of BROWSERS) {
  describe(`foundation in ${kind}`, () => {
    let s: Session;
    let site: Awaited<ReturnType<typeof startStaticServer>>;
    let page: Page;

    beforeAll(async () => {
      site = await startStaticServer();
      s = await launchWithBalise(kind);
      page = await s.newPage();
    });
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    it('runs the content script on the registered origin, after the page loaded', async () => {
      await s.gotoWithBalise(page, `${site.url}plain.html`);
      const ping = await s.call<{ version: string; testBuild: boolean }>(page, 'ping');
      expect(ping.testBuild).toBe(true);
      expect(ping.version).toMatch(/^\d+\.\d+\.\d+$/);
      const state = await s.call<{ detection: unknown; mounted: string[] }>(page, 'state');
      // A plain page is no webmail: nothing is mounted on it.
      expect(state.detection).toBeNull();
      expect(state.mounted).toEqual([]);
    });

    it('isolates injected UI in a shadow root both ways', async () => {
      await s.call(page, 'mount-probe');
      const host = await page.waitForSelector('[data-balise="probe"]');
      expect(host).not.toBeNull();
      const inside = await page.evaluate(() => {
        const root = document.querySelector('[data-balise="probe"]')!.shadowRoot!;
        const p = root.querySelector('p')!;
        const button = root.querySelector('[data-action="probe"]') as HTMLButtonElement;
        const cs = getComputedStyle(p);
        return { color: cs.color, fontSize: cs.fontSize, buttonDisplay: getComputedStyle(button).display };
      });
      // The page's `* { color: red !important; font-size: 40px !important }` and `button {display:none}` stay out.
      expect(inside.color).toBe('rgb(0, 128, 0)');
      expect(inside.fontSize).toBe('14px');
      expect(inside.buttonDisplay).not.toBe('none');
      // Balise's `.probe { color: green }` stays in: the page's own .probe keeps the page's styles.
      const outside = await page.evaluate(() => getComputedStyle(document.getElementById('page-probe')!).color);
      expect(outside).toBe('rgb(255, 0, 0)');
      // The control works (Preact is live inside the shadow root).
      await page.click('[data-balise="probe"] >>> [data-action="probe"]');
      await waitPierced(page, '[data-balise="probe"] >>> .probe[data-clicks="1"]');
    });

    it('shows stored settings in the popup', async () => {
      const options = await s.openExtensionPage('/options.html', page);
      // Change a setting through the options page, then read it back in the popup.
      await options.waitForSelector('#warn');
      await options.waitForFunction(() => (document.getElementById('warn') as HTMLInputElement).value === '80', { polling: 100 });
      await fill(options, '#warn', '70');
      await fill(options, '#crit', '90');
      await options.click('[data-action="save-thresholds"]');
      await options.waitForSelector('[data-section="thresholds"] [data-notice="ok"]');
      const popup = await s.openExtensionPage('/popup.html', page);
      const el = await popup.waitForSelector('[data-setting="thresholds"]');
      const shown = await el!.evaluate((e) => ({ warn: e.getAttribute('data-warn'), crit: e.getAttribute('data-critical'), text: e.textContent }));
      expect(shown.warn).toBe('70');
      expect(shown.crit).toBe('90');
      expect(shown.text).toContain('70');
      expect(await popup.evaluate(() => document.documentElement.lang)).toMatch(/^(fr|en)$/);
      // An invalid pair is refused with a message and nothing saved. (Background tabs get no animation
      // frames, which puppeteer's click waits for: bring the options tab back first.)
      await options.bringToFront();
      await fill(options, '#warn', '95');
      await fill(options, '#crit', '90');
      await options.click('[data-action="save-thresholds"]');
      await options.waitForSelector('[data-section="thresholds"] [data-notice="error"]');
      await popup.close();
      const popup2 = await s.openExtensionPage('/popup.html', page);
      const again = await popup2.waitForSelector('[data-setting="thresholds"]');
      expect(await again!.evaluate((e) => e.getAttribute('data-warn'))).toBe('70');
      await popup2.close();
      await options.close();
    });

    it('adds and removes a webmail origin from the options page', async () => {
      const origin = new URL(site.url).origin;
      const options = await s.openExtensionPage('/options.html', page);
      // The test build registered http://127.0.0.1 at install, like a user adding it.
      await options.waitForSelector('[data-list="origins"] [data-origin="http://127.0.0.1"]');
      await options.click('[data-origin="http://127.0.0.1"] [data-action="remove-origin"]');
      await options.waitForSelector('[data-origins-empty]');

      // No origin: the content script no longer runs on the page.
      const other = await s.newPage();
      await other.goto(`${site.url}plain.html`, { waitUntil: 'load' });
      await new Promise((r) => setTimeout(r, 1500));
      expect(await other.evaluate(() => document.documentElement.getAttribute('data-balise-test-bridge'))).toBeNull();

      // Add it back by typing the address, as a user would.
      await options.bringToFront();
      await options.type('#custom', `${origin}/webmail/?_task=mail`);
      await options.click('[data-action="add-origin"]');
      await options.waitForSelector(`[data-list="origins"] [data-origin="${origin}"]`);
      await options.waitForSelector('[data-section="webmails"] [data-notice="ok"]');
      await s.gotoWithBalise(other, `${site.url}plain.html`);
      expect(await s.call(other, 'ping')).toMatchObject({ testBuild: true });

      // Garbage is refused with a plain message.
      await fill(options, '#custom', 'javascript:alert(1)');
      await options.click('[data-action="add-origin"]');
      await options.waitForSelector('[data-section="webmails"] [data-notice="error"]');

      // A known platform's portal is not its webmail: the page says where the mail is and registers nothing.
      await fill(options, '#custom', 'https://mailiz.mssante.fr/');
      await options.click('[data-action="add-origin"]');
      const instead = await options.waitForSelector('[data-section="webmails"] [data-notice="error"] [data-action="add-webmail-instead"]');
      expect(await instead!.evaluate((b) => b.getAttribute('data-origin-instead'))).toBe('https://roundcube.mssante.fr');
      const text = await options.$eval('[data-section="webmails"] [data-notice="error"]', (p) => p.textContent ?? '');
      expect(text).toContain('https://roundcube.mssante.fr');
      expect(text).toContain('Mailiz');
      expect(await options.$$eval('[data-list="origins"] [data-origin]', (li) => li.map((x) => x.getAttribute('data-origin')))).toEqual([origin]);
      await other.close();
      await options.close();
    });

    it('made no request to any host but 127.0.0.1', () => {
      expect(s.guard.log.length).toBeGreaterThan(0);
      s.assertNoForeignRequests();
    });
  });
}
