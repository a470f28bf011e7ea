/**
 * The export's on-demand part (entrypoints/quota-export.ts, built from ./part.tsx): the quota meter's "keep a copy"
 * of the messages the server will soon delete by itself. exportMessages() and its view (./View.tsx) are too big
 * for the content script that loads on every webmail page, so the quota meter loads them with loadPart()
 * (lib/parts/load.ts) when its panel finds something to export. This is the API the part hands over.
 */
import type { Lang } from '../format';
import type { ExportItem, ExportTarget } from './contract';
import type { Webmail } from '../webmail/types';

export const EXPORT_PART = 'quota-export';

export interface ExportPartProps {
  webmail: Webmail;
  items: ExportItem[];
  filenameBase: string;
  lang: Lang;
  /** Tests only: force a target (Chromium's save dialog cannot be driven by the e2e harness). */
  target?: ExportTarget;
}

export interface ExportPartApi {
  /** Render the export's start button and status into `container`; returns how to remove it. */
  mount(container: HTMLElement, props: ExportPartProps): () => void;
}
