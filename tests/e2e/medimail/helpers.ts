/**
 * Shared steps for the Medimail e2e tests: log in to the stand-in with its one-time code like a user (the stand-in
 * of strong authentication), wait for Balise's adapter on the page.
 */
import { createHash } from 'node:crypto';
import PostalMime from 'postal-mime';
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { Session } from '../harness/browsers';
import type { MedimailSim } from '../../servers/medimail-sim/index';
import type { SimMessage } from '../../servers/medimail-sim/mailbox';
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

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/**
 * A raw message the adapter rebuilt from Medimail's pages (it gives no .eml) against the stand-in's message: marked as
 * a reconstruction, the headers the page shows, and every document under its name and type, byte for byte.
 */
export async function expectReconstruction(m: SimMessage, bytes: Buffer): Promise<void> {
  expect(bytes.toString('latin1')).toMatch(/^From: /);
  expect(bytes.toString('latin1')).toContain(`X-Balise-Reconstructed: medimail; id=${m.id};`);
  const parsed = await PostalMime.parse(bytes);
  expect(parsed.subject).toBe(m.subject);
  expect(parsed.from?.address).toBe(m.from.address);
  expect(parsed.to?.map((a) => a.address)).toEqual(m.to.map((a) => a.address));
  expect(Math.abs(new Date(parsed.date!).getTime() - m.date)).toBeLessThan(60_000);
  expect(parsed.attachments.map((a) => [a.filename, a.mimeType])).toEqual(m.attachments.map((a) => [a.filename, a.contentType]));
  expect(parsed.attachments.map((a) => sha(new Uint8Array(a.content as ArrayBuffer)))).toEqual(m.attachments.map((a) => sha(a.data)));
}
