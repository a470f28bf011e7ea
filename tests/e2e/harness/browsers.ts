/**
 * Launch real Chromium and real Firefox ESR (Debian's, never downloaded) with the BUILT test extension loaded,
 * every request going through the network guard (guard-proxy.ts).
 *
 * Flags (Chromium): --no-sandbox --disable-gpu --no-first-run --disable-background-networking
 * --disable-component-update --disable-sync, a fresh profile per session. Firefox: a fresh profile with
 * puppeteer's defaults plus the proxy prefs below.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startGuardProxy, type GuardProxy } from './guard-proxy';
import { writeChromiumProfile } from './chromium-profile';

export type BrowserKind = 'chromium' | 'firefox';

/** BALISE_BROWSERS=chromium (or firefox) runs one browser only, for quick local runs. CI runs both. */
export const BROWSERS: BrowserKind[] = (process.env.BALISE_BROWSERS ?? 'chromium,firefox')
  .split(',')
  .map((s) => s.trim())
  .filter((s): s is BrowserKind => s === 'chromium' || s === 'firefox');

export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Chromium's own traffic that the flags above leave on (seen through the guard): the network time query,
 * the Google account check and an on-demand component update. Not Balise's, but the guard refuses every
 * host other than 127.0.0.1, so they are switched off or pointed at a closed local port.
 */
export const CHROMIUM_QUIET_FLAGS = [
  '--disable-features=NetworkTimeServiceQuerying,PasswordLeakDetection,OptimizationGuideModelDownloading,OptimizationHintsFetching,OptimizationTargetPrediction,OptimizationGuideOnDeviceModel,AutofillServerCommunication,CertificateTransparencyComponentUpdater,InterestFeedContentSuggestions,PrivacySandboxSettings4',
  '--safebrowsing-disable-auto-update',
  '--no-pings',
  '--disable-domain-reliability',
  '--gaia-url=http://127.0.0.1:9',
  '--component-updater=url-source=http://127.0.0.1:9/service/update2',
];

const ROOT = path.resolve(import.meta.dirname, '../../..');
export const BUILD_DIRS: Record<BrowserKind, string> = {
  chromium: path.join(ROOT, '.output/chrome-mv3-test'),
  firefox: path.join(ROOT, '.output/firefox-mv3-test'),
};
export const GECKO_ID = '{6b0f7c2e-3d55-4d1b-9a7e-2f3b8c1d4e5a}';
const FIREFOX_UUID = '0b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

export interface BridgeError extends Error {
  code?: string;
}

export interface Session {
  kind: BrowserKind;
  browser: Browser;
  /** chrome-extension://<id>/ or moz-extension://<uuid>/ */
  extBase: string;
  guard: GuardProxy;
  /** Every request a page of this session made, as seen by the page (for reports; the guard is authoritative). */
  pageRequests: string[];
  newPage(): Promise<Page>;
  /** Go to a URL of a registered webmail origin and wait until Balise's content script runs there. */
  gotoWithBalise(page: Page, url: string, opts?: { timeoutMs?: number }): Promise<void>;
  /** Call a test-bridge command in the page's content script (test builds only). */
  call<T = unknown>(page: Page, cmd: string, ...args: unknown[]): Promise<T>;
  /** Open popup.html or options.html in a tab. `from` must be a page where Balise runs (Firefox needs it). */
  openExtensionPage(pagePath: '/popup.html' | '/options.html', from?: Page): Promise<Page>;
  /** Throws if anything tried to reach a host other than 127.0.0.1. */
  assertNoForeignRequests(): void;
  close(): Promise<void>;
}

function freshProfile(kind: BrowserKind): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `balise-${kind}-`));
}

/**
 * Scripts run with tsx (demo, benchmarks) compile functions with esbuild's keepNames, which wraps them in a
 * __name() helper that does not exist in the page. Harmless for vitest; needed for tsx.
 */
async function shimForTsx(p: Page): Promise<void> {
  const shim = 'globalThis.__name = globalThis.__name || ((f) => f);';
  await p.evaluateOnNewDocument(shim).catch(() => undefined);
  await p.evaluate(shim).catch(() => undefined);
}

