/**
 * Where a zip goes while it is written: one file the user chose (FileOutput), or parts handed to the background's
 * downloads API (DownloadsOutput). Each checks what it saved before the export goes on.
 */
import { ExportError } from './error';
import type { Scratch } from './buffer';
import { ZipWriter, blobSource, checkZip } from './zip';
import type { DownloadTransport, SaveFile, SavedPart, WritableFile } from './targets';
import { MiB, type ExportedFile } from './contract';

// ---------------------------------------------------------------------------------------------------------------
// Outputs: one file, or parts handed to the downloads API

export interface Output {
  /** Write chunks of the current zip, in order. */
  write(chunks: Uint8Array[]): Promise<void>;
  /** The current zip is complete: save and check it. */
  finish(zip: ZipWriter, name: string, part: number | null, messages: number, scratch: Scratch, onCheck: (i: number, of: number) => void): Promise<ExportedFile>;
  /** Remove everything written; returns what could not be removed. */
  discard(): Promise<string[]>;
}

const WRITE_SLICE = 4 * MiB;
const STAGING = 1 * MiB;

export class FileOutput implements Output {
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

export class DownloadsOutput implements Output {
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

