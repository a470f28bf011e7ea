/**
 * Shapes of the "My BALs" area: the person's own details (signature variables) and a BAL as the user edits it
 * in the registry. The stored BAL row is lib/store/schemas.ts `Bal`; this is what a page may send to change one.
 * zod/mini: the content script imports some of this.
 */
import * as z from 'zod/mini';
import { Bal, BalKind, BalStatus, Email, OriginString, Situation, WebmailKind } from '../store/schemas';

const Line = z.string().check(z.maxLength(200));

/** The person's own details, used as signature variables. Kept in the kv table under {@link PROFILE_KEY}. */
export const Profile = z.object({
  prenom: z.optional(Line),
  nom: z.optional(Line),
  profession: z.optional(Line),
  specialite: z.optional(Line),
  rpps: z.optional(z.string().check(z.maxLength(20))),
  adeli: z.optional(z.string().check(z.maxLength(20))),
  telephone: z.optional(z.string().check(z.maxLength(40))),
});
export type Profile = z.infer<typeof Profile>;

export const PROFILE_KEY = 'profile';

export const Limits = z.object({
  attachmentMB: z.optional(z.number().check(z.gt(0), z.lte(1024))),
  retentionDays: z.optional(z.number().check(z.int(), z.gt(0))),
  trashLifetimeDays: z.optional(z.number().check(z.int(), z.gt(0))),
});

/** The largest number of days the options form takes for a lifetime (ten years). */
export const MAX_LIFETIME_DAYS = 3650;
/** Attachment limit as the user types it, in MB. */
export const AttachmentMB = z.number().check(z.gt(0), z.lte(1024));
/** A lifetime as the user types it: whole days, 1 to {@link MAX_LIFETIME_DAYS}. */
export const LifetimeDays = z.number().check(z.int(), z.gt(0), z.lte(MAX_LIFETIME_DAYS));

/**
 * The limits of an edit, key by key: a number sets that limit, null removes it, an absent key keeps what is
 * stored (so a page that does not show a limit never erases it). See mergeLimits (lib/registry/limits.ts).
 */
export const LimitsInput = z.object({
  attachmentMB: z.optional(z.nullable(AttachmentMB)),
  retentionDays: z.optional(z.nullable(LifetimeDays)),
  trashLifetimeDays: z.optional(z.nullable(LifetimeDays)),
});
export type LimitsInput = z.infer<typeof LimitsInput>;

/**
 * The fields of a registry BAL the user edits: the stored `Bal` without its sighting data (source, lastSeen,
 * lastQuota stay the background's), with limits a page may also clear (null).
 */
export const BalFields = {
  ...z.omit(Bal, { source: true, lastSeen: true, lastQuota: true, limits: true }).shape,
  limits: z.optional(LimitsInput),
};

export const BalInput = z.object(BalFields);
export type BalInput = z.infer<typeof BalInput>;

/** A signature template as a page saves it: one per practice situation ('' = the default one). */
export const TemplateInput = z.object({
  situation: z.string().check(z.maxLength(200)),
  text: z.string().check(z.maxLength(10_000)),
  html: z.optional(z.string().check(z.maxLength(20_000))),
});
export type TemplateInput = z.infer<typeof TemplateInput>;

export type { Bal };
