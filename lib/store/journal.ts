/**
 * Shapes of the cleanup journal: what a job keeps besides its batches (its extras and its final report), the
 * message references and outcome codes batches hold, and the lock holder. One source for the background (Dexie
 * rows, lib/background/cleanup.ts), the messages (lib/messages/cleanup.ts) and the runner
 * (lib/features/cleanup/run/): their types are inferred from here.
 *
 * Privacy: a journal row must never hold a subject, a sender, a file name or a patient's name. Every object here is
 * strict (an unknown key is refused, not kept), codes are enumerated, message ids are short strings of the id
 * alphabet adapters use (Roundcube UIDs and Zimbra item ids are digits; shared Zimbra items read `uuid:id`), and
 * every list has a cap. Folder ids are the one free-form string: Balise cannot act on a message without them (on
 * Roundcube they are the IMAP folder names the user chose); folder paths and names are never journaled.
 * tests/unit/store/journal.test.ts fails if a schema here admits free text beyond that.
 *
 * zod/mini: the content script parses these too.
 */
import * as z from 'zod/mini';
import type { WebmailErrorCode } from '../webmail/types';

/** Items of one job at most (a whole 200 MB mailbox is ~3,000 messages; the bench profile 20,500). */
export const MAX_JOB_ITEMS = 100_000;
/** Ids of one batch at most (the runner never cuts more than this into one request). */
export const MAX_BATCH_IDS = 5000;

export const MESSAGE_ID_RE = /^[A-Za-z0-9._:=+@-]{1,256}$/;
/** A message id as adapters give it. */
export const MessageId = z.string().check(z.regex(MESSAGE_ID_RE));
/** A folder id: what the webmail names the folder by (no control characters, bounded). */
export const FolderId = z.string().check(z.minLength(1), z.maxLength(1024), z.regex(/^[^\u0000-\u001f\u007f]+$/));
export const MessageRefSchema = z.strictObject({ folderId: FolderId, id: MessageId });
/** `folderId \0 id`: how the runner keys a message in its sets (exported, unread, …). */
export const RefKey = z.string().check(z.maxLength(1300), z.regex(/^[^\u0000-\u001f\u007f]+\u0000[A-Za-z0-9._:=+@-]{1,256}$/));
/** Job ids the runner makes (`job-` + 24 hex digits) and plan ids (a UUID); tests use short ones. */
export const JobId = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/));
const Count = z.number().check(z.int(), z.gte(0));
const Bytes = z.number().check(z.gte(0));
const Time = z.number().check(z.gte(0));

/** The adapter's error codes (lib/webmail/types.ts WebmailErrorCode), kept equal to it by the check below. */
export const WEBMAIL_ERROR_CODES = [
  'auth-expired',
  'forbidden',
  'not-found',
  'quota-exceeded',
  'busy',
  'network',
  'server',
  'invalid-response',
  'unsupported',
  'aborted',
  'blocked',
] as const;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const webmailCodesMatch: Same<(typeof WEBMAIL_ERROR_CODES)[number], WebmailErrorCode> = true;
void webmailCodesMatch;

/**
 * Why an item was not acted on, or why a job stopped: a webmail error code, or one of the runner's own. 'other': an
 * adapter gave a code this version does not know (kept as a code, never as text).
 */
export const CleanupReason = z.enum([
  ...WEBMAIL_ERROR_CODES,
  'cancelled',
  'not-in-snapshot',
  'not-in-trash',
  'already-in-trash',
  'not-exported',
  'export-failed',
  'export-required',
  'unconfirmed',
  'unknown-location',
  'unread-not-restored',
  'lock-lost',
  'store',
  'internal',
  'interrupted',
  'journal-outdated',
  'other',
]);
export type CleanupReason = z.infer<typeof CleanupReason>;

const REASONS = new Set<string>(CleanupReason.options);
/** Any code as a CleanupReason (an unknown one becomes 'other'). */
export function asReason(code: string): CleanupReason {
  return REASONS.has(code) ? (code as CleanupReason) : 'other';
}

export const JobAction = z.enum(['trash', 'delete', 'undo']);
export type JobAction = z.infer<typeof JobAction>;
export const JobState = z.enum(['planned', 'exporting', 'running', 'paused', 'done', 'failed', 'cancelled']);
export const BatchState = z.enum(['pending', 'sent', 'done', 'failed']);

export const QuotaSchema = z.strictObject({ usedBytes: Bytes, limitBytes: z.nullable(Bytes), at: Time });

export const ReportLineSchema = z.strictObject({
  ref: MessageRefSchema,
  outcome: z.enum(['moved', 'deleted', 'restored', 'failed', 'skipped']),
  /** On a 'restored' line: 'unread-not-restored' (back home, but the unread mark could not be given back). */
  reason: z.optional(CleanupReason),
  /** Where it is now, when known (new id in the trash, etc.). */
  now: z.optional(MessageRefSchema),
});
export type ReportLine = z.infer<typeof ReportLineSchema>;

/** Folders of a mailbox at most (a report's foldersAfter). */
export const MAX_FOLDERS = 10_000;
const FolderAfterSchema = z.strictObject({ id: FolderId, count: Count, bytes: z.nullable(Bytes) });

