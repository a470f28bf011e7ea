/**
 * Properties of the export over random mailboxes and part sizes: every message is in the export exactly once,
 * byte for byte; every zip is valid on its own; no part exceeds the bound unless it holds a single message larger
 * than the bound; manifests list exactly what their zip holds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { exportMessages, type ExportItem } from '../../../lib/export';
import { blobSource, readCentralDirectory } from '../../../lib/export/zip';
import { MemoryDownloads, MemoryFile, makeMessage, mapStore, rawWebmail, sha256, textsFor, unzip, readableDeps } from './fakes';

beforeAll(() => {
  process.env.TZ = 'Europe/Paris';
});

const texts = textsFor('fr');
const dec = new TextDecoder();
const same = (a: Uint8Array | undefined, b: Uint8Array) => !!a && Buffer.from(a).equals(Buffer.from(b));

const mailbox = fc.array(
  fc.record({
    folder: fc.constantFrom('Boîte de réception', 'INBOX', 'inbox', 'Patients/Archives', 'Envoyés', 'A:B', '..'),
    subject: fc.option(fc.string({ unit: fc.constantFrom('a', 'é', ' ', '/', ':', '"', ';', '\u202e', 'C', 'O', 'N'), maxLength: 20 })),
    size: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 0, max: 60_000 }), fc.constant(150_000)),
    day: fc.integer({ min: 1, max: 28 }),
  }),
  { maxLength: 25 },
);

function build(msgs: { folder: string; subject: string | null; size: number; day: number }[]) {
  const list = msgs.map((m, i) => ({
    ref: { folderId: m.folder, id: String(i + 1) },
    folderPath: m.folder,
    raw: makeMessage({
      ...(m.subject === null ? {} : { subject: m.subject }),
      from: 'a@b.fr',
      date: `${m.day} Mar 2025 10:00:00 +0100`,
      body: new Uint8Array(m.size).map((_, j) => (j * 31 + i) % 256),
    }),
  }));
  const items: ExportItem[] = list.map((m, i) => ({ ref: m.ref, folderPath: m.folderPath, ...(i % 2 ? { size: m.raw.length } : {}) }));
  return { list, items, store: mapStore(list) };
}

describe('export properties', () => {
  it('parts: complete, exact, standalone, bounded', async () => {
    await fc.assert(
      fc.asyncProperty(mailbox, fc.integer({ min: 8_000, max: 120_000 }), fc.boolean(), async (msgs, bound, byteStream) => {
        const { list, items, store } = build(msgs);
        const dl = new MemoryDownloads();
        const r = await exportMessages(rawWebmail(store, { chunk: 4096, byteStream }), items, { filenameBase: 'Export', partBytes: bound }, {
          texts,
          ...readableDeps,
          canPickFile: () => false,
          downloads: dl,
        });
        expect(r.verified).toBe(true);
        expect(r.messages).toHaveLength(list.length);
        const parts = dl.parts();
        expect(parts).toHaveLength(r.files.length);
        const found = new Map<string, Uint8Array>();
        for (const [i, p] of parts.entries()) {
          const z = unzip(p.bytes);
          const cd = await readCentralDirectory(blobSource(new Blob([p.bytes as Uint8Array<ArrayBuffer>])));
          expect(cd.map((e) => e.name)).toEqual(Object.keys(z));
          expect(cd.every((e) => e.method === 0)).toBe(true);
          const emls = Object.keys(z).filter((k) => k.endsWith('.eml'));
          expect(r.files[i]!.messages).toBe(emls.length);
          expect(r.files[i]!.bytes).toBe(p.bytes.length);
          if (p.bytes.length > bound) {
            const last = i === parts.length - 1;
            // Over the bound only for a single message that does not fit in a part even alone (with the read-me and
            // its manifest), or for the whole manifest alone in the last part.
            expect(emls.length === 1 || (last && emls.length === 0)).toBe(true);
          }
          for (const k of emls) {
            expect(found.has(k)).toBe(false);
            found.set(k, z[k]!);
          }
          if (emls.length) {
            const own = JSON.parse(dec.decode(z[`manifeste-partie-${String(i + 1).padStart(2, '0')}.json`]!));
            expect(own.messages.map((m: { file: string }) => m.file)).toEqual(emls);
            expect(own.messages.every((m: { part: number }) => m.part === i + 1)).toBe(true);
          }
        }
        const whole = JSON.parse(dec.decode(unzip(parts.at(-1)!.bytes)['manifeste.json']!));
        expect(whole.messages).toHaveLength(list.length);
        for (const [i, m] of list.entries()) {
          const e = r.messages[i]!;
          expect(same(found.get(e.path), m.raw)).toBe(true);
          expect(whole.messages[i].sha256).toBe(sha256(m.raw));
          expect(whole.messages[i].file).toBe(e.path);
          expect(whole.messages[i].part).toBe(e.fileIndex + 1);
        }
        expect(found.size).toBe(list.length);
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('one file: complete and exact', async () => {
    await fc.assert(
      fc.asyncProperty(mailbox, fc.boolean(), async (msgs, byteStream) => {
        const { list, items, store } = build(msgs);
        const file = new MemoryFile();
        const r = await exportMessages(rawWebmail(store, { chunk: 1000, byteStream }), items, { filenameBase: 'E' }, {
          texts,
          ...readableDeps,
          canPickFile: () => true,
          pickFile: async () => file,
        });
        expect(r.verified).toBe(true);
        const z = unzip(file.content!);
        expect(Object.keys(z).filter((k) => k.endsWith('.eml'))).toHaveLength(list.length);
        for (const [i, m] of list.entries()) expect(same(z[r.messages[i]!.path], m.raw)).toBe(true);
        const csv = dec.decode(z['manifeste.csv']!);
        expect(csv.split('\r\n').length).toBe(list.length + 2);
      }),
      { numRuns: 40 },
    );
  }, 120_000);
});
