/**
 * Writing the export zip (with fflate's streaming Zip) and checking a written zip against what was meant to be in
 * it, reading it back piece by piece.
 *
 * Entries are STORED (fflate's ZipPassThrough), not deflated:
 * - the bytes inside the zip are the .eml bytes themselves, so re-reading an entry and hashing it checks exactly
 *   what the server sent, with no decompression in between;
 * - the size of a zip is known before a message is added (local header + data + data descriptor + central record)
 *   from the message's size, so parts stay within their bound (see export.ts for sizes a webmail rounds);
 * - a message can be added piece by piece as it downloads (open / push / close: its sizes and CRC follow the data
 *   in a data descriptor), so none is ever held whole;
 * - deflate would run on the webmail's own page thread (the async variant needs workers, which a page's CSP may
 *   forbid) for little gain: most of a medical mailbox is base64 attachments (PDF, images, XDM zips), which
 *   deflate to about 75 %.
 *
 * fflate writes no ZIP64: one zip holds at most 65 535 entries and 4 GiB; the export checks this before writing.
 * Layout fflate writes for each entry (flag bit 3 set): local header (30 + name), data, data descriptor (16);
 * central record (46 + name); end of central directory (22, no comment). UTF-8 names get flag bit 11.
 *
 * Why one file a little past 400 lines: the writer and the checker are two halves of one format (the checker reads
 * back exactly the layout the writer lays down: local headers, descriptors, the central directory), and the hashes
 * both use live here so that a written entry and its read-back are hashed by the same code.
 */
import { Zip, ZipPassThrough } from 'fflate';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { Scratch } from './buffer';

/** The largest zip this writer can produce safely (no ZIP64): 4 GiB minus a margin for the central directory. */
export const ZIP_MAX_BYTES = 0xffffffff - 64 * 1024 * 1024;
export const ZIP_MAX_ENTRIES = 65_000;

const encoder = new TextEncoder();
/** Bytes read back at a time when checking an entry. */
const CHECK_PIECE = 1024 * 1024;

/** Bytes an entry adds to a zip: local header, data, data descriptor, central directory record. */
export function entryCost(name: string, size: number): number {
  const n = encoder.encode(name).length;
  return 30 + n + size + 16 + 46 + n;
}
export const EOCD_BYTES = 22;

/** DOS dates cover 1980–2107; fflate throws outside 1980–2099. */
function zipTime(ms: number | null, fallback: number): number {
  const y = ms === null ? NaN : new Date(ms).getFullYear();
  return y >= 1981 && y <= 2098 ? ms! : fallback;
}

export interface WrittenEntry {
  name: string;
  size: number;
  sha256: string;
}

/**
 * A zip being written. Each add() returns the chunks to write, in order (they may be the caller's own buffer: do
 * not reuse it until written). Sizes are tracked so that the final size is known in advance.
 */
export class ZipWriter {
  private zip: Zip;
  private out: Uint8Array[] = [];
  private error: Error | null = null;
  /** Bytes emitted so far. */
  written = 0;
  /** Size of the central directory so far. */
  private central = 0;
  entries: WrittenEntry[] = [];
  private readonly created = Date.now();

  constructor() {
    this.zip = new Zip((err, chunk) => {
      if (err) this.error = err;
      else if (chunk) {
        this.out.push(chunk);
        this.written += chunk.length;
      }
    });
  }

  /** Final size of the zip if it ended now. */
  get projected(): number {
    return this.written + this.central + EOCD_BYTES;
  }

  /** Final size of the zip if these entries were added, then it ended. */
  projectedWith(entries: { name: string; size: number }[]): number {
    return entries.reduce((sum, e) => sum + entryCost(e.name, e.size), this.projected);
  }

  /** A whole entry at once (read-me, manifests). */
  add(name: string, data: Uint8Array, sha256: string, mtime: number | null): Uint8Array[] {
    const chunks = this.open(name, mtime);
    chunks.push(...this.push(data, true));
    this.close(sha256);
    return chunks;
  }

