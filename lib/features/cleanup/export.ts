/**
 * Export before delete: the raw messages (.eml, byte for byte as the server stores them) in a zip, with a manifest
 * (CSV for Excel, JSON), saved where the user can keep it, then read back and checked (count and SHA-256 of every
 * message) before anything is deleted.
 *
 *   const r = await exportMessages(webmail, items, { filenameBase, onProgress, signal });
 *   if (r.verified) … go on and delete exactly r.messages …
 *
 * Call exportMessages() straight from the user's click handler (before any await): in Chromium it opens the save
 * dialog first, which needs the click's user activation.
 *
 * Where it goes (lib/features/cleanup/export-targets.ts):
 * - 'file' (Chromium): one zip streamed into a file the user chooses; afterwards the file is read back through
 *   its handle, its central directory parsed and every entry hashed again (one entry at a time) and compared.
 * - 'downloads' (Firefox; Chromium when the export is too big for one zip): numbered zips of at most
 *   `partBytes` each ("<name>-partie-01.zip"…, each a complete zip with its own manifest; the whole manifest is in
 *   the last), built in memory one at a time, each read back and checked BEFORE it is handed to the background,
 *   which saves it with the downloads API and confirms it complete with the right size on disk.
 * 'auto' picks 'file' where the save dialog exists and the export fits in one zip, else 'downloads'.
 *
 * Memory: no message is held whole. Each is copied piece by piece (256 KiB, one reused buffer: export-buffer.ts),
 * hashed as it goes (@noble/hashes' streaming SHA-256: WebCrypto has no streaming digest) and written before the
 * next piece is read; only its header block (at most 256 KiB) is kept a moment, for the file name and manifest. So
 * in 'file' mode memory stays near a few pieces whatever the size of a message or of the export. In 'downloads'
 * mode the part being built is held too (at most `partBytes`, in the browser's blob storage), and released once
 * saved; a message whose size the webmail did not say is read whole there, since a part must know it first.
 *
 * Failures are loud: any message that cannot be read, any write, check or download that fails rejects with an
 * ExportError, after removing what was written (so no unchecked copy of patient data stays behind). The promise
 * only resolves when everything was checked; ExportResult.verification says what was checked and how.
 */
import type { MessageRef, MessageSummary, RawMessage, Webmail } from '../../webmail/types';
import { isWebmailError } from '../../webmail/types';
import { NameRegistry, safeBaseName, type NameTexts } from './export-names';
import { readHeaders } from './export-headers';
import { Scratch, messagePieces } from './export-buffer';
import { ManifestBuilder, isoLocal, type ManifestEntry, type ManifestMeta, type ManifestTexts } from './export-manifest';
import { ZIP_MAX_BYTES, ZIP_MAX_ENTRIES, ZipWriter, blobSource, checkZip, entryCost, sha256Hex, sha256Stream } from './export-zip';
import { send } from '../../messages/send';
import { t } from '../../i18n/t';
import { ExportError, isExportError } from './export-error';
import { backgroundDownloads, canPickFile, pickSaveFile, pickerError, type DownloadTransport, type SaveFile, type SavedPart, type WritableFile } from './export-targets';

export type { SaveFile, DownloadTransport, SavedPart } from './export-targets';
export { ExportError, isExportError, type ExportErrorCode } from './export-error';

export const MiB = 1024 * 1024;
export const DEFAULT_PART_BYTES = 64 * MiB;

// ---------------------------------------------------------------------------------------------------------------
// The contract

export interface ExportItem {
  ref: MessageRef;
  /** The folder's path as the webmail shows it ("Boîte de réception", "Patients/Archives"): the zip's folders. */
  folderPath: string;
  /** Expected size (from the listing; may be approximate): used to size buffers and estimate the export. */
  size?: number;
  /** Used in the manifest when the message's own headers lack a subject, sender or date. */
  summary?: Pick<MessageSummary, 'date' | 'from' | 'subject'>;
}

