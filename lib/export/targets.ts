/**
 * Where an export is saved.
 *
 * - 'file' (Chromium): a file the user chooses with the File System Access save picker, called from the content
 *   script on the user's click. Checked in Chromium 156: `window.showSaveFilePicker` exists in the content script's
 *   isolated world and opens the browser's own dialog there (it needs the click's user activation, like in the
 *   page). The zip streams into it (the browser writes a swap file and moves it into place on close), so memory
 *   stays bounded; afterwards the file is read back through the same handle to be checked.
 * - 'downloads' (Firefox, which has no save picker; or Chromium when the export is too large for one zip): zips of
 *   bounded size, built in memory one at a time and handed to the background, which saves them with the
 *   downloads API into the Downloads folder and reports when each is complete and its size on disk.
 *   Firefox's runtime messaging uses structured clone, so the Blob itself goes to the background, which makes
 *   an object URL of its own. Chromium's messaging is JSON (a Blob arrives as {}), so there the content script
 *   makes the object URL (blob:<webmail origin>/…) and the background downloads that URL (checked in
 *   Chromium 156: the downloads API fetches it and names the file as asked); the content script revokes it after.
 */
import { send } from '../messages/send';
import { ExportError } from './error';

/** The parts of FileSystemWritableFileStream the export uses. */
export interface WritableFile {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}

/** The parts of FileSystemFileHandle the export uses. */
export interface SaveFile {
  readonly name: string;
  createWritable(): Promise<WritableFile>;
  getFile(): Promise<Blob>;
  /** Chromium only: delete the file (used when an export fails, so no unchecked copy stays behind). */
  remove?(): Promise<void>;
}

interface SaveFilePickerWindow {
  showSaveFilePicker?: (opts: {
    suggestedName?: string;
    id?: string;
    startIn?: string;
    types?: { description: string; accept: Record<string, string[]> }[];
  }) => Promise<SaveFile>;
}

export function canPickFile(win: Window = globalThis.window): boolean {
  return typeof (win as unknown as SaveFilePickerWindow | undefined)?.showSaveFilePicker === 'function';
}

/** The dialog's failures as ExportErrors: closed by the user → 'picker-cancelled'; anything else → 'write-failed'. */
export function pickerError(e: unknown): ExportError {
  if (e instanceof ExportError) return e;
  const name = (e as Error)?.name;
  if (name === 'AbortError') return new ExportError('picker-cancelled', 'The save dialog was closed', { cause: e });
  return new ExportError(name === 'SecurityError' || name === 'NotAllowedError' ? 'unsupported' : 'write-failed', `Could not open the save dialog: ${(e as Error)?.message ?? String(e)}`, {
    cause: e,
  });
}

/**
 * Open the browser's save dialog. Call it straight from the click handler (before any await): the dialog needs
 * the click's user activation (without it Chromium throws a SecurityError). Rejects with an ExportError:
 * 'picker-cancelled' when the user closes the dialog.
 */
export function pickSaveFile(suggestedName: string, win: Window = globalThis.window): Promise<SaveFile> {
  const picker = (win as unknown as SaveFilePickerWindow).showSaveFilePicker;
  if (typeof picker !== 'function') return Promise.reject(new ExportError('unsupported', 'showSaveFilePicker is not available'));
  try {
    return picker
      .call(win, {
        suggestedName,
        id: 'balise-export',
        startIn: 'documents',
        types: [{ description: 'Zip', accept: { 'application/zip': ['.zip'] } }],
      })
      .catch((e: unknown) => {
        throw pickerError(e);
      });
  } catch (e) {
    return Promise.reject(pickerError(e));
  }
}

export interface SavedPart {
  downloadId: number;
  /** Where the browser saved it (absolute path, as the downloads API reports it). */
  path: string;
  /** Size on disk, as the downloads API reports it once complete. */
  bytes: number;
}

export interface DownloadTransport {
  /** Save one part; resolves once the browser reports it complete with exactly blob.size bytes. */
  save(blob: Blob, filename: string): Promise<SavedPart>;
  /** Delete parts saved by this export (after a failure or a cancel). */
  remove(ids: number[]): Promise<void>;
}

/** Parts handed to the background (lib/background/export.ts). */
export function backgroundDownloads(opts: { ask?: boolean } = {}): DownloadTransport {
  const ask = opts.ask ? { ask: true } : {};
  return {
    async save(blob, filename) {
      if (import.meta.env.FIREFOX) return send('export/save-part', { filename, size: blob.size, blob, ...ask });
      const url = URL.createObjectURL(blob);
      try {
        return await send('export/save-part', { filename, size: blob.size, url, ...ask });
      } finally {
        URL.revokeObjectURL(url);
      }
    },
    async remove(ids) {
      if (ids.length) await send('export/remove-parts', { ids });
    },
  };
}
