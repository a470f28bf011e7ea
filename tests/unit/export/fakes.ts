/**
 * Fakes for the export's unit tests: a Webmail that only serves raw messages (in chunks, optionally failing or
 * slow), an in-memory "file the user chose" (a FileSystemFileHandle stand-in that keeps a swap buffer until close,
 * like Chromium), and an in-memory downloads transport. They record what they saw, so tests compare real bytes.
 */
import { unzipSync } from 'fflate';
import { createHash } from 'node:crypto';
import type { MessageRef, Webmail } from '../../../lib/webmail/types';
import { WebmailError } from '../../../lib/webmail/types';
import { splitHead } from '../../../lib/webmail/raw';
import type { DownloadTransport, SaveFile, SavedPart } from '../../../lib/export';
import type { ExportTexts } from '../../../lib/export';
import exportCatalog from '../../../lib/i18n/catalog/export';
import readableCatalog from '../../../lib/i18n/catalog/readable';
import { catalogTranslate } from '../../../lib/export/readable/texts';
import { JSDOM } from 'jsdom';

/** What the readable archive needs in Node: the catalog's texts and a jsdom window (DOMPurify, DOMParser). */
export const readableDeps = {
  readableTexts: { lang: 'fr' as const, tr: catalogTranslate(readableCatalog, 'fr'), reminder: exportCatalog.export_reminder.fr },
  window: new JSDOM('<!DOCTYPE html><html><body></body></html>').window as unknown as Window,
};

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export function textsFor(lang: 'fr' | 'en' = 'fr'): ExportTexts {
  const c = exportCatalog;
  return {
    noSubject: c.export_noSubject[lang],
    noDate: c.export_noDate[lang],
    partWord: c.export_partWord[lang],
    manifestName: c.export_manifestName[lang],
    readmeName: c.export_readmeName[lang],
    readme: c.export_readme[lang],
    readmeReadable: c.export_readmeReadable[lang],
    readmeReadableParts: c.export_readmeReadableParts[lang],
    columns: [
      c.export_col_part[lang],
      c.export_col_file[lang],
      c.export_col_folder[lang],
      c.export_col_date[lang],
      c.export_col_from[lang],
      c.export_col_subject[lang],
      c.export_col_size[lang],
      c.export_col_sha256[lang],
      c.export_col_folderId[lang],
      c.export_col_id[lang],
    ],
  };
}

export interface RawStore {
  get(ref: MessageRef): Uint8Array | undefined;
}

export interface FakeRawOptions {
  /** Bytes per chunk of the stream. */
  chunk?: number;
  /** Ids whose download fails (rejects with this code) — at the request, or midway through the stream. */
  fail?: Map<string, { code: 'network' | 'not-found' | 'server'; midway?: boolean }>;
  /** Called before each message is served (to abort from a test at a given point). */
  onRequest?: (ref: MessageRef, n: number) => void;
  rawDownload?: boolean;
  /** Serve byte streams (type 'bytes', as fetch bodies are), so the exporter reads them with a BYOB reader. */
  byteStream?: boolean;
}

export function rawWebmail(store: RawStore, opts: FakeRawOptions = {}): Webmail & { requests: MessageRef[] } {
  const requests: MessageRef[] = [];
  const notHere = () => {
    throw new Error('not used by the export');
  };
  return {
    requests,
    detection: { kind: 'roundcube', page: 'mail', supported: true },
    capabilities: {
      folders: false,
      search: false,
      rawDownload: opts.rawDownload ?? true,
      compose: false,
      maxBatch: 100,
      exactSizes: false,
    },
    quota: null,
    mailbox: null,
    account: notHere,
    folders: notHere,
    search: notHere,
    composeEditors: () => [],
    uiAnchor: () => null,
    dispose: () => undefined,
    async rawMessage(ref, o) {
      requests.push(ref);
      opts.onRequest?.(ref, requests.length);
      o?.signal?.throwIfAborted();
      const failure = opts.fail?.get(ref.id);
      if (failure && !failure.midway) throw new WebmailError(failure.code, `fake ${failure.code}`);
      const raw = store.get(ref);
      if (!raw) throw new WebmailError('not-found', 'no such message');
      const chunk = opts.chunk ?? 16 * 1024;
      let at = 0;
      if (opts.byteStream) {
        return splitHead(new ReadableStream({
          type: 'bytes',
          pull(controller) {
            if (o?.signal?.aborted) return controller.error(o.signal.reason);
            if (failure?.midway && at >= raw.length / 2) return controller.error(new WebmailError(failure.code, `fake ${failure.code} midway`));
            if (at >= raw.length) {
              controller.close();
              controller.byobRequest?.respond(0);
              return;
            }
            const req = controller.byobRequest;
            if (req?.view) {
              const view = new Uint8Array(req.view.buffer, req.view.byteOffset, req.view.byteLength);
              const n = Math.min(chunk, view.length, raw.length - at);
              view.set(raw.subarray(at, at + n));
              at += n;
              req.respond(n);
            } else {
              controller.enqueue(raw.slice(at, at + chunk));
              at += chunk;
            }
          },
        }) as ReadableStream<Uint8Array>);
      }
      return splitHead(new ReadableStream<Uint8Array>({
        pull(controller) {
          if (o?.signal?.aborted) {
            controller.error(o.signal.reason);
            return;
          }
          if (failure?.midway && at >= raw.length / 2) {
            controller.error(new WebmailError(failure.code, `fake ${failure.code} midway`));
            return;
          }
          if (at >= raw.length) {
            controller.close();
            return;
          }
          // A fresh copy each time, as a network stream gives.
          controller.enqueue(raw.slice(at, at + chunk));
          at += chunk;
        },
      }));
    },
  };
}

