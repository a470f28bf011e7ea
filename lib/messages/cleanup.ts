/**
 * The cleanup runner's journal and locks, kept by the background (lib/background/cleanup.ts). Only Balise's content
 * script sends these: the background takes the tab and the origin from the sender, never from the request, and a
 * page only sees the jobs of its own origin.
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { Batch, Email, Job } from '../store/schemas';
import { BatchRecordSchema, JobExtrasSchema, JobId, LockAnswerSchema as LockAnswer, LockHolderSchema as LockHolder } from '../store/journal';

const Seq = z.number().check(z.int(), z.gte(0));
const Takeover = z.optional(z.literal('same-tab'));
/** A job of 10,000 messages is well under this. */
const MAX_BATCHES = 20_000;

export const cleanupMessages = {
  /** Create a job and its batches ('pending') if the mailbox's lock can be taken for it (atomically). */
  'cleanup/create': def(
    { job: Job, batches: z.array(Batch).check(z.maxLength(MAX_BATCHES)), takeover: Takeover },
    LockAnswer,
    ['content'],
  ),
  'cleanup/lock': def({ bal: Email, jobId: JobId, takeover: Takeover }, LockAnswer, ['content']),
  'cleanup/heartbeat': def({ bal: Email, jobId: JobId }, z.object({ ok: z.boolean() }), ['content']),
  'cleanup/unlock': def({ bal: Email, jobId: JobId }, Ok, ['content']),
  /** Before a batch's request: refused (ok false) unless this tab holds the lock for this job. */
  'cleanup/mark-sent': def({ jobId: JobId, seq: Seq }, z.object({ ok: z.boolean() }), ['content']),
  'cleanup/record-batch': def(
    { jobId: JobId, seq: Seq, ...BatchRecordSchema.shape },
    Ok,
    ['content'],
  ),
  'cleanup/update-job': def(
    /** `report`: extras to merge (strict: codes and ids only, never free text). */
    { jobId: JobId, state: z.optional(Job.shape.state), report: z.optional(JobExtrasSchema) },
    Ok,
    ['content'],
  ),
  'cleanup/get-job': def(
    { jobId: JobId },
    z.object({ found: z.optional(z.object({ job: Job, batches: z.array(Batch) })) }),
    ['content'],
  ),
  'cleanup/list-jobs': def(
    { bal: Email, limit: z.number().check(z.int(), z.gte(1), z.lte(100)) },
    z.object({ jobs: z.array(Job) }),
    ['content'],
  ),
  'cleanup/lock-status': def({ bal: Email }, z.object({ holder: z.optional(LockHolder) }), ['content']),
} as const;
