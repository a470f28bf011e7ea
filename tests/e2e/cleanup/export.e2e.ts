/**
 * Export before delete in both real browsers, on real Roundcube 1.6 + Dovecot 2.3 and on the Zimbra simulator:
 * the export panel's button is clicked like a user would, the zip(s) are read back from where the browser saved
 * them and every .eml is compared byte for byte with the server's own copy (doveadm fetch text / the simulator's
 * mailbox), and the manifest with both.
 *
 * Where the zip lands:
 * - Chromium, 'file': a headless browser cannot show the save dialog, so the test build's export command gives a
 *   real FileSystemFileHandle from the page origin's private file system (OPFS) instead; the export writes and
 *   re-reads it exactly as a chosen file, and the test reads it from the page. A separate test opens the REAL
 *   dialog from the content script on a click (CDP file-chooser interception sees it open, then cancels it).
 * - Firefox (and Chromium's 'downloads' target): parts through the downloads API into a temporary folder
 *   (Firefox prefs browser.download.dir/folderList=2/useDownloadDir; Chromium's download.default_directory).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { waitPierced } from '../harness/shadow';
import { seedMailbox, startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { listMessages, rawMessage } from '../../servers/roundcube/truth';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import type { ExportResult } from '../../../lib/export';
import { loginWithBalise } from '../roundcube/helpers';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { opfsNames, savedZips } from './export-files';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array | undefined, b: Uint8Array) => !!a && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const HOST = '[data-balise="export"]';

interface Outcome {
  state: 'none' | 'running' | 'verified' | 'failed';
  result?: ExportResult;
  error?: { code: string; message: string; detail: Record<string, unknown> };
  items?: number;
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

/** The export UI's state attribute. (Polled: puppeteer's `>>>` waits watch the document's mutations, not the
 * shadow root's, so they only notice a change when the page itself changes something.) */
async function waitForExportState(page: Page, state: string, timeout = 90_000): Promise<void> {
  await page.waitForFunction(
    (host: string, want: string) => document.querySelector(host)?.shadowRoot?.querySelector('[data-export-state]')?.getAttribute('data-export-state') === want,
    { timeout, polling: 100 },
    HOST,
    state,
  );
}

async function clickExportAndWait(s: Session, page: Page, until: string, timeout = 90_000): Promise<Outcome> {
  await waitPierced(page, `${HOST} >>> [data-action="export"]`);
  await page.click(`${HOST} >>> [data-action="export"]`);
  await waitForExportState(page, until, timeout);
  return s.call<Outcome>(page, 'export', 'outcome');
}

/** Everything the export claims, checked against the zips and the server's bytes. */
function checkExport(r: ExportResult, zips: Uint8Array[], truth: (ref: { folderId: string; id: string }) => Uint8Array, expectedCount: number) {
  expect(r.verified).toBe(true);
  expect(r.count).toBe(expectedCount);
  expect(r.verification.messagesMatched).toBe(expectedCount);
  expect(zips).toHaveLength(r.files.length);
  const unzipped = zips.map((z, i) => {
    expect(z.length).toBe(r.files[i]!.bytes);
    return unzipSync(z);
  });
  for (const m of r.messages) {
    const server = truth(m.ref);
    const inZip = unzipped[m.fileIndex]![m.path];
    expect(same(inZip, server), `${m.ref.folderId}/${m.ref.id} → ${m.path}`).toBe(true);
    expect(m.sha256).toBe(sha(server));
    expect(m.bytes).toBe(server.length);
  }
  // The whole manifest (last zip) lists the same messages, hashes and sizes.
  const last = unzipped.at(-1)!;
  const json = JSON.parse(new TextDecoder().decode(last['manifeste.json'] ?? last['manifest.json'])) as { messages: { sha256: string; size: number; file: string; id: string }[] };
  expect(json.messages.map((m) => [m.id, m.sha256, m.size, m.file])).toEqual(r.messages.map((m) => [m.ref.id, m.sha256, m.bytes, m.path]));
  const csv = last['manifeste.csv'] ?? last['manifest.csv']!;
  expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
}

