/**
 * Messages of "My BALs": the registry, the person's details, signature templates, the compose context a
 * webmail page asks for, and settings export/import. Handlers: lib/background/registry.ts; the pure rules and
 * shapes: lib/registry/; the options page's section: lib/options/Registry.tsx.
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { ForgetOutcome } from './core';
import { Bal, Email, OriginString, Settings, SignatureTemplate } from '../store/schemas';
import { BalInput, Profile, TemplateInput } from '../registry/schemas';
import { SAFETY_KEYS } from '../registry/transfer';

/** Largest settings file accepted for import (characters of JSON). */
export const IMPORT_MAX_CHARS = 1_000_000;

export const ImportProblem = z.object({
  code: z.string().check(z.maxLength(64)),
  /** Where in the file: keys and indexes, e.g. ['bals', 2, 'address']. */
  path: z.array(z.union([z.string().check(z.maxLength(200)), z.number()])).check(z.maxLength(32)),
});

export const registryMessages = {
  /** Everything the options page shows: every BAL (registry and seen), templates, the person's details. */
  'registry/get': def({}, z.object({ bals: z.array(Bal), templates: z.array(SignatureTemplate), profile: Profile }), ['page']),
  /**
   * Add or change a BAL of the registry (a seen BAL becomes a registry one). `previous`: the address it had,
   * when the user changed it. Enforces one preferred BAL per practice situation; refuses to prefer an inactive BAL.
   */
  'registry/save-bal': def({ bal: BalInput, previous: z.optional(Email) }, Ok, ['page']),
  /** Remove a BAL from the registry (or forget a seen one). Nothing happens to the mailbox itself. */
  'registry/remove-bal': def({ address: Email }, Ok, ['page']),
  /**
   * "Forget this mailbox": remove every row Balise derived from it (the BAL, its quota history, cleanup jobs and
   * batches, lock, cached verdicts, folder choices, alert state). Nothing happens to the mailbox itself.
   */
  'registry/forget-bal': def({ address: Email }, ForgetOutcome, ['page']),
  /** Make this BAL the preferred one of its practice situation. */
  'registry/set-preferred': def({ address: Email }, Ok, ['page']),
  'profile/save': def({ profile: Profile }, Ok, ['page']),
  /** Create or replace the template of a practice situation ('' = the default template). */
  'templates/save': def({ template: TemplateInput }, SignatureTemplate, ['page']),
  'templates/remove': def({ situation: z.string().check(z.maxLength(200)) }, Ok, ['page']),
  /**
   * For a compose view on a webmail page: the signature for the BAL written from (null when the page does not
   * show it), whether that BAL is the preferred one, the attachment limit and the compose settings.
   */
  'compose/context': def(
    { from: z.nullable(Email) },
    z.object({
      signature: z.object({ html: z.string(), text: z.string() }),
      from: z.nullable(z.string()),
      preferredAddress: z.nullable(z.string()),
      notPreferred: z.boolean(),
      situation: z.nullable(z.string()),
      attachmentLimitMB: z.nullable(z.number()),
      autoInsert: z.boolean(),
      checks: z.boolean(),
    }),
    ['content', 'page'],
  ),
  /** Everything a settings file holds, as JSON text (the page saves it as a file). */
  'transfer/export': def({}, z.object({ json: z.string(), filename: z.string() }), ['page']),
  /**
   * Replace settings, registry, templates and the person's details with a file's, in one transaction; nothing
   * is written unless the whole file is valid. Origins are not added: `origins` lists those that still need
   * the browser's permission (the page asks for it, then adds them).
   */
  'transfer/import': def(
    {
      json: z.string().check(z.maxLength(IMPORT_MAX_CHARS + 1)),
      /** The safety settings the user saw turned off by this file and confirmed (see lib/registry/transfer.ts). */
      confirm: z.optional(z.array(z.enum(SAFETY_KEYS)).check(z.maxLength(SAFETY_KEYS.length))),
    },
    z.union([
      z.object({ ok: z.literal(true), counts: z.object({ bals: z.number(), templates: z.number() }), origins: z.array(OriginString) }),
      z.object({ ok: z.literal(false), problem: ImportProblem }),
      /** Nothing written: the file turns these safety settings off; ask the user, then send again with `confirm`. */
      z.object({ ok: z.literal(false), confirm: z.array(z.enum(SAFETY_KEYS)) }),
    ]),
    ['page'],
  ),
} as const;

export type ComposeContext = z.infer<(typeof registryMessages)['compose/context']['res']>;
export type { Settings };
