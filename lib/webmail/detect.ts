/**
 * Which webmail this page is: the only webmail code in the content script loaded on every webmail page. Each
 * adapter detects its webmail from the page's own signals (globals are invisible from the content script's
 * isolated world: DOM, inline scripts, markup) in its detect.ts, which imports nothing heavy (no zod, no request
 * code); the adapter itself is in that webmail's on-demand part (lib/content/part.ts, entrypoints/webmail-<kind>.ts),
 * loaded once this says which.
 *
 * Only the detect functions are imported here, not the detectors' load(): the content script is one file, so a
 * dynamic import() of an adapter module inside it would be bundled into it (the parts are separate files, loaded
 * with lib/parts/load.ts).
 */
import type { Detection, WebmailKind } from './types';
import { detectRoundcube } from './roundcube/detect';
import { detectZimbra } from './zimbra/detect';

export interface Detector {
  kind: WebmailKind;
  detect(doc: Document, loc: Location): Detection | null;
}

/** In detection order (the same as lib/webmail/adapters.ts). */
export const DETECTORS: readonly Detector[] = [
  { kind: 'zimbra', detect: detectZimbra },
  { kind: 'roundcube', detect: (doc) => detectRoundcube(doc) },
];

export function detectWebmail(doc: Document, loc: Location): Detection | null {
  for (const detector of DETECTORS) {
    try {
      const detection = detector.detect(doc, loc);
      if (detection) return detection;
    } catch {
      // a detector must never break the page or the other detectors
    }
  }
  return null;
}
