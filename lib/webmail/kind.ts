/**
 * Which webmail a page belongs to: the one source of that list. A zod/mini enum (the content script's zod) and its
 * type; imported by the adapters, the stored shapes (lib/store/schemas.ts) and the known origins (lib/origins.ts).
 * Keep this module free of any other import: detection code and the content script's first chunk load it.
 */
import * as z from 'zod/mini';

export const WEBMAIL_KINDS = ['roundcube', 'zimbra', 'medimail'] as const;
export const WebmailKind = z.enum(WEBMAIL_KINDS);
export type WebmailKind = z.infer<typeof WebmailKind>;
