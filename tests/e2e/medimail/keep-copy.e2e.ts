/**
 * Medimail's "keep a copy before it is deleted", in both real browsers, on the Medimail stand-in: the retention
 * meter's button opens the panel with the export view, the messages expiring within 7 days chosen first; one click
 * on its export button saves the verified zip (the downloads target, which both browsers can drive). The messages
 * exported are exactly the stand-in's own truth (its dates: older than 90 − 7 days), every .eml matches the
 * manifest's SHA-256, every attachment inside it and in the message's readable folder is the stand-in's file byte for
 * byte, and the network guard saw nothing foreign. Then the options page's default for the readable archive, turned
 * off, is where the next export view starts. Lean: one stand-in, one export per browser.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unzipSync } from 'fflate';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startMedimailSim, type MedimailSim } from '../../servers/medimail-sim/index';
import { decodeContent, isAttachmentPart, parseMime, walk } from '../../servers/zimbra-sim/mime';
import { loginMedimail } from './helpers';
import { axe, blocking, describeViolations } from '../harness/axe';

const DAY = 86_400_000;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const METER = '[data-balise="quota"]';
const PANEL = '[data-balise="retention-panel"]';

/** Every .zip under a folder (the downloads API saves parts in a sub-folder named after the export). */
function zipsUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((n) => n.endsWith('.zip')).map((n) => path.join(dir, n));
}