describe('export on Roundcube + Dovecot', () => {
  let env: RoundcubeEnv;
  beforeAll(async () => {
    env = await startRoundcube({ profile: 'empty' });
    await seedMailbox(env, { profile: 'realistic', seed: 3 });
  });
  afterAll(async () => {
    await env?.stop();
  });

  const truthCache = new Map<string, Uint8Array>();
  const truth = async (refs: { folderId: string; id: string }[]) => {
    for (const r of refs) {
      const k = `${r.folderId}/${r.id}`;
      if (!truthCache.has(k)) truthCache.set(k, new Uint8Array(await rawMessage(env, r.folderId, Number(r.id))));
    }
    return (ref: { folderId: string; id: string }) => truthCache.get(`${ref.folderId}/${ref.id}`)!;
  };

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      let downloadDir: string;
      /** 30 INBOX messages (oldest first) + the 3 largest of Patients/Archives and INBOX. */
      let refs: { folderId: string; id: string; size: number }[];

      beforeAll(async () => {
        downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-export-${kind}-`));
        s = await launchWithBalise(kind, { downloadDir });
        page = await s.newPage();
        await loginWithBalise(s, page, env);
        const inbox = (await listMessages(env, 'INBOX')).sort((a, b) => a.uid - b.uid);
        const archives = (await listMessages(env, 'Patients/Archives')).sort((a, b) => b.vsize - a.vsize);
        const largest = [...inbox].sort((a, b) => b.vsize - a.vsize).slice(0, 2);
        const chosen = [...inbox.slice(0, 30), ...largest.filter((m) => !inbox.slice(0, 30).includes(m)), archives[0]!];
        refs = chosen.map((m) => ({ folderId: m.folder, id: String(m.uid), size: m.vsize }));
      });
      afterAll(async () => {
        s?.assertNoForeignRequests();
        await s?.close();
        fs.rmSync(downloadDir, { recursive: true, force: true });
      });

      const target = kind === 'chromium' ? 'file' : 'downloads';

      it(`exports 30+ messages (the largest included) from the panel's button; the saved zip matches doveadm byte for byte`, async () => {
        const saveTo = kind === 'chromium' ? 'opfs' : undefined;
        const mounted = await s.call<{ items: number }>(page, 'export', 'mount', {
          refs,
          filenameBase: 'Export Roundcube',
          ...(saveTo ? { saveTo } : { partMB: 2 }),
        });
        expect(mounted.items).toBe(refs.length);
        const out = await clickExportAndWait(s, page, 'verified');
        expect(out.state).toBe('verified');
        const r = out.result!;
        expect(r.target).toBe(target);
        // The UI says it: count, verified files.
        const shown = await page.$eval(`${HOST} >>> [data-export-state]`, (e) => e.getAttribute('data-exported-count'));
        expect(Number(shown)).toBe(refs.length);
        const badges = await page.$$eval(`${HOST} >>> [data-file][data-verified="true"]`, (l) => l.length);
        expect(badges).toBe(r.files.length);
        checkExport(r, await savedZips(target, page, r, downloadDir), await truth(refs), refs.length);
        if (target === 'downloads') {
          // Parts of at most 2 MiB, except a single message larger than that, alone in its part.
          expect(r.files.length).toBeGreaterThan(1);
          for (const f of r.files) if (f.bytes > 2 * 1024 * 1024) expect(f.messages).toBeLessThanOrEqual(1);
          expect(r.verification.downloadsConfirmed).toBe(r.files.length);
          expect(filesUnder(downloadDir)).toEqual(r.files.map((f) => path.relative(downloadDir, f.savedAs)).sort());
        }
        await s.call(page, 'export', 'unmount');
      });

      if (kind === 'chromium') {
        it('Chromium: exports in parts through the downloads API too (object URL of the page)', async () => {
          const some = refs.slice(0, 12);
          const out = await s.call<Outcome>(page, 'export', 'run', { refs: some, filenameBase: 'Export parts', target: 'downloads', partMB: 1 });
          expect(out.error).toBeUndefined();
          const r = out.result!;
          expect(r.target).toBe('downloads');
          expect(r.verification.method).toBe('part-reread-then-download-size');
          checkExport(r, await savedZips('downloads', page, r, downloadDir), await truth(some), some.length);
        });

        it('Chromium: the real save dialog opens from the content script on the click, and a closed dialog exports nothing', async () => {
          const cdp = await page.createCDPSession();
          const opened: { mode: string }[] = [];
          cdp.on('Page.fileChooserOpened', (e) => void opened.push(e as { mode: string }));
          await cdp.send('Page.enable');
          await cdp.send('Page.setInterceptFileChooserDialog', { enabled: true, cancel: true });
          try {
            await s.call(page, 'export', 'mount', { refs: refs.slice(0, 3), filenameBase: 'Export dialog', saveTo: 'picker' });
            const out = await clickExportAndWait(s, page, 'cancelled');
            expect(opened).toHaveLength(1);
            expect(out.error?.code).toBe('picker-cancelled');
            // Without a click the dialog is refused and nothing opens. (puppeteer's evaluate passes userGesture: true,
            // so call the bridge through CDP without it, once the click's activation — 5 s in Chromium — is over: asked
            // of the page through CDP too, without a gesture.)
            for (const deadline = Date.now() + 10_000; ; ) {
              const { result: active } = await cdp.send('Runtime.evaluate', { expression: 'navigator.userActivation.isActive', userGesture: false });
              if (active.value === false) break;
              if (Date.now() > deadline) throw new Error('the click’s activation is still on after 10 s');
              await new Promise((r) => setTimeout(r, 100));
            }
            const request = JSON.stringify({ id: 'noclick', cmd: 'export', args: ['run', { refs: refs.slice(0, 3), filenameBase: 'Export dialog', saveTo: 'picker' }] });
            const { result } = (await cdp.send('Runtime.evaluate', {
              expression: `new Promise((resolve) => {
                addEventListener('balise:test-response', function on(e) {
                  const r = JSON.parse(e.detail);
                  if (r.id === 'noclick') { removeEventListener('balise:test-response', on); resolve(e.detail); }
                });
                dispatchEvent(new CustomEvent('balise:test-request', { detail: ${JSON.stringify(request)} }));
              })`,
              awaitPromise: true,
              userGesture: false,
              returnByValue: true,
            })) as { result: { value: string } };
            const noClick = JSON.parse(result.value) as { ok: boolean; value: Outcome };
            expect(noClick.value.error?.code).toBe('unsupported');
            expect(String(noClick.value.error?.message)).toMatch(/gesture|activation/i);
            expect(opened).toHaveLength(1);
          } finally {
            await cdp.send('Page.setInterceptFileChooserDialog', { enabled: false }).catch(() => undefined);
            await cdp.detach().catch(() => undefined);
            await s.call(page, 'export', 'unmount');
          }
        });
      }

      it('fails loudly when one message cannot be read: nothing claimed, nothing left behind', async () => {
        await s.call(page, 'export', 'clear-opfs').catch(() => undefined);
        const before = filesUnder(downloadDir);
        const bad = [...refs.slice(0, 4), { folderId: 'INBOX', id: '999999' }, ...refs.slice(4, 6)];
        const out = await s.call<Outcome>(page, 'export', 'run', {
          refs: bad,
          filenameBase: 'Export failing',
          ...(kind === 'chromium' ? { saveTo: 'opfs' } : { partMB: 1 }),
        });
        expect(out.state).toBe('failed');
        expect(out.result).toBeUndefined();
        expect(out.error?.code).toBe('message-failed');
        expect(out.error?.detail.ref).toEqual({ folderId: 'INBOX', id: '999999' });
        if (kind === 'chromium') expect(await opfsNames(page)).toEqual([]);
        // Parts already saved were removed again.
        expect(filesUnder(downloadDir)).toEqual(before);
      });
    });
  }
});

