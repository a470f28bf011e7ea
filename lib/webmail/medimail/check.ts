/**
 * The page on screen against the structure the adapter relies on (the account box, the folders, and a list's or a
 * message's parts). Run in the adapter's part, not at detection (detect.ts stays tiny): medimailFactory.confirm turns
 * a failing page into "unrecognised" before any feature mounts, and the adapter's recognition() names the part.
 */
import type { Detection, PageKind } from '../types';
import { Unrecognised, parseAccountBox, parseFolders, parseListPage, parseMessagePage } from './parse';
import { MEDIMAIL_SELECTORS } from './selectors';

/** What on this page the adapter cannot read, or null when everything it relies on is there. */
export function checkPage(doc: Document, page: PageKind, loc: Location | null): Unrecognised | null {
  try {
    parseAccountBox(doc);
    parseFolders(doc);
    if (page === 'mail') {
      const m = loc ? new URLSearchParams(loc.search).get('m') : null;
      if (doc.querySelector(MEDIMAIL_SELECTORS.message.css) || m === 'open') parseMessagePage(doc);
      else parseListPage(doc);
    }
    return null;
  } catch (e) {
    if (e instanceof Unrecognised) return e;
    throw e;
  }
}

/** The detection, or "not supported: unrecognised" when the page misses a part the adapter needs. */
export function confirmDetection(doc: Document, detection: Detection): Detection {
  if (detection.page === 'login' || !detection.supported) return detection;
  const problem = checkPage(doc, detection.page, doc.location ?? null);
  return problem === null ? detection : { kind: 'medimail', page: detection.page, supported: false, unsupportedReason: 'unrecognised' };
}
