/**
 * Shared steps for the quota meter's e2e tests: read the meter's public attributes on the webmail page, the
 * toolbar badge (Chromium: the service worker; Firefox: a Balise page), the notifications the test build
 * recorded, and make a message of a given size.
 */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';

export const MiB = 1024 * 1024;

export interface MeterView {
  used: string | null;
  limit: string | null;
  level: string | null;
  state: string | null;
  placement: string | null;
  text: string;
  label: string | null;
}

export async function readMeter(page: Page): Promise<MeterView | null> {
  return page.evaluate(() => {
    const h = document.querySelector('[data-balise="quota"]');
    if (!h) return null;
    const b = h.shadowRoot?.querySelector('[data-action="open-quota"]');
    return {
      used: h.getAttribute('data-used-bytes'),
      limit: h.getAttribute('data-limit-bytes'),
      level: h.getAttribute('data-level'),
      state: h.getAttribute('data-state'),
      placement: h.getAttribute('data-placement'),
      text: b?.textContent ?? '',
      label: b?.getAttribute('aria-label') ?? null,
    };
  });
}

/** Waits until the meter shows exactly this many used bytes. */
export async function waitForMeterUsed(page: Page, used: number, timeoutMs = 30_000): Promise<MeterView> {
  await page.waitForFunction(
    (u: string) => document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes') === u,
    { timeout: timeoutMs, polling: 200 },
    String(used),
  );
  return (await readMeter(page))!;
}

export interface BadgeView {
  text: string;
  color: number[];
}

/** The toolbar badge as the browser holds it. `from`: a page where Balise runs (Firefox opens a Balise page from it). */
export async function readBadge(s: Session, from: Page): Promise<BadgeView> {
  if (s.kind === 'chromium') {
    await s.call(from, 'ping'); // wakes the service worker up if it was stopped
    const target = await s.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 10_000 });
    const worker = (await target.worker())!;
    return worker.evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { action: { getBadgeText(d: object): Promise<string>; getBadgeBackgroundColor(d: object): Promise<number[]> } } }).chrome;
      return { text: await c.action.getBadgeText({}), color: await c.action.getBadgeBackgroundColor({}) };
    });
  }
  const p = await s.openExtensionPage('/popup.html', from);
  try {
    return await p.evaluate(async () => {
      const b = (globalThis as unknown as { browser: { action: { getBadgeText(d: object): Promise<string>; getBadgeBackgroundColor(d: object): Promise<number[]> } } }).browser;
      return { text: await b.action.getBadgeText({}), color: await b.action.getBadgeBackgroundColor({}) };
    });
  } finally {
    await p.close();
    await from.bringToFront();
  }
}

export async function waitForBadge(s: Session, from: Page, text: string, timeoutMs = 15_000): Promise<BadgeView> {
  const deadline = Date.now() + timeoutMs;
  let last: BadgeView | null = null;
  for (;;) {
    last = await readBadge(s, from);
    if (last.text === text) return last;
    if (Date.now() > deadline) throw new Error(`badge is ${JSON.stringify(last)}, expected "${text}"`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export interface NotificationRecord {
  id: string;
  address: string;
  level: string;
  at: number;
  title: string;
  message: string;
}

export function notifications(s: Session, page: Page): Promise<NotificationRecord[]> {
  return s.call<NotificationRecord[]>(page, 'quota-notifications');
}

export interface MeterDebug {
  reads: number;
  nextAt: number | null;
  address: string | null;
  cleanupEvents: { source: string; at: number }[];
}

export function meterDebug(s: Session, page: Page): Promise<MeterDebug> {
  return s.call<MeterDebug>(page, 'quota-meter');
}

/** A plain message of exactly `bytes` bytes (CRLF line ends), for delivering across a threshold. */
export function messageOfSize(bytes: number, subject: string, to: string): Buffer {
  const head = [
    'From: "Laboratoire Test" <labo@test.mssante.fr>',
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${subject.replace(/\W+/g, '.')}.${Date.now()}@test>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    '',
  ].join('\r\n');
  const line = 'Compte rendu de biologie : resultats joints, a classer dans le dossier patient.....\r\n'; // 84 bytes
  let body = line.repeat(Math.max(0, Math.floor((bytes - head.length) / line.length)));
  body += 'x'.repeat(Math.max(0, bytes - head.length - body.length));
  const raw = Buffer.from(head + body, 'ascii');
  if (raw.length !== bytes) throw new Error(`message is ${raw.length} bytes, wanted ${bytes}`);
  return raw;
}

/** The panel's folder rows as shown. */
export async function panelFolders(page: Page): Promise<{ id: string; bytes: string; precision: string; count: string; size: string }[]> {
  return page.evaluate(() => {
    const root = document.querySelector('[data-balise="quota-panel"]')?.shadowRoot;
    return [...(root?.querySelectorAll('[data-list="folders"] li') ?? [])].map((li) => ({
      id: li.getAttribute('data-folder-id') ?? '',
      bytes: li.getAttribute('data-bytes') ?? '',
      precision: li.getAttribute('data-precision') ?? '',
      count: li.getAttribute('data-count') ?? '',
      size: li.querySelector('.q-size')?.textContent ?? '',
    }));
  });
}

/**
 * Waits for an element inside a Balise shadow root. Puppeteer's waitForSelector re-checks on DOM mutations it sees,
 * and it does not see those inside shadow roots: poll instead.
 */
export async function waitInShadow(page: Page, host: string, inner: string, timeoutMs = 30_000) {
  await page.waitForFunction((h: string, i: string) => !!document.querySelector(h)?.shadowRoot?.querySelector(i), { timeout: timeoutMs, polling: 100 }, host, inner);
  return (await page.$(`${host} >>> ${inner}`))!;
}

/** Roundcube works out folder sizes one request (or two) per folder: the first opening can take a while. */
export async function openPanelWithKeyboard(page: Page, timeoutMs = 150_000): Promise<void> {
  const button = await waitInShadow(page, '[data-balise="quota"]', '[data-action="open-quota"]');
  await button.focus();
  await page.keyboard.press('Enter');
  await waitInShadow(page, '[data-balise="quota-panel"]', '[role="dialog"]');
  await waitInShadow(page, '[data-balise="quota-panel"]', '[data-list="folders"] li', timeoutMs);
}

export async function closePanelWithEscape(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('[data-balise="quota-panel"]'), { timeout: 5000 });
}
