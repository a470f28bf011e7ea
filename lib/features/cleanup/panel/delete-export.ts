/**
 * The export before a permanent deletion, as the panel hands it to the runner: exactly the items the runner gives
 * (the messages about to be deleted, at their place in the trash), named and filed by where they came from, with
 * the panel's export view kept up to date; only what the export verified is deleted.
 */
import type { Webmail } from '../../../webmail/types';
import type { JobItem, PlannedMessage } from '../types';
import { refKey } from '../classify';
import type { Exporter } from '../run';
import { isExportError, type ExportItem, type ExportOptions, type ExportTarget, type SaveFile } from '../../../export';
import type { PanelDeps, PanelState } from './state';

/** What of the controller the exporter uses. */
export interface ExportHost {
  webmail: Webmail;
  deps: PanelDeps;
  state(): PanelState;
  set(patch: Partial<PanelState>): void;
  /** A planned or listed message by key (subjects for the manifest). */
  subject(key: string): PlannedMessage | undefined;
}

/** The export file's name, without its extension. */
export function exportFileBase(now: number): string {
  return `Balise export ${new Date(now).toISOString().slice(0, 10)}`;
}

/**
 * The folder a message about to be deleted came from, for the export's manifest and zip folders: where the
 * trash job took it from (the journal's restoreTo, or the planned message's folder), else the trash for what was
 * already there. Its ids in the manifest (folderId, id) stay those it has in the trash.
 */
function originPaths(state: PanelState): (ref: JobItem['ref'], m: PlannedMessage | undefined) => string | undefined {
  const paths = new Map(state.folders.map((f) => [f.id, f.path]));
  const from = new Map<string, string>();
  for (const d of state.deleteItems) if (d.restoreTo) from.set(refKey(d.ref), d.restoreTo);
  return (ref, m) => {
    const id = from.get(refKey(ref));
    return (id !== undefined ? paths.get(id) : undefined) ?? m?.folderPath;
  };
}

/**
 * The exporter handed to the runner for a deletion: exports exactly the items the runner gives (the messages
 * about to be deleted, at their place in the trash), keeps the panel's export view up to date, and answers
 * with the messages the export verified (only those get deleted).
 */
export function deletionExporter(host: ExportHost, opts: { file: Promise<SaveFile> | null; target?: ExportTarget }): Exporter {
  const trashPath = host.state().folders.find((f) => f.role === 'trash')?.path ?? 'Trash';
  const filenameBase = exportFileBase(host.deps.now());
  return async (jobItems, { signal }) => {
    host.set({ exportView: { state: 'picking', progress: null, result: null, error: null } });
    try {
      const file = opts.file ? await opts.file : undefined;
      const originPath = originPaths(host.state());
      const items: ExportItem[] = jobItems.map((i) => {
        const m = host.subject(refKey(i.ref));
        const item: ExportItem = { ref: i.ref, folderPath: originPath(i.ref, m) ?? trashPath, size: i.size };
        if (m) item.summary = { date: m.summary.date, from: m.summary.from, subject: m.summary.subject };
        return item;
      });
      const panel = host.state();
      const eo: ExportOptions = {
        filenameBase,
        readable: panel.exportReadable,
        ...(panel.bal ? { mailbox: panel.bal } : {}),
        onProgress: (p) => {
          const state = p.phase === 'verify' ? 'verifying' : p.phase === 'save' ? 'saving' : 'exporting';
          host.set({ exportView: { state, progress: p, result: null, error: null } });
        },
      };
      if (signal) eo.signal = signal;
      if (file) eo.file = file;
      if (opts.target) eo.target = opts.target;
      const result = await host.deps.exportMessages(host.webmail, items, eo);
      host.set({ exportView: { state: result.verified ? 'verified' : 'failed', progress: null, result, error: null } });
      return { exported: result.verified ? result.messages.map((m) => m.ref) : [] };
    } catch (e) {
      const error = isExportError(e) ? e : null;
      const cancelled = error?.code === 'cancelled' || error?.code === 'picker-cancelled' || (e as { name?: string })?.name === 'AbortError';
      host.set({ exportView: { state: cancelled ? 'cancelled' : 'failed', progress: null, result: null, error } });
      throw e;
    }
  };
}
