/**
 * The built-in demo (`npm run demo`): Chromium with Balise's test build on two webmails, each with a nearly full
 * MSSanté-like mailbox, logged in:
 * - the REAL Roundcube 1.6 + Dovecot 2.3 (Debian packages, Elastic skin) the e2e tests start (tests/servers/roundcube/);
 * - a local Zimbra SIMULATOR (not Zimbra: tests/servers/zimbra-sim/README.md).
 *
 * `--webmail zimbra|roundcube|all` picks which. Default: `all` without a display (both, one after the other), the
 * Zimbra simulator alone with one (a window to use; `--webmail roundcube` opens Roundcube instead).
 *
 * - With a display ($DISPLAY set): a browser window you can use; Ctrl-C (or closing the window) ends the demo.
 * - Without one: headless; it walks through the demo steps on each webmail, writes screenshots to
 *   demo-output/<webmail>/ (1280×800: the Chrome Web Store's size), copies the ones the store listings use to
 *   demo-output/store/, and prints what it walked through for each webmail. `--headless` forces this mode,
 *   `--out <dir>` changes the folder.
 *
 * It builds nothing: run `npm run build:test` first (`npm run demo` does). Everything stays on 127.0.0.1: the
 * browser's traffic goes through the e2e network guard, which refuses any other host (reported at the end).
 *
 * Adding a step as features land: push an entry to STEPS (what differs per webmail goes in its DemoWebmail). A step
 * that finds nothing on the page (feature not there yet, or not working) is reported as missing with its reason;
 * the demo goes on.
 *
 * About 420 lines: the browser, the steps and the summary read as one walk-through; the webmails (servers, logins,
 * compose pages) are in demo-webmails.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BUILD_DIRS, CHROMIUM_FLAGS, CHROMIUM_QUIET_FLAGS } from '../tests/e2e/harness/browsers';
import { startGuardProxy, type GuardProxy } from '../tests/e2e/harness/guard-proxy';
import { writeChromiumProfile } from '../tests/e2e/harness/chromium-profile';
import { need, sleep, startRoundcubeDemo, startZimbra, type DemoWebmail } from './demo-webmails';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const HEADLESS = args.includes('--headless') || !process.env.DISPLAY;
const OUT = path.resolve(arg('out') ?? path.join(ROOT, 'demo-output'));
const PORT = arg('port') ? Number(arg('port')) : 0;
const WEBMAIL_ARG = arg('webmail') ?? (HEADLESS ? 'all' : 'zimbra');
if (!['zimbra', 'roundcube', 'all'].includes(WEBMAIL_ARG) || (!HEADLESS && WEBMAIL_ARG === 'all')) {
  console.error(`[demo] --webmail ${WEBMAIL_ARG}: choose zimbra or roundcube${HEADLESS ? ' or all' : ' (a window shows one webmail)'}`);
  process.exit(2);
}
/** The Chrome Web Store's screenshot size (AMO takes any): the demo's headless screenshots are store-ready. */
const VIEWPORT = { width: 1280, height: 800 };

const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const log = (s: string) => console.log(`[demo ${secs()} s] ${s}`);

// ---- the browser --------------------------------------------------------------------------------------------------

interface Demo {
  browser: Browser;
  page: Page;
  guard: GuardProxy;
  webmail: DemoWebmail;
  profile: string;
  bridge<T = unknown>(cmd: string, ...args: unknown[]): Promise<T>;
}

