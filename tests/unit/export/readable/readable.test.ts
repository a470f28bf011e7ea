import { describe, expect, it } from 'vitest';
import { unzipSync, zipSync } from 'fflate';
import { ReadableExport, toBytes, type ReadableEntry } from '../../../../lib/export/readable/readable';
import vm from 'node:vm';
import { sha256 } from '@noble/hashes/sha2.js';
import { buildHprim, buildJpeg, buildPdf, buildXdmZip, labResults } from '../../../servers/seed/documents';
import { makePatient, OWNER } from '../../../servers/seed/content';
import { Rng } from '../../../servers/seed/rng';
import { mime, piecesOf, texts, win, type TestPart } from './helpers';

const rng = new Rng(2026);
const patient = makePatient(rng);
const d = (day: number, h = 10) => new Date(Date.UTC(2025, 2, day, h, 15));

const xdmZip = buildXdmZip({ rng, patient, date: d(3), docTitle: `Compte rendu d’imagerie – ${patient.last}`, authorName: 'MARTIN^Paul', authorOrg: 'CH de Rennes', recipient: OWNER.address, pdfSize: 40_000 });
const hprim = Buffer.from(
  buildHprim({ patient, labRef: '25A1234567', date: d(4), labName: 'Laboratoire Biopôle', labCity: 'Rennes', doctor: 'Dr Durand', results: labResults(rng), finFichier: true }).replace(/\n/g, '\r\n'),
  'latin1',
);
const pdf = buildPdf(rng, 60_000, 'Compte rendu de consultation');
const pdf2 = buildPdf(rng, 5_000, 'Ordonnance');
const logo = buildJpeg(rng, 3_000);

interface Sample {
  folder: string;
  eml: string;
  raw: Uint8Array;
  parts: TestPart[];
}
const samples: Sample[] = [
  {
    folder: 'Boîte de réception',
    eml: 'Boîte de réception/2025-03-03 XDM (1).eml',
    parts: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: xdmZip }],
    raw: new Uint8Array(),
  },
  {
    folder: 'Boîte de réception',
    eml: 'Boîte de réception/2025-03-04 HPRIM (2).eml',
    parts: [{ filename: 'RES_25A1234567.hpr', contentType: 'application/octet-stream', data: hprim }],
    raw: new Uint8Array(),
  },
  {
    folder: 'Patients/Archives',
    eml: 'Patients/Archives/2025-03-05 PDF (3).eml',
    // Two attachments with the same name, one nameless, one reserved on Windows.
    parts: [
      { filename: 'CR.pdf', contentType: 'application/pdf', data: pdf },
      { filename: 'cr.PDF', contentType: 'application/pdf', data: pdf2 },
      { contentType: 'application/pdf', data: pdf2 },
      { filename: 'CON.txt', contentType: 'text/plain', data: Buffer.from('note') },
    ],
    raw: new Uint8Array(),
  },
  {
    folder: 'Boîte de réception',
    eml: 'Boîte de réception/2025-03-06 HTML (4).eml',
    parts: [{ filename: 'logo & co.jpg', contentType: 'image/jpeg', data: logo, contentId: 'logo@chu.example', inline: true }],
    raw: new Uint8Array(),
  },
];
samples[0]!.raw = mime({ from: { name: 'CH de Rennes', address: 'dpi@chu-rennes.mssante.fr' }, to: [OWNER], subject: `XDM/1.0/DDM+CR d'imagerie médicale - ${patient.last} ${patient.first}`, date: d(3), text: 'Document structuré.', parts: samples[0]!.parts });
samples[1]!.raw = mime({ from: { name: 'Laboratoire Biopôle', address: 'hprim@biopole.mssante.fr' }, to: [OWNER], subject: `Résultats ${patient.last} ${patient.first} du 04/03/2025`, date: d(4), text: 'Veuillez trouver les résultats.', parts: samples[1]!.parts });
samples[2]!.raw = mime({ from: { name: 'Dr Lefèvre', address: 'lefevre@medecin.mssante.fr' }, to: [OWNER], cc: [{ name: 'Secrétariat', address: 'sec@msp.mssante.fr' }], subject: 'Compte rendu de consultation – CON: test?', date: d(5), text: 'Cher confrère,\nci-joint.', parts: samples[2]!.parts });
samples[3]!.raw = mime({
  from: { name: 'CHU Exemple', address: 'info@chu.example' },
  to: [OWNER],
  subject: 'Lettre d’information <b>',
  date: d(6),
  html: `<html><head><style>body{display:none}</style><meta http-equiv="refresh" content="0;url=https://evil.example"></head><body onload="alert(1)"><p>Bonjour</p><img src="cid:logo@chu.example" alt="logo"><img src="https://tracker.example/p.gif" alt="pixel"><a href="https://evil.example/login">Connexion</a><a href="javascript:alert(1)">x</a><script>alert(1)</script><form action="https://evil.example"><input></form></body></html>`,
  parts: samples[3]!.parts,
});
// A message too large to render (cap lowered for the test): its .eml only.
const big = mime({ from: { name: 'Imagerie du Thabor', address: 'imagerie@thabor.mssante.fr' }, to: [OWNER], subject: 'Images IRM – trop lourd', date: d(7), text: 'Images.', parts: [{ filename: 'images.jpg', contentType: 'image/jpeg', data: buildJpeg(rng, 600_000) }] });

