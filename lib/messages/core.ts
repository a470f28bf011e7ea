/** Messages of the foundation: settings, origins, webmail sightings. Features add theirs in their own file. */
import * as z from 'zod/mini';
import { def, Ok } from './define';

/** What forgetting removed (lib/background/retention.ts). */
export const ForgetOutcome = z.object({ bals: z.array(z.string()), jobs: z.number(), verdicts: z.number(), quotaPoints: z.number() });
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
  /** Remove an origin; answers the mailboxes Balise still holds rows about from it (the page offers to forget them). */
  'origins/remove': def({ origin: OriginString }, z.object({ ok: z.literal(true), mailboxes: z.optional(z.array(z.string())) }), ['page']),
  /** Forget every mailbox seen on (or registered for) this origin, and every cleanup job run on it. */
  'origins/forget': def({ origin: OriginString }, ForgetOutcome, ['page']),
  'bals/list': def({}, z.array(Bal), ['page', 'content']),
  /** A content script found a webmail and its account: the BAL is recorded as seen (not registered). */
  'webmail/seen': def(
    { kind: WebmailKind, address: Email, quota: z.optional(z.nullable(QuotaSnapshot)) },
    Ok,
    ['content'],
  ),
} as const;