export type ExportTarget = 'auto' | 'file' | 'downloads';

export interface ExportProgress {
  /** Messages copied into the export so far. */
  done: number;
  total: number;
  /** Bytes of those messages. */
  bytes: number;
  /** What is happening: copying messages, saving a part (downloads), reading back and checking. */
  phase: 'download' | 'save' | 'verify';
  /** Bytes of all the messages, when every item's size is known (approximate on Roundcube). */
  totalBytes?: number;
  /** While checking: entries checked in the file (or part) being read back, and how many it has. */
  checked?: number;
  toCheck?: number;
  /** The part being built (downloads target), 1-based. */
  part?: number;
}

export interface ExportOptions {
  signal?: AbortSignal;
  onProgress?: (p: ExportProgress) => void;
  /** Name of the zip without extension ("Export Balise 2026-11-23"); made safe for every file system. */
  filenameBase: string;
  /** Largest part in 'downloads' mode. Default: settings.cleanup.exportPartMB (64 MB). */
  partBytes?: number;
  target?: ExportTarget;
  /** A file already chosen (e.g. by pickSaveFile() in an earlier click): used instead of opening the dialog. */
  file?: SaveFile;
}

export interface ExportedMessage {
  ref: MessageRef;
  /** Which file of `files` holds it (index), and its path inside that zip. */
  fileIndex: number;
  path: string;
  bytes: number;
  sha256: string;
}

export interface ExportedFile {
  /** The zip's name as Balise asked for it ("Export-partie-01.zip"); the browser may have added " (1)". */
  name: string;
  /**
   * Where it is: the absolute path the downloads API reports; for 'file', the name the user chose (the browser
   * does not tell the folder).
   */
  savedAs: string;
  /** 1-based part number; null in a single-file export. */
  part: number | null;
  bytes: number;
  messages: number;
  /** 'downloads': the browser's download id. */
  downloadId?: number;
  /** This file's own check (see ExportVerification). */
  check: { entries: number; matched: number; downloadConfirmed?: boolean };
}

export type VerificationMethod =
  /** Chromium 'file': the saved file was read back through its handle after closing; every entry hashed. */
  | 'reread-saved-file'
  /** 'downloads': each part re-read and hashed before it was handed over; the downloads API then confirmed it
   * complete, present on disk, with exactly the part's size. The file on disk itself cannot be read back by an
   * extension. */
  | 'part-reread-then-download-size';

export interface ExportVerification {
  method: VerificationMethod;
  /** Messages asked for, and messages found in the files as re-read with the same SHA-256 as when copied. */
  messagesExpected: number;
  messagesMatched: number;
  /** Zip entries checked (messages, manifests, read-me) and how many matched. */
  entriesChecked: number;
  entriesMatched: number;
  /** 'downloads': parts the browser confirmed complete with the right size. */
  downloadsConfirmed?: number;
  /** What this method cannot see, in plain developer English (the UI explains it through the catalog). */
  limits: string[];
}

export interface ExportResult {
  /** True only when every message was found again, with the same SHA-256, in what was saved. */
  verified: boolean;
  target: 'file' | 'downloads';
  verification: ExportVerification;
  files: ExportedFile[];
  /** One per item, in the order given. */
  messages: ExportedMessage[];
  count: number;
  /** Bytes of the messages (the .eml files). */
  bytes: number;
  /** Bytes of the zips. */
  zipBytes: number;
  startedAt: number;
  endedAt: number;
}

/** Every text the export writes into files. */
export interface ExportTexts extends NameTexts, ManifestTexts {
  partWord: string;
  manifestName: string;
  readmeName: string;
  readme: string;
}

