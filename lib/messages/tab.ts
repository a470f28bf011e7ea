/** Messages to Balise's content script in a webmail tab (from the background or a Balise page). */
import * as z from 'zod/mini';
import { def, Ok, unionOf } from './define';

export const tabMessageDefs = {
  /** Open the cleanup panel on this webmail page (popup's "clean up", a quota notification). */
  'tab/open-cleanup': def({ source: z.enum(['popup', 'notification']) }, Ok, ['extension']),
} as const;

type Defs = typeof tabMessageDefs;
export type TabMessageType = keyof Defs & string;
export type TabRequest<K extends TabMessageType> = { type: K } & z.infer<z.ZodMiniObject<Defs[K]['req']>>;
export type TabResponse<K extends TabMessageType> = z.infer<Defs[K]['res']>;

export const TabRequestSchema = unionOf(tabMessageDefs);