  private file: ZipPassThrough | null = null;
  private fileName = '';
  private fileSize = 0;
  private fileDone = false;

  /**
   * Starts an entry whose size is not known yet (its local header says so; sizes and CRC follow the data in a data
   * descriptor). Then push() its bytes in order (the last push with `final`), then close() with its SHA-256.
   */
  open(name: string, mtime: number | null): Uint8Array[] {
    if (this.file) throw new Error(`zip: ${this.fileName} is still open`);
    const file = new ZipPassThrough(name);
    file.mtime = zipTime(mtime, this.created);
    this.zip.add(file);
    if (this.error) throw this.error;
    this.file = file;
    this.fileName = name;
    this.fileSize = 0;
    this.fileDone = false;
    return this.take();
  }

  /** Bytes of the open entry; the chunks returned may be `data` itself (write them before reusing its buffer). */
  push(data: Uint8Array, final = false): Uint8Array[] {
    if (!this.file || this.fileDone) throw new Error('zip: no entry open');
    this.file.push(data, final);
    if (this.error) throw this.error;
    this.fileSize += data.length;
    this.fileDone = final;
    return this.take();
  }

  /** The open entry is complete (its last push was final). */
  close(sha256: string): void {
    if (!this.file || !this.fileDone) throw new Error('zip: the entry is not complete');
    this.central += 46 + encoder.encode(this.fileName).length;
    this.entries.push({ name: this.fileName, size: this.fileSize, sha256 });
    this.file = null;
  }

  end(): Uint8Array[] {
    if (this.file) throw new Error(`zip: ${this.fileName} is still open`);
    this.zip.end();
    if (this.error) throw this.error;
    return this.take();
  }

  private take(): Uint8Array[] {
    const chunks = this.out;
    this.out = [];
    return chunks;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Reading back

/** Random access to bytes that were written (a File from a file handle, a Blob). */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Uint8Array>;
}

/**
 * Firefox: in a content script, the ArrayBuffer a Blob gives (arrayBuffer(), FileReader, Response) belongs to the
 * page, and a Uint8Array over it cannot be sliced, subarray'd or decoded ("Permission denied to access property
 * constructor"), though it can be indexed and hashed. Bytes that need more than that are copied into our own buffer.
 */
function own(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy;
}

/** Read a Blob exactly, with a BYOB reader, into the scratch buffer (no fresh ArrayBuffer per read). */
async function readBlobInto(blob: Blob, scratch: Scratch): Promise<Uint8Array> {
  const reader = blob.stream().getReader({ mode: 'byob' });
  let buf = scratch.take(Math.max(blob.size, 1));
  let n = 0;
  try {
    while (n < blob.size) {
      const r = await reader.read(new Uint8Array(buf, n, buf.byteLength - n));
      if (r.value) buf = r.value.buffer as ArrayBuffer;
      if (r.done) break;
      n += r.value!.byteLength;
    }
  } finally {
    scratch.put(buf);
    reader.releaseLock();
  }
  if (n !== blob.size) throw new ZipFormatError(`read ${n} bytes of ${blob.size}`);
  return new Uint8Array(buf, 0, n);
}

/**
 * Random access to a Blob (or a File read back from a handle). With a scratch buffer, reads go into it (a view
 * valid until the next read): straight through a BYOB reader on the Blob's stream where the browser allows,
 * otherwise (Firefox content scripts, whose Blob streams and buffers belong to the page) copied in. Without one,
 * each read is a fresh copy. Either way the bytes are in a buffer of this script's own realm.
 */
export function blobSource(blob: Blob, scratch?: Scratch): ByteSource {
  let byob: boolean | undefined = scratch ? undefined : false;
  return {
    size: blob.size,
    read: async (offset, length) => {
      const part = blob.slice(offset, offset + length);
      if (scratch && byob !== false && length >= 64 * 1024) {
        try {
          const view = await readBlobInto(part, scratch);
          byob = true;
          return view;
        } catch (e) {
          if (byob) throw e;
          byob = false;
        }
      }
      const got = new Uint8Array(await part.arrayBuffer());
      if (!scratch) return own(got);
      const into = new Uint8Array(scratch.take(got.length), 0, got.length);
      into.set(got);
      return into;
    },
  };
}

/**
 * SHA-256 of bytes held whole, in hex: the browser's own digest where there is one (native, about 8× @noble/hashes:
 * bench/export.ts hashes every message twice, once written and once read back), else @noble/hashes (the streaming
 * hash's code; a page served over plain http has no crypto.subtle). The digest's buffer may be the page's (Firefox
 * content scripts): it is read byte by byte, which Xrays allow.
 */
export async function sha256Hex(data: Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle && data.length >= 4096) {
    let digest: ArrayBuffer | null = null;
    try {
      digest = await subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>);
    } catch {
      digest = null; // e.g. a buffer the engine will not hand over: the portable hash below
    }
    if (digest) {
      const view = new Uint8Array(digest);
      const own = new Uint8Array(32);
      for (let i = 0; i < 32; i++) own[i] = view[i]!;
      return bytesToHex(own);
    }
  }
  return bytesToHex(sha256(data));
}