/** A job's report: what a run resolves with, and what the journal keeps (after a reload the panel shows it again). */
export const ReportSchema = z.strictObject({
  jobId: JobId,
  action: JobAction,
  state: z.enum(['done', 'failed', 'cancelled', 'interrupted']),
  movedCount: Count,
  failedCount: Count,
  /** Every item once, with its outcome. */
  lines: z.array(ReportLineSchema).check(z.maxLength(MAX_JOB_ITEMS)),
  /** Predicted vs actual (quota re-read from the server after the run; actual may be negative: mail arrived). */
  predictedFreed: Bytes,
  actualFreed: z.nullable(z.number()),
  quotaAfter: z.nullable(QuotaSchema),
  startedAt: Time,
  endedAt: Time,
  /** Why the job stopped early. */
  stopReason: z.optional(CleanupReason),
  /** Folders re-read from the server after the run, by id (null: could not be read). */
  foldersAfter: z.optional(z.nullable(z.array(FolderAfterSchema).check(z.maxLength(MAX_FOLDERS)))),
  /**
   * A deletion's check scan (what MailizClean calls scanning again): the trash re-read after the permanent deletion.
   * `planned`: the messages the job was to delete; `stillThere`: how many of them the server still shows in the trash
   * (null: it could not be asked); `others`: other messages in the trash (kept, protected or arrived since; null:
   * the trash's count is not known).
   */
  trashCheck: z.optional(z.strictObject({ planned: Count, stillThere: z.nullable(Count), others: z.nullable(Count) })),
});
export type Report = z.infer<typeof ReportSchema>;

const Keys = z.array(RefKey).check(z.maxLength(MAX_JOB_ITEMS));

/** An item refused before the job started (never journaled as something to act on). */
export const SkippedItemSchema = z.strictObject({ ref: MessageRefSchema, size: Bytes, reason: CleanupReason });
export type SkippedItem = z.infer<typeof SkippedItemSchema>;

/** What a job keeps besides its batches. Every field optional: a patch (update-job) has the same shape. */
export const JobExtrasSchema = z.strictObject({
  planId: z.optional(JobId),
  /** undo job: the trash job it undoes. */
  sourceJobId: z.optional(JobId),
  /** trash job: the undo job that put it back. */
  undoneBy: z.optional(JobId),
  /** delete job: export first. */
  needsExport: z.optional(z.boolean()),
  /** delete job: the messages the exporter confirmed. */
  exported: z.optional(Keys),
  skipped: z.optional(z.array(SkippedItemSchema).check(z.maxLength(MAX_JOB_ITEMS))),
  /** trash job: the items that were unread when the job was made. */
  unread: z.optional(Keys),
  /** undo job: its items (at their place in the trash) to mark unread again once back home. */
  markUnread: z.optional(Keys),
  /** undo job: those of `markUnread` that are unread again (checked by the adapter). */
  unreadDone: z.optional(Keys),
  quotaBefore: z.optional(z.nullable(QuotaSchema)),
  startedAt: z.optional(Time),
  stopReason: z.optional(CleanupReason),
  final: z.optional(ReportSchema),
});
export type JobExtras = z.infer<typeof JobExtrasSchema>;

const BatchIds = z.array(MessageId).check(z.maxLength(MAX_BATCH_IDS));
export const FailedIdSchema = z.strictObject({ id: MessageId, code: CleanupReason });
const NewRefs = z
  .record(MessageId, MessageRefSchema)
  .check(z.refine((r) => Object.keys(r).length <= MAX_BATCH_IDS, { message: 'too many new references' }));

/** A batch's outcome so far. `done`, `failed` and the keys of `newRefs` are subsets of the batch's ids. */
export const BatchRecordSchema = z.strictObject({
  state: BatchState,
  done: BatchIds,
  failed: z.array(FailedIdSchema).check(z.maxLength(MAX_BATCH_IDS)),
  newRefs: z.optional(NewRefs),
});
export type BatchRecord = z.infer<typeof BatchRecordSchema>;

/** Who holds a mailbox's cleanup lock, as a tab sees it. */
export const LockHolderSchema = z.strictObject({
  /** '': the lock changed hands while it was being asked for (the holder is not known). */
  jobId: z.union([JobId, z.literal('')]),
  /** The job runs in the asking tab (a page that was reloaded while it ran does not count: it is taken over). */
  sameTab: z.boolean(),
  heartbeatAt: Time,
});
export type LockHolder = z.infer<typeof LockHolderSchema>;
export const LockAnswerSchema = z.strictObject({ ok: z.boolean(), holder: z.optional(LockHolderSchema) });

/** A job row's fields but its mailbox, origin (lib/store/schemas.ts adds them: Job) and extras. */
export const JobHead = {
  id: JobId,
  createdAt: Time,
  updatedAt: Time,
  state: JobState,
  action: JobAction,
  totalCount: Count.check(z.lte(MAX_JOB_ITEMS)),
  totalBytes: Bytes,
};

/** One batch of a job, journaled before it is sent ('pending' → 'sent') and after ('done' / 'failed'). */
export const BatchSchema = z.strictObject({
  jobId: JobId,
  seq: Count,
  folderId: FolderId,
  ids: BatchIds,
  /** Size of each message, parallel to `ids` (progress in MB, undo). Not indexed: no schema version needed. */
  sizes: z.optional(z.array(Bytes).check(z.maxLength(MAX_BATCH_IDS))),
  /** Undo batches: the folder the messages go back to (`folderId` is the trash). */
  target: z.optional(FolderId),
  bytes: Bytes,
  /** pending = not in flight (may hold a partial outcome); sent = a request is (or was) in flight. */
  state: BatchState,
  done: z.optional(BatchIds),
  failed: z.optional(z.array(FailedIdSchema).check(z.maxLength(MAX_BATCH_IDS))),
  newRefs: z.optional(NewRefs),
  updatedAt: Time,
});
export type Batch = z.infer<typeof BatchSchema>;