/** The texts, through the browser's i18n (French first). */
export function exportTexts(): ExportTexts {
  return {
    noSubject: t('export_noSubject'),
    noDate: t('export_noDate'),
    partWord: t('export_partWord'),
    manifestName: t('export_manifestName'),
    readmeName: t('export_readmeName'),
    readme: t('export_readme'),
    columns: [
      t('export_col_part'),
      t('export_col_file'),
      t('export_col_folder'),
      t('export_col_date'),
      t('export_col_from'),
      t('export_col_subject'),
      t('export_col_size'),
      t('export_col_sha256'),
      t('export_col_folderId'),
      t('export_col_id'),
    ],
  };
}

/** What the export uses from the browser; tests give fakes. */
export interface ExportDeps {
  canPickFile?: () => boolean;
  pickFile?: (suggestedName: string) => Promise<SaveFile>;
  downloads?: DownloadTransport;
  texts?: ExportTexts;
  defaultPartBytes?: () => Promise<number>;
}

async function settingsPartBytes(): Promise<number> {
  try {
    return (await send('settings/get', {})).cleanup.exportPartMB * MiB;
  } catch {
    return DEFAULT_PART_BYTES;
  }
}

/** Which target 'auto' means here, for these items. */
export function chooseTarget(target: ExportTarget, items: ExportItem[], canPick: boolean): 'file' | 'downloads' {
  if (target !== 'auto') return target;
  return canPick && fitsOneZip(items) ? 'file' : 'downloads';
}

function fitsOneZip(items: ExportItem[]): boolean {
  const estimate = items.reduce((s, i) => s + (i.size ?? 0) * 1.1 + 1024, 0) + 10 * MiB;
  return items.length + 8 <= ZIP_MAX_ENTRIES && estimate <= ZIP_MAX_BYTES;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading one message

/** The header block is read from at most this many first bytes (export-headers.ts reads no further). */
const LEAD_MAX = 256 * 1024;

/** True when bytes[0, n) holds the empty line that ends a header block (scanning from `from`). */
function endsHeader(bytes: Uint8Array, from: number, n: number): boolean {
  for (let i = Math.max(0, from - 2); i < n; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a && i + 1 < n) return true;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a && i + 2 < n) return true;
  }
  return false;
}

/**
 * The first pieces of a message, up to the end of its header block (or LEAD_MAX), copied into `lead` (which grows
 * to at most LEAD_MAX + one piece): the file name and manifest need subject, sender and date before the entry is
 * written. `whole`: the entire message (its size must be known before it is written and nobody said it). Returns
 * the bytes gathered and whether the message ended meanwhile.
 */
