/**
 * Waiting for an element inside a Balise shadow root (a `>>>` selector), polled. Puppeteer's own waits for such a
 * selector (`page.waitForSelector('host >>> inner')`) re-check on the document's mutations only: an element that
 * appears inside a shadow root while the page around it stays still is seen late, when the page next changes
 * (measured: cleanup reports there in 0.4 s were seen 15 to 20 s later, on Roundcube and on the Zimbra simulator, in
 * Chromium too), or never.
 */
import type { ElementHandle, Page } from 'puppeteer-core';

export async function waitPierced(page: Page, selector: string, timeoutMs = 30_000): Promise<ElementHandle<Element>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const el = await page.$(selector);
    if (el) return el;
    if (Date.now() > deadline) throw new Error(`no ${selector} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
