/**
 * "Keep a copy" of the messages the server will soon delete by itself: the export (exportMessages() and its own
 * view, lib/features/cleanup/ExportView.tsx) is too big for the content script that loads on every webmail page,
 * so it is a separate module (entrypoints/quota-export.ts, web-accessible) that the content script loads with
 * import() when the panel finds something to export, like the cleanup panel (lib/features/cleanup/lazy.ts). It
 * hands its API over through this global, which only Balise's own scripts in that world can see.
 */
import type { Lang } from '../../format';
import type { ExportItem, ExportTarget } from '../cleanup/export';
import type { Webmail } from '../../webmail/types';

export const QUOTA_EXPORT_GLOBAL = '__balise_quota_export__';
export const QUOTA_EXPORT_FILE = '/quota-export.js';

export interface QuotaExportProps {
  webmail: Webmail;
  items: ExportItem[];
  filenameBase: string;
  lang: Lang;
  /** Tests only: force a target (Chromium's save dialog cannot be driven by the e2e harness). */
  target?: ExportTarget;
}

export interface QuotaExportApi {
  /** Render the export's start button and status into `container`; returns how to remove it. */
  mount(container: HTMLElement, props: QuotaExportProps): () => void;
}
