/**
 * Every message between Balise's contexts (content script, background, popup, options), as zod discriminated
 * unions on `type`:
 * - `messageDefs`: messages to the background (from Balise pages and Balise's content script);
 * - `tabMessageDefs` (lib/messages/tab.ts): messages from the background or a Balise page to the content script.
 * Each type declares its request fields, its response and who may send it (lib/messages/define.ts).
 * Receivers parse every request against their union and check the sender (lib/messages/router.ts) and check
 * their own answer against the declared response schema before sending it.
 * To add messages: a file next to core.ts, spread here.
 */
import * as z from 'zod/mini';
import { unionOf, type MessageDef, type SenderKind } from './define';
import { coreMessages } from './core';
import { testMessages } from '../testing/messages';
import { cleanupMessages } from './cleanup';
import { quotaMessages } from './quota';
import { retentionMessages } from './retention';
import { exportMessageDefs } from './export';
import { classificationMessages } from './classify';
import { registryMessages } from './registry';
import { cleanupRuleMessages } from './cleanup-rules';
import { onboardingMessages } from './onboarding';
import { managedMessages } from './managed';

export type { SenderKind } from './define';

export const messageDefs = {
  ...coreMessages,
  ...testMessages,
  ...cleanupMessages,
  ...quotaMessages,
  ...retentionMessages,
  ...exportMessageDefs,
  ...classificationMessages,
  ...registryMessages,
  ...cleanupRuleMessages,
  ...onboardingMessages,
  ...managedMessages,
} as const;

type Defs = typeof messageDefs;
export type MessageType = keyof Defs & string;
export type Request<K extends MessageType> = { type: K } & z.infer<z.ZodMiniObject<Defs[K]['req']>>;
export type Response<K extends MessageType> = z.infer<Defs[K]['res']>;
export type AnyRequest = { [K in MessageType]: Request<K> }[MessageType];

// unionOf lives in define.ts so that the content script (tab messages) does not carry every message schema.
export { unionOf } from './define';

export const AnyRequestSchema = unionOf(messageDefs);

export function parseRequest(raw: unknown): AnyRequest | null {
  const r = AnyRequestSchema.safeParse(raw);
  return r.success ? (r.data as AnyRequest) : null;
}
