/**
 * The cleanup panel's on-demand part (see ./part-api.ts): mounts the dialog in a shadow root over the
 * webmail (host data-balise="cleanup") and wires the controller to the runner (run.ts), the exporter (lib/export/),
 * the background's classification cache and the user's settings.
 */
import { render } from 'preact';
import type { FeatureContext } from '../../context';
import type { FoldersRead } from '../../bus';
import { mountShadow, type MountedUi } from '../../../ui/shadow';
import { BASE_CSS } from '../../../ui/base-css';
import { uiLang } from '../../../i18n/t';
import { send } from '../../../messages/send';
import { backgroundVerdictCache } from '../cache';
import { abandonJob, cleanupStatus, findUndoableJob, resumeJob, startJob, trashedItems, undoLastJob } from '../run';
import { canPickFile, exportMessages, pickSaveFile } from '../../../export';
import { CleanupController, type PanelDeps } from './controller';
import { CleanupApp } from './App';
import { PANEL_PART, type CleanupPanelApi } from './part-api';
import { providePart } from '../../../parts/load';
import PANEL_CSS from './panel.css?inline';
import { EXPORT_CSS } from '../../../export/View';
import { CHOOSER_CSS } from '../../../export/Chooser';

export type { PlanGroupSummary } from './part-api';

export function realDeps(win: Window): PanelDeps {
  return {
    settings: async () => {
      const [settings, managed] = await Promise.all([send('settings/get', {}), send('managed/get', {}).catch(() => null)]);
      return { ...settings.cleanup, locked: managed?.locked ?? [] };
    },
    cache: (bal) => backgroundVerdictCache(bal),
    startJob,
    resumeJob,
    abandonJob: (w, id) => abandonJob(w, id),
    undoLastJob,
    findUndoableJob: (bal) => findUndoableJob(bal),
    trashedItems: (id) => trashedItems(id),
    cleanupStatus: (bal) => cleanupStatus(bal),
    exportMessages: (w, items, opts) => exportMessages(w, items, opts),
    pickFile: (name) => (canPickFile(win) ? pickSaveFile(name, win) : null),
    saveRuleDefaults: async (bal, rules) => {
      await send('cleanup/save-rule-defaults', { bal, rules });
    },
    now: () => Date.now(),
  };
}

interface Open {
  ui: MountedUi;
  controller: CleanupController;
}

let current: Open | null = null;
/** A controller whose job still runs after its panel was closed: reopening shows it again. */
let running: CleanupController | null = null;

function close(): void {
  if (!current) return;
  const { ui, controller } = current;
  current = null;
  const s = controller.state.stage.kind;
  if (s === 'running') running = controller;
  else controller.cancel(); // a preview being prepared is stopped; nothing runs on the mailbox
  render(null, ui.container);
  ui.remove();
}

export function openCleanupPanel(
  ctx: FeatureContext,
  deps: PanelDeps = realDeps(ctx.doc.defaultView ?? window),
  view?: 'largest-mailbox',
  folders?: FoldersRead,
): CleanupController {
  if (current) {
    current.ui.root.querySelector<HTMLElement>('[data-action="close"]')?.focus();
    if (view === 'largest-mailbox' && current.controller.state.stage.kind !== 'largest') void current.controller.openLargest();
    return current.controller;
  }
  const ui = mountShadow({ feature: 'cleanup', css: `${BASE_CSS}\n${PANEL_CSS}\n${EXPORT_CSS}\n${CHOOSER_CSS}`, anchor: ctx.doc.body, placement: 'append', display: 'block', overlay: true });
  const reuse = running && running.state.stage.kind === 'running' ? running : null;
  running = null;
  const controller = reuse ?? new CleanupController(ctx.webmail, deps, { origin: ctx.doc.location.origin, bus: ctx.bus, signal: ctx.signal });
  current = { ui, controller };
  render(<CleanupApp controller={controller} lang={uiLang()} onClose={close} />, ui.container);
  if (!reuse) void controller.open(view, folders);
  else if (view === 'largest-mailbox') void controller.openLargest();
  ctx.signal.addEventListener('abort', close, { once: true });
  return controller;
}

function debugState(): ReturnType<CleanupPanelApi['debugState']> {
  const c = current?.controller ?? running;
  if (!c) return null;
  const { plan, snapshot, report, stage } = c.state;
  return {
    stage: stage.kind,
    error: c.state.error,
    createdAt: plan?.createdAt ?? null,
    groups: plan
      ? plan.groups.map((g) => ({
          kind: g.kind,
          count: g.count,
          bytes: g.bytes,
          bytesPrecision: g.bytesPrecision,
          ids: g.messages.map((m) => ({ folderId: m.summary.ref.folderId, id: m.summary.ref.id })),
        }))
      : null,
    stats: snapshot ? { ...snapshot.stats, candidates: snapshot.candidates.length, failures: Object.fromEntries([...snapshot.failures.values()].reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>())) } : null,
    report,
    largest: c.state.largest
      ? {
          status: c.state.largest.status,
          ms: c.state.largest.ms,
          calls: c.state.largest.calls,
          error: c.state.largest.error,
          rows: c.state.largest.rows.map((r) => ({ folderId: r.summary.ref.folderId, id: r.summary.ref.id, size: r.summary.size, inTrash: r.inTrash, attachments: r.attachments })),
        }
      : null,
  };
}

/** Run by the on-demand script: hand the API to the content script (same isolated world). */
export function installPanelPart(): void {
  providePart<CleanupPanelApi>(PANEL_PART, { open: (ctx, _source, view, folders) => void openCleanupPanel(ctx, undefined, view, folders), close, debugState });
}
