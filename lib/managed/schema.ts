/**
 * The configuration an organisation's IT sets for Balise (Chrome: storage.managed, described to Chrome by
 * public/managed-schema.json; Firefox: policies.json "3rdparty" → "Extensions" → Balise's id). Read through zod
 * here whatever the browser let through: a field that does not validate is dropped, never trusted.
 */
import * as z from 'zod/mini';
import { BalKind, Email } from '../store/schemas';

/** Settings IT may set, as dotted paths of Settings; the same names are used in `locked`. */
export const MANAGED_SETTINGS = [
  'quota.warnPercent',
  'quota.criticalPercent',
  'cleanup.oldMonths',
  'cleanup.largeMB',
  'cleanup.largeOlderThanMonths',
  'cleanup.recentDays',
  'cleanup.protectUnread',
  'cleanup.protectFlagged',
  'cleanup.protectClinical',
  'cleanup.exportBeforeDelete',
  'cleanup.exportReadable',
] as const;
export type ManagedSetting = (typeof MANAGED_SETTINGS)[number];

const Percent = z.number().check(z.int(), z.gte(1), z.lte(100));
const Months = z.number().check(z.int(), z.gte(1), z.lte(240));

/** An https origin (or a bare host), as IT writes it; normalized by the background. */
const OriginInput = z.string().check(z.minLength(1), z.maxLength(2048));

export const ManagedBal = z.object({
  address: Email,
  /** Organisational BALs by default. */
  kind: z.optional(BalKind),
  operator: z.optional(z.string().check(z.maxLength(200))),
  /** The practice situation (service, structure) the BAL and its signature belong to. */
  situation: z.optional(
    z.object({
      label: z.string().check(z.minLength(1), z.maxLength(200)),
      structure: z.optional(z.string().check(z.maxLength(200))),
      finess: z.optional(z.string().check(z.maxLength(20))),
      siret: z.optional(z.string().check(z.maxLength(20))),
    }),
  ),
  /** Signature template (same variables as in the options page): plain text, and optional HTML. */
  signatureText: z.optional(z.string().check(z.maxLength(10_000))),
  signatureHtml: z.optional(z.string().check(z.maxLength(20_000))),
});
export type ManagedBal = z.infer<typeof ManagedBal>;

export const ManagedConfig = z.object({
  webmailOrigins: z.optional(z.array(OriginInput).check(z.maxLength(50))),
  quota: z.optional(
    z.object({
      warnPercent: z.optional(Percent),
      criticalPercent: z.optional(Percent),
    }),
  ),
  cleanup: z.optional(
    z.object({
      oldMonths: z.optional(Months),
      largeMB: z.optional(z.number().check(z.gte(0.1), z.lte(1024))),
      largeOlderThanMonths: z.optional(z.number().check(z.int(), z.gte(0), z.lte(240))),
      recentDays: z.optional(z.number().check(z.int(), z.gte(0), z.lte(365))),
      protectUnread: z.optional(z.boolean()),
      protectFlagged: z.optional(z.boolean()),
      protectClinical: z.optional(z.boolean()),
      exportBeforeDelete: z.optional(z.boolean()),
      /** Exports also write the readable archive (index.html, a folder per message): the box starts checked. */
      exportReadable: z.optional(z.boolean()),
    }),
  ),
  /** Settings the user may not change (the managed value, or the default when IT set none, is enforced). */
  locked: z.optional(z.array(z.enum(MANAGED_SETTINGS)).check(z.maxLength(MANAGED_SETTINGS.length * 2))),
  bals: z.optional(z.array(ManagedBal).check(z.maxLength(50))),
});
export type ManagedConfig = z.infer<typeof ManagedConfig>;

/**
 * Parse what the browser's managed storage holds. Each top-level key is read on its own: one bad key (a typo in a
 * policy file) loses that key only, and is reported.
 */
export function readManaged(raw: unknown): { config: ManagedConfig; problems: string[] } {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { config: {}, problems: raw == null ? [] : ['not an object'] };
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (!(key in ManagedConfig.shape)) {
      problems.push(`${key}: unknown key`);
      continue;
    }
    const one = ManagedConfig.safeParse({ [key]: value });
    if (one.success) config[key] = (one.data as Record<string, unknown>)[key];
    else problems.push(`${key}: ${one.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`);
  }
  return { config: config as ManagedConfig, problems };
}

export function isManagedEmpty(c: ManagedConfig): boolean {
  return Object.values(c).every((v) => v === undefined);
}
