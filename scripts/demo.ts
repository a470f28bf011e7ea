/**
 * The built-in demo (`npm run demo`): a local Zimbra SIMULATOR (not Zimbra) with a nearly full MSSanté-like mailbox,
 * and Chromium with Balise's test build loaded on it, logged in.
 *
 * - With a display ($DISPLAY set): a browser window you can use; Ctrl-C (or closing the window) ends the demo.
 * - Without one: headless; it walks through the demo steps and writes screenshots to demo-output/, then prints
 *   where they are. `--headless` forces this mode, `--out <dir>` changes the folder.
 *
 * It builds nothing: run `npm run build:test` first (`npm run demo` does). Everything stays on 127.0.0.1: the
 * browser's traffic goes through the e2e network guard, which refuses any other host (reported at the end).
 *
 * Adding a step as features land: push an entry to STEPS. A step that finds nothing on the page (feature not there
 * yet, or not working) is reported as missing with its reason; the demo goes on.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { BUILD_DIRS, CHROMIUM_FLAGS, CHROMIUM_QUIET_FLAGS } from '../tests/e2e/harness/browsers';
import { startGuardProxy, type GuardProxy } from '../tests/e2e/harness/guard-proxy';
import { writeChromiumProfile } from '../tests/e2e/harness/chromium-profile';
import { startZimbraSim, type ZimbraSim } from '../tests/servers/zimbra-sim/index';
import { makeRaw } from '../tests/servers/zimbra-sim/testkit';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const HEADLESS = args.includes('--headless') || !process.env.DISPLAY;
const OUT = path.resolve(arg('out') ?? path.join(ROOT, 'demo-output'));
const PORT = arg('port') ? Number(arg('port')) : 0;
/** How full the demo mailbox is. */
const TARGET_FILL = 0.92;
const VIEWPORT = { width: 1366, height: 900 };

const t0 = performance.now();
const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
const log = (s: string) => console.log(`[demo ${secs()} s] ${s}`);

// ---- the mailbox --------------------------------------------------------------------------------------------------