/** An attribute of an element inside a Balise host's open shadow root (polled: shadow changes are not seen by waits). */
async function waitInShadow(page: Page, host: string, sel: string, ok: (v: string | null) => boolean, attr: string, timeout = 60_000): Promise<string | null> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await page.evaluate(
      (h: string, s: string, a: string) => document.querySelector(h)?.shadowRoot?.querySelector(s)?.getAttribute(a) ?? null,
      host,
      sel,
      attr,
    );
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`${host} ${sel} [${attr}] stayed ${v}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of BROWSERS) {
  describe(`Medimail: keep a copy of what expires, in ${kind}`, () => {
    let s: Session;
    let sim: MedimailSim;
    let page: Page;
    let downloadDir: string;
    let t0 = 0;

    beforeAll(async () => {
      t0 = Date.now();
      sim = await startMedimailSim({ seed: 5, pageSize: 50 });
      downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-medimail-copy-${kind}-`));
      s = await launchWithBalise(kind, { downloadDir });
      page = await s.newPage();
      await loginMedimail(s, page, sim);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      fs.rmSync(downloadDir, { recursive: true, force: true });
      console.log(`[medimail keep-copy ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    it('exports exactly the messages the stand-in deletes within 7 days, verified entry by entry against its files', async () => {
      await page.waitForSelector(`${METER}[data-state="ok"]`, { timeout: 30_000 });
      const counted = Number(await page.$eval(METER, (h) => h.getAttribute('data-expiring-count')));
      expect(counted).toBeGreaterThan(0);
      expect(await s.call(page, 'quota-export-target', 'downloads')).toBe('downloads');
      await page.click(`${METER} >>> [data-action="keep-copy"]`);
      await page.waitForSelector(PANEL);
      // The expiring messages are chosen first; a folder and everything are offered too.
      expect(await waitInShadow(page, PANEL, '[data-export-chooser]', (v) => !!v, 'data-items')).toBe(String(counted));
      const choices = await page.$$eval(`${PANEL} >>> [data-action="export-source"]`, (els) => els.map((e) => [e.getAttribute('data-source'), (e as HTMLInputElement).checked]));
      expect(choices[0]).toEqual(['expiring', true]);
      expect(choices.map((c) => c[0])).toContain('all');
      expect(choices.map((c) => c[0])).toContain('folder:1');
      expect(await page.$(`${PANEL} >>> [data-notice="patient-record"]`)).not.toBeNull();
      expect(await page.$eval(`${PANEL} >>> [data-action="export-readable"]`, (e) => (e as HTMLInputElement).checked)).toBe(true);
      // The panel and its export view: no serious or critical accessibility violation.
      const v = await axe(page, PANEL);
      expect(blocking(v), describeViolations(blocking(v))).toEqual([]);

      await page.click(`${PANEL} >>> [data-action="export"]`);
      const state = await waitInShadow(page, PANEL, '[data-export-state]', (v) => v === 'verified' || v === 'failed', 'data-export-state', 120_000);
      expect(state).toBe('verified');

      // The stand-in's own truth: its messages older than 90 − 7 days at the moment the meter counted.
      const expiring = (at: number) => new Set([...sim.mailbox.messages.values()].filter((m) => m.date < at - 83 * DAY).map((m) => `${m.folderId}/${m.id}`));
      const zips = zipsUnder(downloadDir).map((f) => unzipSync(new Uint8Array(fs.readFileSync(f))));
      expect(zips.length).toBeGreaterThan(0);
      const entries = Object.assign({}, ...zips) as Record<string, Uint8Array>;
      // The whole manifest (its name follows the browser's language: manifeste.json, manifest.json).
      const manifestName = Object.keys(entries).find((n) => /^manifeste?\.json$/.test(n));
      expect(manifestName, Object.keys(entries).filter((n) => !n.includes('/')).join(', ')).toBeDefined();
      const manifest = JSON.parse(new TextDecoder().decode(entries[manifestName!])) as { messages: { file: string; folderId: string; id: string; sha256: string }[] };
      const exported = new Set(manifest.messages.map((m) => `${m.folderId}/${m.id}`));
      expect(exported.size).toBe(counted);
      for (const k of expiring(t0)) expect(exported.has(k), k).toBe(true);
      const upper = expiring(Date.now());
      for (const k of exported) expect(upper.has(k), k).toBe(true);

      // Each entry: the .eml the manifest names, with its hash, and every document in it the stand-in's own bytes.
      for (const m of manifest.messages) {
        const eml = entries[m.file];
        expect(eml, m.file).toBeDefined();
        expect(sha(eml!)).toBe(m.sha256);
        const held = sim.mailbox.messages.get(Number(m.id))!;
        // Names and bytes, read by the simulators' own MIME reading (postal-mime rewrites .ics invitations); the
        // types are the adapter's reconstruction (the page does not show them).
        const raw = Buffer.from(eml!);
        const root = parseMime(raw);
        const parts: [string | null, string][] = [];
        walk(root, (p) => {
          if (!p.children.length && isAttachmentPart(p, root)) parts.push([p.filename, sha(decodeContent(raw, p))]);
        });
        expect(parts).toEqual(held.attachments.map((a) => [a.filename, sha(a.data)]));
      }
      // The readable archive: an index per part, a folder per message, every document of the stand-in among its files.
      const readable = new Set(Object.keys(entries).filter((n) => n.startsWith('Messages/') && !n.endsWith('/message.html')).map((n) => sha(entries[n]!)));
      for (const m of manifest.messages) for (const a of sim.mailbox.messages.get(Number(m.id))!.attachments) expect(readable.has(sha(a.data)), a.filename).toBe(true);
      expect(Object.keys(entries).filter((n) => /^index(-[a-z]+-\d+)?\.html$/.test(n)).length).toBe(zips.length);
      expect(Object.keys(entries).filter((n) => n.startsWith('Messages/') && n.endsWith('/message.html'))).toHaveLength(counted);
      s.assertNoForeignRequests();
    }, 180_000);

    it('starts without the readable archive once the options page says so', async () => {
      const options = await s.openExtensionPage('/options.html', page);
      const box = '[data-section="exports"] [data-action="default-export-readable"]';
      await options.waitForFunction((sel: string) => { const b = document.querySelector(sel) as HTMLInputElement | null; return !!b && !b.disabled && b.checked; }, { polling: 100 }, box);
      await options.click(box);
      await options.waitForSelector('[data-section="exports"] [data-notice="ok"]');
      await options.close();
      await page.bringToFront();
      await page.click(`${PANEL} >>> [data-action="close-retention"]`);
      await page.waitForFunction((p: string) => !document.querySelector(p), { polling: 100 }, PANEL);
      await page.click(`${METER} >>> [data-action="keep-copy"]`);
      await waitInShadow(page, PANEL, '[data-export-chooser]', (v) => !!v, 'data-items');
      await page.waitForFunction(
        (p: string) => (document.querySelector(p)?.shadowRoot?.querySelector('[data-action="export-readable"]') as HTMLInputElement | null)?.checked === false,
        { polling: 100, timeout: 10_000 },
        PANEL,
      );
      s.assertNoForeignRequests();
    }, 60_000);
  });
}
