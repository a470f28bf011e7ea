/**
 * The export's on-demand part (entrypoints/quota-export.ts, built from ./part.tsx): the export view (./Chooser.tsx,
 * ./View.tsx) for the features that offer an export outside the cleanup panel: the quota meter's "keep a copy" and
 * "export this folder", the retention meter's "keep a copy". exportMessages() and its view are too big for the
 * content script that loads on every webmail page, so a feature loads them with loadPart() (lib/parts/load.ts) when
 * the user asks. This is the API the part hands over.
 */
import type { Lang } from '../format';
import type { ExportTarget } from './contract';
import type { ExportSource } from './sources';
import type { Webmail } from '../webmail/types';

export const EXPORT_PART = 'quota-export';

export interface ExportPartProps {
  webmail: Webmail;
  /** What can be exported (./sources.ts); with more than one, the view lets the user choose. */
  sources: ExportSource[];
  /** The source chosen to start with (default: the first). */
  initial?: string;
  lang: Lang;
  /** Tests only: force a target (Chromium's save dialog cannot be driven by the e2e harness). */
  target?: ExportTarget;
}

export interface ExportPartApi {
  /** Render the export's start button and status into `container`; returns how to remove it. */
  mount(container: HTMLElement, props: ExportPartProps): () => void;
}
