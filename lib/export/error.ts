/** The export's one error type (./export.ts); its codes have plain-words texts in the catalog. */
import type { MessageRef } from '../webmail/types';

export type ExportErrorCode =
  | 'cancelled' // the signal was aborted
  | 'picker-cancelled' // the user closed the save dialog
  | 'unsupported' // the webmail cannot give raw messages, or no way to save here
  | 'too-large' // more than one zip can hold, and the target was forced to 'file'
  | 'message-failed' // a message could not be read from the server (see ref, webmailCode)
  | 'write-failed' // the file could not be written
  | 'verify-failed' // what was read back differs from what was copied
  | 'download-failed'; // the browser did not save a part, or not with the right size

export class ExportError extends Error {
  override readonly name = 'ExportError';
  constructor(
    readonly code: ExportErrorCode,
    message: string,
    readonly detail: {
      ref?: MessageRef;
      /** Subject of the message that failed, for the UI. */
      subject?: string;
      webmailCode?: string;
      problems?: string[];
      /** Files that could not be removed after the failure (they are incomplete or unchecked). */
      leftFiles?: string[];
      cause?: unknown;
    } = {},
  ) {
    super(message);
  }
}

export function isExportError(e: unknown): e is ExportError {
  return e instanceof Error && e.name === 'ExportError' && typeof (e as ExportError).code === 'string';
}
