/**
 * The registered adapters, in detection order. One line per webmail; nothing else in Balise names them.
 */
import type { WebmailAdapterFactory } from './types';
import { zimbraAdapter } from './zimbra';
import { roundcubeFactory } from './roundcube';
import { medimailFactory } from './medimail';

export const ADAPTER_FACTORIES: WebmailAdapterFactory[] = [
  // roundcube, zimbra, medimail: each adapter adds its own line here.
  zimbraAdapter,
  roundcubeFactory,
  medimailFactory,
];
