/**
 * The retention meter's "keep a copy" (lib/features/retention-meter/feature.tsx) on a page (linkedom) against a fake
 * webmail that lists and reads but has no quota and no mailbox part (what Medimail's adapter declares): the button
 * appears once the expiring messages are counted, opens a panel with the reminder and the export part's view, which
 * gets the expiring messages first, then each folder that has messages, then everything; the test target reaches it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseHTML } from 'linkedom';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Bus } from '../../../lib/features/bus';
import { mountRetentionMeter } from '../../../lib/features/retention-meter/feature';
import type { FeatureContext } from '../../../lib/features';
import type { ExportPartApi, ExportPartProps } from '../../../lib/export/part-api';
import type { Folder, MessageSummary, SearchQuery, Webmail } from '../../../lib/webmail/types';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const FOLDERS: Folder[] = [
  { id: '1', name: 'Boîte de réception', path: 'Boîte de réception', role: 'inbox', count: 3, bytes: null, bytesPrecision: 0, depth: 0 },
  { id: '2', name: 'Messages envoyés', path: 'Messages envoyés', role: 'sent', count: 0, bytes: null, bytesPrecision: 0, depth: 0 },
  { id: '157', name: 'Patients', path: 'Boîte de réception/Patients', role: 'other', count: 1, bytes: null, bytesPrecision: 0, depth: 1 },
];
const msg = (folderId: string, id: string, daysAgo: number): MessageSummary => ({
  ref: { folderId, id },
  date: T0 - daysAgo * DAY,
  size: 1000,
  sizePrecision: 500,
  from: 'labo@bio.mssante.fr',
  subject: 'Résultats',
  unread: false,
  flagged: false,
  hasAttachment: true,
});

function fakeWebmail(searches: SearchQuery[]): Webmail {
  const messages = [msg('1', 'a', 85), msg('1', 'b', 10), msg('1', 'c', 89), msg('157', 'd', 84)];
  return {
    detection: { kind: 'medimail', page: 'mail', supported: true },
    capabilities: { folders: true, search: true, rawDownload: true, compose: true, maxBatch: 1, exactSizes: false },
    quota: null,
    mailbox: null,
    account: async () => ({ address: 'dr.x@medecin.mssante.fr' }),
    folders: async () => FOLDERS,
    async *search(q: SearchQuery) {
      searches.push(q);
      yield messages.filter((m) => m.ref.folderId === q.folderId && (q.before === undefined || m.date! < q.before));
    },
    uiAnchor: () => null,
  } as unknown as Webmail;
}

const flush = () => vi.advanceTimersByTimeAsync(150);

function press(el: Element | null) {
  if (!el) throw new Error('nothing to press');
  const win = el.ownerDocument.defaultView as unknown as { Event: typeof Event };
  el.dispatchEvent(new win.Event('click', { bubbles: false }));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  fakeBrowser.reset();
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => 'fr';
  i18n.getMessage = (key: string, subs?: string[]) => [key, ...(subs ?? [])].join('|');
  (fakeBrowser.runtime as unknown as Record<string, unknown>).sendMessage = async (m: { type: string }) => ({ ok: true, data: m.type === 'bals/list' ? [] : {} });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the retention meter’s keep a copy', () => {
  it('offers the expiring messages first, each folder with messages, then everything, with the reminder', async () => {
    const { document } = parseHTML('<!doctype html><html><body></body></html>');
    (globalThis as { document?: unknown }).document = document;
    const searches: SearchQuery[] = [];
    const webmail = fakeWebmail(searches);
    const got: ExportPartProps[] = [];
    let removed = 0;
    const loadExport = async (): Promise<ExportPartApi> => ({
      mount(_el, props) {
        got.push(props);
        return () => void removed++;
      },
    });
    const ctl = new AbortController();
    const ctx: FeatureContext = { webmail, detection: webmail.detection, doc: document as unknown as Document, bus: new Bus(), signal: ctl.signal };
    const handle = mountRetentionMeter(ctx, { loadExport, now: () => T0 });
    for (let i = 0; i < 4; i++) await flush();
    const host = document.querySelector('[data-balise="quota"]')!;
    expect(host.getAttribute('data-retention-days')).toBe('90');
    // 90 − 7 days: a (85 days), c (89) and d (84); b (10) stays.
    expect(host.getAttribute('data-expiring-count')).toBe('3');
    expect(handle.setExportTarget('downloads')).toBe('downloads');
    press(host.shadowRoot!.querySelector('[data-action="keep-copy"]'));
    for (let i = 0; i < 3; i++) await flush();
    const panel = document.querySelector('[data-balise="retention-panel"]')!.shadowRoot!;
    expect(panel.querySelector('[data-panel="retention"]')).not.toBeNull();
    expect(panel.querySelector('[data-notice="patient-record"]')!.textContent).toBe('retentionKeepReminder');
    expect(got).toHaveLength(1);
    const p = got[0]!;
    expect(p.target).toBe('downloads');
    expect(p.sources.map((x) => x.id)).toEqual(['expiring', 'folder:1', 'folder:157', 'all']);
    const listed = searches.length;
    const expiring = await p.sources[0]!.load(new AbortController().signal);
    expect(expiring.map((i) => `${i.folderPath}:${i.ref.id}`).sort()).toEqual(['Boîte de réception/Patients:d', 'Boîte de réception:a', 'Boîte de réception:c']);
    expect(searches.length).toBe(listed); // already counted: no new listing
    expect((await p.sources[3]!.load(new AbortController().signal)).length).toBe(4);
    press(panel.querySelector('[data-action="close-retention"]'));
    await flush();
    expect(document.querySelector('[data-balise="retention-panel"]')).toBeNull();
    expect(removed).toBe(1);
    ctl.abort();
  });
});
