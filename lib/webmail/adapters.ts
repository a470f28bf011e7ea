/**
 * The registered adapters, in detection order. One line per webmail in each list; nothing else in Balise names them.
 * ADAPTER_DETECTORS: detection only (tiny modules) and how to load each adapter; ADAPTER_FACTORIES: the adapters
 * themselves (what detect.ts uses today).
 */
import type { WebmailAdapterFactory, WebmailDetector } from './types';
import { zimbraAdapter } from './zimbra';
import { roundcubeFactory } from './roundcube';
import { zimbraDetector } from './zimbra/detect';
import { roundcubeDetector } from './roundcube/detect';

export const ADAPTER_DETECTORS: WebmailDetector[] = [zimbraDetector, roundcubeDetector];

export const ADAPTER_FACTORIES: WebmailAdapterFactory[] = [
  // roundcube, zimbra, medimail: each adapter adds its own line here.
  zimbraAdapter,
  roundcubeFactory,
];
