/**
 * The one export view (lib/export/Chooser.tsx) on a page (linkedom): what to export is listed only when chosen, the
 * export's own view (its start button, the readable box as the settings say) is shown for the chosen messages, the
 * choice is kept still while an export runs, and a listing that fails or finds nothing says so.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseHTML } from 'linkedom';
import { render } from 'preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ExportChooser } from '../../../lib/export/Chooser';
import { everythingSource, folderSource, itemsSource, listItems, type ExportSource } from '../../../lib/export/sources';
import type { ExportItem } from '../../../lib/export/contract';
import type { Folder, MessageSummary, SearchQuery, Webmail } from '../../../lib/webmail/types';

const item = (folderId: string, id: string): ExportItem => ({ ref: { folderId, id }, folderPath: folderId, size: 100 });
const summary = (folderId: string, id: string): MessageSummary => ({
  ref: { folderId, id },
  date: 1,
  size: 10,
  sizePrecision: 0,
  from: 'a@b.fr',
  subject: 's',
  unread: false,
  flagged: false,
  hasAttachment: false,
});
const folder = (id: string): Folder => ({ id, name: id, path: `Top/${id}`, role: 'other', count: 2, bytes: 20, bytesPrecision: 0, depth: 1 });

/** What the chooser and sources.ts use of a webmail: listing (no raw download here: nothing is exported). */
function listingWebmail(searches: SearchQuery[]): Webmail {
  return {
    capabilities: { folders: true, search: true, rawDownload: true, compose: false, maxBatch: 1, exactSizes: false },
    async *search(q: SearchQuery) {
      searches.push(q);
      yield [summary(q.folderId, '1'), summary(q.folderId, '2')];
    },
  } as unknown as Webmail;
}

// Preact runs effects after the next frame, or 100 ms without one.
const flush = () => vi.advanceTimersByTimeAsync(150);
let readable = false;

beforeEach(() => {
  vi.useFakeTimers();
  fakeBrowser.reset();
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => 'fr';
  i18n.getMessage = (key: string, subs?: string[]) => [key, ...(subs ?? [])].join('|');
  (fakeBrowser.runtime as unknown as Record<string, unknown>).sendMessage = async (m: { type: string }) =>
    m.type === 'settings/get' ? { ok: true, data: { cleanup: { exportReadable: readable } } } : { ok: true, data: {} };
});
afterEach(() => {
  vi.useRealTimers();
});

function mount(sources: ExportSource[], webmail: Webmail) {
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  (globalThis as { document?: unknown }).document = document;
  const root = document.getElementById('root') as unknown as HTMLElement;
  render(<ExportChooser webmail={webmail} sources={sources} lang="fr" />, root);
  return { root, document };
}

function choose(el: Element | null) {
  if (!el) throw new Error('no such choice');
  (el as HTMLInputElement).checked = true;
  const win = el.ownerDocument.defaultView as unknown as { Event: typeof Event };
  el.dispatchEvent(new win.Event('change', { bubbles: false }));
}

describe('the export view’s choice of what to export', () => {
  it('lists only the chosen source, shows the export for its messages with the readable box as the settings say', async () => {
    readable = false;
    const searches: SearchQuery[] = [];
    const webmail = listingWebmail(searches);
    const expiring = itemsSource('expiring', 'Bientôt supprimés', 'Copie', [item('F1', '7')]);
    const { root } = mount([expiring, folderSource(webmail, folder('F2'), 'Dossier F2'), everythingSource(webmail, [folder('F1'), folder('F2')], 'Tout', 'Tout')], webmail);
    await flush();
    const chooser = root.querySelector('[data-export-chooser]')!;
    expect(chooser.getAttribute('data-source')).toBe('expiring');
    expect(chooser.getAttribute('data-items')).toBe('1');
    expect([...root.querySelectorAll('[data-action="export-source"]')].map((e) => e.getAttribute('data-source'))).toEqual(['expiring', 'folder:F2', 'all']);
    expect(searches).toEqual([]);
    expect(root.querySelector('[data-action="export"]')).not.toBeNull();
    // Unchecked, as the settings say (the box starts checked before they are read).
    const box = root.querySelector('[data-action="export-readable"]') as HTMLInputElement;
    expect(box.checked === true || box.hasAttribute('checked')).toBe(false);

    choose(root.querySelector('[data-source="all"][data-action="export-source"]'));
    await flush();
    expect(chooser.getAttribute('data-source')).toBe('all');
    expect(chooser.getAttribute('data-items')).toBe('4');
    expect(searches.map((q) => q.folderId)).toEqual(['F1', 'F2']);
    expect(root.querySelector('[data-action="export"]')!.textContent).toContain('export_start|4');
  });

  it('one source: no choice to make; a listing that fails or finds nothing says so in plain words', async () => {
    const webmail = listingWebmail([]);
    const failing: ExportSource = { id: 'folder:X', label: 'X', filenameBase: 'X', load: () => Promise.reject(new Error('session over')) };
    let m = mount([failing], webmail);
    await flush();
    expect(m.root.querySelector('[data-action="export-source"]')).toBeNull();
    expect(m.root.querySelector('.x-source')!.textContent).toBe('export_sourceOne|X');
    expect(m.root.querySelector('[data-export-error="listing"]')!.textContent).toBe('export_sourceFailed');
    expect(m.root.querySelector('[data-action="export"]')).toBeNull();
    m = mount([itemsSource('selected', 'Sélection', 'S', [])], webmail);
    await flush();
    expect(m.root.querySelector('[data-export-empty]')!.textContent).toBe('export_sourceEmpty');
    expect(m.root.querySelector('[data-action="export"]')).toBeNull();
  });

  it('listItems gives every message of the folders with its folder path, size and summary', async () => {
    const searches: SearchQuery[] = [];
    const items = await listItems(listingWebmail(searches), [folder('A')]);
    expect(items).toEqual([
      { ref: { folderId: 'A', id: '1' }, folderPath: 'Top/A', size: 10, summary: { date: 1, from: 'a@b.fr', subject: 's' } },
      { ref: { folderId: 'A', id: '2' }, folderPath: 'Top/A', size: 10, summary: { date: 1, from: 'a@b.fr', subject: 's' } },
    ]);
    expect(searches).toEqual([{ folderId: 'A', sort: 'dateAsc' }]);
  });
});
