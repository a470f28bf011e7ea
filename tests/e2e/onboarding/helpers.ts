/**
 * Shared steps for the onboarding e2e tests: a webmail on an origin the test build has NOT registered
 * (http://localhost:<port>, the same loopback server under another name; the test build holds its permission so
 * that permissions.request() answers without the browser's prompt, which no automation can click), the toolbar
 * popup pointed at that tab, and screenshots for the record.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import type { ZimbraSim } from '../../servers/zimbra-sim/index';
import onboarding from '../../../lib/i18n/catalog/onboarding';

export const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../.tmp/screenshots');

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const file = path.join(SCREENSHOTS, `${name}.png`) as `${string}.png`;
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? true });
  return file;
}

/** The simulator's address under the name `localhost`: an origin Balise does not run on yet. */
export function unregisteredUrl(sim: ZimbraSim): string {
  return sim.url.replace('//127.0.0.1:', '//localhost:');
}

/** Log in to the simulator on localhost through its form, like a user; Balise is not there. */
export async function loginUnregistered(page: Page, sim: ZimbraSim): Promise<string> {
  const base = unregisteredUrl(sim);
  await page.goto(`${base}?loginOp=logout`, { waitUntil: 'load' });
  await page.waitForSelector('#zLoginForm #username');
  await page.type('#username', sim.user);
  await page.type('#password', sim.password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#loginButton')]);
  await page.waitForSelector('body[data-sim-ready="1"] #z_shell #z_userQuota', { timeout: 20_000 });
  return base;
}

/**
 * The toolbar popup, in a tab of its own, acting on the tab whose address starts with `tabUrl` (test builds read
 * `?tab=`; a real popup acts on the active tab). `from`: a page where Balise runs (Firefox opens extension pages
 * through it).
 */
export async function openPopupFor(s: Session, from: Page, tabUrl: string): Promise<Page> {
  const popup = await s.openExtensionPage('/popup.html', from);
  const query = `?tab=${encodeURIComponent(tabUrl)}`;
  // The page navigates itself (Firefox refuses the driver's navigation to moz-extension://, and puppeteer's
  // navigation events are not seen there): poll for the new document instead.
  await popup.evaluate((q: string) => {
    location.search = q;
  }, query);
  const deadline = Date.now() + 15_000;
  for (;;) {
    const ready = await popup.evaluate((q: string) => location.search === q && document.readyState === 'complete', query).catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`the popup did not reload with ${query}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await popup.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && !!document.querySelector('[data-setting="origins"]'), { polling: 100, timeout: 15_000 });
  await popup.bringToFront();
  return popup;
}

/** Both languages' texts of a catalog key ($1 filled): the browsers' UI language decides which one shows. */
export function texts(key: keyof typeof onboarding, ...subs: string[]): string[] {
  const e = onboarding[key];
  return [e.fr, e.en].map((s) => subs.reduce((acc, v, i) => acc.split(`$${i + 1}`).join(v), s));
}