function same(actual: Uint8Array | undefined, expected: Uint8Array | undefined) {
  expect(actual).toBeDefined();
  expect(Buffer.from(actual!).equals(Buffer.from(expected!))).toBe(true);
}

/** Decode an href from a generated page back to a zip path, relative to `from` (the page's folder). */
function resolve(from: string, href: string): string {
  const decoded = decodeURIComponent(href.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  const parts = from ? from.split('/') : [];
  for (const seg of decoded.split('/')) {
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

function hrefs(html: string): string[] {
  return [...html.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith('#') && !h.startsWith('mailto:') && !h.startsWith('data:'));
}

describe('readable export, end to end', () => {
  it('builds a zip a doctor can open: a folder per message, original attachments, XDM documents, an index whose links resolve', async () => {
    const readable = new ReadableExport({ texts, rootDir: 'Messages', window: win, maxParseBytes: 512 * 1024 });
    const files: Record<string, Uint8Array> = {};
    const add = (entries: ReadableEntry[]) => {
      for (const e of entries) {
        expect(files[e.path], e.path).toBeUndefined();
        files[e.path] = e.bytes;
      }
    };
    for (const s of samples) {
      files[s.eml] = s.raw;
      // As the export does: pieces pushed as they are written (the buffer reused between pieces).
      const sink = readable.begin({ mailboxFolder: s.folder, emlPath: s.eml, sizeHint: s.raw.length });
      const reused = new Uint8Array(64 * 1024);
      for (const p of piecesOf(s.raw, 64 * 1024)) {
        reused.set(p);
        sink.push(reused.subarray(0, p.length));
        reused.fill(0);
      }
      add((await sink.finish()).entries);
    }
    files['Boîte de réception/big.eml'] = big;
    const bigResult = await readable.addMessage({ mailboxFolder: 'Boîte de réception', emlPath: 'Boîte de réception/big.eml' }, piecesOf(big));
    expect(bigResult.record.status).toBe('too-large');
    add(bigResult.entries);
    const index = readable.indexBytes({ exportedAt: Date.UTC(2026, 11, 7, 1, 0), mailbox: OWNER.address });
    files['index.html'] = index;

    const zip = unzipSync(zipSync(files, { level: 0 }));
    const paths = Object.keys(zip);
    const dirs = [...new Set(paths.filter((p) => p.startsWith('Messages/')).map((p) => p.split('/').slice(0, 2).join('/')))].sort();
    expect(dirs).toHaveLength(5);
    for (const dir of dirs) expect(paths, dir).toContain(`${dir}/message.html`);
    // Folder names sort by date and read as date - sender - subject.
    expect(dirs[0]).toMatch(/^Messages\/2025-03-03 \d\dh15 - CH de Rennes - CR d'imagerie médicale - /);
    expect(dirs[4]).toMatch(/^Messages\/2025-03-07 \d\dh15 - Imagerie du Thabor - Images IRM – trop lourd$/);

    const fileIn = (dirPrefix: string, name: string) => zip[`${dirs.find((x) => x.startsWith(`Messages/${dirPrefix}`))!}/${name}`];
    // Attachments are the original bytes, under their own (safe, unique) names.
    same(fileIn('2025-03-03', 'IHE_XDM.ZIP'), xdmZip);
    same(fileIn('2025-03-04', 'RES_25A1234567.hpr'), new Uint8Array(hprim));
    same(fileIn('2025-03-05', 'CR.pdf'), pdf);
    same(fileIn('2025-03-05', 'cr (2).PDF'), pdf2);
    same(fileIn('2025-03-05', 'piece-jointe-3.pdf'), pdf2);
    same(fileIn('2025-03-05', '_CON.txt'), new Uint8Array(Buffer.from('note')));
    same(fileIn('2025-03-06', 'logo & co.jpg'), logo);
    // The XDM's PDF, extracted beside it under its title.
    same(fileIn('2025-03-03', `Compte rendu d’imagerie – ${patient.last}.pdf`), unzipSync(xdmZip)['IHE_XDM/SUBSET01/DOC0001.PDF']);

    // Every link of every page resolves to a file of the zip; no page runs or fetches anything.
    const pages = paths.filter((p) => p.endsWith('.html'));
    expect(pages).toHaveLength(6);
    for (const p of pages) {
      const html = new TextDecoder().decode(zip[p]);
      const body = html.slice(html.indexOf('<body>'));
      expect(body, p).not.toMatch(/<script/i);
      expect(body, p).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
      expect(html, p).not.toMatch(/\ssrc\s*=\s*["']?\s*(?:https?:|\/\/)/i);
      expect(html, p).toContain('http-equiv="Content-Security-Policy"');
      const from = p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '';
      for (const h of hrefs(html)) expect(paths, `${p} → ${h}`).toContain(resolve(from, h));
    }

    const indexHtml = new TextDecoder().decode(index);
    expect(hrefs(indexHtml).filter((h) => h.endsWith('message.html'))).toHaveLength(10); // by month and by sender
    expect(indexHtml).toContain('Exporté le 2026-12-07');
    expect(indexHtml).toContain(OWNER.address);
    expect(indexHtml).toContain(': 5 messages.');
    expect(indexHtml).toContain(texts.reminder);
    expect(indexHtml).toContain('Mars 2025');
    expect(indexHtml).toContain('<span class="type">Imagerie</span><span class="type">Document structuré (IHE XDM)</span>');
    expect(indexHtml).toContain('<span class="type">Biologie</span><span class="type">Résultats HPRIM</span>');
    expect(indexHtml).toContain('non affiché : voir le .eml');

    const htmlPage = new TextDecoder().decode(fileIn('2025-03-06', 'message.html'));
    expect(htmlPage).toContain('<img src="logo%20%26%20co.jpg" alt="logo">');
    expect(htmlPage).toContain('[image non chargée : pixel]');
    expect(htmlPage).toContain('&lt;https://evil.example/login&gt;');
    expect(htmlPage).not.toMatch(/<(?:form|input|meta http-equiv="refresh")/i);
    expect(htmlPage).toContain('Lettre d’information &lt;b&gt;');
    const bigPage = new TextDecoder().decode(fileIn('2025-03-07', 'message.html'));
    expect(bigPage).toContain('trop volumineux');
    expect(bigPage).toContain('href="../../Bo%C3%AEte%20de%20r%C3%A9ception/big.eml"');
    const pdfPage = new TextDecoder().decode(fileIn('2025-03-05', 'message.html'));
    expect(pdfPage).toContain('Secrétariat &lt;sec@msp.mssante.fr&gt;');
    expect(pdfPage).toContain('<pre class="text">Cher confrère,');
  });

  it('keeps a calendar invitation byte for byte (postal-mime rewrites .ics: LF line ends, UTF-8, one final newline)', async () => {
    const ics = Buffer.from('BEGIN:VCALENDAR\r\nVERSION:2.0\r\nSUMMARY:R\u00e9union de service\r\nEND:VCALENDAR\r\n\r\n', 'latin1');
    const hpr = Buffer.from('H|^~\\&|||LABO\r\nP|1|D\u00e9pistage\r\n', 'latin1');
    const raw = mime({
      from: { name: 'Secrétariat', address: 'secretariat@chu.mssante.fr' },
      to: [OWNER],
      subject: 'Invitation',
      date: d(3),
      text: 'Voir pièce jointe.',
      parts: [
        { filename: 'invitation.ics', contentType: 'text/calendar; charset=ISO-8859-1; method=REQUEST', data: ics },
        { filename: 'resultat.hpr', contentType: 'text/plain; charset=ISO-8859-1', data: hpr },
      ],
    });
    const readable = new ReadableExport({ texts, rootDir: 'Messages', window: win });
    const r = await readable.addMessage({ mailboxFolder: 'INBOX', emlPath: 'INBOX/x.eml' }, piecesOf(raw, 1000));
    const file = (name: string) => r.entries.find((e) => e.path.endsWith(`/${name}`))!.bytes;
    expect(Buffer.from(file('invitation.ics')).equals(ics)).toBe(true);
    expect(Buffer.from(file('resultat.hpr')).equals(hpr)).toBe(true);
  });

  it('a message postal-mime refuses gets a page from its header block, pointing to its .eml', async () => {
    const readable = new ReadableExport({ texts, rootDir: 'Messages', window: win });
    let raw = 'From: "Dr Lefèvre" <lefevre@medecin.mssante.fr>\r\nSubject: Profond\r\nDate: Wed, 1 Jan 2025 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b0"\r\n\r\n';
    for (let i = 1; i < 300; i++) raw += `--b${i - 1}\r\nContent-Type: multipart/mixed; boundary="b${i}"\r\n\r\n`;
    const r = await readable.addMessage({ mailboxFolder: 'INBOX', emlPath: 'INBOX/x.eml' }, [new TextEncoder().encode(raw)]);
    expect(r.record.status).toBe('unreadable');
    expect(r.record.subject).toBe('Profond');
    expect(r.entries.map((e) => e.path)).toEqual([`${r.record.dir}/message.html`]);
    expect(r.record.dir).toMatch(/^Messages\/2025-01-01 \d\dh00 - Dr Lefèvre - Profond$/);
    const page = new TextDecoder().decode(r.entries[0]!.bytes);
    expect(page).toContain('n’a pas pu être lu');
    expect(page).toContain('href="../../INBOX/x.eml"');
  });

  it('parses a message exactly at the cap, and only the header block of one byte more', async () => {
    const raw = mime({ from: { name: 'A', address: 'a@b.fr' }, to: [OWNER], subject: 'Cap', date: d(8), text: 'x'.repeat(10_000) });
    const at = new ReadableExport({ texts, rootDir: 'Messages', window: win, maxParseBytes: raw.length });
    expect((await at.addMessage({ mailboxFolder: 'INBOX', emlPath: null }, piecesOf(raw, 1000))).record.status).toBe('ok');
    const over = new ReadableExport({ texts, rootDir: 'Messages', window: win, maxParseBytes: raw.length - 1 });
    const r = await over.addMessage({ mailboxFolder: 'INBOX', emlPath: null }, piecesOf(raw, 1000));
    expect(r.record).toMatchObject({ status: 'too-large', subject: 'Cap', size: raw.length });
  });
});

describe('attachment bytes from another realm', () => {
  it('copies a buffer of another realm (postal-mime through the page window\'s Blob in a Firefox content script) into one hashing accepts', () => {
    const foreign = vm.runInNewContext('new Uint8Array([1, 2, 3, 250]).buffer') as ArrayBuffer;
    expect(foreign instanceof ArrayBuffer).toBe(false);
    const bytes = toBytes(foreign);
    expect(bytes instanceof Uint8Array).toBe(true);
    expect([...bytes]).toEqual([1, 2, 3, 250]);
    expect(() => sha256(bytes)).not.toThrow();
    const own = new Uint8Array([9]).buffer;
    expect(toBytes(own).buffer).toBe(own);
  });
});