async function readLead(pieces: AsyncGenerator<Uint8Array>, lead: Scratch, whole: boolean): Promise<{ bytes: Uint8Array; ended: boolean }> {
  let buf = lead.take(64 * 1024);
  let n = 0;
  for (;;) {
    const r = await pieces.next();
    if (r.done) return { bytes: new Uint8Array(buf, 0, n), ended: true };
    const piece = r.value;
    if (n + piece.length > buf.byteLength) {
      const bigger = new ArrayBuffer(Math.max(n + piece.length, buf.byteLength * 2));
      new Uint8Array(bigger).set(new Uint8Array(buf, 0, n));
      lead.put(bigger);
      buf = bigger;
    }
    const view = new Uint8Array(buf);
    view.set(piece, n);
    const from = n;
    n += piece.length;
    if (!whole && (n >= LEAD_MAX || endsHeader(view, from, n))) return { bytes: new Uint8Array(buf, 0, n), ended: false };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs: one file, or parts handed to the downloads API

interface Output {
  /** Write chunks of the current zip, in order. */
  write(chunks: Uint8Array[]): Promise<void>;
  /** The current zip is complete: save and check it. */
  finish(zip: ZipWriter, name: string, part: number | null, messages: number, scratch: Scratch, onCheck: (i: number, of: number) => void): Promise<ExportedFile>;
  /** Remove everything written; returns what could not be removed. */
  discard(): Promise<string[]>;
}

const WRITE_SLICE = 4 * MiB;
const STAGING = 1 * MiB;

class FileOutput implements Output {
  private writable: WritableFile | null = null;
  private opening: Promise<WritableFile> | null = null;
  private staging = new Uint8Array(STAGING);
  private staged = 0;
  private closed = false;

  constructor(
    private readonly file: SaveFile,
    private readonly signal?: AbortSignal,
  ) {}

  private async out(): Promise<WritableFile> {
    if (this.writable) return this.writable;
    this.opening ??= this.file.createWritable();
    this.writable = await this.opening;
    return this.writable;
  }

  private async flushStaging(): Promise<void> {
    if (!this.staged) return;
    const w = await this.out();
    // The staging buffer is reused: hand the writer a copy-free view and wait for it before refilling.
    await w.write(this.staging.subarray(0, this.staged));
    this.staged = 0;
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    for (const c of chunks) {
      this.signal?.throwIfAborted();
      if (c.length <= STAGING - this.staged) {
        this.staging.set(c, this.staged);
        this.staged += c.length;
        continue;
      }
      await this.flushStaging();
      if (c.length < STAGING) {
        this.staging.set(c, 0);
        this.staged = c.length;
        continue;
      }
      const w = await this.out();
      for (let i = 0; i < c.length; i += WRITE_SLICE) {
        this.signal?.throwIfAborted();
        await w.write(c.subarray(i, Math.min(c.length, i + WRITE_SLICE)));
      }
    }
  }

  async finish(zip: ZipWriter, name: string, part: number | null, messages: number, scratch: Scratch, onCheck: (i: number, of: number) => void): Promise<ExportedFile> {
    await this.flushStaging();
    const w = await this.out();
    await w.close();
    this.closed = true;
    // Read the saved file back through its handle.
    const saved = await this.file.getFile();
    const check = await checkZip(blobSource(saved, scratch), zip.entries, { signal: this.signal, onEntry: (i) => onCheck(i + 1, zip.entries.length) });
    if (!check.ok) {
      throw new ExportError('verify-failed', `The saved file differs from what was written: ${check.problems.slice(0, 5).join('; ')}`, {
        problems: check.problems,
      });
    }
    return {
      name,
      savedAs: this.file.name,
      part,
      bytes: saved.size,
      messages,
      check: { entries: check.found, matched: check.matched },
    };
  }

  /**
   * Not closed yet: abort, so the browser drops its swap file and the chosen file keeps what it had (an empty file
   * the dialog created is removed; a file the user chose to replace is left as it was). Closed (the check failed):
   * the file holds an unchecked export: remove it.
   */
  async discard(): Promise<string[]> {
    try {
      if (!this.closed) {
        const w = this.writable ?? (this.opening ? await this.opening.catch(() => null) : null);
        await w?.abort().catch(() => undefined);
        const left = await this.file.getFile().catch(() => null);
        if (left && left.size === 0) await this.file.remove?.();
        return [];
      }
      if (this.file.remove) {
        await this.file.remove();
        return [];
      }
      return [this.file.name];
    } catch {
      return this.closed ? [this.file.name] : [];
    }
  }
}

/** Each write becomes a Blob (the browser's blob storage, not JS memory); they are folded into one every so often. */
const FOLD_BLOBS = 64;

class DownloadsOutput implements Output {
  private blob: Blob = new Blob([]);
  private pending: Blob[] = [];
  private saved: SavedPart[] = [];

  constructor(
    private readonly transport: DownloadTransport,
    private readonly dir: string,
    private readonly signal: AbortSignal | undefined,
    private readonly onSaving: () => void,
  ) {}

  private fold(): void {
    if (!this.pending.length) return;
    this.blob = new Blob([this.blob, ...this.pending], { type: 'application/zip' });
    this.pending = [];
  }

  async write(chunks: Uint8Array[]): Promise<void> {
    // new Blob() copies the bytes now: the chunks may be views of the reused scratch buffer.
    this.pending.push(new Blob(chunks as Uint8Array<ArrayBuffer>[]));
    if (this.pending.length >= FOLD_BLOBS) this.fold();
  }

  async finish(zip: ZipWriter, name: string, part: number | null, messages: number, scratch: Scratch, onCheck: (i: number, of: number) => void): Promise<ExportedFile> {
    this.fold();
    const blob = this.blob;
    this.blob = new Blob([]);
    // Check the part's bytes before handing it over: nothing else can read the file once saved.
    const check = await checkZip(blobSource(blob, scratch), zip.entries, { signal: this.signal, onEntry: (i) => onCheck(i + 1, zip.entries.length) });
    if (!check.ok) {
      throw new ExportError('verify-failed', `Part ${part} differs from what was written: ${check.problems.slice(0, 5).join('; ')}`, {
        problems: check.problems,
      });
    }
    this.signal?.throwIfAborted();
    this.onSaving();
    let saved: SavedPart;
    try {
      saved = await this.transport.save(blob, `${this.dir}/${name}`);
    } catch (e) {
      throw new ExportError('download-failed', `Part ${part} was not saved: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
    this.saved.push(saved);
    if (saved.bytes !== blob.size) {
      throw new ExportError('download-failed', `Part ${part}: ${saved.bytes} bytes saved, ${blob.size} expected`);
    }
    return {
      name,
      savedAs: saved.path,
      part,
      bytes: saved.bytes,
      messages,
      downloadId: saved.downloadId,
      check: { entries: check.found, matched: check.matched, downloadConfirmed: true },
    };
  }

  async discard(): Promise<string[]> {
    this.pending = [];
    this.blob = new Blob([]);
    if (!this.saved.length) return [];
    try {
      await this.transport.remove(this.saved.map((s) => s.downloadId));
      return [];
    } catch {
      return this.saved.map((s) => s.path);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The export

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const encoder = new TextEncoder();

export async function exportMessages(webmail: Webmail, items: ExportItem[], opts: ExportOptions, deps: ExportDeps = {}): Promise<ExportResult> {
  const startedAt = Date.now();
  const base = safeBaseName(opts.filenameBase);
  const canPick = (deps.canPickFile ?? (() => canPickFile()))();
  let target: 'file' | 'downloads';
  // Everything up to the dialog runs synchronously, inside the click's user activation.
  // (An async function runs synchronously until its first await.)
  let filePromise: Promise<SaveFile> | null = null;
  if (!webmail.capabilities.rawDownload) throw new ExportError('unsupported', 'This webmail cannot give raw messages');
  target = opts.file ? 'file' : chooseTarget(opts.target ?? 'auto', items, canPick);
  if (target === 'file' && !opts.file && !canPick && !deps.pickFile) throw new ExportError('unsupported', 'No save dialog in this browser');
  if (target === 'file' && !fitsOneZip(items)) throw new ExportError('too-large', `${items.length} messages are more than one zip can hold`);
  if (target === 'file') filePromise = opts.file ? Promise.resolve(opts.file) : (deps.pickFile ?? pickSaveFile)(`${base}.zip`);

  let file: SaveFile | null = null;
  if (filePromise) {
    try {
      file = await filePromise;
    } catch (e) {
      throw pickerError(e);
    }
  }

  const texts = deps.texts ?? exportTexts();
  const partBytes = target === 'downloads' ? (opts.partBytes ?? (await (deps.defaultPartBytes ?? settingsPartBytes)())) : Infinity;
  const signal = opts.signal;
  const total = items.length;
  const totalBytes = items.every((i) => typeof i.size === 'number') ? items.reduce((s, i) => s + (i.size ?? 0), 0) : undefined;
  const progress = (p: Omit<ExportProgress, 'total'>) => {
    try {
      opts.onProgress?.({ ...p, total, ...(totalBytes !== undefined ? { totalBytes } : {}) });
    } catch (e) {
      console.error('[Balise] export progress', e);
    }
  };

  let done = 0;
  let bytes = 0;
  let partNo = 0;
  const output: Output =
    target === 'file'
      ? new FileOutput(file!, signal)
      : new DownloadsOutput(deps.downloads ?? backgroundDownloads(), base, signal, () => progress({ done, bytes, phase: 'save', part: partNo }));

  const manifestName = safeBaseName(texts.manifestName);
  const readmeName = texts.readmeName;
  const readme = encoder.encode(texts.readme);
  const readmeSha = await sha256Hex(readme);
  const partsMode = target === 'downloads';
  const partName = (n: number) => `${base}-${safeBaseName(texts.partWord)}-${pad(n, 2)}.zip`;
  const partManifest = (n: number) => `${manifestName}-${safeBaseName(texts.partWord)}-${pad(n, 2)}`;
  const names = new NameRegistry([readmeName, `${manifestName}.csv`, `${manifestName}.json`]);
  const createdAt = isoLocal(startedAt)!;
  const whole = new ManifestBuilder(texts, { format: 'balise-export/1', createdAt, part: null });

  const files: ExportedFile[] = [];
  const exported: ExportedMessage[] = [];
  // Reused buffers (see export-buffer.ts): the piece being copied, a message's header block, and reading back. In
  // parts mode a part is checked while the next message's header block is held, so the three differ.
  const scratch = new Scratch();
  const leadScratch = new Scratch();
  const checkScratch = new Scratch();
  const exactSizes = webmail.capabilities.exactSizes;

  // The part (or single file) being written.
  let zip!: ZipWriter;
  let partManifestBuilder = null as ManifestBuilder | null;
  let partMessages = 0;

  const writeChunks = async (chunks: Uint8Array[]) => {
    try {
      await output.write(chunks);
    } catch (e) {
      if (signal?.aborted) throw e;
      if (isExportError(e)) throw e;
      throw new ExportError('write-failed', `Could not write the file: ${(e as Error)?.message ?? String(e)}`, { cause: e });
    }
  };
  const writeEntry = (name: string, data: Uint8Array, sha: string, mtime: number | null) => writeChunks(zip.add(name, data, sha, mtime));


  const openPart = async () => {
    partNo++;
    zip = new ZipWriter();
    partMessages = 0;
    if (partsMode) {
      for (const ext of ['csv', 'json']) names.claim('', `${partManifest(partNo)}.${ext}`);
      partManifestBuilder = new ManifestBuilder(texts, { format: 'balise-export/1', createdAt, part: partNo });
    }
    await writeEntry(readmeName, readme, readmeSha, startedAt);
  };

  /** Size of the current zip once closed, with its part manifests (+ the whole manifest if `last`) and `extra`. */
  const projected = (extra: { name: string; size: number } | null, extraEntry: ManifestEntry | null, last: boolean) => {
    let size = zip.projected;
    if (extra) size += entryCost(extra.name, extra.size);
    if (partManifestBuilder) {
      const grow = extraEntry ? ManifestBuilder.cost(extraEntry, partManifestBuilder.count === 0) : 0;
      size += entryCost(`${partManifest(partNo)}.csv`, 0) + entryCost(`${partManifest(partNo)}.json`, 0);
      size += partManifestBuilder.csvBytes + partManifestBuilder.jsonBytes + grow;
    }
    if (last) {
      const grow = extraEntry ? ManifestBuilder.cost(extraEntry, whole.count === 0) : 0;
      size += entryCost(`${manifestName}.csv`, 0) + entryCost(`${manifestName}.json`, 0);
      size += whole.csvBytes + whole.jsonBytesWith(finalMeta()) + grow;
    }
    return size;
  };

  const finalMeta = (): ManifestMeta => ({
    format: 'balise-export/1',
    createdAt,
    part: null,
    ...(partsMode ? { parts: Array.from({ length: Math.max(partNo, 1) }, (_, i) => partName(i + 1)) } : {}),
  });

  const closePart = async (last: boolean) => {
    if (partManifestBuilder && partMessages > 0) {
      const m = partManifestBuilder.build();
      await writeEntry(`${partManifest(partNo)}.csv`, m.csv, await sha256Hex(m.csv), startedAt);
      await writeEntry(`${partManifest(partNo)}.json`, m.json, await sha256Hex(m.json), startedAt);
    }
    if (last) {
      const m = whole.build(finalMeta());
      await writeEntry(`${manifestName}.csv`, m.csv, await sha256Hex(m.csv), startedAt);
      await writeEntry(`${manifestName}.json`, m.json, await sha256Hex(m.json), startedAt);
    }
    await output.write(zip.end());
    const name = partsMode ? partName(partNo) : `${base}.zip`;
    const fileIndex = files.length;
    const f = await output.finish(zip, name, partsMode ? partNo : null, partMessages, checkScratch, (checked, toCheck) =>
      progress({ done, bytes, phase: 'verify', checked, toCheck, ...(partsMode ? { part: partNo } : {}) }),
    );
    files.push(f);
    return fileIndex;
  };

  try {
    signal?.throwIfAborted();
    await openPart();
    for (const item of items) {
      signal?.throwIfAborted();
      progress({ done, bytes, phase: 'download', ...(partsMode ? { part: partNo } : {}) });
      const failed = (e: unknown) => {
        if (signal?.aborted || isExportError(e)) return e;
        return new ExportError('message-failed', `Message ${item.ref.folderId}/${item.ref.id} could not be read: ${(e as Error)?.message ?? String(e)}`, {
          ref: item.ref,
          subject: item.summary?.subject,
          webmailCode: isWebmailError(e) ? e.code : undefined,
          cause: e,
        });
      };
      let raw: RawMessage;
      try {
        raw = await webmail.rawMessage(item.ref, { signal });
      } catch (e) {
        throw failed(e);
      }
      // The message is copied piece by piece (export-buffer.ts): hashed, added to the zip and written as it comes,
      // never held whole. Its header block comes first, for the file name and the manifest.
      const pieces = messagePieces(raw, scratch, signal);
      let lead: { bytes: Uint8Array; ended: boolean };
      try {
        // A part must know a message's size before taking it: without the webmail's figure, the message is read whole.
        lead = await readLead(pieces, leadScratch, partsMode && !item.size);
      } catch (e) {
        await pieces.return(undefined).catch(() => undefined);
        throw failed(e);
      }
      const h = readHeaders(lead.bytes);
      const date = h.date ?? item.summary?.date ?? null;
      const subject = h.subject ?? item.summary?.subject ?? '';
      const from = h.from ?? item.summary?.from ?? '';
      const path = names.messagePath({ folderPath: item.folderPath, date, subject, id: item.ref.id }, texts);
      const entry = (part: number | null, size: number, sha256: string): ManifestEntry => ({
        part,
        file: path,
        folder: item.folderPath,
        date: isoLocal(date),
        from,
        subject,
        size,
        sha256,
        folderId: item.ref.folderId,
        id: item.ref.id,
      });
      // Its size before it is read: exact once it has ended, else what the webmail says (Roundcube rounds it: a
      // margin), else what has come so far. A part can outgrow partBytes only by a webmail's error on one size.
      const expected = lead.ended ? lead.bytes.length : Math.max(lead.bytes.length, item.size ? (exactSizes ? item.size : Math.ceil(item.size * 1.05) + 4096) : 0);
      const estimate = entry(partsMode ? partNo : null, expected, ''.padEnd(64, '0'));
      try {
        if (partsMode) {
          const tooBig = projected({ name: path, size: expected }, estimate, false) > partBytes;
          const tooMany = zip.entries.length + 5 > ZIP_MAX_ENTRIES;
          // A message larger than a part gets a part of its own.
          if (partMessages > 0 && (tooBig || tooMany)) {
            await closePart(false);
            await openPart();
          }
        } else if (projected({ name: path, size: expected }, estimate, true) > ZIP_MAX_BYTES || zip.entries.length + 4 > ZIP_MAX_ENTRIES) {
          throw new ExportError('too-large', 'The export is more than one zip can hold');
        }
      } catch (e) {
        await pieces.return(undefined).catch(() => undefined);
        throw e;
      }
      const hash = sha256Stream();
      let size = 0;
      const put = async (piece: Uint8Array, final: boolean) => {
        hash.update(piece);
        size += piece.length;
        await writeChunks(zip.push(piece, final));
      };
      await writeChunks(zip.open(path, date));
      await put(lead.bytes, false);
      if (!lead.ended) {
        try {
          for await (const piece of pieces) {
            await put(piece, false);
            progress({ done, bytes: bytes + size, phase: 'download', ...(partsMode ? { part: partNo } : {}) });
          }
        } catch (e) {
          throw failed(e);
        }
      }
      await put(new Uint8Array(0), true);
      const sha256 = hash.hex();
      zip.close(sha256);
      if (size === 0 || (item.size && item.size > 4096 && (size < item.size / 2 || size > item.size * 2 + 4096))) {
        throw new ExportError('message-failed', `Message ${item.ref.folderId}/${item.ref.id}: ${size} bytes received, about ${item.size ?? '?'} expected`, {
          ref: item.ref,
          subject: item.summary?.subject,
          webmailCode: 'invalid-response',
        });
      }
      const e = entry(partsMode ? partNo : null, size, sha256);
      partManifestBuilder?.add(e);
      whole.add(e);
      partMessages++;
      done++;
      bytes += size;
      exported.push({ ref: item.ref, fileIndex: files.length, path, bytes: size, sha256 });
      progress({ done, bytes, phase: 'download', ...(partsMode ? { part: partNo } : {}) });
    }
    // The whole manifest goes in the last part, or in a part of its own if it would not fit there.
    if (partsMode && partMessages > 0 && projected(null, null, true) > partBytes) {
      await closePart(false);
      await openPart();
    }
    await closePart(true);
  } catch (e) {
    const left = await output.discard().catch(() => files.map((f) => f.savedAs));
    if (signal?.aborted) {
      throw new ExportError('cancelled', 'The export was stopped', { cause: e, ...(left.length ? { leftFiles: left } : {}) });
    }
    if (isExportError(e)) {
      if (left.length) e.detail.leftFiles = left;
      throw e;
    }
    throw new ExportError('write-failed', (e as Error)?.message ?? String(e), { cause: e, ...(left.length ? { leftFiles: left } : {}) });
  }

  const entriesChecked = files.reduce((s, f) => s + f.check.entries, 0);
  const entriesMatched = files.reduce((s, f) => s + f.check.matched, 0);
  const downloadsConfirmed = partsMode ? files.filter((f) => f.check.downloadConfirmed).length : undefined;
  const verified =
    exported.length === items.length &&
    entriesMatched === entriesChecked &&
    files.every((f) => f.check.matched === f.check.entries) &&
    (!partsMode || downloadsConfirmed === files.length);
  return {
    verified,
    target,
    verification: {
      method: partsMode ? 'part-reread-then-download-size' : 'reread-saved-file',
      messagesExpected: items.length,
      messagesMatched: verified ? exported.length : 0,
      entriesChecked,
      entriesMatched,
      ...(partsMode ? { downloadsConfirmed } : {}),
      limits: partsMode
        ? ['the saved files are not read back (extensions cannot read downloaded files); their size on disk is checked']
        : ['the folder the user chose is not known to Balise (only the file name)'],
    },
    files,
    messages: exported,
    count: exported.length,
    bytes,
    zipBytes: files.reduce((s, f) => s + f.bytes, 0),
    startedAt,
    endedAt: Date.now(),
  };
}
