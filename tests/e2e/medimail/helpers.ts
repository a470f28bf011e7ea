/**
 * Shared steps for the Medimail e2e tests: log in to the stand-in with its one-time code like a user (the stand-in
 * of strong authentication), wait for Balise's adapter on the page.
 */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import type { MedimailSim } from '../../servers/medimail-sim/index';
import { waitForAdapter } from '../zimbra/helpers';

export { waitForAdapter };

/** Logs in through the login form, then opens `path` (the inbox's first page by default) with Balise running. */
export async function loginMedimail(s: Session, page: Page, sim: MedimailSim, path = '?m=liste&f=1&o=date&p=1'): Promise<void> {
  await page.goto(`${sim.url}?m=connexion`, { waitUntil: 'load' });
  await page.waitForSelector('input[name="code"]');
  await page.type('input[name="code"]', sim.code);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form button[type="submit"]')]);
  await s.gotoWithBalise(page, sim.url + path);
  await waitForAdapter(s, page);
}
