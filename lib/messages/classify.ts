/**
 * The cleanup planner's cache of message classifications (clinical document or not), kept by the background
 * (lib/background/classifications.ts, table `classifications`). Messages never change on the server, so a verdict
 * stays true for as long as the id holds the same message (the size is checked by the planner).
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { Email, MessageRefSchema } from '../store/schemas';

const Verdict = z.object({
  folderId: z.string().check(z.maxLength(1024)),
  id: z.string().check(z.maxLength(256)),
  size: z.number().check(z.gte(0)),
  clinical: z.nullable(z.enum(['xdm', 'hprim', 'pdf'])),
  /** How the message was listed, for a verdict settled without a download on a host with rounded sizes (classify.ts). */
  listed: z.optional(z.string().check(z.maxLength(64))),
});

/** One plan asks for at most this many messages at a time (the planner splits bigger asks). */
export const CLASSIFY_MAX_REFS = 5000;
/** 'classify/ids' names at most this many (the oldest-read beyond it wait for the idle purge). */
export const CLASSIFY_MAX_KEPT = 50_000;

export const classificationMessages = {
  /** The cached verdicts among these messages of this BAL (those never classified are absent). */
  'classify/get': def(
    { bal: Email, refs: z.array(MessageRefSchema).check(z.maxLength(CLASSIFY_MAX_REFS)) },
    z.object({ rows: z.array(Verdict) }),
    ['content'],
  ),
  /** Remember verdicts found by downloading the messages. */
  'classify/put': def({ bal: Email, rows: z.array(Verdict).check(z.maxLength(1000)) }, Ok, ['content']),
  /** Which messages of this BAL have a verdict (ids only), so a snapshot can ask the server which still exist. */
  'classify/ids': def({ bal: Email }, z.object({ refs: z.array(MessageRefSchema).check(z.maxLength(CLASSIFY_MAX_KEPT)) }), ['content']),
  /** Forget the verdicts of these messages: the server says they are no longer there. */
  'classify/drop': def({ bal: Email, refs: z.array(MessageRefSchema).check(z.maxLength(CLASSIFY_MAX_REFS)) }, Ok, ['content']),
} as const;
