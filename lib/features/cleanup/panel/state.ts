/**
 * The cleanup panel's state and what it needs from outside: the runner's and the exporter's functions (tests give
 * fakes), the stages the view draws, and the state the controller (controller.ts) keeps.
 */
import type { Folder, Webmail } from '../../../webmail/types';
import type { CleanupRules, JobItem, Plan, Progress, Report } from '../types';
import type { CleanupSettings, RuleDefaults } from '../rules';
import type { PlanProgress, Snapshot } from '../plan';
import type { VerdictCache } from '../classify';
import type { CleanupStatus, JobSummary, RunOptions, StartRequest } from '../run';
import type { LargeRow } from '../largest';
import type { ExportError, ExportItem, ExportOptions, ExportProgress, ExportResult, SaveFile } from '../../../export';

/** The runner and exporter functions the panel uses (run/, export.ts); tests give fakes. */
export interface PanelDeps {
  /** `locked`: the cleanup settings IT locked (managed configuration), e.g. 'cleanup.exportBeforeDelete'. */
  settings(): Promise<CleanupSettings & { exportBeforeDelete: boolean; exportReadable?: boolean; locked?: readonly string[] }>;
  cache(bal: string): VerdictCache | undefined;
  startJob(webmail: Webmail, req: StartRequest, opts?: RunOptions): Promise<Report>;
  resumeJob(webmail: Webmail, jobId: string, opts?: RunOptions): Promise<Report>;
  abandonJob(webmail: Webmail, jobId: string): Promise<Report>;
  undoLastJob(webmail: Webmail, bal: string, opts?: RunOptions): Promise<Report>;
  findUndoableJob(bal: string): Promise<JobSummary | null>;
  trashedItems(jobId: string): Promise<JobItem[]>;
  cleanupStatus(bal: string): Promise<CleanupStatus>;
  exportMessages(webmail: Webmail, items: ExportItem[], opts: ExportOptions): Promise<ExportResult>;
  /** Opens the save dialog (Chromium) — must be called synchronously from the click; null where there is none. */
  pickFile(suggestedName: string): Promise<SaveFile> | null;
  /** "Keep these settings as my defaults": into settings.cleanup (the folder choice for this BAL only). */
  saveRuleDefaults(bal: string, rules: RuleDefaults): Promise<void>;
  now(): number;
}

export type Stage =
  | { kind: 'opening' }
  | { kind: 'locked' }
  | { kind: 'planning'; progress: PlanProgress }
  | { kind: 'failed'; reason: string }
  | { kind: 'cancelled' }
  | { kind: 'preview' }
  | { kind: 'running'; action: 'trash' | 'delete' | 'undo'; progress: Progress | null; stopping: boolean }
  | { kind: 'report' }
  | { kind: 'confirm-delete' }
  /** The whole mailbox's largest messages (LargestMailbox.tsx): state.largest. */
  | { kind: 'largest' };

export interface PanelState {
  stage: Stage;
  bal: string;
  folders: Folder[];
  rules: CleanupRules | null;
  /** The rules changed what must be searched: the preview is out of date until refreshed. */
  stale: boolean;
  /** "Keep these settings as my defaults": saving, saved (these very rules), or could not be saved. */
  rulesSaved: 'saving' | 'saved' | 'failed' | null;
  snapshot: Snapshot | null;
  plan: Plan | null;
  /** Messages the user unticked (refKey). */
  kept: ReadonlySet<string>;
  /** The last job's report, and which job moved messages to the trash (for undo and deletion). */
  report: Report | null;
  trashJobId: string | null;
  undoable: boolean;
  /** What "empty the trash of these messages" will delete, and how many moved ones could not be located. */
  deleteItems: JobItem[];
  deleteMissing: number;
  exportFirst: boolean;
  /** The export before deletion also writes the readable archive (settings.cleanup.exportReadable to start with). */
  exportReadable: boolean;
  /** IT locked these on (managed configuration): the user cannot turn them off for one run either. */
  exportLocked: boolean;
  clinicalLocked: boolean;
  /** The export before the last deletion (lib/export/View.tsx's ExportStatus draws it). */
  exportView: ExportState | null;
  resumable: JobSummary | null;
  /** A short error code for the UI (CleanupError / ExportError / WebmailError code), cleared by the next action. */
  error: string | null;
  /** The whole mailbox's largest messages, once asked for. */
  largest: LargestState | null;
}

/** The largest-messages view: the rows (../largest.ts) and which the user chose for the trash (refKey). */
export interface LargestState {
  status: 'loading' | 'ready' | 'failed';
  progress: { done: number; total: number };
  rows: LargeRow[];
  selected: ReadonlySet<string>;
  error: string | null;
  /** How long the listing took (ms) and how many adapter calls it made, once ready. */
  ms: number | null;
  calls: number;
}

/** The export's state as lib/export/View.tsx's ExportStatus shows it (its public contract: data-export-state). */
export interface ExportState {
  state: 'picking' | 'exporting' | 'verifying' | 'saving' | 'verified' | 'failed' | 'cancelled';
  progress: ExportProgress | null;
  result: ExportResult | null;
  error: ExportError | null;
}

export function initialState(): PanelState {
  return {
    stage: { kind: 'opening' },
    bal: '',
    folders: [],
    rules: null,
    stale: false,
    rulesSaved: null,
    snapshot: null,
    plan: null,
    kept: new Set(),
    report: null,
    trashJobId: null,
    undoable: false,
    deleteItems: [],
    deleteMissing: 0,
    exportFirst: true,
    exportReadable: true,
    exportLocked: false,
    clinicalLocked: false,
    exportView: null,
    resumable: null,
    error: null,
    largest: null,
  };
}

/** A short error code for the UI from whatever was thrown (CleanupError / ExportError / WebmailError code). */
export function codeOf(e: unknown): string {
  if (typeof (e as { code?: unknown })?.code === 'string') return (e as { code: string }).code;
  return e instanceof Error ? e.message.slice(0, 60) : 'internal';
}
