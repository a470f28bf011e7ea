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
 * Where it goes (targets.ts):
 * - 'file' (Chromium): one zip streamed into a file the user chooses; afterwards the file is read back through
 *   its handle, its central directory parsed and every entry hashed again (one entry at a time) and compared.
 * - 'downloads' (Firefox; Chromium when the export is too big for one zip): numbered zips of at most
 *   `partBytes` each ("<name>-partie-01.zip"…, each a complete zip with its own manifest; the whole manifest is in
 *   the last), built in memory one at a time, each read back and checked BEFORE it is handed to the background,
 *   which saves it with the downloads API and confirms it complete with the right size on disk.
 * 'auto' picks 'file' where the save dialog exists and the export fits in one zip, else 'downloads'.
 *
 * Memory: no message is held whole. Each is copied piece by piece (256 KiB, one reused buffer: buffer.ts),
 * hashed as it goes (@noble/hashes' streaming SHA-256: WebCrypto has no streaming digest) and written before the
 * next piece is read; only its header block (at most 256 KiB) is kept a moment, for the file name and manifest. So
 * in 'file' mode memory stays near a few pieces whatever the size of a message or of the export. In 'downloads'
 * mode the part being built is held too (at most `partBytes`, in the browser's blob storage), and released once
 * saved; a message whose size the webmail did not say is read whole there, since a part must know it first.
 *
 * The readable archive (ExportOptions.readable, on by default; lib/export/readable/): beside the .eml files, each zip
 * gets index.html at its root (in parts: index-partie-01.html…, so that parts unzipped into one folder do not collide)
 * and a folder per message under "Messages/", unique across parts (message.html, sanitised by
 * DOMPurify, and the message's attachments, XDM documents extracted). Each message's raw pieces go to its sink as
 * they go to the zip; its readable entries are written right after its .eml (and checked with everything else);
 * index.html is written last, from the small records kept per message. A message is held whole for parsing only
 * up to readable.MAX_PARSE_BYTES (past that its page says it is too large and links to its .eml).
 *
 * Failures are loud: any message that cannot be read, any write, check or download that fails rejects with an
 * ExportError, after removing what was written (so no unchecked copy of patient data stays behind). The promise
 * only resolves when everything was checked; ExportResult.verification says what was checked and how.
 *
 * Why one file past 400 lines: exportMessages is one closure over one export's state (the part being built, the
 * names claimed, each message's hash, the readable archive's records), and the order of its steps — write, read
 * back, compare, only then hand over — is the safety argument; its pieces (names, zip, outputs, manifest, readable,
 * contract) already live in their own files.
 */
import { ReadAhead } from './read-ahead';
import { archiveFetcher } from './archive-source';
import type { MessageRef, RawMessage, Webmail } from '../webmail/types';
import { isWebmailError } from '../webmail/types';
import { NameRegistry, safeBaseName } from './names';
import { readHeaders } from './headers';
import { Scratch, messagePieces } from './buffer';
import { ManifestBuilder, isoLocal, type ManifestEntry, type ManifestMeta } from './manifest';
import { ZIP_MAX_BYTES, ZIP_MAX_ENTRIES, ZipWriter, entryCost, sha256Hex, sha256Stream } from './zip';
import { send } from '../messages/send';
import { ExportError, isExportError } from './error';
import { backgroundDownloads, canPickFile, pickSaveFile, pickerError, type SaveFile } from './targets';
import { LEAD_MAX, readLead } from './read';
import { DownloadsOutput, FileOutput, type Output } from './outputs';
import { ReadableExport } from './readable/readable';
import { UniqueNames } from './readable/names';
import {
  DEFAULT_PART_BYTES,
  MiB,
  chooseTarget,
  exportTexts,
  fitsOneZip,
  readableMargin,
  readableTexts,
  INDEX_BASE_BYTES,
  INDEX_BYTES_PER_MESSAGE,
  READABLE_ENTRIES_RESERVE,
  type ExportDeps,
  type ExportItem,
  type ExportOptions,
  type ExportProgress,
  type ExportResult,
  type ExportedFile,
  type ExportedMessage,
} from './contract';

async function settingsPartBytes(): Promise<number> {
  try {
    return (await send('settings/get', {})).cleanup.exportPartMB * MiB;
  } catch {
    return DEFAULT_PART_BYTES;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The export

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

const encoder = new TextEncoder();

/** The mailbox's address for index.html, from the webmail (nothing if it cannot say). */
async function mailboxOf(webmail: Webmail): Promise<string> {
  try {
    return (await webmail.account()).address;
  } catch {
    return '';
  }
}

export async function exportMessages(webmail: Webmail, items: ExportItem[], opts: ExportOptions, deps: ExportDeps = {}): Promise<ExportResult> {
  const startedAt = Date.now();
  const base = safeBaseName(opts.filenameBase);
  const canPick = (deps.canPickFile ?? (() => canPickFile()))();
  let target: 'file' | 'downloads';
  // Everything up to the dialog runs synchronously, inside the click's user activation.
  // (An async function runs synchronously until its first await.)
  let filePromise: Promise<SaveFile> | null = null;
  if (!webmail.capabilities.rawDownload) throw new ExportError('unsupported', 'This webmail cannot give raw messages');
  const withReadable = opts.readable ?? true;
  target = opts.file ? 'file' : chooseTarget(opts.target ?? 'auto', items, canPick, withReadable);
  if (target === 'file' && !opts.file && !canPick && !deps.pickFile) throw new ExportError('unsupported', 'No save dialog in this browser');
  if (target === 'file' && !fitsOneZip(items, withReadable)) throw new ExportError('too-large', `${items.length} messages are more than one zip can hold`);
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
      : new DownloadsOutput(deps.downloads ?? backgroundDownloads({ ask: opts.askWhere === true }), base, signal, () => progress({ done, bytes, phase: 'save', part: partNo }));

  const manifestName = safeBaseName(texts.manifestName);
  const readmeName = texts.readmeName;
  const readableNote = withReadable && texts.readmeReadable ? texts.readmeReadable + (target === 'downloads' ? (texts.readmeReadableParts ?? '') : '') : '';
  const readme = encoder.encode(texts.readme + readableNote);
  const readmeSha = await sha256Hex(readme);
  const partsMode = target === 'downloads';
  const partName = (n: number) => `${base}-${safeBaseName(texts.partWord)}-${pad(n, 2)}.zip`;
  const partManifest = (n: number) => `${manifestName}-${safeBaseName(texts.partWord)}-${pad(n, 2)}`;
  const names = new NameRegistry([readmeName, `${manifestName}.csv`, `${manifestName}.json`]);
  // The readable archive's names are claimed before any message's: a mailbox folder called "Messages" then
  // becomes "Messages (2)" in the zip, and nothing can take index.html.
  const rTexts = withReadable ? (deps.readableTexts ?? readableTexts()) : null;
  const readableDir = rTexts ? names.claim('', rTexts.tr('readable_dirName')) : '';
  // In parts, the parts are unzipped side by side: each part's index gets the part's number ("index-partie-01.html",
  // like its manifest) and every message folder under "Messages/" is unique across parts (one UniqueNames).
  const partIndex = (n: number) => `index-${safeBaseName(texts.partWord)}-${pad(n, 2)}.html`;
  let indexPath = rTexts && target !== 'downloads' ? names.claim('', 'index.html') : '';
  const readableFolders = new UniqueNames();
  const mailbox = rTexts ? (opts.mailbox ?? (await mailboxOf(webmail))) : '';
  let readableEntries = 0;
  let readableBytes = 0;
  const createdAt = isoLocal(startedAt)!;
  const whole = new ManifestBuilder(texts, { format: 'balise-export/1', createdAt, part: null });

  const files: ExportedFile[] = [];
  const exported: ExportedMessage[] = [];
  // Reused buffers (see buffer.ts): the piece being copied, a message's header block, and reading back. In
  // parts mode a part is checked while the next message's header block is held, so the three differ.
  const scratch = new Scratch();
  const leadScratch = new Scratch();
  const checkScratch = new Scratch();
  const exactSizes = webmail.capabilities.exactSizes;

  // The part (or single file) being written.
  let zip!: ZipWriter;
  let partManifestBuilder = null as ManifestBuilder | null;
  let partMessages = 0;
  /** One per zip (per part): its index.html lists that zip's messages. */
  let readable = null as ReadableExport | null;

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
      if (rTexts) indexPath = names.claim('', partIndex(partNo));
      partManifestBuilder = new ManifestBuilder(texts, { format: 'balise-export/1', createdAt, part: partNo });
    }
    if (rTexts) readable = new ReadableExport({ texts: rTexts, rootDir: readableDir, indexPath, folders: readableFolders, ...(deps.window ? { window: deps.window } : {}) });
    await writeEntry(readmeName, readme, readmeSha, startedAt);
  };

  /** Size of the current zip once closed, with its part manifests (+ the whole manifest if `last`) and `extra`. */
  const projected = (extra: { name: string; size: number } | null, extraEntry: ManifestEntry | null, last: boolean) => {
    let size = zip.projected;
    if (extra) size += entryCost(extra.name, extra.size);
    // The readable part of `extra` (a margin), and index.html, written when the zip closes.
    if (readable && extra) size += readableMargin(extra.size);
    const listed = partMessages + (extra ? 1 : 0);
    if (readable && listed > 0) size += entryCost(indexPath, INDEX_BASE_BYTES + INDEX_BYTES_PER_MESSAGE * listed);
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
    if (readable && partMessages > 0) {
      // index.html last (before the manifests), from the records of this zip's messages, streamed as it is built.
      const hash = sha256Stream();
      let size = 0;
      await writeChunks(zip.open(indexPath, startedAt));
      for (const piece of readable.indexPieces({ exportedAt: startedAt, mailbox })) {
        hash.update(piece);
        size += piece.length;
        await writeChunks(zip.push(piece, false));
      }
      await writeChunks(zip.push(new Uint8Array(0), true));
      zip.close(hash.hex());
      readableEntries++;
      readableBytes += size;
    }
    readable = null;
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

  // The next message's request goes out while this one is written (read-ahead.ts).
  // Consecutive small messages of a folder come in one archive where the webmail offers it (archive-source.ts).
  let archiveRequests = 0;
  const ahead = new ReadAhead(items, archiveFetcher(webmail, items, exactSizes, () => void archiveRequests++), signal);
  try {
    signal?.throwIfAborted();
    await openPart();
    for (const [index, item] of items.entries()) {
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
        raw = await ahead.take(index);
      } catch (e) {
        throw failed(e);
      }
      // The message is copied piece by piece (buffer.ts): hashed, added to the zip and written as it comes,
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
          const tooMany = zip.entries.length + 5 + (readable ? READABLE_ENTRIES_RESERVE : 0) > ZIP_MAX_ENTRIES;
          // A message larger than a part gets a part of its own.
          if (partMessages > 0 && (tooBig || tooMany)) {
            await closePart(false);
            await openPart();
          }
        } else if (projected({ name: path, size: expected }, estimate, true) > ZIP_MAX_BYTES || zip.entries.length + 4 + (readable ? READABLE_ENTRIES_RESERVE : 0) > ZIP_MAX_ENTRIES) {
          throw new ExportError('too-large', 'The export is more than one zip can hold');
        }
      } catch (e) {
        await pieces.return(undefined).catch(() => undefined);
        throw e;
      }
      // A message that came whole (an archive of several) is hashed whole, by the browser's digest where there is one.
      const cameWhole = raw.rest === null ? raw.head : null;
      const hash = cameWhole ? null : sha256Stream();
      let size = 0;
      // The readable archive's view of this message: it gets every piece too (it copies them: `scratch` is reused).
      const sink = readable?.begin({ mailboxFolder: item.folderPath, emlPath: path, fallback: { date, from, subject }, ...(item.size ? { sizeHint: item.size } : {}) }) ?? null;
      const put = async (piece: Uint8Array, final: boolean) => {
        hash?.update(piece);
        size += piece.length;
        sink?.push(piece);
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
      const sha256 = hash ? hash.hex() : await sha256Hex(cameWhole!);
      if (cameWhole && size !== cameWhole.length) throw failed(new Error(`${size} bytes written of the ${cameWhole.length} received`));
      zip.close(sha256);
      if (size === 0 || (item.size && item.size > 4096 && (size < item.size / 2 || size > item.size * 2 + 4096))) {
        throw new ExportError('message-failed', `Message ${item.ref.folderId}/${item.ref.id}: ${size} bytes received, about ${item.size ?? '?'} expected`, {
          ref: item.ref,
          subject: item.summary?.subject,
          webmailCode: 'invalid-response',
        });
      }
      if (sink) {
        // This message's folder under "Messages/": its page, attachments and extracted documents, checked with the
        // rest when the zip is read back. Their bytes are dropped once written.
        const { entries } = await sink.finish();
        for (const r of entries) {
          signal?.throwIfAborted();
          await writeEntry(r.path, r.bytes, await sha256Hex(r.bytes), r.mtime);
          readableEntries++;
          readableBytes += r.bytes.length;
        }
        if (zip.entries.length + 4 > ZIP_MAX_ENTRIES) throw new ExportError('too-large', 'The export is more than one zip can hold');
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
  } finally {
    ahead.close();
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
    archiveRequests,
    ...(rTexts ? { readable: { entries: readableEntries, bytes: readableBytes } } : {}),
    startedAt,
    endedAt: Date.now(),
  };
}
