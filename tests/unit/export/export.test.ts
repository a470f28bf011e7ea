/**
 * The export end to end against fakes: the zip is unzipped with fflate and every .eml compared byte for byte and
 * by SHA-256 with what the webmail served; parts, cancellation, failures and the read-back check.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { exportMessages, isExportError, type ExportError, type ExportItem, type ExportProgress } from '../../../lib/export';
import { readCentralDirectory, blobSource } from '../../../lib/export/zip';
import { MemoryDownloads, MemoryFile, makeMessage, mapStore, parseCsv, rawWebmail, sha256, textsFor, unzip, readableDeps } from './fakes';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const texts = textsFor('fr');
/** Byte equality (vitest's deep equality is very slow on large typed arrays). */
const same = (a: Uint8Array | undefined, b: Uint8Array) => !!a && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const fileDeps = (file: MemoryFile) => ({ texts, ...readableDeps, canPickFile: () => true, pickFile: async () => file });
const partDeps = (dl: MemoryDownloads) => ({ texts, ...readableDeps, canPickFile: () => false, downloads: dl });

function sample() {
  const msgs = [
    {
      ref: { folderId: 'INBOX', id: '1234' },
      folderPath: 'Boîte de réception',
      raw: makeMessage({
        subject: '=?UTF-8?Q?CR_hospitalisation_=E2=80=93_M=2E_X?=',
        from: '"Dr Anne Petit" <anne.petit@chu.mssante.fr>',
        date: 'Sun, 2 Mar 2025 10:15:00 +0100',
        body: 'Compte rendu.\r\n',
      }),
    },
    {
      ref: { folderId: 'INBOX', id: '1235' },
      folderPath: 'Boîte de réception',
      raw: makeMessage({ subject: 'Résultats; "urgent"\r\n =cmd', from: 'labo@bio.mssante.fr', date: 'Mon, 3 Mar 2025 08:00:00 +0100' }),
    },
    {
      ref: { folderId: 'Patients/Archives', id: '7' },
      folderPath: 'Patients/Archives',
      raw: makeMessage({ from: 'x@y.fr', body: new Uint8Array(300_000).map((_, i) => (i * 7) % 251) }),
    },
    { ref: { folderId: 'INBOX', id: '../../etc' }, folderPath: '../..', raw: makeMessage({ subject: 'CON', date: 'not a date' }) },
  ];
  const store = mapStore(msgs);
  const items: ExportItem[] = msgs.map((m) => ({ ref: m.ref, folderPath: m.folderPath, size: m.raw.length }));
  return { msgs, store, items };
}

