/**
 * The cleanup panel's on-demand part (entrypoints/cleanup-panel.ts, built from ./part.tsx): the planner, the
 * classifier (postal-mime, fflate) and the views are not in what every webmail page loads; the cleanup feature
 * loads them with loadPart() (lib/parts/load.ts) the first time the user opens the panel. This is the API the
 * part hands over.
 */
import type { FeatureContext } from '../../context';
import type { FoldersRead } from '../../bus';
import type { GroupKind } from '../types';

export const PANEL_PART = 'cleanup-panel';

export interface PlanGroupSummary {
  kind: GroupKind;
  count: number;
  bytes: number;
  bytesPrecision: number;
  ids: { folderId: string; id: string }[];
}

export interface CleanupPanelApi {
  /** Open (or bring back) the panel on this page; `view` 'largest-mailbox': on the whole mailbox's largest messages. */
  open(ctx: FeatureContext, source: string, view?: 'largest-mailbox', folders?: FoldersRead): void;
  close(): void;
  /** For tests and benchmarks: the panel's current step and plan figures (ids per group). */
  debugState(): {
    stage: string;
    error: string | null;
    createdAt: number | null;
    groups: PlanGroupSummary[] | null;
    stats: unknown;
    report: unknown;
    /** The largest-messages view, once opened: its rows (adapter ids, sizes) and what the listing cost. */
    largest: { status: string; ms: number | null; calls: number; error: string | null; rows: { folderId: string; id: string; size: number; inTrash: boolean; attachments: unknown }[] } | null;
  } | null;
}
