/** Shared steps for the signature and compose-check e2e tests. */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';

export const XSS = '<img src=x onerror=alert(1)>';

/** Sends a message to the background from a Balise page (options), as the page's own code does. */
export async function bg<T = unknown>(ext: Page, type: string, fields: Record<string, unknown> = {}): Promise<T> {
  return ext.evaluate(
    async (msg) => {
      type Api = { runtime: { sendMessage(m: unknown): Promise<unknown> } };
      const g = globalThis as unknown as { browser?: Api; chrome?: Api };
      const api = (g.browser ?? g.chrome)!;
      const r = (await api.runtime.sendMessage(msg)) as { ok: boolean; data?: unknown; error?: { code: string; message: string } };
      if (!r?.ok) throw new Error(`${msg.type}: ${JSON.stringify(r?.error)}`);
      return r.data;
    },
    { ...fields, type },
  ) as Promise<T>;
}

/** Fails the test on any dialog the page opens (an alert() would mean injected markup ran). */
export function forbidDialogs(page: Page, seen: string[]): void {
  page.on('dialog', (d) => {
    seen.push(`${d.type()}: ${d.message()}`);
    void d.dismiss().catch(() => undefined);
  });
}

/** Element count and text of Balise UI inside a shadow host on the page. */
export async function shadowQuery(page: Page, host: string, selector: string): Promise<{ count: number; texts: string[] }> {
  return page.evaluate(
    (h, sel) => {
      const out: string[] = [];
      for (const el of Array.from(document.querySelectorAll(`[data-balise="${h}"]`))) {
        for (const n of Array.from(el.shadowRoot?.querySelectorAll(sel) ?? [])) out.push(n.textContent ?? '');
      }
      return { count: out.length, texts: out };
    },
    host,
    selector,
  );
}

export async function waitForShadow(page: Page, host: string, selector: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (h, sel) => Array.from(document.querySelectorAll(`[data-balise="${h}"]`)).some((el) => !!el.shadowRoot?.querySelector(sel)),
    { timeout, polling: 100 },
    host,
    selector,
  );
}

export async function waitNoShadow(page: Page, host: string, selector: string, timeout = 10_000): Promise<void> {
  await page.waitForFunction(
    (h, sel) => !Array.from(document.querySelectorAll(`[data-balise="${h}"]`)).some((el) => !!el.shadowRoot?.querySelector(sel)),
    { timeout, polling: 100 },
    host,
    selector,
  );
}

/** Clicks a control inside a Balise shadow host like a user (a real mouse click through puppeteer). */
export async function clickShadow(page: Page, host: string, selector: string): Promise<void> {
  await waitForShadow(page, host, selector);
  await page.bringToFront();
  await page.click(`[data-balise="${host}"] >>> ${selector}`);
}

/** Opens the options page (Firefox needs a page where Balise runs to open it from). */
export async function openOptions(s: Session, from: Page): Promise<Page> {
  const p = await s.openExtensionPage('/options.html', from);
  await p.waitForSelector('[data-area="my-bals"]', { timeout: 15_000 });
  return p;
}

export const count = (hay: string, needle: string) => hay.split(needle).length - 1;

/** The default template's label before the preferred BAL, in the browser's UI language (fr or en). */
export async function mssLabel(ext: Page): Promise<string> {
  const lang = await ext.evaluate(() => document.documentElement.lang);
  return lang === 'fr' ? 'MSSanté : ' : 'MSSanté: ';
}
