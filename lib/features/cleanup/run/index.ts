/**
 * The cleanup's execution: a job acts on exact message ids (a snapshot), in batches, journaled in the background's
 * IndexedDB before and after every batch, under a per-mailbox lock held by the background across tabs.
 *
 * API for the panel, all in the content script:
 *
 *   const report = await startJob(webmail, { bal, origin, plan, action: 'trash', items }, { signal, onProgress, bus });
 *   const resumable = await findResumableJob(bal);          // an interrupted job of this mailbox, or null
 *   const report = await resumeJob(webmail, resumable.jobId, { signal, onProgress, bus });
 *   const report = await abandonJob(webmail, jobId);          // "stop here": settle what is known, no more actions
 *   const undoable = await findUndoableJob(bal);             // the last job, if it is a 'trash' job not undone yet
 *   const report = await undoLastJob(webmail, bal, { signal, onProgress, bus });
 *   const items = await trashedItems(jobId);                 // what a trash job moved, at its place in the trash
 *   const status = await cleanupStatus(bal);                 // running elsewhere? resumable? undoable?
 *   const last = await findLastJob(bal);                     // the most recent job and its report (after a reload)
 *
 * Contract:
 * - startJob / resumeJob / undoLastJob / abandonJob RESOLVE with a Report whatever happened to the messages
 *   (state 'done' | 'failed' | 'cancelled' | 'interrupted'; every item has exactly one line). They REJECT only
 *   when nothing was done at all, with a CleanupError:
 *     'locked'           another job of this mailbox runs (in another tab: `error.holder.sameTab === false`);
 *     'unsupported'      the webmail cannot act on messages (no mailbox part);
 *     'nothing-to-do'    no item at all;
 *     'too-many'         more items than one job may hold (MAX_JOB_ITEMS);
 *     'not-found'        resumeJob / abandonJob: no such job (or not this mailbox's);
 *     'not-resumable'    resumeJob: the job already ended;
 *     'nothing-to-undo'  undoLastJob: no undoable job;
 *     'export-required'  a 'delete' job that must export first was resumed without `exportFirst`;
 *     'other-webmail'    the background refused this page the mailbox (it belongs to another webmail origin:
 *                        the person confirms this webmail in Mes BAL);
 *     'store'            the background could not be reached (extension updated or reloaded: reload the page);
 *   or with the adapter's WebmailError when the very first read (folders) fails.
 * - Cancel (opts.signal): the batch being sent finishes and is journaled; the job stops ('cancelled'), the
 *   remaining items get outcome 'skipped', reason 'cancelled'. Nothing is interrupted mid-request.
 * - Progress (opts.onProgress) after every batch; the bus gets 'mailbox-changed' after every batch that changed
 *   something, so the quota meter refreshes.
 * - Report.lines reasons: a WebmailErrorCode, or 'cancelled', 'not-in-snapshot', 'not-in-trash', 'already-in-trash',
 *   'not-exported', 'export-failed' (nothing deleted), 'unconfirmed' (sent, but the server could not be asked where
 *   the message is: resume settles it), 'unknown-location' (undo: its place in the trash is not known, put it back
 *   by hand), or, for items the job never got to, the job's stopReason ('auth-expired', 'network', 'server',
 *   'lock-lost' (another tab took the lock after this one looked dead), 'store', 'internal' (a bug of ours), …).
 *   A 'restored' line (undo) may carry reason 'unread-not-restored': back home, but it was unread before the trash
 *   job and is not confirmed unread again (Roundcube marks messages read on their way to the trash; the adapter has
 *   no markUnread, or it failed, or a tab marked it but its journal write failed before recording it). The undo
 *   itself does not fail for it. A line without that reason is exact: the message is unread again.
 *   Report.stopReason says why a job stopped early. States: 'interrupted' = resumable (findResumableJob);
 *   'failed' = the export failed (nothing deleted); 'cancelled' = the user stopped it, or abandonJob.
 * - 'trash': moves items to the trash (predictedFreed 0: the quota counts the trash), noting which were unread
 *   (JobItem.unread, else the plan's summary) so that undo can make them unread again. 'delete': deletes exact ids
 *   that are in the trash (only them, never the whole trash; predictedFreed = their sizes); with `exportFirst`,
 *   only messages the exporter confirms are deleted. 'undo': see undoLastJob.
 * - The journal keeps no free text (lib/store/journal.ts): reasons are codes, ids are ids, the report is journaled
 *   without the folder paths it shows. A job an older version wrote that does not read back checked is shown as
 *   ended ('journal-outdated'): never resumed, never undone.
 * - Retries: a batch whose request fails with 'network' / 'server' / 'busy' / 'invalid-response' is settled by
 *   asking the server which of its messages are still in the source folder, and only those are sent again (up to
 *   3 attempts). 'auth-expired' / 'forbidden' stop the job ('interrupted', resumable after logging in again).
 */
// Files: context.ts (options, errors, the lock), batches.ts (cutting, progress), engine.ts (running a job),
// report.ts (the report and summaries), undo.ts (undo and unread marks), api.ts (the calls below).
export {
  abandonJob,
  cleanupStatus,
  findLastJob,
  findResumableJob,
  findUndoableJob,
  resumeJob,
  startJob,
  trashedItems,
  undoLastJob,
  type CleanupStatus,
  type StartRequest,
} from './api';
export { CleanupError, type CleanupErrorCode, type Exporter, type LockHolder, type RunDeps, type RunOptions } from './context';
export { SETTLE_GRACE_MS } from './engine';
export type { JobSummary } from './report';
export type { JobAction, JobItem, Progress, Report } from '../types';