describe('export on the Zimbra simulator', () => {
  let sim: ZimbraSim;
  beforeAll(async () => {
    sim = await startZimbraSim({ profile: 'realistic', seed: 5, now: Date.UTC(2026, 5, 1, 12) });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      let downloadDir: string;
      beforeAll(async () => {
        downloadDir = fs.mkdtempSync(path.join(os.tmpdir(), `balise-export-z-${kind}-`));
        s = await launchWithBalise(kind, { downloadDir });
        page = await s.newPage();
        await loginZimbra(s, page, sim);
        await waitForShell(page);
      });
      afterAll(async () => {
        sim.faults.reset();
        s?.assertNoForeignRequests();
        await s?.close();
        fs.rmSync(downloadDir, { recursive: true, force: true });
      });

      const raw = (ref: { id: string }) => new Uint8Array(sim.mailbox.messages.get(Number(ref.id))!.raw);
      const target = kind === 'chromium' ? 'file' : 'downloads';

      it('exports a folder (every page of the search) byte for byte, with exact sizes', async () => {
        const patients = [...sim.mailbox.messages.values()].filter((m) => m.folderId === 257);
        const mounted = await s.call<{ items: number; bytes: number }>(page, 'export', 'mount', {
          folderIds: ['257'],
          filenameBase: 'Export Zimbra',
          ...(kind === 'chromium' ? { saveTo: 'opfs' } : { partMB: 4 }),
        });
        expect(mounted.items).toBe(patients.length);
        expect(mounted.bytes).toBe(patients.reduce((sum, m) => sum + m.size, 0));
        const out = await clickExportAndWait(s, page, 'verified', 110_000);
        const r = out.result!;
        expect(r.target).toBe(target);
        checkExport(r, await savedZips(target, page, r, downloadDir), raw, patients.length);
        // Folder names in the zip are the page's ("Patients").
        expect(new Set(r.messages.map((m) => m.path.split('/')[0]))).toEqual(new Set(['Patients']));
        await s.call(page, 'export', 'unmount');
      }, 120_000);

      it('stops when the user cancels, and leaves nothing behind', async () => {
        await s.call(page, 'export', 'clear-opfs').catch(() => undefined);
        const before = filesUnder(downloadDir);
        sim.faults.latency(150, 'REST');
        try {
          await s.call(page, 'export', 'mount', {
            folderIds: ['2'],
            limit: 60,
            filenameBase: 'Export cancelled',
            ...(kind === 'chromium' ? { saveTo: 'opfs' } : { partMB: 1 }),
          });
          await page.click(`${HOST} >>> [data-action="export"]`);
          await page.waitForFunction(
            (sel: string) => {
              const el = document.querySelector(sel)?.shadowRoot?.querySelector('[data-exported-count]');
              return Number(el?.getAttribute('data-exported-count')) >= 5;
            },
            { timeout: 30_000, polling: 50 },
            HOST,
          );
          await page.click(`${HOST} >>> [data-action="cancel-export"]`);
          await waitForExportState(page, 'cancelled', 30_000);
          const out = await s.call<Outcome>(page, 'export', 'outcome');
          expect(out.error?.code).toBe('cancelled');
          expect(out.state).toBe('failed');
        } finally {
          sim.faults.latency(0, 'REST');
          await s.call(page, 'export', 'unmount');
        }
        if (kind === 'chromium') expect(await opfsNames(page)).toEqual([]);
        expect(filesUnder(downloadDir)).toEqual(before);
      });

      it('makes good an archive the server fails (REST 500) by downloading its messages one by one, verified', async () => {
        sim.faults.failNext('REST', 'service.FAILURE', { nth: 1 });
        const out = await s.call<Outcome>(page, 'export', 'run', {
          folderIds: ['2'],
          limit: 8,
          filenameBase: 'Export archive 500',
          ...(kind === 'chromium' ? { saveTo: 'opfs' } : { partMB: 1 }),
        });
        expect(out.state).toBe('verified');
        expect(out.result!.count).toBe(8);
        expect(out.result!.archiveRequests).toBe(1);
        await s.call(page, 'export', 'clear-opfs').catch(() => undefined);
      });

      it('fails loudly when the server errors midway (REST 500), nothing claimed', async () => {
        const before = filesUnder(downloadDir);
        // The 8 messages' archive fails (they then come one by one), and so does the third of those.
        sim.faults.failNext('REST', 'service.FAILURE', { nth: 1 });
        sim.faults.failNext('REST', 'service.FAILURE', { nth: 4 });
        const out = await s.call<Outcome>(page, 'export', 'run', {
          folderIds: ['2'],
          limit: 8,
          filenameBase: 'Export 500',
          ...(kind === 'chromium' ? { saveTo: 'opfs' } : { partMB: 1 }),
        });
        expect(out.state).toBe('failed');
        expect(out.error?.code).toBe('message-failed');
        expect(out.result).toBeUndefined();
        if (kind === 'chromium') expect(await opfsNames(page)).toEqual([]);
        expect(filesUnder(downloadDir)).toEqual(before);
      });
    });
  }
});
