/**
 * The cleanup panel (planner, classifier with postal-mime and fflate, Preact views) is not part of the content
 * script that loads on every webmail page: it is a separate script (entrypoints/cleanup-panel.ts) that the content
 * script loads with import() on first use. The module runs in the content script's own world (not the page's), so
 * it shares its globals and can use the adapter's streams and bytes directly (a script injected by the background
 * with scripting.executeScript lands in another sandbox in Firefox, where the adapter's streams and typed arrays
 * are out of reach: tried, and refused with "Permission denied"). It hands its API over through this global, which
 * only Balise's own scripts in that world can see (the page cannot).
 */
import type { FeatureContext } from '../index';
import type { PlanGroupSummary } from './panel/entry';

export const PANEL_GLOBAL = '__balise_cleanup_panel__';
/** The built panel script (entrypoints/cleanup-panel.ts), web-accessible so that import() can load it. */
export const PANEL_FILE = '/cleanup-panel.js';

export interface CleanupPanelApi {
  /** Open (or bring back) the panel on this page. */
  open(ctx: FeatureContext, source: string): void;
  close(): void;
  /** For tests and benchmarks: the panel's current step and plan figures (ids per group). */
  debugState(): { stage: string; error: string | null; createdAt: number | null; groups: PlanGroupSummary[] | null; stats: unknown; report: unknown } | null;
}
