/**
 * The export's contract: what it is given (items, options, the browser's parts as deps), what it reports
 * (progress, result, verification) and the texts it writes into files. The export itself is export.ts.
 */
import type { MessageRef, MessageSummary } from '../webmail/types';
import type { NameTexts } from './names';
import type { ManifestTexts } from './manifest';
import { ZIP_MAX_BYTES, ZIP_MAX_ENTRIES } from './zip';
import { t, uiLang } from '../i18n/t';
import type { DownloadTransport, SaveFile } from './targets';
import type { ReadableTexts } from './readable/texts';

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
  /**
   * Also write the readable archive (lib/export/readable/: index.html at the root, and a folder per message under
   * "Messages/" with message.html and its attachments, XDM documents extracted). Default: true (the setting
   * cleanup.exportReadable is what the UIs start from). The .eml files and manifests are the same either way.
   */
  readable?: boolean;
  /**
   * 'downloads' target: the browser's save dialog for each part, so the person picks where (a secure drive rather
   * than a synced Downloads folder). Off by default: several parts mean several dialogs, and automation cannot
   * answer one. The file target always asks (showSaveFilePicker).
   */
  askWhere?: boolean;
  /** The mailbox's address, for index.html's title (default: the webmail's account(), or nothing). */
  mailbox?: string;
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
  /** Requests that brought several messages at once (archive-source.ts); the other messages came one request each. */
  archiveRequests: number;
  /** The readable archive, when written: its entries (pages, attachments, index.html) and their bytes, all files. */
  readable?: { entries: number; bytes: number };
  startedAt: number;
  endedAt: number;
}

/** Every text the export writes into files. */
export interface ExportTexts extends NameTexts, ManifestTexts {
  partWord: string;
  manifestName: string;
  readmeName: string;
  readme: string;
  /** Appended to the read-me when the export writes the readable archive (index.html, "Messages/"). */
  readmeReadable?: string;
  /** Appended after readmeReadable in an export in parts (each part's index-partie-NN.html). */
  readmeReadableParts?: string;
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
    readmeReadable: t('export_readmeReadable'),
    readmeReadableParts: t('export_readmeReadableParts'),
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

/** The readable archive's texts, through the browser's i18n, in the UI's language. */
export function readableTexts(): ReadableTexts {
  return { lang: uiLang(), tr: t, reminder: t('export_reminder') };
}

/** What the export uses from the browser; tests give fakes. */
export interface ExportDeps {
  canPickFile?: () => boolean;
  pickFile?: (suggestedName: string) => Promise<SaveFile>;
  downloads?: DownloadTransport;
  texts?: ExportTexts;
  readableTexts?: ReadableTexts;
  /** The window whose DOMPurify and DOMParser the readable archive uses (default: the page's own; tests: jsdom's). */
  window?: Window;
  defaultPartBytes?: () => Promise<number>;
}

/** Which target 'auto' means here, for these items. */
export function chooseTarget(target: ExportTarget, items: ExportItem[], canPick: boolean, readable = true): 'file' | 'downloads' {
  if (target !== 'auto') return target;
  return canPick && fitsOneZip(items, readable) ? 'file' : 'downloads';
}

/**
 * Room the readable archive may take beside a message of `size` bytes, before it is parsed: its decoded
 * attachments (at most 3/4 of the raw size for base64), documents extracted from an XDM, its page (the body again,
 * sanitised) and a few KiB of headers and page shell. A margin, not a measure: the real entries are known only
 * once the message is parsed (ReadableExport's finish()).
 */
export function readableMargin(size: number): number {
  return Math.ceil(size * 1.5) + READABLE_MESSAGE_BYTES;
}
export const READABLE_MESSAGE_BYTES = 64 * 1024;
/** Entries the readable archive adds per message, on average (page + attachments + extracted documents). */
export const READABLE_ENTRIES_PER_MESSAGE = 4;
/** Entries kept free for one message's readable part before it is parsed (a message with more fails loudly). */
export const READABLE_ENTRIES_RESERVE = 256;
/** index.html: its shell and headings, then about this much per message listed. */
export const INDEX_BASE_BYTES = 16 * 1024;
export const INDEX_BYTES_PER_MESSAGE = 1536;

export function fitsOneZip(items: ExportItem[], readable = true): boolean {
  const estimate = items.reduce((s, i) => s + (i.size ?? 0) * 1.1 + 1024 + (readable ? readableMargin((i.size ?? 0) * 1.1) + INDEX_BYTES_PER_MESSAGE : 0), 0) + 10 * MiB;
  const entries = items.length * (readable ? 1 + READABLE_ENTRIES_PER_MESSAGE : 1) + 8 + (readable ? READABLE_ENTRIES_RESERVE : 0);
  return entries <= ZIP_MAX_ENTRIES && estimate <= ZIP_MAX_BYTES;
}
