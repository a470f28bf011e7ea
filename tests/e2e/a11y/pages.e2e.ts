/**
 * axe-core on Balise's own pages in both browsers: the toolbar popup (with its "enable on this webmail" card),
 * the options page and the welcome page. No violation of impact serious or critical; the others are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startStaticServer } from '../harness/static-server';
import { axe, blocking, describeViolations } from '../harness/axe';
import { openPopupFor, screenshot } from '../onboarding/helpers';

for (const kind of BROWSERS) {
  describe(`accessibility of Balise's pages in ${kind}`, () => {
    let s: Session;
    let stat: Awaited<ReturnType<typeof startStaticServer>>;
    let from: Page;
    const log: string[] = [];

    beforeAll(async () => {
      stat = await startStaticServer();
      s = await launchWithBalise(kind);
      from = await s.newPage();
      await s.gotoWithBalise(from, `${stat.url}plain.html`);
    });
    afterAll(async () => {
      console.log(`[a11y pages ${kind}]\n${log.join('\n')}`);
      await s?.close();
      await stat?.close();
    });

    const audit = async (name: string, page: Page) => {
      const v = await axe(page);
      log.push(`${name}: ${describeViolations(v)}`);
      expect(blocking(v), describeViolations(blocking(v))).toEqual([]);
    };

    it('the popup, with the enable card', async () => {
      const other = await s.newPage();
      const url = `${stat.url.replace('//127.0.0.1:', '//localhost:')}plain.html`;
      await other.goto(url, { waitUntil: 'load' });
      const popup = await openPopupFor(s, from, url);
      await popup.waitForSelector('[data-action="enable-origin"]');
      await audit('popup', popup);
      await popup.close();
      await other.close();
    });

    it('the options page', async () => {
      const options = await s.openExtensionPage('/options.html', from);
      await options.waitForSelector('[data-section="webmails"] [data-list="origins"], [data-origins-empty]', { timeout: 15_000 });
      await new Promise((r) => setTimeout(r, 500)); // the other sections load their data too
      await audit('options', options);
      await options.close();
    });

    it('the welcome page, which loads nothing but its own files', async () => {
      const before = s.pageRequests.length;
      const welcome = await s.openExtensionPage('/welcome.html', from);
      await welcome.waitForSelector('[data-page="welcome"] [data-section="how"]');
      await audit('welcome', welcome);
      console.log(`[a11y ${kind}] welcome screenshot: ${await screenshot(welcome, `welcome-${kind}`)}`);
      const loaded = s.pageRequests.slice(before).filter((u) => !u.startsWith(s.extBase));
      expect(loaded).toEqual([]);
      await welcome.close();
      s.assertNoForeignRequests();
    });
  });
}
