/**
 * Zimbra detection: tiny and synchronous, no zod and no request (page.ts's detector reads only the DOM and the inline
 * launch script). The content script may load the rest of the adapter only once this says yes: `load`.
 */
import type { WebmailDetector } from '../types';
import { detectZimbra } from './page';

export { detectZimbra } from './page';

/** The detector and how to load the adapter (lib/webmail/adapters.ts lists these). */
export const zimbraDetector: WebmailDetector = {
  kind: 'zimbra',
  detect: (doc, loc) => detectZimbra(doc, loc),
  load: () => import('./index'),
};
