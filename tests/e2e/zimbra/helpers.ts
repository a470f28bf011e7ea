/**
 * Shared steps for the Zimbra adapter's e2e tests: log in through the simulator's login form like a user, wait for
 * Balise's adapter on the page, read the simulator's truth. The simulator runs in the test process, so its mailbox
 * (sim.mailbox) and request log (sim.requestLog) are the ground truth.
 */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import type { ZimbraSim } from '../../servers/zimbra-sim/index';

export interface StateView {
  detection: { kind: string; variant?: string; page: string; supported: boolean; unsupportedReason?: string; version?: string } | null;
  mounted: string[];
  failed: { feature: string; message: string }[];
}

/** Logs in through #zLoginForm (cookies are per host, not per port: log in again when switching simulators). */
export async function loginZimbra(s: Session, page: Page, sim: ZimbraSim): Promise<void> {
  await page.goto(`${sim.url}?loginOp=logout`, { waitUntil: 'load' });
  await page.waitForSelector('#zLoginForm #username');
  await page.type('#username', sim.user);
  await page.type('#password', sim.password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#loginButton')]);
  await s.gotoWithBalise(page, sim.url);
  await waitForAdapter(s, page);
}

/** The content script starts after the load event: wait until it has detected the page. */
export async function waitForAdapter(s: Session, page: Page, timeoutMs = 20_000): Promise<StateView> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await s.call<StateView>(page, 'state').catch(() => null);
    if (st?.detection) return st;
    if (Date.now() > deadline) throw new Error(`no webmail detected on ${page.url()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The simulator's classic page is fully built (shell, folder tree, list). */
export async function waitForShell(page: Page): Promise<void> {
  await page.waitForSelector('body[data-sim-ready="1"] #z_shell #z_userQuota', { timeout: 20_000 });
}

/** MsgActionRequests the simulator received since `from` (index into the log), with how many ids each carried. */
export function actionRequests(sim: ZimbraSim, from = 0): { request: string; ids: number; fault?: string }[] {
  return sim.requestLog
    .slice(from)
    .filter((e) => e.request === 'MsgActionRequest' || e.request === 'ItemActionRequest' || e.request === 'ConvActionRequest')
    .map((e) => ({ request: e.request, ids: e.ids, ...(e.fault ? { fault: e.fault } : {}) }));
}

export function folderOfIds(sim: ZimbraSim, ids: string[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const id of ids) out[id] = sim.mailbox.messages.get(Number(id))?.folderId ?? null;
  return out;
}