/** Deterministic filler bytes (no randomness: the demo looks the same every time). */
function filler(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed * 2654435761;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

/** The shared seed (≈ 80 % of a 200 MiB quota), plus a few old scans with big attachments up to ≈ 92 %. */
async function startMailbox(): Promise<ZimbraSim> {
  const sim = await startZimbraSim({ profile: 'realistic', seed: 1, port: PORT, pollMs: 2000 });
  const target = Math.floor(sim.mailbox.quotaBytes * TARGET_FILL);
  const now = Date.now();
  for (let i = 0; sim.mailbox.used < target - 200_000 && i < 50; i++) {
    // base64 makes an attachment 4/3 larger: ask for a bit less than what is left.
    const size = Math.min(3 * 1024 * 1024, Math.floor((target - sim.mailbox.used) * 0.74));
    const date = new Date(now - (400 + i * 23) * 86_400_000);
    const raw = makeRaw({
      subject: `Imagerie – examen scanné n° ${1000 + i}`,
      from: '"Centre d’imagerie du Parc" <imagerie.parc@ch-exemple.mssante.fr>',
      to: `<${sim.address}>`,
      body: 'Bonjour,\n\nVeuillez trouver ci-joint les images de l’examen.\n\nCordialement',
      date,
      attachments: [{ filename: `examen-${1000 + i}.dcm.zip`, contentType: 'application/zip', data: filler(size, i + 1) }],
    });
    sim.mailbox.addMessage(2, raw, { date: date.getTime(), flags: { unread: false } });
  }
  return sim;
}

// ---- the browser --------------------------------------------------------------------------------------------------

interface Demo {
  browser: Browser;
  page: Page;
  guard: GuardProxy;
  sim: ZimbraSim;
  profile: string;
  bridge<T = unknown>(cmd: string, ...args: unknown[]): Promise<T>;
}

/** Same Chromium, flags and network guard as the e2e tests (tests/e2e/harness/browsers.ts), headed or not. */
async function launch(sim: ZimbraSim): Promise<Demo> {
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
  return { browser, page, guard, sim, profile, bridge };
}

async function login(d: Demo): Promise<void> {
  const { page, sim } = d;
  await page.goto(sim.url, { waitUntil: 'load' });
  await page.waitForSelector('#zLoginForm #username');
  await page.type('#username', sim.user);
  await page.type('#password', sim.password);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#loginButton')]);
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
  await page.waitForSelector('body[data-sim-ready="1"] #z_shell', { timeout: 20_000 });
  for (let i = 0; i < 100; i++) {
    const st = await d.bridge<{ detection: unknown }>('state').catch(() => null);
    if (st?.detection) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('Balise did not recognise the webmail');
}

// ---- the steps ----------------------------------------------------------------------------------------------------

interface StepContext extends Demo {
  shot(name: string, opts?: { clip?: { x: number; y: number; width: number; height: number } }): Promise<string>;
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * Waits for a selector (shadow roots crossed with `>>>`); throws a readable reason. Polls: puppeteer's own wait
 * re-checks on document mutations, which changes inside Balise's shadow roots are not.
 */
async function need(page: Page, selector: string, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await page.$(selector).catch(() => null)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not appear within ${Math.round(timeout / 1000)} s (${selector})`);
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
    title: 'Quota meter next to the host’s quota',
    async run(c) {
      await need(c.page, '[data-balise="quota"]', 'The quota meter');
      await need(c.page, '[data-balise="quota"][data-used-bytes]:not([data-used-bytes=""])', 'The quota figure', 15_000);
      const figures = await c.page.$eval('[data-balise="quota"]', (e) => `${e.getAttribute('data-used-bytes')} / ${e.getAttribute('data-limit-bytes')} bytes, ${e.getAttribute('data-level')}`);
      const file = await c.shot('02-quota-meter.png', { clip: { x: 0, y: 0, width: VIEWPORT.width, height: 260 } });
      await clickUntil(c.page, '[data-balise="quota"] >>> [data-action="open-quota"]', '[data-balise="quota-panel"]', 'The quota details panel');
      await sleep(800);
      const panel = await c.shot('03-quota-details.png');
      return `${file}, ${panel} — ${figures} (simulator: ${c.sim.mailbox.used} / ${c.sim.mailbox.quotaBytes})`;
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
      const file = await c.shot('04-cleanup-preview.png');
      return `${file} — ${groups.join(', ')} (prepared in ${((performance.now() - s0) / 1000).toFixed(0)} s)`;
    },
    after: (c) => closeOverlay(c.page, 'cleanup'),
  },
  {
    id: 'signature',
    title: 'Signature of the preferred BAL in a new message',
    async run(c) {
      if (!(await c.page.$('.ZmComposeView'))) await c.page.click('#zb__NEW_MENU');
      await need(c.page, '#zv__COMPOSE-1 #ZmHtmlEditor1_body_ifr', 'The compose view');
      await need(c.page, '[data-balise="signature"]', 'The signature button');
      await clickUntil(c.page, '[data-balise="signature"] >>> [data-action="insert"]', '[data-balise="signature"] >>> [data-state="inserted"]', 'The signature insertion');
      const inserted = await c.page
        .waitForFunction(() => !!(document.getElementById('ZmHtmlEditor1_body_ifr') as HTMLIFrameElement | null)?.contentDocument?.querySelector('[data-balise-sig]'), { timeout: 10_000 })
        .then(() => true)
        .catch(() => false);
      if (!inserted) throw new Error('The signature was not inserted into the editor');
      const blocks = await c.page.evaluate(() => {
        const b = (document.getElementById('ZmHtmlEditor1_body_ifr') as HTMLIFrameElement).contentDocument!.body;
        return b.querySelectorAll('[data-marker="__SIG_PRE__"],[data-marker="__SIG_POST__"]').length;
      });
      const file = await c.shot('05-signature.png');
      return `${file} — ${blocks} signature block in the editor`;
    },
  },
  {
    id: 'compose-checks',
    title: 'Checks while writing (recipient outside MSSanté)',
    async run(c) {
      if (!(await c.page.$('.ZmComposeView'))) await c.page.click('#zb__NEW_MENU');
      await need(c.page, '#zv__COMPOSE-1_to_control', 'The compose view');
      await c.page.type('#zv__COMPOSE-1_to_control', 'patient.durand@gmail.com');
      await c.page.keyboard.press('Enter');
      await need(c.page, '[data-balise="compose-check"]', 'The compose checks');
      await sleep(1200);
      const file = await c.shot('06-compose-checks.png');
      return file;
    },
  },
];

// ---- main ---------------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  log('starting the Zimbra simulator (not Zimbra) with a nearly full mailbox…');
  const sim = await startMailbox();
  const pct = ((sim.mailbox.used / sim.mailbox.quotaBytes) * 100).toFixed(1);
  log(`simulator on ${sim.url} — ${sim.mailbox.messages.size} messages, ${(sim.mailbox.used / 1048576).toFixed(1)} MiB of ${(sim.mailbox.quotaBytes / 1048576).toFixed(0)} MiB (${pct} %)`);
  log(`login: ${sim.user} / ${sim.password}`);

  let demo: Demo | null = null;
  const stop = async (code: number) => {
    if (demo) {
      await demo.browser.close().catch(() => undefined);
      await demo.guard.close().catch(() => undefined);
      fs.rmSync(demo.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    }
    await sim.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  try {
    log(`launching Chromium with Balise's test build (${HEADLESS ? 'headless' : 'window'})…`);
    demo = await launch(sim);
    await login(demo);
    log('logged in; Balise is running on the webmail page');

    if (!HEADLESS) {
      console.log(`\nThe demo is open in the Chromium window (${sim.url}). Ctrl-C here (or close the window) to end it.\n`);
      await new Promise<void>((resolve) => demo!.browser.once('disconnected', () => resolve()));
      demo = null;
      return await stop(0);
    }

    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(OUT, { recursive: true });
    const d = demo;
    const ctx: StepContext = {
      ...d,
      async shot(name, opts = {}) {
        const file = path.join(OUT, name);
        await d.page.screenshot({ path: file as `${string}.png`, ...(opts.clip ? { clip: opts.clip } : {}) });
        return path.relative(process.cwd(), file);
      },
    };
    const results: { step: Step; ok: boolean; note: string; ms: number }[] = [];
    for (const step of STEPS) {
      const s0 = performance.now();
      try {
        const note = await step.run(ctx);
        results.push({ step, ok: true, note, ms: performance.now() - s0 });
        log(`✓ ${step.title}`);
      } catch (e) {
        // What the page looked like when the step gave up, to see why.
        await ctx.shot(`missing-${step.id}.png`).catch(() => undefined);
        results.push({ step, ok: false, note: e instanceof Error ? e.message : String(e), ms: performance.now() - s0 });
        log(`– ${step.title}: not available (${e instanceof Error ? e.message : String(e)})`);
      } finally {
        await step.after?.(ctx).catch(() => undefined);
      }
    }
    const violations = d.guard.violations();
    console.log('\nBalise demo — results');
    for (const r of results) console.log(`  ${r.ok ? '✓' : '–'} ${r.step.title} [${(r.ms / 1000).toFixed(1)} s]: ${r.note}`);
    console.log(`\nScreenshots in ${OUT}`);
    console.log(violations.length ? `WARNING: requests to other hosts were refused:\n${violations.map((v) => `  ${v.method} ${v.url}`).join('\n')}` : 'Network: nothing left 127.0.0.1.');
    fs.writeFileSync(
      path.join(OUT, 'summary.json'),
      JSON.stringify({ at: new Date().toISOString(), seconds: Number(secs()), fill: Number(pct), steps: results.map((r) => ({ id: r.step.id, ok: r.ok, note: r.note, ms: Math.round(r.ms) })), foreignRequests: violations.length }, null, 2),
    );
    log('done');
    await stop(results.some((r) => r.step.id === 'webmail' && !r.ok) ? 1 : 0);
  } catch (e) {
    console.error(`[demo] ${e instanceof Error ? e.message : String(e)}`);
    await stop(1);
  }
}

await main();
