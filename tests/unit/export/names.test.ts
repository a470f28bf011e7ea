/** File names inside the export zip, the CSV/JSON manifests and header reading: examples and properties. */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { NameRegistry, localDay, messageFileName, safeSegment, truncateUtf8, utf8Length } from '../../../lib/export/names';
import { ManifestBuilder, csvLine, csvText, isoLocal, type ManifestEntry } from '../../../lib/export/manifest';
import { readHeaders } from '../../../lib/export/headers';
import { makeMessage, parseCsv, textsFor } from './fakes';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const texts = textsFor('fr');
const enc = new TextEncoder();

/** What every path segment must satisfy on Windows, macOS and Linux. */
function assertSafeSegment(s: string) {
  expect(s.length).toBeGreaterThan(0);
  expect(s).not.toMatch(/[<>:"/\\|?*\u0000-\u001f\u007f-\u009f]/);
  expect(s).not.toMatch(/[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/);
  expect(s).not.toMatch(/^[.\s]|[.\s]$/);
  expect(s).not.toMatch(/^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i);
  expect(s).toBe(s.normalize('NFC'));
  expect(utf8Length(s)).toBeLessThanOrEqual(255);
}

describe('safe names', () => {
  it('keep French names readable', () => {
    expect(safeSegment('Boîte de réception')).toBe('Boîte de réception');
    expect(messageFileName({ date: Date.parse('2025-03-02T10:15:00+01:00'), subject: 'CR hospitalisation – M. X', id: '1234' }, texts)).toBe(
      '2025-03-02 CR hospitalisation – M. X (1234).eml',
    );
    expect(messageFileName({ date: null, subject: '   ', id: '9' }, texts)).toBe('sans date (sans objet) (9).eml');
    expect(messageFileName({ date: null, subject: '', id: '9' }, textsFor('en'))).toBe('no date (no subject) (9).eml');
  });

  it('remove what Windows, macOS or Linux refuse, and path traversal', () => {
    expect(safeSegment('RE: a/b\\c*?"<>|')).toBe('RE- a-b-c______');
    expect(safeSegment('..')).toBe('_');
    expect(safeSegment('../../etc/passwd')).toBe('-..-etc-passwd');
    expect(safeSegment('  .cache. ')).toBe('cache');
    expect(safeSegment('CON')).toBe('_CON');
    expect(safeSegment('lpt1.txt')).toBe('_lpt1.txt');
    expect(safeSegment('a\u202egpj.exe')).toBe('agpj.exe');
    expect(safeSegment('tab\there\r\nnew')).toBe('tab here new');
    expect(safeSegment('e\u0301cho')).toBe('écho'); // NFD → NFC
    expect(safeSegment('')).toBe('_');
  });

  it('cut long names on whole characters, within a UTF-8 byte budget', () => {
    const long = 'é'.repeat(200);
    const s = safeSegment(long, 100);
    expect(utf8Length(s)).toBeLessThanOrEqual(100);
    expect(s).toBe('é'.repeat(50));
    expect(truncateUtf8('a😀b', 4)).toBe('a'); // never half an emoji
    const name = messageFileName({ date: 0, subject: '😀'.repeat(500), id: 'x'.repeat(500) }, texts);
    expect(utf8Length(name)).toBeLessThanOrEqual(255);
  });

  it('use the local calendar day', () => {
    // 23:30 UTC on 1 March is 2 March in Paris.
    expect(localDay(Date.parse('2025-03-01T23:30:00Z'))).toBe('2025-03-02');
    expect(localDay(null)).toBeNull();
    expect(localDay(NaN)).toBeNull();
  });

  it('are unique ignoring case, across folders that clean to the same name, and never clash with root files', () => {
    const reg = new NameRegistry(['LISEZMOI.txt', 'manifeste.csv', 'manifeste.json']);
    const p = (folderPath: string, subject: string, id: string) => reg.messagePath({ folderPath, date: null, subject, id }, texts);
    const a = p('Patients', 'Bilan', '1');
    const b = p('Patients', 'bilan', '1'); // same id in another… same folder: suffix
    const c = p('patients', 'Bilan', '1'); // a different folder differing only by case
    const d = p('Patients?', 'Bilan', '1');
    const e = p('Patients*', 'Bilan', '1');
    const f = p('manifeste.csv', 'x', '2'); // a folder named like a root file
    expect(a).toBe('Patients/sans date Bilan (1).eml');
    expect(b).toBe('Patients/sans date bilan (1) (2).eml');
    expect(c).toBe('patients (2)/sans date Bilan (1).eml');
    expect(d).toBe('Patients_/sans date Bilan (1).eml');
    expect(e).toBe('Patients_ (2)/sans date Bilan (1).eml');
    expect(f).toBe('manifeste.csv (2)/sans date x (2).eml');
    // The same folder keeps its directory.
    expect(p('patients', 'Autre', '3')).toBe('patients (2)/sans date Autre (3).eml');
  });

  it('property: any folder path, subject and id give a safe, unique path', () => {
    const anyText = fc.string({ unit: fc.constantFrom('a', 'A', 'é', 'É', '.', ' ', '/', '\\', ':', '*', '?', '"', '<', '>', '|', '\u0000', '\n', '\u202e', '😀', 'con', 'e\u0301'), maxLength: 40 });
    fc.assert(
      fc.property(fc.array(fc.record({ folder: anyText, subject: anyText, id: anyText, date: fc.option(fc.integer({ min: -1e13, max: 4e12 })) }), { maxLength: 40 }), (msgs) => {
        const reg = new NameRegistry(['LISEZMOI.txt', 'manifeste.csv', 'manifeste.json']);
        const seen = new Set<string>();
        const dirs = new Set<string>();
        for (const m of msgs) {
          const path = reg.messagePath({ folderPath: m.folder, date: m.date, subject: m.subject, id: m.id }, texts);
          const segs = path.split('/');
          expect(segs.length).toBeGreaterThanOrEqual(2);
          for (const s of segs) assertSafeSegment(s);
          expect(path.endsWith('.eml')).toBe(true);
          const k = path.toLowerCase();
          expect(seen.has(k)).toBe(false);
          seen.add(k);
          for (let i = 1; i < segs.length; i++) dirs.add(segs.slice(0, i).join('/').toLowerCase());
        }
        // No file has the same path as a directory.
        for (const k of seen) expect(dirs.has(k)).toBe(false);
        for (const root of ['lisezmoi.txt', 'manifeste.csv', 'manifeste.json']) {
          expect(seen.has(root)).toBe(false);
          expect(dirs.has(root)).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('manifests', () => {
  const entry = (over: Partial<ManifestEntry> = {}): ManifestEntry => ({
    part: null,
    file: 'Boîte de réception/2025-03-02 CR (1).eml',
    folder: 'Boîte de réception',
    date: '2025-03-02T10:15:00+01:00',
    from: '"Dr Petit" <a@b.fr>',
    subject: 'CR',
    size: 1234,
    sha256: 'ab'.repeat(32),
    folderId: 'INBOX',
    id: '1',
    ...over,
  });

  it('quote every text field and neutralise formulas', () => {
    expect(csvText('a;b')).toBe('"a;b"');
    expect(csvText('dit "bonjour"')).toBe('"dit ""bonjour"""');
    expect(csvText('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvText('+33 6')).toBe(`"'+33 6"`);
    expect(csvText('-2')).toBe(`"'-2"`);
    expect(csvText('@SUM(1)')).toBe(`"'@SUM(1)"`);
    expect(csvText(null)).toBe('""');
    expect(csvLine(entry())).toBe(
      ';"Boîte de réception/2025-03-02 CR (1).eml";"Boîte de réception";"2025-03-02T10:15:00+01:00";"""Dr Petit"" <a@b.fr>";"CR";1234;"' +
        'ab'.repeat(32) +
        '";"INBOX";"1"\r\n',
    );
  });

  it('write ISO 8601 dates with the local offset', () => {
    expect(isoLocal(Date.parse('2025-03-02T09:15:00Z'))).toBe('2025-03-02T10:15:00+01:00');
    expect(isoLocal(Date.parse('2025-07-14T12:00:05Z'))).toBe('2025-07-14T14:00:05+02:00');
    expect(isoLocal(null)).toBeNull();
  });

  it('property: CSV reads back to the same values; sizes are known before building', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', ';', '"', '\r', '\n', ',', ' ', '=', '+', '-', '@', '\t', '😀'), maxLength: 30 });
    fc.assert(
      fc.property(
        fc.array(fc.record({ folder: text, from: text, subject: text, size: fc.nat(), part: fc.option(fc.integer({ min: 1, max: 200 })) }), { maxLength: 20 }),
        (rows) => {
          const b = new ManifestBuilder(texts, { format: 'balise-export/1', createdAt: 'x', part: null });
          const entries = rows.map((r, i) => entry({ ...r, id: String(i) }));
          let predicted = b.csvBytes + b.jsonBytes;
          for (const e of entries) {
            predicted += ManifestBuilder.cost(e, b.count === 0);
            b.add(e);
          }
          const { csv, json } = b.build();
          expect(csv.length + json.length).toBe(predicted);
          expect(csv.length).toBe(b.csvBytes);
          expect(json.length).toBe(b.jsonBytes);
          const parsed = parseCsv(new TextDecoder('utf-8', { ignoreBOM: true }).decode(csv).slice(1));
          expect(parsed).toHaveLength(entries.length + 1);
          const unformula = (s: string) => s.replace(/^'(?=[=+\-@\t\r])/, '');
          for (const [i, e] of entries.entries()) {
            const row = parsed[i + 1]!;
            expect(row).toHaveLength(10);
            expect(row[0]).toBe(e.part === null ? '' : String(e.part));
            expect(unformula(row[2]!)).toBe(e.folder);
            expect(unformula(row[4]!)).toBe(e.from);
            expect(unformula(row[5]!)).toBe(e.subject);
            expect(Number(row[6])).toBe(e.size);
          }
          const j = JSON.parse(new TextDecoder().decode(json));
          expect(j.messages).toEqual(entries);
          expect(enc.encode(JSON.stringify(j)).length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('headers', () => {
  it('decode encoded words, unfold, and read the date', () => {
    const raw = makeMessage({
      subject: '=?ISO-8859-1?Q?R=E9sultats_d=27analyses?=\r\n =?UTF-8?B?IOKAkyBNbWUgWQ==?=',
      from: '=?UTF-8?Q?Laboratoire_Biom=C3=A9dical?= <labo@bio.mssante.fr>',
      date: 'Tue, 4 Mar 2025 12:00:00 +0100 (CET)',
    });
    expect(readHeaders(raw)).toEqual({
      subject: "Résultats d'analyses – Mme Y",
      from: 'Laboratoire Biomédical <labo@bio.mssante.fr>',
      date: Date.parse('2025-03-04T11:00:00Z'),
    });
  });

  it('read raw UTF-8 and Latin-1 headers, and ignore the body', () => {
    expect(readHeaders(makeMessage({ subject: 'Compte rendu opératoire' })).subject).toBe('Compte rendu opératoire');
    const latin1 = new Uint8Array([...enc.encode('Subject: '), 0x52, 0xe9, 0x73, ...enc.encode('\r\n\r\nSubject: no\r\n')]);
    expect(readHeaders(latin1)).toEqual({ subject: 'Rés', from: null, date: null });
    expect(readHeaders(enc.encode('X: 1\n\nSubject: body'))).toEqual({ subject: null, from: null, date: null });
  });

  it('strip control characters a subject could hide', () => {
    expect(readHeaders(makeMessage({ subject: '=?UTF-8?Q?a=00b=07c?=' })).subject).toBe('abc');
  });
});
