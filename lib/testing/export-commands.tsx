/**
 * TEST BUILDS ONLY (registered by ./content.ts): drive the export from e2e tests and
 * benchmarks with the page's real adapter.
 *
 *   s.call(page, 'export', 'mount', { folderIds: ['INBOX'], limit: 20, filenameBase, saveTo: 'opfs' | 'picker', target, partMB, readable })
 *   → mounts the ExportPanel (host data-balise="export") for those messages; the test clicks data-action="export".
 *   s.call(page, 'export', 'outcome') → { state, result?, error? } of the last export (JSON-safe).
 *   s.call(page, 'export', 'run', {...same}) → runs the export without UI and returns its outcome.
 *   s.call(page, 'export', 'unmount')
 *
 * saveTo 'opfs' replaces the save dialog (which a headless browser cannot show) with a file of the page's origin
 * private file system: a real FileSystemFileHandle, written and read back by the same code as a chosen file. The
 * test reads it back from the page (same origin). 'picker' uses the real dialog.
 */
import { render } from 'preact';
import type { MessageRef, Webmail } from '../webmail/types';
import { mountShadow, type MountedUi } from '../ui/shadow';
import { BASE_CSS } from '../ui/base-css';
import { uiLang } from '../i18n/t';
import { exportMessages, isExportError, type ExportDeps, type ExportItem, type ExportResult, type ExportTarget, type SaveFile } from '../export';
import { EXPORT_CSS, ExportPanel } from '../export/View';

interface Args {
  folderIds?: string[];
  /** With `size` where the caller knows it (the listing's, as the product's exports have: archive-source.ts needs it). */
  refs?: (MessageRef & { size?: number })[];
  limit?: number;
  filenameBase?: string;
  saveTo?: 'opfs' | 'picker';
  target?: ExportTarget;
  partMB?: number;
  /** The readable archive on or off (default: the export views' own default). */
  readable?: boolean;
  /** Folder path shown in the zip for a folder id (default: from the adapter's folders()). */
}

interface Outcome {
  state: 'none' | 'running' | 'verified' | 'failed';
  result?: ExportResult;
  error?: { code: string; message: string; detail: Record<string, unknown>; causeStack?: string };
  items?: number;
  /** Milliseconds from the start at which each progress phase was first seen, and the end. */
  phaseAt?: Record<string, number>;
}

let ui: MountedUi | null = null;
let last: Outcome = { state: 'none' };

async function opfsFile(name: string): Promise<SaveFile> {
  const dir = await navigator.storage.getDirectory();
  return (await dir.getFileHandle(name, { create: true })) as unknown as SaveFile;
}

async function itemsFor(webmail: Webmail, a: Args): Promise<ExportItem[]> {
  const folders = await webmail.folders();
  const pathOf = (id: string) => folders.find((f) => f.id === id)?.path ?? id;
  const items: ExportItem[] = [];
  if (a.refs) {
    for (const r of a.refs) items.push({ ref: { folderId: r.folderId, id: r.id }, folderPath: pathOf(r.folderId), ...(typeof r.size === 'number' ? { size: r.size } : {}) });
    return items;
  }
  for (const folderId of a.folderIds ?? []) {
    for await (const batch of webmail.search({ folderId, sort: 'dateAsc' })) {
      for (const m of batch) {
        if (a.limit && items.length >= a.limit) return items;
        items.push({ ref: m.ref, folderPath: pathOf(folderId), size: m.size, summary: { date: m.date, from: m.from, subject: m.subject } });
      }
    }
  }
  return items;
}

function depsFor(a: Args): ExportDeps {
  return a.saveTo === 'opfs' ? { canPickFile: () => true, pickFile: opfsFile } : {};
}

function errorOf(e: unknown): Outcome['error'] {
  if (isExportError(e)) {
    const { cause: _cause, ...detail } = e.detail;
    const stack = (e.detail.cause as Error | undefined)?.stack;
    return { code: e.code, message: e.message, detail: JSON.parse(JSON.stringify(detail)) as Record<string, unknown>, ...(stack ? { causeStack: String(stack).slice(0, 2000) } : {}) };
  }
  return { code: 'unexpected', message: (e as Error)?.message ?? String(e), detail: {} };
}

export async function exportCommand(ctx: { webmail: Webmail | null; doc: Document; signal: AbortSignal }, op: unknown, arg: unknown): Promise<unknown> {
  const a = (arg ?? {}) as Args;
  if (op === 'outcome') return last;
  if (op === 'unmount') {
    if (ui) {
      render(null, ui.container);
      ui.remove();
      ui = null;
    }
    return true;
  }
  if (op === 'clear-opfs') {
    const dir = await navigator.storage.getDirectory();
    const names: string[] = [];
    for await (const name of (dir as unknown as { keys(): AsyncIterable<string> }).keys()) names.push(name);
    for (const name of names) await dir.removeEntry(name);
    return names.length;
  }
  if (!ctx.webmail) throw new Error('no webmail detected');
  const webmail = ctx.webmail;
  const items = await itemsFor(webmail, a);
  const filenameBase = a.filenameBase ?? 'Export Balise test';
  const target = a.target ?? (a.saveTo ? 'file' : 'auto');
  const partBytes = a.partMB ? a.partMB * 1024 * 1024 : undefined;
  last = { state: 'running', items: items.length };
  if (op === 'run') {
    try {
      // When each phase was first seen (bench/export.ts: where the time goes).
      const t0 = Date.now();
      const phaseAt: Record<string, number> = {};
      const onProgress = (p: { phase: string }) => void (phaseAt[p.phase] ??= Date.now() - t0);
      const result = await exportMessages(webmail, items, { filenameBase, target, onProgress, ...(partBytes ? { partBytes } : {}), ...(a.readable !== undefined ? { readable: a.readable } : {}) }, depsFor(a));
      last = { state: result.verified ? 'verified' : 'failed', result, items: items.length, phaseAt: { ...phaseAt, end: Date.now() - t0 } };
    } catch (e) {
      last = { state: 'failed', error: errorOf(e), items: items.length };
    }
    return last;
  }
  if (op === 'mount') {
    if (ui) {
      render(null, ui.container);
      ui.remove();
    }
    const mounted = mountShadow({ feature: 'export', css: `${BASE_CSS}\n${EXPORT_CSS}`, anchor: ctx.doc.body, placement: 'append', display: 'block' });
    ui = mounted;
    // Over the page, wherever its layout puts the host (the shadow root's :host reset wins over the host's style).
    render(
      <div style={{ position: 'fixed', top: '8px', right: '8px', zIndex: 2147483647, background: '#fff', maxWidth: '560px', padding: '8px', border: '1px solid #888' }}>
      <ExportPanel
        webmail={webmail}
        items={items}
        filenameBase={filenameBase}
        lang={uiLang()}
        target={target}
        {...(partBytes ? { partBytes } : {})}
        {...(a.readable !== undefined ? { readable: a.readable } : {})}
        deps={depsFor(a)}
        onVerified={(result) => (last = { state: 'verified', result, items: items.length })}
        onFailed={(e) => (last = { state: 'failed', error: errorOf(e), items: items.length })}
      />
      </div>,
      mounted.container,
    );
    ctx.signal.addEventListener('abort', () => ui?.remove(), { once: true });
    return { mounted: true, items: items.length, bytes: items.reduce((s, i) => s + (i.size ?? 0), 0) };
  }
  throw new Error(`unknown export op ${String(op)}`);
}