/** A user-chosen file, in memory: writes go to a swap buffer; close() moves them into place (as Chromium does). */
export class MemoryFile implements SaveFile {
  content: Uint8Array | null = new Uint8Array(0);
  removed = false;
  writes = 0;
  aborted = false;
  closed = false;
  /** Corrupt the byte at this offset of what is written (to test the check). */
  corruptAt: number | null = null;
  /** Fail the n-th write. */
  failWrite: number | null = null;
  /** Largest single write seen. */
  largestWrite = 0;

  constructor(readonly name = 'export.zip') {}

  async createWritable() {
    const chunks: Uint8Array[] = [];
    let size = 0;
    return {
      write: async (data: Uint8Array) => {
        this.writes++;
        if (this.failWrite === this.writes) throw new DOMException('disk full', 'QuotaExceededError');
        this.largestWrite = Math.max(this.largestWrite, data.length);
        // The caller may reuse its buffer once the write resolved: copy, as the browser does.
        const copy = data.slice();
        if (this.corruptAt !== null && this.corruptAt >= size && this.corruptAt < size + copy.length) copy[this.corruptAt - size]! ^= 0xff;
        chunks.push(copy);
        size += copy.length;
      },
      close: async () => {
        const out = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          out.set(c, at);
          at += c.length;
        }
        this.content = out;
        this.closed = true;
      },
      abort: async () => {
        this.aborted = true;
        chunks.length = 0;
      },
    };
  }

  async getFile(): Promise<Blob> {
    if (this.removed || !this.content) throw new DOMException('gone', 'NotFoundError');
    return new Blob([this.content as Uint8Array<ArrayBuffer>]);
  }

  async remove(): Promise<void> {
    this.removed = true;
    this.content = null;
  }
}

export class MemoryDownloads implements DownloadTransport {
  saved = new Map<number, { filename: string; bytes: Uint8Array }>();
  removed: number[] = [];
  private next = 1;
  /** Report this size instead of the real one for the n-th part (1-based). */
  wrongSizeFor: number | null = null;
  failFor: number | null = null;
  count = 0;

  async save(blob: Blob, filename: string): Promise<SavedPart> {
    this.count++;
    if (this.failFor === this.count) throw new Error('download interrupted: FILE_NO_SPACE');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    const id = this.next++;
    this.saved.set(id, { filename, bytes });
    return { downloadId: id, path: `/home/user/Téléchargements/${filename}`, bytes: this.wrongSizeFor === this.count ? bytes.length - 1 : bytes.length };
  }

  async remove(ids: number[]): Promise<void> {
    for (const id of ids) {
      this.saved.delete(id);
      this.removed.push(id);
    }
  }

  parts(): { filename: string; bytes: Uint8Array }[] {
    return [...this.saved.values()];
  }
}

export function unzip(bytes: Uint8Array): Record<string, Uint8Array> {
  return unzipSync(bytes);
}

/** A small RFC 4180 parser (";" separator), to read back the CSV manifest. */
export function parseCsv(text: string, sep = ';'): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        i++;
        continue;
      }
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      quoted = true;
      i++;
    } else if (ch === sep) {
      row.push(field);
      field = '';
      i++;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 2;
    } else {
      field += ch;
      i++;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A plain RFC 822 message. */
export function makeMessage(o: { subject?: string; from?: string; date?: string; body?: string | Uint8Array; extraHeaders?: string }): Uint8Array {
  const head =
    (o.from !== undefined ? `From: ${o.from}\r\n` : '') +
    (o.subject !== undefined ? `Subject: ${o.subject}\r\n` : '') +
    (o.date !== undefined ? `Date: ${o.date}\r\n` : '') +
    (o.extraHeaders ?? '') +
    'MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n';
  const h = new TextEncoder().encode(head);
  const b = typeof o.body === 'string' || o.body === undefined ? new TextEncoder().encode(o.body ?? 'Bonjour.\r\n') : o.body;
  const out = new Uint8Array(h.length + b.length);
  out.set(h);
  out.set(b, h.length);
  return out;
}

export function mapStore(entries: { ref: MessageRef; raw: Uint8Array }[]): RawStore {
  const m = new Map(entries.map((e) => [`${e.ref.folderId}\u0000${e.ref.id}`, e.raw]));
  return { get: (ref) => m.get(`${ref.folderId}\u0000${ref.id}`) };
}