/** A SHA-256 fed piece by piece. */
export function sha256Stream(): { update(piece: Uint8Array): void; hex(): string } {
  const h = sha256.create();
  return {
    update: (piece) => void h.update(piece),
    hex: () => bytesToHex(h.digest()),
  };
}


const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

export interface CentralEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  localOffset: number;
}

export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

/** Parse the end record and the central directory. */
export async function readCentralDirectory(src: ByteSource): Promise<CentralEntry[]> {
  if (src.size < EOCD_BYTES) throw new ZipFormatError('too short to be a zip');
  // We write no comment, but accept one (up to 64 KiB) so that this also reads zips from elsewhere.
  const tailLen = Math.min(src.size, EOCD_BYTES + 0xffff);
  const tail = own(await src.read(src.size - tailLen, tailLen));
  let at = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50 && i + EOCD_BYTES + u16(tail, i + 20) === tail.length) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new ZipFormatError('no end of central directory');
  const count = u16(tail, at + 10);
  const cdSize = u32(tail, at + 12);
  const cdOffset = u32(tail, at + 16);
  const eocdOffset = src.size - tailLen + at;
  if (cdOffset + cdSize !== eocdOffset) throw new ZipFormatError('central directory is not where the end record says');
  const cd = own(await src.read(cdOffset, cdSize));
  const out: CentralEntry[] = [];
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) throw new ZipFormatError(`bad central record ${i}`);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    out.push({
      method: u16(cd, p + 10),
      crc: u32(cd, p + 16),
      compressedSize: u32(cd, p + 20),
      size: u32(cd, p + 24),
      localOffset: u32(cd, p + 42),
      name: utf8.decode(cd.subarray(p + 46, p + 46 + nameLen)),
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (p !== cd.length) throw new ZipFormatError('central directory has trailing bytes');
  return out;
}

/** Bytes read back at once while checking: entries lie one after another, so most reads fall in the last window. */
const CHECK_WINDOW = 4 * 1024 * 1024;

/**
 * Reads of up to `windowBytes` served from the last window read (the window moved forward when a read leaves it):
 * reading a saved zip back costs a few large reads instead of two per entry (each read of a saved file is a round
 * trip to the browser's file storage: ~2,000 for a 1,000-message export, seconds of the check). A view is valid
 * until the next read, as blobSource's with a scratch buffer.
 */
function windowed(src: ByteSource, windowBytes: number): ByteSource {
  let at = 0;
  let buf: Uint8Array | null = null;
  return {
    size: src.size,
    read: async (offset, length) => {
      if (length > windowBytes || offset >= src.size) return src.read(offset, length);
      if (!buf || offset < at || offset + length > at + buf.length) {
        buf = null;
        buf = await src.read(offset, Math.min(windowBytes, src.size - offset));
        at = offset;
      }
      return buf.subarray(offset - at, Math.min(buf.length, offset - at + length));
    },
  };
}

export interface ZipCheck {
  /** Entries found in the central directory. */
  found: number;
  expected: number;
  /** Entries whose name, size and SHA-256 (of the bytes re-read) match, in order. */
  matched: number;
  problems: string[];
  ok: boolean;
}

/**
 * Re-read a written zip and compare it with what was meant to be written: same entries in the same order, each
 * stored, with the same size and the same SHA-256 (computed from the bytes read back, one entry at a time, so
 * memory stays bounded by the largest entry).
 */
export async function checkZip(whole: ByteSource, expected: WrittenEntry[], opts: { signal?: AbortSignal; onEntry?: (i: number) => void } = {}): Promise<ZipCheck> {
  const src = windowed(whole, CHECK_WINDOW);
  const problems: string[] = [];
  let entries: CentralEntry[];
  try {
    entries = await readCentralDirectory(src);
  } catch (e) {
    return { found: 0, expected: expected.length, matched: 0, problems: [(e as Error).message], ok: false };
  }
  if (entries.length !== expected.length) problems.push(`${entries.length} entries found, ${expected.length} expected`);
  let matched = 0;
  let end = 0;
  for (let i = 0; i < Math.min(entries.length, expected.length); i++) {
    opts.signal?.throwIfAborted();
    const e = entries[i]!;
    const want = expected[i]!;
    if (e.name !== want.name) {
      problems.push(`entry ${i}: name ${JSON.stringify(e.name)} instead of ${JSON.stringify(want.name)}`);
      continue;
    }
    if (e.method !== 0 || e.compressedSize !== e.size || e.size !== want.size) {
      problems.push(`${want.name}: method ${e.method}, ${e.compressedSize}/${e.size} bytes instead of ${want.size} stored`);
      continue;
    }
    if (e.localOffset !== end) problems.push(`${want.name}: starts at ${e.localOffset}, ${end} expected`);
    const local = own(await src.read(e.localOffset, 30));
    if (local.length < 30 || u32(local, 0) !== 0x04034b50) {
      problems.push(`${want.name}: no local header`);
      continue;
    }
    const dataAt = e.localOffset + 30 + u16(local, 26) + u16(local, 28);
    // Hashed piece by piece as read: memory stays at one piece whatever the entry's size (an entry of one piece is
    // hashed whole, by the browser's own digest where there is one).
    const h = e.size > CHECK_PIECE ? sha256Stream() : null;
    let whole: Promise<string> | null = null;
    let got = 0;
    while (got < e.size) {
      opts.signal?.throwIfAborted();
      const piece = await src.read(dataAt + got, Math.min(CHECK_PIECE, e.size - got));
      if (!piece.length) break;
      if (h) h.update(piece);
      else whole = sha256Hex(piece); // the digest copies its input at once: the view may then be reused
      got += piece.length;
    }
    if (got !== want.size) {
      problems.push(`${want.name}: ${got} bytes read back, ${want.size} expected`);
      continue;
    }
    const hash = h ? h.hex() : await (whole ?? sha256Hex(new Uint8Array(0)));
    if (hash !== want.sha256) {
      problems.push(`${want.name}: SHA-256 differs`);
      continue;
    }
    // Data descriptor after the data (flag bit 3).
    end = dataAt + e.size + ((u16(local, 6) & 8) !== 0 ? 16 : 0);
    matched++;
    opts.onEntry?.(i);
  }
  return { found: entries.length, expected: expected.length, matched, problems, ok: problems.length === 0 && matched === expected.length };
}
