/**
 * Shapes of everything Balise keeps (IndexedDB through Dexie) and of what it imports. zod/mini: these schemas
 * are also used by the content script, where size matters.
 */
import * as z from 'zod/mini';
import { BatchSchema, JobExtrasSchema, JobHead, JobId } from './journal';
import { RULE_BOUNDS } from './rule-bounds';
import { WebmailKind } from '../webmail/kind';

export const Email = z.string().check(z.maxLength(320), z.regex(/^[^\s@<>()",;:]+@[^\s@<>()",;:]+\.[^\s@<>()",;:]+$/));
export const OriginString = z.string().check(z.maxLength(2048), z.regex(/^https?:\/\/[^/\s?#]+$/));
export { WebmailKind };
const Percent = z.number().check(z.int(), z.gte(1), z.lte(100));
const Count = z.number().check(z.int(), z.gte(0));
const Bytes = z.number().check(z.gte(0));

const RuleFolderIds = z.array(z.string().check(z.maxLength(1024))).check(z.maxLength(2000));
/** The folders the cleanup's "old" and "large" rules look in, as the user chose them for one BAL. */
export const CleanupRuleFolders = z.object({ old: RuleFolderIds, large: RuleFolderIds });
export const MAX_RULE_FOLDER_BALS = 200;

const bounded = (b: { min: number; max: number; int: boolean }) =>
  b.int ? z.number().check(z.int(), z.gte(b.min), z.lte(b.max)) : z.number().check(z.gte(b.min), z.lte(b.max));
/** The cleanup rule fields a user sets (settings.cleanup, and the panel's defaults: lib/messages/cleanup-rules.ts). */
export const CleanupRuleFields = {
  oldMonths: bounded(RULE_BOUNDS.oldMonths),
  largeMB: bounded(RULE_BOUNDS.largeMB),
  largeOlderThanMonths: bounded(RULE_BOUNDS.largeOlderThanMonths),
  recentDays: bounded(RULE_BOUNDS.recentDays),
  protectUnread: z.boolean(),
  protectFlagged: z.boolean(),
  emptyTrash: z.boolean(),
  emptyJunk: z.boolean(),
  oldEnabled: z.boolean(),
  largeEnabled: z.boolean(),
};

/** The user's settings. Every field has a default: an empty or old record parses to a complete one. */
export const Settings = z
  .object({
    quota: z.prefault(
      z
        .object({
          warnPercent: z._default(Percent, 80),
          criticalPercent: z._default(Percent, 95),
        })
        .check(
          z.refine((q) => q.criticalPercent > q.warnPercent, { message: 'criticalPercent must be above warnPercent' }),
        ),
      {},
    ),
    cleanup: z.prefault(
      z.object({
        oldMonths: z._default(CleanupRuleFields.oldMonths, 12),
        largeMB: z._default(CleanupRuleFields.largeMB, 5),
        largeOlderThanMonths: z._default(CleanupRuleFields.largeOlderThanMonths, 3),
        recentDays: z._default(CleanupRuleFields.recentDays, 30),
        protectUnread: z._default(z.boolean(), true),
        protectFlagged: z._default(z.boolean(), true),
        protectClinical: z._default(z.boolean(), true),
        exportBeforeDelete: z._default(z.boolean(), true),
        exportPartMB: z._default(z.number().check(z.int(), z.gte(8), z.lte(1024)), 64),
        /**
         * The export also writes the readable archive (index.html, a page and the attachments per message) beside
         * the .eml files: what the export views' "export-readable" box starts from. Added after 0.1.0: a record
         * written before has no such field and reads as true (the default), field by field (readSettings).
         */
        exportReadable: z._default(z.boolean(), true),
        /** Which rules the cleanup panel starts with ("Keep these settings as my defaults"). */
        emptyTrash: z._default(z.boolean(), true),
        emptyJunk: z._default(z.boolean(), true),
        oldEnabled: z._default(z.boolean(), true),
        largeEnabled: z._default(z.boolean(), true),
        /** Per BAL (address, lower-case): the folders the "old" and "large" rules look in; absent = the default ones. */
        ruleFolders: z._default(
          z.record(Email, CleanupRuleFolders).check(z.refine((r) => Object.keys(r).length <= MAX_RULE_FOLDER_BALS, { message: 'too many mailboxes' })),
          {},
        ),
      }),
      {},
    ),
    signature: z.prefault(
      z.object({
        autoInsert: z._default(z.boolean(), false),
      }),
      {},
    ),
    compose: z.prefault(
      z.object({
        checks: z._default(z.boolean(), true),
      }),
      {},
    ),
  });
export type Settings = z.infer<typeof Settings>;

/** A change to settings: any subset, validated again as a whole after merging. */
export const SettingsPatch = z.record(z.string().check(z.maxLength(64)), z.unknown());

export const BalKind = z.enum(['PER', 'CAB', 'ORG', 'APP']);
export const BalStatus = z.enum(['active', 'inactive', 'depublished']);

export const Situation = z.object({
  label: z.string().check(z.minLength(1), z.maxLength(200)),
  structure: z.optional(z.string().check(z.maxLength(200))),
  finess: z.optional(z.string().check(z.maxLength(20))),
  siret: z.optional(z.string().check(z.maxLength(20))),
});

export const QuotaSnapshot = z.object({
  usedBytes: Bytes,
  limitBytes: z.nullable(Bytes),
  at: z.number(),
});

/** One BAL (mailbox) of the user: registered by them, or only seen on a webmail page so far. */
export const Bal = z.object({
  address: Email,
  kind: z.nullable(BalKind),
  operator: z.optional(z.string().check(z.maxLength(200))),
  webmailOrigin: z.optional(OriginString),
  webmailKind: z.optional(WebmailKind),
  situation: z.optional(Situation),
  status: BalStatus,
  preferred: z.boolean(),
  /** 'user': in the registry; 'seen': detected on a webmail page, not confirmed by the user yet. */
  source: z.enum(['user', 'seen']),
  lastSeen: z.optional(z.number()),
  lastQuota: z.optional(QuotaSnapshot),
  limits: z.optional(
    z.object({
      attachmentMB: z.optional(z.number().check(z.gt(0), z.lte(1024))),
      retentionDays: z.optional(z.number().check(z.int(), z.gt(0))),
      trashLifetimeDays: z.optional(z.number().check(z.int(), z.gt(0))),
    }),
  ),
});
export type Bal = z.infer<typeof Bal>;

export const OriginEntry = z.object({
  origin: OriginString,
  addedAt: z.number(),
  /** 'user': added by the user; 'managed': listed by IT (managed storage); 'test': pre-granted by the test build. */
  source: z.enum(['user', 'test', 'managed']),
  knownId: z.optional(z.string().check(z.maxLength(64))),
});
export type OriginEntry = z.infer<typeof OriginEntry>;

export const QuotaPoint = z.object({
  bal: Email,
  /** Start of the hour the point stands for (epoch ms): at most one point per BAL per hour. */
  at: z.number(),
  usedBytes: Bytes,
  limitBytes: z.nullable(Bytes),
});
export type QuotaPoint = z.infer<typeof QuotaPoint>;

/** A cleanup job: its plan snapshot lives in its batches; the job row holds the state and the extras. */
export const Job = z.strictObject({
  ...JobHead,
  bal: Email,
  origin: OriginString,
  report: z.optional(JobExtrasSchema),
});
export type Job = z.infer<typeof Job>;

export const Batch = BatchSchema;
export type Batch = z.infer<typeof BatchSchema>;
export { MessageRefSchema } from './journal';

/** A mailbox's cleanup lock, held by the background for one job at a time across tabs. */
export const LockRow = z.object({
  /** The BAL address. */
  mailbox: Email,
  jobId: JobId,
  tabId: z.number(),
  acquiredAt: z.number(),
  /** Refreshed while the job runs; a lock whose heartbeat is older than a minute is stale. */
  heartbeatAt: z.number(),
});
export type LockRow = z.infer<typeof LockRow>;

/** What Balise learnt about one message (it never changes on the server, so this can be cached). */
export const ClassificationRow = z.object({
  bal: Email,
  folderId: z.string().check(z.maxLength(1024)),
  id: z.string().check(z.maxLength(256)),
  /** Size when classified: a different size means another message (ids can be reused after UIDVALIDITY changes). */
  size: Bytes,
  clinical: z.nullable(z.enum(['xdm', 'hprim', 'pdf'])),
  /** Instead of an exact size: how the message was listed (rounded size, precision, date), see cleanup/classify.ts. */
  listed: z.optional(z.string().check(z.maxLength(64))),
  at: z.number(),
});
export type ClassificationRow = z.infer<typeof ClassificationRow>;

/** A signature template for one practice situation (or the default one). */
export const SignatureTemplate = z.object({
  id: z.string().check(z.maxLength(64)),
  /** The practice situation label it belongs to; '' = the default template. */
  situation: z.string().check(z.maxLength(200)),
  text: z.string().check(z.maxLength(10_000)),
  html: z.optional(z.string().check(z.maxLength(20_000))),
  updatedAt: z.number(),
});
export type SignatureTemplate = z.infer<typeof SignatureTemplate>;