/** Same Chromium, flags and network guard as the e2e tests (tests/e2e/harness/browsers.ts), headed or not. */
async function launch(webmail: DemoWebmail): Promise<Demo> {
  const dir = BUILD_DIRS.chromium;
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) throw new Error(`No test build in ${dir}: run "npm run build:test" first.`);
  const guard = await startGuardProxy();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'balise-demo-'));
  writeChromiumProfile(profile);
  const browser = await puppeteer.launch({
    executablePath: process.env.BALISE_CHROMIUM ?? '/usr/bin/chromium',
    headless: HEADLESS,
    pipe: true,
    // Balise speaks the browser's language: French, as for the health professionals it is made for.
    env: { ...process.env, LANGUAGE: 'fr', LANG: 'fr_FR.UTF-8' },
    enableExtensions: [dir],
    userDataDir: profile,
    defaultViewport: HEADLESS ? VIEWPORT : null,
    args: [
      ...CHROMIUM_FLAGS,
      ...CHROMIUM_QUIET_FLAGS,
      `--window-size=${VIEWPORT.width},${VIEWPORT.height}`,
      `--proxy-server=http://127.0.0.1:${guard.port}`,
      '--proxy-bypass-list=<-loopback>',
      '--lang=fr-FR',
    ],
  });
  await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 20_000 });
  const page = (await browser.pages())[0] ?? (await browser.newPage());
  // tsx wraps functions with __name(): give pages the helper (the harness does the same).
  const shim = 'globalThis.__name = globalThis.__name || ((f) => f);';
  await page.evaluateOnNewDocument(shim);
  // Roundcube asks before leaving a compose page with changes (beforeunload) and before switching editors: accept.
  page.on('dialog', (dlg) => void (dlg.type() === 'alert' ? dlg.dismiss() : dlg.accept()).catch(() => undefined));
  const bridge = async <T>(cmd: string, ...a: unknown[]): Promise<T> => {
    const res = (await page.evaluate(
      `new Promise((resolve) => {
        const id = Math.random().toString(36).slice(2);
        const on = (e) => { const r = JSON.parse(String(e.detail)); if (r.id === id) { removeEventListener('balise:test-response', on); resolve(r); } };
        addEventListener('balise:test-response', on);
        dispatchEvent(new CustomEvent('balise:test-request', { detail: JSON.stringify({ id, cmd: ${JSON.stringify(cmd)}, args: ${JSON.stringify(a)} }) }));
      })`,
    )) as { ok: boolean; value?: T; error?: { message: string } };
    if (!res.ok) throw new Error(`${cmd}: ${res.error?.message}`);
    return res.value as T;
  };
  return { browser, page, guard, webmail, profile, bridge };
}

async function login(d: Demo): Promise<void> {
  const { page } = d;
  await d.webmail.login(page);
  // The background registers the content script at install: reload until Balise runs on the page.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ready = await page
      .waitForSelector('html[data-balise-test-bridge="ready"]', { timeout: 2000 })
      .then(() => true)
      .catch(() => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error("Balise's content script did not run on the webmail page");
    await page.reload({ waitUntil: 'load' });
  }
  for (let i = 0; i < 200; i++) {
    const st = await d.bridge<{ detection: unknown }>('state').catch(() => null);
    if (st?.detection) return;
    await sleep(100);
  }
  throw new Error('Balise did not recognise the webmail');
}

/**
 * The person's details, as a user types them once in the options (name, profession, RPPS): the signature then says
 * who writes. Sent the way the options page itself saves them.
 */
async function fillDetails(d: Demo): Promise<void> {
  const worker = await d.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().endsWith('/background.js'), { timeout: 10_000 });
  const base = worker.url().replace(/background\.js$/, '');
  const options = await d.browser.newPage();
  try {
    await options.goto(`${base}options.html`, { waitUntil: 'load' });
    await options.waitForSelector('[data-area="my-bals"]', { timeout: 15_000 });
    await options.evaluate(async () => {
      const api = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean }> } } }).chrome;
      const r = await api.runtime.sendMessage({ type: 'profile/save', profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste', rpps: '10000005479' } });
      if (!r?.ok) throw new Error('the options page did not save the details');
    });
  } finally {
    await options.close();
    await d.page.bringToFront();
  }
}

// ---- the steps ----------------------------------------------------------------------------------------------------

interface StepContext extends Demo {
  shot(name: string, opts?: { clip?: { x: number; y: number; width: number; height: number }; store?: string }): Promise<string>;
}
interface Step {
  id: string;
  title: string;
  /** Returns a short note for the summary; throws (with a plain reason) when the feature is not there. */
  run(ctx: StepContext): Promise<string>;
  /** Puts the page back as it was (closes what the step opened), whether the step worked or not. */
  after?(ctx: StepContext): Promise<void>;
}

/** Closes a Balise overlay (Escape, then its close button). */
async function closeOverlay(page: Page, host: string): Promise<void> {
  if (!(await page.$(`[data-balise="${host}"]`))) return;
  await page.keyboard.press('Escape').catch(() => undefined);
  await sleep(300);
  const close = await page.$(`[data-balise="${host}"] >>> [data-action="close"]`).catch(() => null);
  if (close) await close.click().catch(() => close.evaluate((b) => (b as HTMLElement).click()));
  await sleep(300);
}

