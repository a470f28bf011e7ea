/**
 * Picks the adapter for a page; the list itself is lib/webmail/adapters.ts. Each adapter detects its webmail from the page's
 * own signals (globals are invisible from the content script's isolated world: DOM, inline scripts, markup).
 */
import type { Detection, WebmailAdapterFactory } from './types';
import { ADAPTER_FACTORIES } from './adapters';

export const ADAPTERS: readonly WebmailAdapterFactory[] = ADAPTER_FACTORIES;

export function detectWebmail(doc: Document, loc: Location): { factory: WebmailAdapterFactory; detection: Detection } | null {
  for (const factory of ADAPTERS) {
    let detection: Detection | null = null;
    try {
      detection = factory.detect(doc, loc);
    } catch {
      detection = null; // a detector must never break the page or the other detectors
    }
    if (detection) return { factory, detection };
  }
  return null;
}
