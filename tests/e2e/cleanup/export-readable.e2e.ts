/**
 * The readable archive of an export (lib/export/readable/), in both real browsers, on real Roundcube + Dovecot and
 * on the Zimbra simulator (one target list, the same steps): seed messages with an XDM, an HPRIM result, a PDF, the
 * seed's HTML newsletter and a newsletter written to call out (remote and local images, CSS backgrounds, a script, an event handler, a frame, a style sheet) are exported
 * from the export panel's button with its "export-readable" box left as it comes (on). The saved zip is unzipped
 * with fflate: every .eml is the server's byte for byte, every link of index.html and of each message.html points
 * to an entry of the zip, every attachment the server holds (decoded by the simulators' own MIME reading) is a file
 * of its message's folder byte for byte, no page has a script and each has the Content-Security-Policy meta. Then
 * index.html and message pages are opened from file:// in the same driven browser: the browser resolves every link to a file
 * that exists, the page made no request but for files, the beacon server got no hit, and the network guard saw
 * nothing foreign. Last, on Roundcube only (CI time), the same messages with and without the readable archive (time
 * and size, logged).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { unzipSync } from 'fflate';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { waitPierced } from '../harness/shadow';
import { deliver, seedMailbox, startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { listMessages, rawMessage, readManifest } from '../../servers/roundcube/truth';
import type { ExportResult } from '../../../lib/export';
import { loginWithBalise } from '../roundcube/helpers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { decodeContent, isAttachmentPart, parseMime, walk } from '../../servers/zimbra-sim/mime';
import { generateMailbox } from '../../servers/seed/profile';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { savedZips } from './export-files';

const HOST = '[data-balise="export"]';
const same = (a: Uint8Array | undefined, b: Uint8Array) => !!a && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const text = (b: Uint8Array) => new TextDecoder().decode(b);

interface Outcome {
  state: 'none' | 'running' | 'verified' | 'failed';
  result?: ExportResult;
  error?: { code: string; message: string };
}

/** A newsletter that tries every way an HTML mail calls out when opened (all of it must be dropped or inert). */
function trackingNewsletter(beacon: number): Buffer {
  const b = `http://127.0.0.1:${beacon}`;
  const html = `<!DOCTYPE html><html><head><meta http-equiv="refresh" content="0;url=${b}/refresh">
<link rel="stylesheet" href="${b}/style.css"><style>body { background: url(${b}/css-bg.gif) }</style>
<script>fetch('${b}/script')</script><base href="${b}/base/"></head>
<body onload="fetch('${b}/onload')"><h1>Lettre Pharma Exemple</h1>
<p><img src="http://tracker.pharma-lettre.example/open.gif?u=martin.durand" alt="logo Pharma"> <img src="${b}/pixel.gif" alt=""></p>
<div style="background-image: url(${b}/div-bg.gif); color: #333">Offre réservée aux professionnels de santé.</div>
<p><a href="https://pharma-lettre.example/promo?u=martin.durand">Voir l’offre</a> <a href="javascript:fetch('${b}/js')">ici</a></p>
<img src="x" onerror="fetch('${b}/onerror')"><iframe src="${b}/frame"></iframe><video poster="${b}/poster.png"></video>
<form action="${b}/form"><input name="q"></form><svg><image href="${b}/svg.png"/></svg>
</body></html>`;
  const lines = [
    'From: "Lettre Pharma Exemple" <news@pharma-lettre.example>',
    'To: "Dr Martin Durand" <martin.durand@medecin.mssante.fr>',
    'Subject: =?UTF-8?Q?Lettre_Pharma_=E2=80=93_image_distante?=',
    'Date: Tue, 02 Jun 2026 09:30:00 +0200',
    'Message-ID: <readable.tracking@pharma-lettre.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/alternative; boundary="b-readable"',
    '',
    '--b-readable',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from('Lettre Pharma Exemple\n\nVoir l’offre : https://pharma-lettre.example/promo\n').toString('base64'),
    '--b-readable',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    ...(Buffer.from(html).toString('base64').match(/.{1,76}/g) ?? []),
    '--b-readable--',
    '',
  ];
  return Buffer.from(lines.join('\r\n'));
}