/** Clicks (as a user would) until `then` appears; retries when the UI re-renders between finding and clicking. */
async function clickUntil(page: Page, selector: string, then: string, what: string): Promise<void> {
  let last = '';
  for (let i = 0; i < 4; i++) {
    const el = await page.$(selector).catch(() => null);
    if (el) {
      try {
        await el.click();
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      try {
        await need(page, then, what, 3000);
        return;
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
    } else {
      last = `${selector} not found`;
      await sleep(500);
    }
  }
  throw new Error(`${what}: ${last}`);
}

/**
 * Where the quota meter's button is, and whether all of it is seen: inside the window, and not cut by the page
 * (a box with `overflow: hidden` around it) nor covered: the page's topmost element at its left end, centre and
 * right end is the meter itself.
 */
async function meterPlace(page: Page): Promise<{ box: { x: number; y: number; width: number; height: number }; inside: boolean; seen: boolean }> {
  // The meter re-checks its place every 2 s (and moves when its figures make it too wide): let it settle.
  await sleep(2500);
  return page.$eval('[data-balise="quota"]', (host) => {
    const b = (host.shadowRoot?.querySelector('[data-action="open-quota"]') as HTMLElement | null) ?? (host as HTMLElement);
    const r = b.getBoundingClientRect();
    const box = { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) };
    const inside = r.width > 0 && r.height > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth && r.bottom <= innerHeight;
    const y = r.top + r.height / 2;
    const seen = [r.left + 3, r.left + r.width / 2, r.right - 3].every((x) => {
      const at = document.elementFromPoint(x, y);
      return !!at && (at === host || host.contains(at));
    });
    return { box, inside, seen };
  });
}

export const STEPS: Step[] = [
  {
    id: 'webmail',
    title: 'The webmail with Balise',
    async run(c) {
      await sleep(1500); // let the features mount after the page's load event
      const st = await c.bridge<{ mounted: string[]; failed: { feature: string; message: string }[] }>('state');
      const file = await c.shot('01-webmail.png');
      const failed = st.failed.length ? `; failed: ${st.failed.map((f) => `${f.feature} (${f.message})`).join(', ')}` : '';
      return `${file} — features mounted: ${st.mounted.join(', ') || 'none'}${failed}`;
    },
  },
  {
    id: 'quota-meter',
    title: 'Quota meter next to the host’s quota, and its details',
    async run(c) {
      await need(c.page, '[data-balise="quota"]', 'The quota meter');
      await need(c.page, '[data-balise="quota"][data-used-bytes]:not([data-used-bytes=""])', 'The quota figure', 15_000);
      const { box, inside, seen } = await meterPlace(c.page);
      if (!inside || !seen) throw new Error(`the meter is not wholly seen in the ${VIEWPORT.width}×${VIEWPORT.height} window (${inside ? 'cut or covered by the page' : 'outside the window'}): ${JSON.stringify(box)}`);
      const figures = await c.page.$eval('[data-balise="quota"]', (e) => `${e.getAttribute('data-used-bytes')} / ${e.getAttribute('data-limit-bytes')} bytes, ${e.getAttribute('data-level')}, ${e.getAttribute('data-placement')}${e.getAttribute('data-fit') ? ` (${e.getAttribute('data-fit')})` : ''}`);
      const full = await c.shot('02-quota-meter.png', { store: '1-quota-meter' });
      // A close-up around the meter, kept inside the window.
      const w = Math.min(VIEWPORT.width, Math.max(480, box.width + 240));
      const h = Math.min(VIEWPORT.height, Math.max(200, box.height + 160));
      const x = Math.max(0, Math.min(VIEWPORT.width - w, box.x + box.width / 2 - w / 2));
      const y = Math.max(0, Math.min(VIEWPORT.height - h, box.y + box.height / 2 - h / 2));
      const close = await c.shot('02b-quota-meter-closeup.png', { clip: { x, y, width: w, height: h } });
      await clickUntil(c.page, '[data-balise="quota"] >>> [data-action="open-quota"]', '[data-balise="quota-panel"]', 'The quota details panel');
      await sleep(800);
      const panel = await c.shot('03-quota-details.png', { store: '2-quota-details' });
      const truth = await c.webmail.fill();
      return `${full}, ${close}, ${panel} — ${figures}; meter at ${JSON.stringify(box)}, wholly seen (server: ${truth.used} / ${truth.quota})`;
    },
    after: (c) => closeOverlay(c.page, 'quota-panel'),
  },
  {
    id: 'cleanup-preview',
    title: 'Cleanup preview (nothing is deleted)',
    async run(c) {
      const s0 = performance.now();
      await c.bridge('bus', 'open-cleanup', { source: 'test' });
      await need(c.page, '[data-balise="cleanup"]', 'The cleanup panel');
      // The preview reads every candidate (clinical documents are recognised on the raw message): give it time.
      await need(c.page, '[data-balise="cleanup"] >>> [data-group]', 'The cleanup preview groups', 240_000);
      await sleep(800);
      const groups = await c.page.$$eval('[data-balise="cleanup"]', (hosts) =>
        Array.from(hosts[0]!.shadowRoot?.querySelectorAll('[data-group]') ?? []).map((g) => `${g.getAttribute('data-group')}: ${g.getAttribute('data-count')}`),
      );
      const file = await c.shot('04-cleanup-preview.png', { store: '3-cleanup-preview' });
      return `${file} — ${groups.join(', ')} (prepared in ${((performance.now() - s0) / 1000).toFixed(0)} s)`;
    },
    after: (c) => closeOverlay(c.page, 'cleanup'),
  },
  {
    id: 'signature',
    title: 'Signature of the preferred BAL in a new message',
    async run(c) {
      await c.webmail.compose(c.page);
      await need(c.page, '[data-balise="signature"]', 'The signature button');
      await clickUntil(c.page, '[data-balise="signature"] >>> [data-action="insert"]', '[data-balise="signature"] >>> [data-state="inserted"]', 'The signature insertion');
      let text = '';
      for (let i = 0; i < 40 && !text.includes(c.webmail.address); i++, await sleep(250)) text = await c.webmail.editorText(c.page);
      if (!text.includes(c.webmail.address)) throw new Error('The signature (with the BAL’s address) was not found in the editor');
      const file = await c.shot('05-signature.png', { store: '4-signature' });
      return `${file} — the editor holds the signature with ${c.webmail.address}`;
    },
  },
  {
    id: 'compose-checks',
    title: 'Checks while writing (recipient outside MSSanté)',
    async run(c) {
      if (!(await c.page.$('[data-balise="signature"]'))) await c.webmail.compose(c.page);
      await c.webmail.addRecipient(c.page, 'patient.durand@gmail.com');
      await need(c.page, '[data-balise="compose-check"] >>> [data-warning="non-mssante"]', 'The warning for a recipient outside MSSanté');
      await sleep(1200);
      const file = await c.shot('06-compose-checks.png', { store: '5-compose-checks' });
      return `${file} — warned: patient.durand@gmail.com is outside MSSanté`;
    },
  },
];

// ---- main ---------------------------------------------------------------------------------------------------------

interface WebmailResult {
  id: DemoWebmail['id'];
  label: string;
  url: string;
  fill: number;
  steps: { id: string; title: string; ok: boolean; note: string; ms: number }[];
  foreignRequests: string[];
  error?: string;
}

const STARTERS: Record<DemoWebmail['id'], { what: string; start: () => Promise<DemoWebmail> }> = {
  zimbra: { what: 'the Zimbra simulator (not Zimbra)', start: () => startZimbra(PORT) },
  roundcube: { what: 'the real Roundcube + Dovecot (Debian packages)', start: () => startRoundcubeDemo(PORT) },
};

/** Starts one webmail and a browser on it, walks the steps (headless) or waits for the window to close. */
async function runOne(id: DemoWebmail['id'], onStop: (stop: () => Promise<void>) => void): Promise<WebmailResult> {
  log(`starting ${STARTERS[id].what} with a nearly full mailbox…`);
  const webmail = await STARTERS[id].start();
  const f = await webmail.fill();
  const pct = Number(((f.used / f.quota) * 100).toFixed(1));
  log(`${webmail.label} on ${webmail.url} — ${(f.used / 1048576).toFixed(1)} MiB of ${(f.quota / 1048576).toFixed(0)} MiB (${pct} %); login: ${webmail.user} / ${webmail.password}`);
  let demo: Demo | null = null;
  const stop = async () => {
    if (demo) {
      await demo.browser.close().catch(() => undefined);
      await demo.guard.close().catch(() => undefined);
      fs.rmSync(demo.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      demo = null;
    }
    await webmail.stop().catch(() => undefined);
  };
  onStop(stop);
  const result: WebmailResult = { id, label: webmail.label, url: webmail.url, fill: pct, steps: [], foreignRequests: [] };
  try {
    log(`launching Chromium with Balise's test build (${HEADLESS ? 'headless' : 'window'})…`);
    demo = await launch(webmail);
    await login(demo);
    await fillDetails(demo);
    log('logged in; Balise is running on the webmail page; the details for the signature are filled in (options)');

    if (!HEADLESS) {
      console.log(`\nThe demo is open in the Chromium window (${webmail.url}). Ctrl-C here (or close the window) to end it.\n`);
      await new Promise<void>((resolve) => demo!.browser.once('disconnected', () => resolve()));
      return result;
    }

    const dir = path.join(OUT, id);
    fs.mkdirSync(dir, { recursive: true });
    fs.mkdirSync(path.join(OUT, 'store'), { recursive: true });
    const d = demo;
    const ctx: StepContext = {
      ...d,
      async shot(name, opts = {}) {
        const file = path.join(dir, name);
        await d.page.screenshot({ path: file as `${string}.png`, ...(opts.clip ? { clip: opts.clip } : {}) });
        if (opts.store) fs.copyFileSync(file, path.join(OUT, 'store', `${id}-${opts.store}.png`));
        return path.relative(process.cwd(), file);
      },
    };
    for (const step of STEPS) {
      const s0 = performance.now();
      try {
        const note = await step.run(ctx);
        result.steps.push({ id: step.id, title: step.title, ok: true, note, ms: Math.round(performance.now() - s0) });
        log(`✓ ${step.title}`);
      } catch (e) {
        // What the page looked like when the step gave up, to see why.
        await ctx.shot(`missing-${step.id}.png`).catch(() => undefined);
        const note = e instanceof Error ? e.message : String(e);
        result.steps.push({ id: step.id, title: step.title, ok: false, note, ms: Math.round(performance.now() - s0) });
        log(`– ${step.title}: not available (${note})`);
      } finally {
        await step.after?.(ctx).catch(() => undefined);
      }
    }
    result.foreignRequests = d.guard.violations().map((v) => `${v.method} ${v.url}`);
  } catch (e) {
    result.error = e instanceof Error ? e.message : String(e);
    console.error(`[demo] ${webmail.label}: ${result.error}`);
  } finally {
    await stop();
  }
  return result;
}

async function main(): Promise<void> {
  const ids: DemoWebmail['id'][] = WEBMAIL_ARG === 'all' ? ['zimbra', 'roundcube'] : [WEBMAIL_ARG as DemoWebmail['id']];
  let current: (() => Promise<void>) | null = null;
  const interrupt = async () => {
    await current?.();
    process.exit(0);
  };
  process.on('SIGINT', () => void interrupt());
  process.on('SIGTERM', () => void interrupt());
  if (HEADLESS) fs.rmSync(OUT, { recursive: true, force: true });

  const results: WebmailResult[] = [];
  for (const id of ids) results.push(await runOne(id, (stop) => (current = stop)));
  if (!HEADLESS) return process.exit(results.some((r) => r.error) ? 1 : 0);

  console.log('\nBalise demo — what it walked through, per webmail');
  for (const r of results) {
    console.log(`\n${r.label} (${r.url}, mailbox ${r.fill} % full)`);
    if (r.error) console.log(`  – could not run: ${r.error}`);
    for (const st of r.steps) console.log(`  ${st.ok ? '✓' : '–'} ${st.title} [${(st.ms / 1000).toFixed(1)} s]: ${st.note}`);
    console.log(r.foreignRequests.length ? `  WARNING: requests to other hosts were refused:\n${r.foreignRequests.map((v) => `    ${v}`).join('\n')}` : '  Network: nothing left 127.0.0.1.');
  }
  console.log(`\nScreenshots in ${OUT} (one folder per webmail; store/ holds the ones the store listings use)`);
  fs.writeFileSync(path.join(OUT, 'summary.json'), JSON.stringify({ at: new Date().toISOString(), seconds: Number(secs()), webmails: results }, null, 2));
  log('done');
  const failed = results.some((r) => r.error || r.steps.some((st) => st.id === 'webmail' && !st.ok));
  process.exit(failed ? 1 : 0);
}

await main();
