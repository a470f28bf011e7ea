/**
 * The cleanup's shared vocabulary: rules → plan (a snapshot) → jobs (batches, journaled) → report.
 * Planning and the panel (plan.ts, classify.ts, panel/) and execution (run/: journal, locks, undo) are written
 * against these types; change them only together.
 */
import type { MessageRef, MessageSummary, Quota } from '../../webmail/types';
import type { JobAction, Report, ReportLine } from '../../store/journal';

/** Actions, report lines and reports are journaled: their shapes live with the journal's (lib/store/journal.ts). */
export type { JobAction, Report, ReportLine };

/** The groups the preview shows (each group element carries data-group="<kind>"). */
export type GroupKind = 'trash' | 'junk' | 'old' | 'large' | 'folder' | 'protected';

/**
 * Why a message is kept out of the plan unless the user includes it. 'unverified': it may carry a clinical
 * document but could not be downloaded or read to check; 'kept': the user unticked it in the preview.
 */
export type Protection =
  | 'unread'
  | 'flagged'
  | 'recent'
  | 'clinical-xdm'
  | 'clinical-hprim'
  | 'clinical-pdf'
  | 'unverified'
  | 'kept';

export interface CleanupRules {
  emptyTrash: boolean;
  emptyJunk: boolean;
  old: { enabled: boolean; months: number; folderIds: string[] };
  large: { enabled: boolean; minMB: number; olderThanMonths: number; folderIds: string[] };
  /** Everything in one chosen folder (the whole folder, every page). */
  folder: { enabled: boolean; folderId: string | null };
  protect: { unread: boolean; flagged: boolean; recentDays: number; clinical: boolean };
  /** The user confirmed that clinical documents are filed in the patient record: include them. */
  includeClinical: boolean;
}

export interface PlannedMessage {
  summary: MessageSummary;
  group: Exclude<GroupKind, 'protected'>;
  /** Folder path for display and the export manifest. */
  folderPath: string;
  /** Non-empty: the message is protected and only listed (group 'protected' in the preview). */
  protections: Protection[];
}

export interface PlanGroup {
  kind: GroupKind;
  messages: PlannedMessage[];
  count: number;
  /** Sum of the sizes shown (exact on Zimbra; ± bytesPrecision on Roundcube). */
  bytes: number;
  bytesPrecision: number;
}

/** A snapshot: exact ids and sizes at planning time. Messages that arrive later are never touched. */
export interface Plan {
  id: string;
  createdAt: number;
  bal: string;
  origin: string;
  rules: CleanupRules;
  /** In display order; the 'protected' group lists what is kept. */
  groups: PlanGroup[];
  quotaBefore: Quota | null;
  /** Moving to the trash frees nothing until the trash is emptied: always 0, shown as such. */
  freedByMove: 0;
  /** Space given back when the trash is emptied afterwards (trash group + everything moved there). */
  freedByEmptyTrash: number;
  freedPrecision: number;
  /** Used bytes after emptying the trash, if the quota is known. */
  projectedUsed: number | null;
}

export interface JobItem {
  ref: MessageRef;
  size: number;
  /** For undo: where the message came from. */
  restoreTo?: string;
  /**
   * The message was unread when it was planned (MessageSummary.unread). A trash job keeps it, so that undo makes
   * it unread again (Roundcube marks messages read on their way to the trash). Without it: the plan's summary says.
   */
  unread?: boolean;
}

export interface Progress {
  doneCount: number;
  doneBytes: number;
  failedCount: number;
  totalCount: number;
  totalBytes: number;
  /** The batch being sent, 1-based, and how many there are. */
  batch: number;
  batches: number;
}