function removeProfile(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  } catch (e) {
    console.warn(`could not remove ${dir}: ${(e as Error).message}`);
  }
}

function assertBuilt(kind: BrowserKind): string {
  const dir = BUILD_DIRS[kind];
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new Error(`No test build in ${dir}: run "npm run build:test" first.`);
  }
  return dir;
}

export interface LaunchOptions {
  /** false: the same browser, flags and network guard, without Balise (benchmarks' baseline). */
  extension?: boolean;
  /**
   * Save downloads (the downloads API included) into this folder without asking: Chromium through its profile's
   * download.default_directory, Firefox through browser.download.dir + folderList=2 + useDownloadDir.
   */
  downloadDir?: string;
}

export async function launchWithBalise(kind: BrowserKind, opts: LaunchOptions = {}): Promise<Session> {
  const withExtension = opts.extension ?? true;
  const dir = withExtension ? assertBuilt(kind) : '';
  const guard = await startGuardProxy();
  const profile = freshProfile(kind);
  let browser: Browser | undefined;
  let extBase: string;
  try {
    if (kind === 'chromium') {
      // Spell-check downloads, the password leak check and Safe Browsing's download check off (chromium-profile.ts).
      writeChromiumProfile(profile, opts.downloadDir ? { downloadDir: opts.downloadDir } : {});
      browser = await puppeteer.launch({
        executablePath: process.env.BALISE_CHROMIUM ?? '/usr/bin/chromium',
        headless: true,
        pipe: true,
        ...(withExtension ? { enableExtensions: [dir] } : {}),
        userDataDir: profile,
        args: [
          ...CHROMIUM_FLAGS,
          ...CHROMIUM_QUIET_FLAGS,
          `--proxy-server=http://127.0.0.1:${guard.port}`,
          '--proxy-bypass-list=<-loopback>',
        ],
      });
      if (withExtension) {
        const sw = await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 20_000 });
        extBase = `chrome-extension://${new URL(sw.url()).host}/`;
      } else extBase = '';
      // The background registers the content script in onInstalled; gotoWithBalise() waits for it.
    } else {
      browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath: process.env.BALISE_FIREFOX ?? '/usr/bin/firefox-esr',
        headless: true,
        userDataDir: profile,
        // Release builds ignore services.settings.server (Remote Settings) unless this is set.
        env: { ...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1' },
        extraPrefsFirefox: {
          'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
          // Everything through the guard, loopback included.
          'network.proxy.type': 1,
          'network.proxy.http': '127.0.0.1',
          'network.proxy.http_port': guard.port,
          'network.proxy.ssl': '127.0.0.1',
          'network.proxy.ssl_port': guard.port,
          'network.proxy.share_proxy_settings': true,
          'network.proxy.no_proxies_on': '',
          'network.proxy.allow_hijacking_localhost': true,
          // Firefox's own background traffic, off (the guard would flag it).
          'network.captive-portal-service.enabled': false,
          'network.connectivity-service.enabled': false,
          'browser.safebrowsing.update.enabled': false,
          'extensions.getAddons.cache.enabled': false,
          'services.settings.server': 'http://127.0.0.1:9/v1',
          'extensions.blocklist.enabled': false,
          'security.remote_settings.crlite_filters.enabled': false,
          'security.remote_settings.intermediates.enabled': false,
          'app.normandy.enabled': false,
          'browser.region.network.url': '',
          'network.dns.disablePrefetch': true,
          'network.prefetch-next': false,
          ...(opts.downloadDir
            ? {
                'browser.download.dir': opts.downloadDir,
                'browser.download.folderList': 2,
                'browser.download.useDownloadDir': true,
                'browser.download.always_ask_before_handling_new_types': false,
                'browser.download.alwaysOpenPanel': false,
              }
            : {}),
        },
      });
      if (withExtension) {
        await browser.installExtension(dir);
        extBase = `moz-extension://${FIREFOX_UUID}/`;
      } else extBase = '';
    }
  } catch (e) {
    await browser!?.close().catch(() => undefined);
    await guard.close();
    removeProfile(profile);
    throw e;
  }

  const pageRequests: string[] = [];
  const watch = (p: Page) => p.on('request', (r) => void pageRequests.push(r.url()));
  browser.on('targetcreated', async (t) => {
    if (t.type() === 'page') {
      const p = await t.page().catch(() => null);
      if (p) watch(p);
    }
  });

  const call = async <T>(page: Page, cmd: string, ...args: unknown[]): Promise<T> => {
    const res = (await page.evaluate(
      (cmd: string, args: unknown[]) =>
        new Promise((resolve) => {
          const id = Math.random().toString(36).slice(2);
          const on = (e: Event) => {
            const r = JSON.parse(String((e as CustomEvent).detail));
            if (r.id === id) {
              removeEventListener('balise:test-response', on);
              resolve(r);
            }
          };
          addEventListener('balise:test-response', on);
          dispatchEvent(new CustomEvent('balise:test-request', { detail: JSON.stringify({ id, cmd, args }) }));
        }),
      cmd,
      args,
    )) as { ok: boolean; value?: T; error?: { message: string; code?: string; name?: string } };
    if (!res.ok) {
      const err = new Error(`${cmd}: ${res.error?.message}`) as BridgeError;
      err.code = res.error?.code;
      throw err;
    }
    return res.value as T;
  };

  const gotoWithBalise = async (page: Page, url: string, opts: { timeoutMs?: number } = {}) => {
    const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
    await page.goto(url, { waitUntil: 'load' });
    for (;;) {
      const ready = await page
        .waitForSelector('html[data-balise-test-bridge="ready"]', { timeout: 1500 })
        .then(() => true)
        .catch(() => false);
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`Balise's content script did not run on ${url}`);
      await page.reload({ waitUntil: 'load' });
    }
  };

  const openExtensionPage = async (pagePath: '/popup.html' | '/options.html', from?: Page) => {
    const target = new URL(pagePath, extBase).href;
    if (kind === 'chromium') {
      const p = await browser!.newPage();
      await shimForTsx(p);
      await p.goto(target, { waitUntil: 'load' });
      await p.bringToFront();
      return p;
    }
    // Firefox refuses to navigate a tab to moz-extension:// from the driver: ask the background to open it.
    if (!from) throw new Error('Firefox needs a page where Balise runs to open an extension page');
    const before = new Set(await browser.pages());
    await call(from, 'open-extension-page', pagePath);
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      for (const p of await browser.pages()) {
        if (before.has(p)) continue;
        // puppeteer may report a stale about:blank for these tabs: ask the page itself.
        const href = await p.evaluate(() => location.href).catch(() => '');
        if (href === target) {
          await shimForTsx(p);
          await p.waitForFunction(() => document.readyState === 'complete', { polling: 100 });
          await p.bringToFront();
          return p;
        }
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`could not open ${target}`);
  };

  return {
    kind,
    browser,
    extBase,
    guard,
    pageRequests,
    newPage: async () => {
      const p = await browser!.newPage();
      await shimForTsx(p);
      return p;
    },
    gotoWithBalise,
    call,
    openExtensionPage,
    assertNoForeignRequests() {
      const bad = guard.violations();
      if (bad.length) {
        const t0 = guard.log[0]?.at ?? 0;
        const context = guard.log.map((e) => `${((e.at - t0) / 1000).toFixed(2)}s ${e.allowed ? 'ok ' : 'BAD'} ${e.method} ${e.url.slice(0, 120)}`);
        throw new Error(`Requests to hosts other than 127.0.0.1:\n${bad.map((b) => `${b.method} ${b.url}`).join('\n')}\n\nAll requests:\n${context.join('\n')}`);
      }
      const pageBad = pageRequests.filter((u) => /^(https?|wss?):/.test(u) && new URL(u).hostname !== '127.0.0.1');
      if (pageBad.length) throw new Error(`Pages requested other hosts:\n${pageBad.join('\n')}`);
    },
    async close() {
      await browser.close().catch(() => undefined);
      await guard.close();
      removeProfile(profile);
    },
  };
}

/** Replace a field's content the way a user does (select all, type), so the page's own handlers see it. */
export async function fill(page: Page, selector: string, text: string): Promise<void> {
  await page.focus(selector);
  await page.keyboard.down('Control');
  await page.keyboard.press('a');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  await page.type(selector, text);
}