describe('export to one file', () => {
  it('writes every message byte for byte, with readable safe names and manifests, and checks the saved file', async () => {
    const { msgs, store, items } = sample();
    const file = new MemoryFile('Export.zip');
    const progress: ExportProgress[] = [];
    // The .eml part alone (the readable archive beside it: 'readable archive' below).
    const r = await exportMessages(rawWebmail(store), items, { filenameBase: 'Export Balise', readable: false, onProgress: (p) => progress.push(p) }, fileDeps(file));

    expect(r.verified).toBe(true);
    expect(r.target).toBe('file');
    expect(r.verification).toMatchObject({ method: 'reread-saved-file', messagesExpected: 4, messagesMatched: 4 });
    expect(r.verification.entriesChecked).toBe(4 + 3); // + read-me + 2 manifests
    expect(r.verification.entriesMatched).toBe(r.verification.entriesChecked);
    expect(r.files).toHaveLength(1);
    expect(r.files[0]).toMatchObject({ name: 'Export Balise.zip', savedAs: 'Export.zip', part: null, messages: 4 });
    expect(r.files[0]!.bytes).toBe(file.content!.length);
    expect(r.count).toBe(4);
    expect(r.bytes).toBe(msgs.reduce((s, m) => s + m.raw.length, 0));

    const zip = unzip(file.content!);
    for (const [i, m] of msgs.entries()) {
      const e = r.messages[i]!;
      expect(e.ref).toEqual(m.ref);
      expect(same(zip[e.path], m.raw), e.path).toBe(true);
      expect(e.sha256).toBe(sha256(m.raw));
    }
    expect(r.messages.map((m) => m.path)).toEqual([
      'Boîte de réception/2025-03-02 CR hospitalisation – M. X (1234).eml',
      'Boîte de réception/2025-03-03 Résultats; _urgent_ =cmd (1235).eml',
      'Patients/Archives/sans date (sans objet) (7).eml',
      '_/_/sans date CON (-..-etc).eml',
    ]);
    expect(Object.keys(zip).sort()).toEqual([...r.messages.map((m) => m.path), 'LISEZMOI.txt', 'manifeste.csv', 'manifeste.json'].sort());
    expect(new TextDecoder().decode(zip['LISEZMOI.txt'])).toContain('données de santé');

    // CSV: BOM, ";" separator, quoted, one line per message, same values as the JSON.
    const csvBytes = zip['manifeste.csv']!;
    expect([...csvBytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csvText = new TextDecoder('utf-8', { ignoreBOM: true }).decode(csvBytes);
    expect(csvText.startsWith('\ufeff"')).toBe(true);
    expect(csvText.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(csvText.slice(1));
    expect(rows[0]).toEqual(texts.columns);
    const json = JSON.parse(new TextDecoder().decode(zip['manifeste.json'])) as { format: string; messages: Record<string, unknown>[] };
    expect(json.format).toBe('balise-export/1');
    expect(json.messages).toHaveLength(4);
    expect(rows).toHaveLength(5);
    for (const [i, row] of rows.slice(1).entries()) {
      const j = json.messages[i]!;
      expect(row[0]).toBe('');
      expect(row[1]).toBe(j.file);
      expect(row[2]).toBe(j.folder);
      expect(row[3]).toBe(j.date ?? '');
      expect(row[4]).toBe(j.from);
      expect(row[5]!.replace(/^'(?=[=+\-@\t\r])/, '')).toBe(j.subject);
      expect(Number(row[6])).toBe(j.size);
      expect(row[7]).toBe(j.sha256);
      expect(j.sha256).toBe(sha256(msgs[i]!.raw));
      expect(j.size).toBe(msgs[i]!.raw.length);
    }
    expect(json.messages[0]).toMatchObject({
      folder: 'Boîte de réception',
      date: '2025-03-02T10:15:00+01:00',
      from: '"Dr Anne Petit" <anne.petit@chu.mssante.fr>',
      subject: 'CR hospitalisation – M. X',
      folderId: 'INBOX',
      id: '1234',
    });
    // Header folding is undone; a subject starting like a formula is neutralised in the CSV only.
    expect(json.messages[1]!.subject).toBe('Résultats; "urgent" =cmd');
    expect(json.messages[3]!.date).toBeNull();

    // Progress: monotonic, ends with the check of every entry.
    const downloads = progress.filter((p) => p.phase === 'download').map((p) => p.done);
    expect(downloads).toEqual([...downloads].sort((a, b) => a - b));
    expect(downloads.at(-1)).toBe(4);
    expect(progress.at(-1)).toMatchObject({ phase: 'verify', checked: 7, toCheck: 7, done: 4, total: 4 });
  });

  it('writes large messages in bounded slices, and small pieces together', async () => {
    const big = makeMessage({ subject: 'gros', body: new Uint8Array(9 * 1024 * 1024).fill(65) });
    const store = mapStore([{ ref: { folderId: 'INBOX', id: '1' }, raw: big }]);
    const file = new MemoryFile();
    const r = await exportMessages(rawWebmail(store), [{ ref: { folderId: 'INBOX', id: '1' }, folderPath: 'INBOX' }], { filenameBase: 'x', readable: false }, fileDeps(file));
    expect(r.verified).toBe(true);
    expect(file.largestWrite).toBeLessThanOrEqual(4 * 1024 * 1024);
    // 16 KiB chunks staged into 1 MiB writes.
    expect(file.writes).toBeLessThanOrEqual(Math.ceil(big.length / (1024 * 1024)) + 2);
    expect(same(unzip(file.content!)[r.messages[0]!.path], big)).toBe(true);
  });

  it('refuses to claim anything when what was saved differs from what was copied, and removes the file', async () => {
    const { store, items } = sample();
    const file = new MemoryFile();
    file.corruptAt = 200; // inside the read-me or the first message
    const err = (await exportMessages(rawWebmail(store), items, { filenameBase: 'x' }, fileDeps(file)).catch((e) => e)) as ExportError;
    expect(isExportError(err)).toBe(true);
    expect(err.code).toBe('verify-failed');
    expect(err.detail.problems?.join()).toMatch(/SHA-256 differs/);
    expect(file.removed).toBe(true);
  });

  it('fails loudly when a message cannot be read, claims nothing and leaves no file', async () => {
    const { store, items } = sample();
    for (const midway of [false, true]) {
      const file = new MemoryFile();
      const wm = rawWebmail(store, { fail: new Map([['1235', { code: 'network', midway }]]) });
      const err = (await exportMessages(wm, items, { filenameBase: 'x' }, fileDeps(file)).catch((e) => e)) as ExportError;
      expect(err.code).toBe('message-failed');
      expect(err.detail.ref).toEqual({ folderId: 'INBOX', id: '1235' });
      expect(err.detail.webmailCode).toBe('network');
      // Never closed (so never moved into place), and the empty file the dialog made is removed.
      expect(file.closed).toBe(false);
      expect(file.removed).toBe(true);
      // It stopped at the failure: nothing asked past the one message read ahead (lib/export/read-ahead.ts).
      expect(wm.requests.map((r) => r.id)).toEqual(['1234', '1235', '7']);
    }
  });

  it('refuses a message whose size is far from what the listing said (an error page instead of the message)', async () => {
    const { store, items } = sample();
    const wrong = items.map((i) => (i.ref.id === '7' ? { ...i, size: 3_000_000 } : i));
    const err = (await exportMessages(rawWebmail(store), wrong, { filenameBase: 'x' }, fileDeps(new MemoryFile())).catch((e) => e)) as ExportError;
    expect(err.code).toBe('message-failed');
    expect(err.detail.webmailCode).toBe('invalid-response');
  });

  it('stops when cancelled, reads nothing more, and removes the file', async () => {
    const { store, items } = sample();
    const file = new MemoryFile();
    const ctl = new AbortController();
    const wm = rawWebmail(store, { onRequest: (_ref, n) => n === 2 && ctl.abort() });
    const err = (await exportMessages(wm, items, { filenameBase: 'x', signal: ctl.signal }, fileDeps(file)).catch((e) => e)) as ExportError;
    expect(err.code).toBe('cancelled');
    expect(wm.requests).toHaveLength(2);
    expect(file.closed).toBe(false);
    expect(file.removed).toBe(true);
  });

  it('reports a closed dialog and a failed write plainly', async () => {
    const { store, items } = sample();
    const closed = await exportMessages(rawWebmail(store), items, { filenameBase: 'x' }, {
      texts,
      ...readableDeps,
      canPickFile: () => true,
      pickFile: () => Promise.reject(new DOMException('The user aborted a request.', 'AbortError')),
    }).catch((e) => e);
    expect(closed.code).toBe('picker-cancelled');
    const file = new MemoryFile();
    file.failWrite = 1;
    const failed = (await exportMessages(rawWebmail(store), items, { filenameBase: 'x' }, fileDeps(file)).catch((e) => e)) as ExportError;
    expect(failed.code).toBe('write-failed');
    expect(file.closed).toBe(false);
  });

  it('opens the save dialog synchronously, before any await (the click’s user activation)', () => {
    const { store, items } = sample();
    let opened = false;
    const p = exportMessages(rawWebmail(store), items, { filenameBase: 'Export' }, {
      texts,
      ...readableDeps,
      canPickFile: () => true,
      pickFile: (name) => {
        opened = true;
        expect(name).toBe('Export.zip');
        return Promise.reject(new DOMException('no', 'AbortError'));
      },
    });
    expect(opened).toBe(true);
    return expect(p).rejects.toMatchObject({ code: 'picker-cancelled' });
  });

  it('refuses a webmail that cannot give raw messages', async () => {
    const { store, items } = sample();
    await expect(exportMessages(rawWebmail(store, { rawDownload: false }), items, { filenameBase: 'x' }, fileDeps(new MemoryFile()))).rejects.toMatchObject({
      code: 'unsupported',
    });
  });
});

describe('readable archive', () => {
  /** Every href of a page, resolved against the page's own path in the zip ('#…' and mailto: left out). */
  const links = (html: string, at: string) =>
    [...html.matchAll(/href="([^"]*)"/g)]
      .map((m) => m[1]!.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"'))
      .filter((h) => !h.startsWith('#') && !h.startsWith('mailto:'))
      .map((h) => decodeURIComponent(new URL(h, `file:///zip/${at.split('/').map(encodeURIComponent).join('/')}`).pathname.slice('/zip/'.length)));

  it('writes index.html and a page per message beside the .eml files; every link resolves; all of it is checked', async () => {
    const { msgs, store, items } = sample();
    // A mailbox folder called "Messages" must not mix with the readable folder.
    const extra = { ref: { folderId: 'Messages', id: '9' }, folderPath: 'Messages', raw: makeMessage({ subject: 'Dans Messages', from: 'a@b.fr', date: 'Tue, 4 Mar 2025 09:00:00 +0100' }) };
    const all = mapStore([...msgs, extra]);
    const file = new MemoryFile('Export.zip');
    const r = await exportMessages(rawWebmail(all), [...items, { ref: extra.ref, folderPath: extra.folderPath, size: extra.raw.length }], { filenameBase: 'Export', mailbox: 'dr.x@test.mssante.fr' }, fileDeps(file));
    expect(store).toBeDefined();
    expect(r.verified).toBe(true);
    const zip = unzip(file.content!);
    const names = Object.keys(zip);
    expect(names).toContain('index.html');
    expect(r.messages.find((m) => m.ref.id === '9')!.path.startsWith('Messages (2)/')).toBe(true);
    const pages = names.filter((n) => n.startsWith('Messages/') && n.endsWith('/message.html'));
    expect(pages).toHaveLength(5);
    // Every entry was read back and checked, the readable ones included; index.html was written last but manifests.
    expect(r.verification.entriesChecked).toBe(names.length);
    expect(r.readable!.entries).toBe(names.length - 5 - 3);
    expect(r.readable!.bytes).toBe(names.filter((n) => n === 'index.html' || n.startsWith('Messages/')).reduce((s, n) => s + zip[n]!.length, 0));
    const index = new TextDecoder().decode(zip['index.html']);
    expect(index).toContain('dr.x@test.mssante.fr');
    expect(new TextDecoder().decode(zip['LISEZMOI.txt'])).toContain('index.html');
    for (const l of links(index, 'index.html')) expect(names, `index.html → ${l}`).toContain(l);
    for (const p of pages) {
      const html = new TextDecoder().decode(zip[p]);
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('http-equiv="Content-Security-Policy"');
      const ls = links(html, p);
      expect(ls).toContain('index.html');
      expect(ls.some((l) => l.endsWith('.eml'))).toBe(true);
      for (const l of ls) expect(names, `${p} → ${l}`).toContain(l);
    }
  });

  it('in parts: each part has its own index (index-partie-NN.html) listing its messages, and stays within the bound', async () => {
    const { store, items } = sample();
    const dl = new MemoryDownloads();
    const r = await exportMessages(rawWebmail(store), items, { filenameBase: 'Export', partBytes: 200_000 }, partDeps(dl));
    expect(r.verified).toBe(true);
    expect(r.files.length).toBeGreaterThan(1);
    for (const [i, f] of r.files.entries()) {
      const zip = unzip(dl.parts()[i]!.bytes);
      const own = r.messages.filter((m) => m.fileIndex === i);
      const name = `index-partie-${String(i + 1).padStart(2, '0')}.html`;
      expect(zip['index.html']).toBeUndefined();
      if (own.length) {
        const index = new TextDecoder().decode(zip[name]);
        expect(index.match(/message\.html"/g)?.length).toBe(own.length * 2); // by month and by sender
        for (const l of links(index, name)) expect(Object.keys(zip)).toContain(l);
        expect(new TextDecoder().decode(zip['LISEZMOI.txt'])).toContain('index-partie-01.html');
      } else expect(zip[name]).toBeUndefined();
      if (f.bytes > 200_000) expect(f.messages).toBeLessThanOrEqual(1);
    }
  });

  it('in parts: nothing collides when the parts are unzipped into one folder, even messages that would get the same folder', async () => {
    // Same date, sender and subject: the same folder name under "Messages/", in different parts.
    const twin = (id: string, size: number) => ({
      ref: { folderId: 'INBOX', id },
      folderPath: 'Boîte de réception',
      raw: makeMessage({ subject: 'Résultats', from: '"Labo" <labo@bio.mssante.fr>', date: 'Mon, 3 Mar 2025 08:00:00 +0100', body: new Uint8Array(size).fill(98) }),
    });
    const msgs = [twin('1', 120_000), twin('2', 120_000), twin('3', 120_000)];
    const dl = new MemoryDownloads();
    const r = await exportMessages(rawWebmail(mapStore(msgs)), msgs.map((m) => ({ ref: m.ref, folderPath: m.folderPath, size: m.raw.length })), { filenameBase: 'Export', partBytes: 200_000 }, partDeps(dl));
    expect(r.verified).toBe(true);
    // One message a part (the whole manifest may take a part of its own).
    expect(new Set(r.messages.map((m) => m.fileIndex)).size).toBe(3);
    // One folder: every path is in one part only, but the read-me (the same bytes in each).
    const folder = new Map<string, Uint8Array>();
    for (const p of dl.parts()) {
      for (const [k, v] of Object.entries(unzip(p.bytes))) {
        if (folder.has(k)) {
          expect(k).toBe('LISEZMOI.txt');
          expect(sha256(folder.get(k)!)).toBe(sha256(v));
        }
        folder.set(k, v);
      }
    }
    const pages = [...folder.keys()].filter((k) => k.endsWith('/message.html'));
    expect(pages).toHaveLength(3);
    expect(new Set(pages.map((p) => p.split('/')[1])).size).toBe(3);
    // Each page goes back to its own part's index and to its own .eml; every link resolves in the folder.
    for (const m of r.messages) {
      const page = pages.find((p) => new TextDecoder().decode(folder.get(p)).includes(encodeURIComponent(m.path.split('/').at(-1)!)));
      expect(page, m.path).toBeDefined();
      const ls = links(new TextDecoder().decode(folder.get(page!)), page!);
      expect(ls).toContain(`index-partie-${String(m.fileIndex + 1).padStart(2, '0')}.html`);
      for (const l of ls) expect([...folder.keys()], `${page} → ${l}`).toContain(l);
    }
  });
});

describe('export in parts (downloads)', () => {
  function many(n: number, size: (i: number) => number) {
    const msgs = Array.from({ length: n }, (_, i) => ({
      ref: { folderId: i % 3 ? 'INBOX' : 'Sent', id: String(100 + i) },
      folderPath: i % 3 ? 'Boîte de réception' : 'Envoyés',
      raw: makeMessage({ subject: `Message ${i}`, from: 'a@b.fr', date: 'Tue, 4 Mar 2025 12:00:00 +0100', body: new Uint8Array(size(i)).fill(97 + (i % 26)) }),
    }));
    return { msgs, store: mapStore(msgs), items: msgs.map((m) => ({ ref: m.ref, folderPath: m.folderPath, size: m.raw.length })) };
  }

  it('cuts numbered standalone zips under the bound, a too-large message alone, the whole manifest in the last', async () => {
    const bound = 200_000;
    const { msgs, store, items } = many(12, (i) => (i === 5 ? 450_000 : 30_000 + i * 1000));
    const dl = new MemoryDownloads();
    const r = await exportMessages(rawWebmail(store), items, { filenameBase: 'Export', partBytes: bound }, partDeps(dl));
    expect(r.verified).toBe(true);
    expect(r.target).toBe('downloads');
    expect(r.verification.method).toBe('part-reread-then-download-size');
    expect(r.verification.downloadsConfirmed).toBe(r.files.length);
    const parts = dl.parts();
    expect(parts.length).toBe(r.files.length);
    expect(parts.length).toBeGreaterThan(3);
    const seen = new Map<string, Uint8Array>();
    for (const [i, p] of parts.entries()) {
      expect(p.filename).toBe(`Export/Export-partie-${String(i + 1).padStart(2, '0')}.zip`);
      expect(r.files[i]!.savedAs).toBe(`/home/user/Téléchargements/${p.filename}`);
      const z = unzip(p.bytes);
      const emls = Object.keys(z).filter((k) => k.endsWith('.eml'));
      if (p.bytes.length > bound) {
        // Only a message larger than the bound may exceed it, alone in its part.
        expect(emls).toHaveLength(1);
        expect(z[emls[0]!]!.length).toBeGreaterThan(bound - 10_000);
      }
      expect(z['LISEZMOI.txt']).toBeDefined();
      if (emls.length) {
        const own = JSON.parse(new TextDecoder().decode(z[`manifeste-partie-${String(i + 1).padStart(2, '0')}.json`]));
        expect(own.part).toBe(i + 1);
        expect(own.messages.map((m: { file: string }) => m.file)).toEqual(emls);
      }
      for (const k of emls) {
        expect(seen.has(k)).toBe(false);
        seen.set(k, z[k]!);
      }
      if (i === parts.length - 1) {
        const whole = JSON.parse(new TextDecoder().decode(z['manifeste.json']));
        expect(whole.messages).toHaveLength(12);
        expect(whole.parts).toEqual(parts.map((q) => q.filename.split('/')[1]));
      } else expect(z['manifeste.json']).toBeUndefined();
    }
    for (const [i, m] of msgs.entries()) {
      const e = r.messages[i]!;
      expect(same(seen.get(e.path), m.raw)).toBe(true);
      expect(r.files[e.fileIndex]!.part).toBe(e.fileIndex + 1);
    }
  });

  it('removes the parts already saved when a later part fails or the browser reports another size', async () => {
    const { store, items } = many(10, () => 40_000);
    for (const how of ['fail', 'size'] as const) {
      const dl = new MemoryDownloads();
      if (how === 'fail') dl.failFor = 2;
      else dl.wrongSizeFor = 2;
      const err = (await exportMessages(rawWebmail(store), items, { filenameBase: 'E', partBytes: 100_000 }, partDeps(dl)).catch((e) => e)) as ExportError;
      expect(err.code).toBe('download-failed');
      expect(dl.saved.size).toBe(0);
      expect(dl.removed.length).toBe(how === 'fail' ? 1 : 2);
    }
  });

  it('removes saved parts when cancelled', async () => {
    const { store, items } = many(10, () => 40_000);
    const dl = new MemoryDownloads();
    const ctl = new AbortController();
    const wm = rawWebmail(store, { onRequest: (_r, n) => n === 7 && ctl.abort() });
    const err = (await exportMessages(wm, items, { filenameBase: 'E', partBytes: 100_000, signal: ctl.signal }, partDeps(dl)).catch((e) => e)) as ExportError;
    expect(err.code).toBe('cancelled');
    expect(dl.count).toBeGreaterThan(0);
    expect(dl.saved.size).toBe(0);
  });

  it('uses parts in auto mode where there is no save dialog, and the settings’ part size by default', async () => {
    const { store, items } = many(3, () => 1000);
    const dl = new MemoryDownloads();
    let asked = 0;
    const r = await exportMessages(rawWebmail(store), items, { filenameBase: 'E' }, {
      ...partDeps(dl),
      defaultPartBytes: async () => {
        asked++;
        return 64 * 1024 * 1024;
      },
    });
    expect(asked).toBe(1);
    expect(r.files).toHaveLength(1);
    const cd = await readCentralDirectory(blobSource(new Blob([dl.parts()[0]!.bytes as Uint8Array<ArrayBuffer>])));
    expect(cd.every((e) => e.method === 0)).toBe(true);
  });
});

describe('reading messages into one reused buffer', () => {
  it('reads messages in pieces of one reused buffer, byte streams through a BYOB reader, whatever their size', async () => {
    const { messagePieces, Scratch } = await import('../../../lib/export/buffer');
    const sizes = [10_000, 300_000, 5_000, 299_000, 300, 70_000];
    const msgs = sizes.map((n, i) => {
      const raw = new Uint8Array(n).map((_, j) => (j * 13 + i) % 256);
      raw.set(new TextEncoder().encode(`Subject: m${i}\r\n`));
      return { ref: { folderId: 'INBOX', id: String(i) }, raw };
    });
    for (const byteStream of [true, false]) {
      const wm = rawWebmail(mapStore(msgs), { chunk: 7000, byteStream });
      const scratch = new Scratch();
      for (const [i, m] of msgs.entries()) {
        const got = new Uint8Array(m.raw.length);
        let n = 0;
        for await (const piece of messagePieces(await wm.rawMessage(m.ref), scratch, undefined, 16 * 1024)) {
          expect(piece.length).toBeLessThanOrEqual(16 * 1024);
          got.set(piece, n);
          n += piece.length;
        }
        expect(n, `${byteStream} ${i}`).toBe(m.raw.length);
        expect(same(got, m.raw), `${byteStream} ${i}`).toBe(true);
      }
      // One piece buffer (a plain stream's chunks are copied whole: 7,000 bytes here), never one per message.
      expect(scratch.capacity).toBeLessThanOrEqual(16 * 1024);
    }
  });

  it('cancels the download when the reader stops early', async () => {
    const { messagePieces, Scratch } = await import('../../../lib/export/buffer');
    const raw = new Uint8Array(100_000).fill(65);
    raw.set(new TextEncoder().encode('Subject: x\r\n'));
    let cancelled = 0;
    const wm = rawWebmail(mapStore([{ ref: { folderId: 'INBOX', id: '1' }, raw }]), { chunk: 1000 });
    const split = await wm.rawMessage({ folderId: 'INBOX', id: '1' });
    const rest = split.rest!;
    const orig = rest.cancel.bind(rest);
    rest.cancel = (reason?: unknown) => (cancelled++, orig(reason));
    for await (const piece of messagePieces(split, new Scratch())) {
      expect(piece).toBe(split.head);
      break;
    }
    expect(cancelled).toBe(1);
    // Stopped further on: the download is cancelled too (no stream left hanging).
    const again = await wm.rawMessage({ folderId: 'INBOX', id: '1' });
    let seen = 0;
    for await (const piece of messagePieces(again, new Scratch())) {
      seen += piece.length;
      if (seen > 5000) break;
    }
    await expect(again.rest!.getReader().read()).resolves.toMatchObject({ done: true });
  });

  it('exports byte streams and plain streams alike', async () => {
    const { msgs, store, items } = sample();
    const file = new MemoryFile();
    const r = await exportMessages(rawWebmail(store, { byteStream: true, chunk: 5000 }), items, { filenameBase: 'x' }, fileDeps(file));
    const zip = unzip(file.content!);
    for (const [i, m] of msgs.entries()) expect(same(zip[r.messages[i]!.path], m.raw)).toBe(true);
  });
});
