/**
 * The welcome page, opened once when Balise is first installed (not on updates, not on browser starts).
 * Test builds do not open it: every e2e session is a first install, and an extra tab taking the focus would
 * disturb tests that drive the active tab; the e2e tests open the page themselves (tests/e2e/onboarding/).
 */
import { browser } from 'wxt/browser';

export const WELCOME_PATH = '/welcome.html';

export async function openWelcomeOnInstall(details: { reason: string }, opts: { testBuild: boolean }): Promise<boolean> {
  if (details.reason !== 'install' || opts.testBuild) return false;
  await browser.tabs.create({ url: browser.runtime.getURL(WELCOME_PATH) });
  return true;
}
