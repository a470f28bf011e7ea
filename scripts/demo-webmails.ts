/**
 * The demo's webmails (scripts/demo.ts): each one's server with a nearly full mailbox, how to log in, and what
 * differs in its compose page. The real Roundcube + Dovecot the e2e tests start, and the Zimbra simulator.
 */
import type { Page } from 'puppeteer-core';
import { startZimbraSim } from '../tests/servers/zimbra-sim/index';
import { makeRaw } from '../tests/servers/zimbra-sim/testkit';
import { deliver, login as roundcubeLogin, startRoundcube } from '../tests/servers/roundcube/index';
import { quota as doveQuota } from '../tests/servers/roundcube/truth';

/** How full the demo mailbox is. */
const TARGET_FILL = 0.92;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits for a selector (shadow roots crossed with `>>>`); throws a readable reason. Polls: puppeteer's own wait
 * re-checks on document mutations, which changes inside Balise's shadow roots are not.
 */
export async function need(page: Page, selector: string, what: string, timeout = 10_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await page.$(selector).catch(() => null)) return;
    await sleep(250);
  }
  throw new Error(`${what} did not appear within ${Math.round(timeout / 1000)} s (${selector})`);
}

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

/** Old scans with a big attachment, added until the mailbox is ≈ 92 % full (the shared seed fills ≈ 80 %). */
async function fillUp(o: { used: () => Promise<number>; quota: number; to: string; add: (raw: Buffer, date: Date) => Promise<void> }): Promise<void> {
  const target = Math.floor(o.quota * TARGET_FILL);
  const now = Date.now();
  for (let i = 0, used = await o.used(); used < target - 200_000 && i < 50; i++, used = await o.used()) {
    // base64 makes an attachment 4/3 larger: ask for a bit less than what is left.
    const size = Math.min(3 * 1024 * 1024, Math.floor((target - used) * 0.74));
    const date = new Date(now - (400 + i * 23) * 86_400_000);
    const raw = makeRaw({
      subject: `Imagerie – examen scanné n° ${1000 + i}`,
      from: '"Centre d’imagerie du Parc" <imagerie.parc@ch-exemple.mssante.fr>',
      to: `<${o.to}>`,
      body: 'Bonjour,\n\nVeuillez trouver ci-joint les images de l’examen.\n\nCordialement',
      date,
      attachments: [{ filename: `examen-${1000 + i}.dcm.zip`, contentType: 'application/zip', data: filler(size, i + 1) }],
    });
    await o.add(raw, date);
  }
}

/** One webmail the demo can show: its server, how to log in, and what differs in its compose page. */
export interface DemoWebmail {
  id: 'zimbra' | 'roundcube';
  label: string;
  url: string;
  user: string;
  password: string;
  address: string;
  fill(): Promise<{ used: number; quota: number }>;
  /** Logs in through the webmail's own form and waits for its mail view. */
  login(page: Page): Promise<void>;
  /** Opens a new message and waits for its editor. */
  compose(page: Page): Promise<void>;
  /** The editor's text (where the signature goes). */
  editorText(page: Page): Promise<string>;
  /** Adds a recipient the way a user types one. */
  addRecipient(page: Page, address: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startZimbra(port = 0): Promise<DemoWebmail> {
  const sim = await startZimbraSim({ profile: 'realistic', seed: 1, port, pollMs: 2000 });
  await fillUp({
    used: async () => sim.mailbox.used,
    quota: sim.mailbox.quotaBytes,
    to: sim.address,
    add: async (raw, date) => void sim.mailbox.addMessage(2, raw, { date: date.getTime(), flags: { unread: false } }),
  });
  return {
    id: 'zimbra',
    label: 'Zimbra simulator (not Zimbra)',
    url: sim.url,
    user: sim.user,
    password: sim.password,
    address: sim.address,
    fill: async () => ({ used: sim.mailbox.used, quota: sim.mailbox.quotaBytes }),
    async login(page) {
      await page.goto(sim.url, { waitUntil: 'load' });
      await page.waitForSelector('#zLoginForm #username');
      await page.type('#username', sim.user);
      await page.type('#password', sim.password);
      await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#loginButton')]);
    },
    async compose(page) {
      if (!(await page.$('.ZmComposeView'))) await page.click('#zb__NEW_MENU');
      await need(page, '#zv__COMPOSE-1 #ZmHtmlEditor1_body_ifr', 'The compose view');
    },
    editorText: (page) => page.evaluate(() => (document.getElementById('ZmHtmlEditor1_body_ifr') as HTMLIFrameElement | null)?.contentDocument?.body?.innerText ?? ''),
    async addRecipient(page, address) {
      await page.type('#zv__COMPOSE-1_to_control', address);
      await page.keyboard.press('Enter');
    },
    stop: () => sim.stop(),
  };
}

export async function startRoundcubeDemo(port = 0): Promise<DemoWebmail> {
  const env = await startRoundcube({ profile: 'realistic', seed: 1, ...(port ? { port } : {}) });
  try {
    const used = async () => (await doveQuota(env)).usedBytes;
    await fillUp({ used, quota: env.quotaBytes, to: env.address, add: async (raw) => void (await deliver(env, 'INBOX', raw)) });
  } catch (e) {
    await env.stop();
    throw e;
  }
  return {
    id: 'roundcube',
    label: 'Roundcube 1.6 + Dovecot 2.3 (real, Elastic)',
    url: env.url,
    user: env.user,
    password: env.password,
    address: env.address,
    fill: async () => ({ used: (await doveQuota(env)).usedBytes, quota: env.quotaBytes }),
    login: (page) => roundcubeLogin(page, env),
    async compose(page) {
      await page.goto(`${env.url}?_task=mail&_action=compose`, { waitUntil: 'load' });
      await page.waitForFunction('window.rcmail && rcmail.env.compose_id && !rcmail.busy', { timeout: 30_000 });
    },
    editorText: (page) =>
      page.evaluate(() => {
        const html = (document.getElementById('composebody_ifr') as HTMLIFrameElement | null)?.contentDocument?.body;
        return html ? html.innerText : ((document.getElementById('composebody') as HTMLTextAreaElement | null)?.value ?? '');
      }),
    async addRecipient(page, address) {
      const input = (await page.$('#compose_to .recipient-input input')) ?? (await page.$('.recipient-input input'));
      if (!input) throw new Error('Roundcube’s recipient field was not found');
      await input.type(`${address}, `);
    },
    stop: () => env.stop(),
  };
}
