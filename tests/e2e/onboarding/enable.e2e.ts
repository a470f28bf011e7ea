/**
 * From the toolbar popup to Balise on the page, in both real browsers: the user is on their webmail (the Zimbra
 * simulator under http://localhost:<port>, an origin Balise does not run on), opens the popup, sees one button
 * naming what it does, clicks it; the origin is registered (content script for later visits, listed in the
 * options) and Balise comes up in the open tab without a reload.
 *
 * Automated: the popup's offer and its wording, the click (a real input event, so the browser's user-gesture rule
 * for permissions.request holds), permissions.request() itself, the background's registration and injection, the
 * meter appearing in the same document, later visits, no foreign request. NOT automated: the browser's permission
 * prompt (no automation API clicks it): the test build already holds http://localhost, so the request answers
 * "granted" at once. The prompt was checked by hand (see the report).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startStaticServer } from '../harness/static-server';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginUnregistered, openPopupFor, screenshot, texts } from './helpers';

const hasBalise = (page: Page) =>
  page.evaluate(() => ({
    bridge: document.documentElement.getAttribute('data-balise-test-bridge'),
    meter: document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes') ?? null,
  }));

for (const kind of BROWSERS) {
  describe(`enable Balise from the toolbar popup in ${kind}`, () => {
    let s: Session;
    let sim: ZimbraSim;
    let stat: Awaited<ReturnType<typeof startStaticServer>>;
    let from: Page;
    let webmail: Page;
    let base = '';

    beforeAll(async () => {
      [sim, stat] = await Promise.all([startZimbraSim({ profile: 'realistic', seed: 5 }), startStaticServer()]);
      s = await launchWithBalise(kind);
      from = await s.newPage();
      await s.gotoWithBalise(from, `${stat.url}plain.html`);
      webmail = await s.newPage();
      await webmail.setViewport({ width: 1280, height: 800 });
      base = await loginUnregistered(webmail, sim);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      await stat?.close();
    });

    it('offers nothing on a tab where Balise already runs', async () => {
      const popup = await openPopupFor(s, from, `${stat.url}plain.html`);
      expect(await popup.$('[data-section="enable-here"]')).toBeNull();
      expect(await popup.$('[data-action="enable-origin"]')).toBeNull();
      await popup.close();
    });

    it('offers one button on the webmail tab, and Balise is not there yet', async () => {
      await new Promise((r) => setTimeout(r, 1500)); // time for a content script to show up, were one registered
      expect(await hasBalise(webmail)).toEqual({ bridge: null, meter: null });
      const popup = await openPopupFor(s, from, base);
      const buttons = await popup.$$('[data-action="enable-origin"]');
      expect(buttons).toHaveLength(1);
      const card = await popup.$eval('[data-section="enable-here"]', (el) => ({ origin: el.getAttribute('data-origin'), role: el.getAttribute('data-role'), text: el.textContent ?? '' }));
      expect(card.origin).toBe(base.replace(/\/$/, ''));
      expect(card.role).toBe('unknown'); // localhost is no known MSSanté platform
      expect(texts('enableButton')).toContain(await popup.$eval('[data-action="enable-origin"]', (b) => b.textContent));
      expect(texts('enableNotYet', new URL(base).host).some((t) => card.text.includes(t))).toBe(true);
      console.log(`[onboarding ${kind}] popup screenshot: ${await screenshot(popup, `popup-enable-${kind}`)}`);
      await popup.close();
    });

    it('one click registers the origin and brings Balise up in the open tab without a reload', async () => {
      await webmail.evaluate(() => {
        (window as unknown as { __sameDocument: number }).__sameDocument = 1;
      });
      const popup = await openPopupFor(s, from, base);
      await popup.click('[data-action="enable-origin"]');
      await popup.waitForFunction(() => !!document.querySelector('[data-section="enable-here"] [data-enabled]'), { polling: 100, timeout: 20_000 });
      const done = await popup.$eval('[data-enabled]', (el) => el.textContent ?? '');
      expect(texts('enableDone', new URL(base).host)).toContain(done);
      await popup.waitForFunction(() => document.querySelector('[data-setting="origins"]')?.getAttribute('data-count') === '2', { polling: 100, timeout: 10_000 });
      // The popup, still open, shows the mailbox once the page has reported it (no "no mailbox seen yet" left behind).
      await popup.waitForSelector('[data-bal]', { timeout: 20_000 });
      expect(await popup.$$eval('[data-bal]', (els) => els.map((e) => e.getAttribute('data-bal')))).toEqual([sim.address.toLowerCase()]);
      expect(await popup.$('[data-notice="no-bal"], [data-notice="looking"], [data-notice="not-found-here"]')).toBeNull();
      console.log(`[onboarding ${kind}] popup after: ${await screenshot(popup, `popup-enabled-${kind}`)}`);
      await popup.close();

      await webmail.bringToFront();
      await webmail.waitForFunction(() => !!document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes'), { polling: 200, timeout: 20_000 });
      expect(await hasBalise(webmail)).toEqual({ bridge: 'ready', meter: String(sim.mailbox.used) });
      expect(await webmail.evaluate(() => (window as unknown as { __sameDocument?: number }).__sameDocument)).toBe(1);
      expect(await webmail.$$eval('[data-balise="quota"]', (els) => els.length)).toBe(1);
      console.log(`[onboarding ${kind}] webmail after: ${await screenshot(webmail, `webmail-enabled-${kind}`)}`);
    });

    it('lists the origin in the options and runs there on the next visit', async () => {
      const options = await s.openExtensionPage('/options.html', from);
      await options.waitForSelector(`[data-list="origins"] [data-origin="${base.replace(/\/$/, '')}"]`, { timeout: 10_000 });
      await options.close();
      const again = await s.newPage();
      await again.setViewport({ width: 1280, height: 800 });
      await s.gotoWithBalise(again, base);
      await again.waitForFunction(() => !!document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes'), { polling: 200, timeout: 20_000 });
      await again.close();
      // And the popup no longer offers it there.
      const popup = await openPopupFor(s, from, base);
      expect(await popup.$('[data-action="enable-origin"]')).toBeNull();
      await popup.close();
      s.assertNoForeignRequests();
    });
  });
}