/** Every href/src of an HTML page, resolved against its own path in the zip (fragments and mailto: left out). */
function targets(html: string, at: string): string[] {
  const base = `file:///zip/${at.split('/').map(encodeURIComponent).join('/')}`;
  return [...html.matchAll(/\b(?:href|src)="([^"]*)"/g)]
    .map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'))
    .filter((h) => !h.startsWith('#') && !/^mailto:/i.test(h) && !/^data:image\//i.test(h))
    .map((h) => {
      const u = new URL(h, base);
      expect(u.protocol, `${at}: ${h}`).toBe('file:');
      return decodeURIComponent(u.pathname.slice('/zip/'.length));
    });
}

/** What each server gives the shared steps: the picks, its truth, how to log in. */
interface Pick {
  folderId: string;
  id: string;
  what: 'xdm' | 'hprim' | 'pdf' | 'newsletter' | 'tracking';
}
interface ReadableTarget {
  label: string;
  /** Start the server with the seed and the tracking newsletter (delivered to the inbox). */
  start(tracking: Buffer): Promise<void>;
  /** XDM, HPRIM, PDF (the smallest of each in the seed), a seed HTML newsletter, the tracking one. */
  picks(): Pick[];
  /** The with / without figures are measured on this server (Roundcube only: CI time). */
  figures: boolean;
  /** 30 inbox messages + the picks, for those figures. */
  more(): Promise<{ folderId: string; id: string }[]>;
  /** The message's bytes as the server stores them. */
  raw(ref: { folderId: string; id: string }): Promise<Buffer>;
  login(s: Session, page: Page): Promise<void>;
  /** host:port the webmail is served on (the guard may see it). */
  host(): string;
  stop(): Promise<void>;
}

const NEWSLETTER = /@(actu-medicale-hebdo|formation-dpc-ouest|quotidien-generaliste)\.example/;

/** The smallest seed message of each kind the export must make readable (seed truth: its `clinical` field). */
function pickSmallest<M extends { size: number }>(seeded: M[], is: Record<Exclude<Pick['what'], 'tracking'>, (m: M) => boolean>): M[] {
  return (Object.keys(is) as (keyof typeof is)[]).map((what) => {
    const m = seeded.filter(is[what]).sort((a, b) => a.size - b.size)[0];
    if (!m) throw new Error(`no ${what} in the seed`);
    return m;
  });
}
const KINDS: Exclude<Pick['what'], 'tracking'>[] = ['xdm', 'hprim', 'pdf', 'newsletter'];

function roundcubeReadable(): ReadableTarget {
  let env: RoundcubeEnv;
  let picks: Pick[] = [];
  return {
    label: 'Roundcube + Dovecot',
    async start(tracking) {
      env = await startRoundcube({ profile: 'empty' });
      await seedMailbox(env, { profile: 'realistic', seed: 3 });
      const uid = await deliver(env, 'INBOX', tracking);
      const seeded = readManifest(env).messages;
      const found = pickSmallest(seeded, {
        xdm: (m) => m.clinical === 'xdm',
        hprim: (m) => m.clinical === 'hprim',
        pdf: (m) => m.clinical === 'pdf' && m.attachments.some((a) => /\.pdf$/i.test(a.filename)),
        newsletter: (m) => NEWSLETTER.test(m.from) && m.folder === 'INBOX',
      });
      picks = [...found.map((m, i) => ({ folderId: m.folder, id: String(m.uid), what: KINDS[i]! })), { folderId: 'INBOX', id: String(uid), what: 'tracking' }];
    },
    picks: () => picks,
    figures: true,
    more: async () => {
      const inbox = (await listMessages(env, 'INBOX')).sort((a, b) => a.uid - b.uid).slice(0, 30);
      return [...inbox.map((m) => ({ folderId: m.folder, id: String(m.uid) })), ...picks.filter((r) => !inbox.some((m) => m.folder === r.folderId && String(m.uid) === r.id))];
    },
    raw: (ref) => rawMessage(env, ref.folderId, Number(ref.id)),
    login: async (s, page) => {
      await loginWithBalise(s, page, env);
    },
    host: () => new URL(env.url).host,
    stop: async () => env?.stop(),
  };
}

function zimbraReadable(): ReadableTarget {
  let sim: ZimbraSim;
  let picks: Pick[] = [];
  const seed = 12;
  return {
    label: 'Zimbra simulator',
    async start(tracking) {
      // The seed's own truth (which message is an XDM, an HPRIM result…) for the same clock the simulator seeds with.
      const now = Date.now();
      sim = await startZimbraSim({ profile: 'realistic', seed, now, pollMs: 60_000 });
      const seeded = [...generateMailbox({ profile: 'realistic', seed, now: new Date(now) })].map((m) => ({ ...m, size: m.raw.length }));
      const found = pickSmallest(seeded, {
        xdm: (m) => m.clinical === 'xdm',
        hprim: (m) => m.clinical === 'hprim',
        pdf: (m) => m.clinical === 'pdf' && m.attachments.some((a) => /\.pdf$/i.test(a.filename)),
        newsletter: (m) => NEWSLETTER.test(m.from.address) && m.folder === 'INBOX',
      });
      const byMessageId = new Map([...sim.mailbox.messages.values()].map((m) => [m.messageId?.replace(/^<|>$/g, ''), m]));
      picks = found.map((m, i) => {
        const held = byMessageId.get(m.messageId);
        if (!held) throw new Error(`seed message ${m.messageId} is not in the simulator`);
        expect(held.raw.equals(m.raw)).toBe(true);
        return { folderId: String(held.folderId), id: String(held.id), what: KINDS[i]! };
      });
      const t = sim.mailbox.addMessage(2, tracking, { date: Date.parse('2026-06-02T07:30:00Z') });
      picks.push({ folderId: '2', id: String(t.id), what: 'tracking' });
    },
    picks: () => picks,
    figures: false,
    more: async () => [],
    raw: async (ref) => sim.mailbox.getMessage(Number(ref.id)).raw,
    login: async (s, page) => {
      await loginZimbra(s, page, sim);
      await waitForShell(page);
    },
    host: () => new URL(sim.url).host,
    stop: async () => sim?.stop(),
  };
}

/** Every attachment of a raw message with a file name, decoded (the simulators' own MIME reading, not Balise's). */
function attachmentsOf(raw: Buffer): { filename: string; bytes: Buffer }[] {
  const root = parseMime(raw);
  const out: { filename: string; bytes: Buffer }[] = [];
  walk(root, (part) => {
    if (part.children.length) return;
    if (part.filename && isAttachmentPart(part, root)) out.push({ filename: part.filename, bytes: decodeContent(raw, part) });
  });
  return out;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

for (const target of [roundcubeReadable(), zimbraReadable()]) describe(`readable archive of an export, on ${target.label}`, () => {
  const hits: string[] = [];
  let beacon: http.Server;
  let beaconPort = 0;
  let refs: Pick[];
  let more: { folderId: string; id: string }[] | null = null;
  const truthCache = new Map<string, Uint8Array>();
  const truth = async (ref: { folderId: string; id: string }) => {
    const k = `${ref.folderId}/${ref.id}`;
    if (!truthCache.has(k)) truthCache.set(k, new Uint8Array(await target.raw(ref)));
    return truthCache.get(k)!;
  };

  beforeAll(async () => {
    beacon = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      res.writeHead(204).end();
    });
    await new Promise<void>((r) => beacon.listen(0, '127.0.0.1', r));
    beaconPort = (beacon.address() as { port: number }).port;
    await target.start(trackingNewsletter(beaconPort));
    refs = target.picks();
    more = await target.more();
  });
  afterAll(async () => {
    await target.stop();
    await new Promise((r) => beacon?.close(r));
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      let downloadDir: string;
      let unzipDir: string;
      /** The zip's index page (index.html, or the part's own in the downloads target). */
      let indexName = 'index.html';
      const saveKind = kind === 'chromium' ? 'file' : 'downloads';
      const saveTo = kind === 'chromium' ? { saveTo: 'opfs' } : {};

      beforeAll(async () => {
        downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-readable-${kind}-`));
        unzipDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-readable-open-${kind}-`));
        s = await launchWithBalise(kind, { downloadDir });
        page = await s.newPage();
        await target.login(s, page);
      });
      afterAll(async () => {
        s?.assertNoForeignRequests();
        await s?.close();
        fs.rmSync(downloadDir, { recursive: true, force: true });
        fs.rmSync(unzipDir, { recursive: true, force: true });
      });

      it('exports XDM, HPRIM, PDF and newsletters with index.html and a page per message; every link resolves inside the zip', async () => {
        await s.call(page, 'export', 'mount', { refs: refs.map(({ folderId, id }) => ({ folderId, id })), filenameBase: 'Export lisible', ...saveTo });
        // The box is there and on by default.
        await waitPierced(page, `${HOST} >>> [data-action="export-readable"]`);
        expect(await page.$eval(`${HOST} >>> [data-action="export-readable"]`, (e) => (e as HTMLInputElement).checked)).toBe(true);
        await page.click(`${HOST} >>> [data-action="export"]`);
        await page.waitForFunction(
          (host: string) => ['verified', 'failed'].includes(document.querySelector(host)?.shadowRoot?.querySelector('[data-export-state]')?.getAttribute('data-export-state') ?? ''),
          { timeout: 90_000, polling: 100 },
          HOST,
        );
        const out = await s.call<Outcome>(page, 'export', 'outcome');
        expect(out.error).toBeUndefined();
        const r = out.result!;
        expect(r.verified).toBe(true);
        expect(r.target).toBe(saveKind);
        expect(r.files).toHaveLength(1);
        expect(r.readable!.entries).toBeGreaterThan(refs.length);
        expect(r.verification.entriesChecked).toBe(r.verification.entriesMatched);
        const [bytes] = await savedZips(saveKind, page, r, downloadDir);
        const zip = unzipSync(bytes!);
        const names = Object.keys(zip);
        const delivered = refs.find((x) => x.what === 'tracking')!;
        for (const m of r.messages) {
          if (m.ref.folderId === delivered.folderId && m.ref.id === delivered.id) {
            // doveadm save stored it with LF line ends (its fetch shows that); IMAP, hence Roundcube, gives CRLF.
            expect(text(zip[m.path]!).replace(/\r\n/g, '\n'), m.path).toBe(text(await truth(m.ref)).replace(/\r\n/g, '\n'));
          } else expect(same(zip[m.path], await truth(m.ref)), m.path).toBe(true);
        }

        // index.html: every message once by month and once by sender, every link to an entry of the zip.
        // One zip: index.html; in parts (the downloads target), the part's own index-partie-01.html.
        indexName = saveKind === 'file' ? 'index.html' : names.find((n) => /^index-[a-z]+-01\.html$/.test(n))!;
        expect(indexName, names.filter((n) => !n.includes('/')).join(', ')).toBeDefined();
        const index = text(zip[indexName]!);
        expect(index).toContain('martin.durand@medecin.mssante.fr');
        const fromIndex = targets(index, indexName);
        for (const l of fromIndex) expect(names, `${indexName} → ${l}`).toContain(l);
        const pages = names.filter((n) => n.startsWith('Messages/') && n.endsWith('/message.html'));
        expect(pages).toHaveLength(refs.length);
        for (const p of pages) expect(fromIndex).toContain(p);
        for (const p of [...pages, indexName]) {
          const html = text(zip[p]!);
          expect(html, p).not.toMatch(/<script|<iframe|<link|<base|<form|<[^>]*\son[a-z]+\s*=|javascript:/i);
          expect(html, p).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;`);
          if (p === indexName) continue;
          const ls = targets(html, p);
          expect(ls).toContain(indexName);
          expect(ls.filter((l) => l.endsWith('.eml'))).toHaveLength(1);
          for (const l of ls) expect(names, `${p} → ${l}`).toContain(l);
        }
        // What each message became.
        const pageOf = (what: string) => {
          const ref = refs.find((x) => x.what === what)!;
          const eml = r.messages.find((m) => m.ref.folderId === ref.folderId && m.ref.id === ref.id)!.path;
          const href = encodeURIComponent(eml.split('/').at(-1)!).replace(/'/g, '&#39;');
          const p = pages.find((x) => text(zip[x]!).includes(`${href}"`));
          expect(p, what).toBeDefined();
          return { path: p!, html: text(zip[p!]!), dir: p!.replace(/\/message\.html$/, '') };
        };
        // Every attachment the server holds (as its own MIME reading decodes it) is a file of the message's folder, byte for byte.
        for (const ref of refs) {
          const dir = pageOf(ref.what).dir;
          const files = names.filter((n) => n.startsWith(`${dir}/`) && !n.endsWith('/message.html'));
          const held = new Set(files.map((n) => sha(zip[n]!)));
          const atts = attachmentsOf(Buffer.from(await truth(ref)));
          // The XDM and the PDF come as attachments; the smallest HPRIM result may be the message's text.
          if (ref.what === 'xdm' || ref.what === 'pdf') expect(atts.length, ref.what).toBeGreaterThan(0);
          for (const a of atts) expect(held.has(sha(a.bytes)), `${ref.what}: ${a.filename} in ${dir}`).toBe(true);
          expect(files.length, ref.what).toBeGreaterThanOrEqual(atts.length);
        }
        const xdm = pageOf('xdm');
        expect(names.some((n) => n.startsWith(`${xdm.dir}/`) && /IHE_XDM\.ZIP$/i.test(n))).toBe(true);
        // Documents extracted from the XDM beside it (text "extrait de …" in the page).
        expect(names.filter((n) => n.startsWith(`${xdm.dir}/`) && !/IHE_XDM\.ZIP$|message\.html$/i.test(n)).length).toBeGreaterThan(0);
        expect(pageOf('hprim').html).toMatch(/HPRIM/);
        const pdf = pageOf('pdf');
        expect(names.some((n) => n.startsWith(`${pdf.dir}/`) && /\.pdf$/i.test(n))).toBe(true);
        expect(pageOf('newsletter').html).toMatch(/class="link-off"/);
        const tracking = pageOf('tracking').html;
        expect(tracking).not.toContain('tracker.pharma-lettre.example/open.gif"');
        expect(tracking).not.toMatch(new RegExp(`(src|href|url\\()[=("']*http://127\\.0\\.0\\.1:${beaconPort}`));
        expect(tracking).toMatch(/class="img-off"/);

        // Open it from file:// as the user would (unzipped into a folder).
        for (const [name, data] of Object.entries(zip)) {
          if (name.endsWith('/')) continue;
          fs.mkdirSync(path.dirname(path.join(unzipDir, name)), { recursive: true });
          fs.writeFileSync(path.join(unzipDir, name), data);
        }
        await s.call(page, 'export', 'unmount');
      });

      it('opens index.html and the message pages from file:// with no request but for files, no script, and every link to an existing file', async () => {
        const guardBefore = s.guard.log.length;
        const viewer = await s.newPage();
        const requests: string[] = [];
        viewer.on('request', (req) => void requests.push(req.url()));
        try {
          const open = async (rel: string) => {
            await viewer.goto(pathToFileURL(path.join(unzipDir, rel)).href, { waitUntil: 'load' });
            // Give late loads (images, CSS backgrounds, refresh) their chance.
            await new Promise((r) => setTimeout(r, 500));
            const seen = await viewer.evaluate(() => ({
              scripts: document.querySelectorAll('script').length,
              csp: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? null,
              links: Array.from(document.querySelectorAll('a[href]'), (a) => (a as HTMLAnchorElement).href),
              images: Array.from(document.images, (i) => i.src),
            }));
            expect(seen.scripts, rel).toBe(0);
            expect(seen.csp, rel).toMatch(/^default-src 'none';/);
            for (const href of [...seen.links, ...seen.images]) {
              if (href.startsWith('mailto:') || href.startsWith('data:')) continue;
              const u = new URL(href);
              expect(u.protocol, `${rel}: ${href}`).toBe('file:');
              expect(fs.existsSync(fileURLToPath(u.href.replace(/#.*$/, ''))), `${rel}: ${href}`).toBe(true);
            }
            return seen;
          };
          const index = await open(indexName);
          const pages = [...new Set(index.links.filter((l) => l.endsWith('/message.html')))];
          expect(pages).toHaveLength(refs.length);
          for (const p of pages) await open(path.relative(unzipDir, fileURLToPath(p)));
          // Follow a link the way a user does: from the index to a message, back to the index.
          await viewer.goto(pathToFileURL(path.join(unzipDir, indexName)).href);
          await Promise.all([viewer.waitForNavigation(), viewer.click('a[href$="/message.html"]')]);
          expect(viewer.url()).toMatch(/\/message\.html$/);
          await Promise.all([viewer.waitForNavigation(), viewer.click('nav a')]);
          expect(viewer.url().endsWith(`/${indexName}`)).toBe(true);
        } finally {
          await viewer.close();
        }
        // file: and data: only (Firefox reports a data: font of its own UI as a request of the page: nothing leaves).
        expect(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:'))).toEqual([]);
        expect(hits).toEqual([]);
        // Nothing the pages did reached the network guard (the webmail tab, still open, may poll its server).
        expect(s.guard.log.slice(guardBefore).filter((e) => e.target !== target.host())).toEqual([]);
        s.assertNoForeignRequests();
      });

      it.runIf(target.figures)('the same messages with and without the readable archive: time and size (logged)', async () => {
        const refs = more!;
        const run = async (readable: boolean) => {
          await s.call(page, 'export', 'clear-opfs').catch(() => undefined);
          const out = await s.call<Outcome>(page, 'export', 'run', { refs, filenameBase: `Export ${readable ? 'avec' : 'sans'}`, readable, ...saveTo });
          expect(out.error).toBeUndefined();
          expect(out.result!.verified).toBe(true);
          return out.result!;
        };
        // Warm-up (the parts' code, the server's caches), then each twice, alternated.
        await run(true);
        const rounds: { without: ExportResult; with: ExportResult }[] = [];
        for (let i = 0; i < 2; i++) rounds.push({ without: await run(false), with: await run(true) });
        const ms = (r: ExportResult) => r.endedAt - r.startedAt;
        const best = (k: 'with' | 'without') => rounds.map((x) => x[k]).sort((a, b) => ms(a) - ms(b))[0]!;
        const w = best('with');
        const wo = best('without');
        expect(w.readable!.entries).toBeGreaterThan(refs.length);
        expect(wo.readable).toBeUndefined();
        expect(w.bytes).toBe(wo.bytes);
        const mib = (n: number) => (n / 1048576).toFixed(2);
        console.log(
          `[readable figures] ${kind} '${w.target}', ${refs.length} messages (${mib(w.bytes)} MiB of .eml): ` +
            `without ${ms(wo)} ms, zip ${mib(wo.zipBytes)} MiB; with ${ms(w)} ms (+${(((ms(w) - ms(wo)) / ms(wo)) * 100).toFixed(0)} %), ` +
            `zip ${mib(w.zipBytes)} MiB (+${(((w.zipBytes - wo.zipBytes) / wo.zipBytes) * 100).toFixed(0)} %), readable part ${w.readable!.entries} entries, ${mib(w.readable!.bytes)} MiB; ` +
            `all runs (ms) without ${rounds.map((x) => ms(x.without)).join(', ')}, with ${rounds.map((x) => ms(x.with)).join(', ')}`,
        );
      }, 240_000);
    });
  }
});
