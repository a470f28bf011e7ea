/**
 * The cleanup's execution: a job acts on exact message ids (a snapshot), in batches, journaled in the background's
 * IndexedDB before and after every batch, under a per-mailbox lock held by the background across tabs.
 *
 * API for the panel (ENGINEER P), all in the content script:
 *
 *   const report = await startJob(webmail, { bal, origin, plan, action: 'trash', items }, { signal, onProgress, bus });
 *   const resumable = await findResumableJob(bal);          // an interrupted job of this mailbox, or null
 *   const report = await resumeJob(webmail, resumable.jobId, { signal, onProgress, bus });
 *   const report = await abandonJob(webmail, jobId);          // "stop here": settle what is known, no more actions
 *   const undoable = await findUndoableJob(bal);             // the last job, if it is a 'trash' job not undone yet
 *   const report = await undoLastJob(webmail, bal, { signal, onProgress, bus });
 *   const items = await trashedItems(jobId);                 // what a trash job moved, at its place in the trash
 *   const status = await cleanupStatus(bal);                 // running elsewhere? resumable? undoable?
 *
 * Contract:
 * - startJob / resumeJob / undoLastJob / abandonJob RESOLVE with a Report whatever happened to the messages
 *   (state 'done' | 'failed' | 'cancelled' | 'interrupted'; every item has exactly one line). They REJECT only
 *   when nothing was done at all, with a CleanupError:
 *     'locked'           another job of this mailbox runs (in another tab: `error.holder.sameTab === false`);
 *     'unsupported'      the webmail cannot act on messages (capabilities.actions false);
 *     'nothing-to-do'    no item left after the snapshot checks (the report would be empty);
 *     'not-found'        resumeJob / abandonJob: no such job (or not this mailbox's);
 *     'not-resumable'    resumeJob: the job already ended;
 *     'nothing-to-undo'  undoLastJob: no undoable job;
 *     'export-required'  a 'delete' job that must export first was resumed without `exportFirst`;
 *     'store'            the background could not be reached (extension updated or reloaded: reload the page).
 * - Cancel (opts.signal): the batch being sent finishes and is journaled; the job stops ('cancelled'), the
 *   remaining items get outcome 'skipped', reason 'cancelled'. Nothing is interrupted mid-request.
 * - Progress (opts.onProgress) after every batch; the bus gets 'mailbox-changed' after every batch that changed
 *   something, so the quota meter refreshes.
 * - Report.lines reasons: a WebmailErrorCode, or 'cancelled', 'not-in-snapshot', 'not-in-trash', 'already-in-trash',
 *   'not-exported', 'interrupted' (not sent: the job stopped before), 'unconfirmed' (sent, but the server could not
 *   be asked where the message is: resume settles it), 'unknown-location' (undo: its place in the trash is not
 *   known, put it back by hand).
 * - 'trash': moves items to the trash (predictedFreed 0: the quota counts the trash). 'delete': deletes exact ids
 *   that are in the trash (only them, never the whole trash; predictedFreed = their sizes); with `exportFirst`,
 *   only messages the exporter confirms are deleted. 'undo': see undoLastJob.
 */
import type { Webmail } from '../../webmail/types';
import type { Bus } from '../bus';
import type { JobAction, JobItem, Plan, Progress, Report } from './types';

export type { JobAction, JobItem, Progress, Report } from './types';

/** Exports messages before a 'delete' job deletes them (ENGINEER X's exporter). Only `exported` ones are deleted. */
export type Exporter = (
  items: JobItem[],
  opts: { signal?: AbortSignal },
) => Promise<{ exported: { folderId: string; id: string }[] }>;

export interface StartRequest {
  /** The mailbox (account address, lower-cased). */
  bal: string;
  /** The webmail's origin (location.origin). */
  origin: string;
  /** The snapshot the items come from: an item that is not in it is skipped ('not-in-snapshot'). */
  plan?: Plan;
  action: Exclude<JobAction, 'undo'>;
  items: JobItem[];
  /** 'delete' only: export first, then delete only what was exported. */
  exportFirst?: Exporter;
}

export interface RunOptions {
  /** Cancel: stops after the current batch. */
  signal?: AbortSignal;
  onProgress?: (p: Progress) => void;
  /** Gets 'mailbox-changed' after each batch. */
  bus?: Bus;
  /** resumeJob of a 'delete' job that had not finished exporting. */
  exportFirst?: Exporter;
}

export type CleanupErrorCode =
  | 'locked'
  | 'unsupported'
  | 'nothing-to-do'
  | 'not-found'
  | 'not-resumable'
  | 'nothing-to-undo'
  | 'export-required'
  | 'store';

export interface LockHolder {
  jobId: string;
  /** The job runs in this same tab (a page that was reloaded while it ran does not count: it is taken over). */
  sameTab: boolean;
  heartbeatAt: number;
}

export class CleanupError extends Error {
  override readonly name = 'CleanupError';
  constructor(
    readonly code: CleanupErrorCode,
    message: string,
    readonly holder?: LockHolder,
  ) {
    super(message);
  }
}

export interface JobSummary {
  jobId: string;
  bal: string;
  action: JobAction;
  /** 'running' = its tab went away mid-run; 'paused' = it stopped on an error (session, network) and can resume. */
  state: 'planned' | 'exporting' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';
  createdAt: number;
  updatedAt: number;
  totalCount: number;
  totalBytes: number;
  /** Items with no outcome yet (resumable jobs) or that can be put back (undoable jobs). */
  pendingCount: number;
  /** The final report, when the job ended. */
  report?: Report;
}

export interface CleanupStatus {
  /** A job of this mailbox holds the lock now (in this tab or another). */
  running: LockHolder | null;
  resumable: JobSummary | null;
  undoable: JobSummary | null;
}

function notYet(): never {
  throw new CleanupError('store', 'not implemented yet');
}

/** Start a job on a snapshot of items. See the contract above. */
export async function startJob(_webmail: Webmail, _req: StartRequest, _opts: RunOptions = {}): Promise<Report> {
  notYet();
}

/** The interrupted job of this mailbox (tab closed, session expired, network cut), or null. */
export async function findResumableJob(_bal: string): Promise<JobSummary | null> {
  notYet();
}

/** Resume an interrupted job from its journal: batches left 'sent' are settled by asking the server first. */
export async function resumeJob(_webmail: Webmail, _jobId: string, _opts: RunOptions = {}): Promise<Report> {
  notYet();
}

/** Stop an interrupted job for good: settle its 'sent' batch with the server, act on nothing else. */
export async function abandonJob(_webmail: Webmail, _jobId: string): Promise<Report> {
  notYet();
}

/** The mailbox's last job if it is a finished 'trash' job that was not undone yet. */
export async function findUndoableJob(_bal: string): Promise<JobSummary | null> {
  notYet();
}

/**
 * Put the last trash job's messages back from the trash into their original folders (those still in the trash;
 * their place there comes from the journal's newRefs). A job of its own ('undo'), journaled and resumable.
 */
export async function undoLastJob(_webmail: Webmail, _bal: string, _opts: RunOptions = {}): Promise<Report> {
  notYet();
}

/** What a 'trash' job moved, as items in the trash (for a 'delete' job right after it). */
export async function trashedItems(_jobId: string): Promise<JobItem[]> {
  notYet();
}

/** For the panel: is a job running (here or in another tab), can one be resumed, can the last one be undone. */
export async function cleanupStatus(_bal: string): Promise<CleanupStatus> {
  notYet();
}
