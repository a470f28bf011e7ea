/** Messages of the foundation: settings, origins, webmail sightings. Features add theirs in their own file. */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { Bal, OriginEntry, OriginString, QuotaSnapshot, Settings, SettingsPatch, WebmailKind, Email } from '../store/schemas';

export const coreMessages = {
  ping: def({}, z.object({ version: z.string(), testBuild: z.boolean() }), ['page', 'content']),
  'settings/get': def({}, Settings, ['page', 'content']),
  'settings/update': def({ patch: SettingsPatch }, Settings, ['page']),
  'origins/list': def({}, z.array(OriginEntry), ['page']),
  /** Sent by the options page after the browser granted the permission (which needs the user's click there). */
  'origins/add': def(
    { origin: OriginString, knownId: z.optional(z.string().check(z.maxLength(64))) },
    z.object({ ok: z.boolean(), reason: z.optional(z.enum(['not-granted', 'invalid'])) }),
    ['page'],
  ),
  'origins/remove': def({ origin: OriginString }, Ok, ['page']),
  'bals/list': def({}, z.array(Bal), ['page', 'content']),
  /** A content script found a webmail and its account: the BAL is recorded as seen (not registered). */
  'webmail/seen': def(
    { kind: WebmailKind, address: Email, quota: z.optional(z.nullable(QuotaSnapshot)) },
    Ok,
    ['content'],
  ),
} as const;
