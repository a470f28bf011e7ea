/**
 * The quota meter mounted on a page (linkedom, shipped with WXT) against a fake Webmail: what it shows, the
 * host element's public attributes, how often it asks the host, what it reports, and its details panel.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseHTML } from 'linkedom';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Bus } from '../../../lib/features/bus';
import { hostAttributes, levelOf, mountQuotaMeter } from '../../../lib/features/quota-meter/feature';
import { sortFolders } from '../../../lib/features/quota-meter/Panel';
import type { FeatureContext } from '../../../lib/features';
import type { Folder, MailboxPart, QuotaPart, MessageSummary, Quota, SearchQuery, Webmail } from '../../../lib/webmail/types';
import { WebmailError } from '../../../lib/webmail/types';
import type { ExportPartApi } from '../../../lib/export/part-api';

const MiB = 1024 * 1024;
const T0 = Date.UTC(2026, 5, 1, 9, 0, 0);
const ADDRESS = 'martin.durand@medecin.mssante.fr';
const DAY = 86_400_000;

const FOLDERS: Folder[] = [
  { id: 'INBOX', name: 'Boîte de réception', path: 'INBOX', role: 'inbox', count: 1100, bytes: 79 * MiB, bytesPrecision: MiB / 2, depth: 0 },
  { id: 'Sent', name: 'Envoyés', path: 'Sent', role: 'sent', count: 300, bytes: 21 * MiB, bytesPrecision: MiB / 2, depth: 0 },
  { id: 'Trash', name: 'Corbeille', path: 'Trash', role: 'trash', count: 150, bytes: 12 * MiB, bytesPrecision: MiB / 2, depth: 0 },
  { id: 'Trash/Old', name: 'Old', path: 'Trash/Old', role: 'other', count: 2, bytes: 397 * 1024, bytesPrecision: 512, depth: 1 },
  { id: 'Patients', name: 'Patients', path: 'Patients', role: 'other', count: 0, bytes: null, bytesPrecision: 0, depth: 0 },
  { id: 'Junk', name: 'Indésirables', path: 'Junk', role: 'junk', count: 3, bytes: 800 * 1024, bytesPrecision: 512, depth: 0 },
];

function msg(folderId: string, id: string, daysAgo: number, size: number): MessageSummary {
  return {
    ref: { folderId, id },
    date: T0 - daysAgo * DAY,
    size,
    sizePrecision: 0,
    from: 'x@y.mssante.fr',
    subject: 's',
    unread: false,
    flagged: false,
    hasAttachment: false,
  };
}

class FakeWebmail implements Webmail {
  readonly detection = { kind: 'roundcube' as const, page: 'mail' as const, supported: true };
  readonly capabilities = { folders: true, search: true, rawDownload: true, compose: false, maxBatch: 100, exactSizes: false };
  readonly quota: QuotaPart = {
    read: () => this.readQuota(),
    onHostChange: (cb) => this.onHostQuotaChange(cb),
    retention: () => this.retention(),
  };
  readonly mailbox: MailboxPart = {
    stillIn: async () => new Set<string>(),
    moveToTrash: async () => ({ done: [], failed: [] }),
    move: async () => ({ done: [], failed: [] }),
    deleteForever: async () => ({ done: [], failed: [] }),
    emptyFolder: async () => undefined,
  };
  quotaValue: Quota | null = { usedBytes: 100 * MiB, limitBytes: 200 * MiB, at: 0 };
  quotaCalls: number[] = [];
  failNext = false;
  hostCb: (() => void) | null = null;
  anchor: Element | null = null;
  searches: SearchQuery[] = [];
  messages: MessageSummary[] = [msg('Trash', '1', 40, 1000), msg('Trash', '2', 10, 2000), msg('Trash/Old', '3', 200, 3000), msg('INBOX', '4', 100, 4000)];
  retentionValue: { trashDays: number | null; junkDays: number | null } | undefined = { trashDays: 30, junkDays: null };
  constructor() {
    if (!this.retentionValue) delete this.quota.retention;
  }
  async account() {
    return { address: ADDRESS.toUpperCase() };
  }
  async readQuota() {
    this.quotaCalls.push(Date.now());
    if (this.failNext) {
      this.failNext = false;
      throw new WebmailError('network', 'down');
    }
    return this.quotaValue && { ...this.quotaValue, at: Date.now() };
  }
  retention = async () => this.retentionValue!;
  onHostQuotaChange(cb: () => void) {
    this.hostCb = cb;
    return () => (this.hostCb = null);
  }
  folderCalls = 0;
  async folders() {
    this.folderCalls++;
    return FOLDERS;
  }
  async *search(q: SearchQuery) {
    this.searches.push(q);
    yield this.messages.filter((m) => m.ref.folderId === q.folderId && (q.before === undefined || m.date! < q.before));
  }
  rawMessage = async (): Promise<never> => {
    throw new WebmailError('unsupported', 'not used by the meter');
  };
  composeEditors = () => [];
  uiAnchor(kind: 'quota' | 'toolbar') {
    return kind === 'quota' && this.anchor ? { element: this.anchor, placement: 'after' as const } : null;
  }
  dispose() {}
}

let sent: { type: string; [k: string]: unknown }[];
let settings = { quota: { warnPercent: 80, criticalPercent: 95 } };

/** linkedom has no layout: say which elements are on screen (getClientRects() is what the meter asks). */
function onScreen(el: Element | null, shown = true) {
  if (el) (el as unknown as { getClientRects: () => unknown[] }).getClientRects = () => (shown ? [{}] : []);
}

function setup(opts: { anchor?: boolean; quota?: Quota | null; loadExport?: () => Promise<ExportPartApi> } = {}) {
  const { document } = parseHTML('<!doctype html><html><body><div id="quotadisplay">80%</div><main id="x"></main></body></html>');
  (globalThis as { document?: unknown }).document = document;
  onScreen(document.getElementById('quotadisplay'));
  onScreen(document.getElementById('x'));
  const webmail = new FakeWebmail();
  if (opts.quota !== undefined) webmail.quotaValue = opts.quota;
  if (opts.anchor !== false) webmail.anchor = document.getElementById('quotadisplay');
  const bus = new Bus();
  const ctl = new AbortController();
  const ctx: FeatureContext = { webmail, detection: webmail.detection, doc: document as unknown as Document, bus, signal: ctl.signal };
  const events: unknown[] = [];
  bus.on('open-cleanup', (e) => void events.push(e));
  const quotas: unknown[] = [];
  bus.on('quota', (q) => void quotas.push(q));
  const api = mountQuotaMeter(ctx, opts.loadExport ? { loadExport: opts.loadExport } : {});
  const host = () => document.querySelector('[data-balise="quota"]') as unknown as HTMLElement;
  const shadow = () => host().shadowRoot!;
  const panelRoot = () => (document.querySelector('[data-balise="quota-panel"]') as unknown as HTMLElement | null)?.shadowRoot ?? null;
  return { document, webmail, bus, ctl, events, quotas, api, host, shadow, panelRoot };
}

const flush = () => vi.advanceTimersByTimeAsync(60);

/**
 * A click that does not bubble: linkedom calls ancestors' listeners with `this` set to the target, so Preact's
 * shared event proxy would run the button's handler again for each ancestor that has a click handler.
 */
function press(el: Element | null) {
  if (!el) throw new Error('nothing to press');
  const win = el.ownerDocument.defaultView as unknown as { Event: typeof Event };
  el.dispatchEvent(new win.Event('click', { bubbles: false }));
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(T0);
  fakeBrowser.reset();
  sent = [];
  settings = { quota: { warnPercent: 80, criticalPercent: 95 } };
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => 'fr';
  i18n.getMessage = (key: string, subs?: string[]) => [key, ...(subs ?? [])].join('|');
  const runtime = fakeBrowser.runtime as unknown as Record<string, unknown>;
  runtime.sendMessage = async (m: { type: string }) => {
    sent.push(m);
    if (m.type === 'settings/get') return { ok: true, data: settings };
    if (m.type === 'bals/list') return { ok: true, data: [] };
    return { ok: true, data: { ok: true } };
  };
});
afterEach(() => {
  vi.useRealTimers();
});

describe('the quota meter on the page', () => {
  it('sits right after the host’s quota display and shows used / limit and the percentage', async () => {
    const s = setup();
    await flush();
    const host = s.host();
    expect(host.previousElementSibling?.id).toBe('quotadisplay');
    expect(host.getAttribute('data-placement')).toBe('anchored');
    expect(host.getAttribute('data-used-bytes')).toBe(String(100 * MiB));
    expect(host.getAttribute('data-limit-bytes')).toBe(String(200 * MiB));
    expect(host.getAttribute('data-level')).toBe('ok');
    const button = s.shadow().querySelector('[data-action="open-quota"]')!;
    expect(button.textContent).toContain('100\u00a0Mo / 200\u00a0Mo');
    expect(button.textContent).toContain('50\u00a0%');
    expect(button.getAttribute('aria-haspopup')).toBe('dialog');
    expect(button.getAttribute('aria-label')).toContain(`quotaUsedLong|100\u00a0Mo|200\u00a0Mo|50\u00a0%`);
    expect(s.shadow().querySelector('[role="meter"]')!.getAttribute('aria-valuenow')).toBe('50');
  });

  it('reports each figure to the background with the BAL’s address, and shares it on the bus', async () => {
    const s = setup();
    await flush();
    expect(sent.filter((m) => m.type === 'quota/report')).toEqual([
      { type: 'quota/report', address: ADDRESS, usedBytes: 100 * MiB, limitBytes: 200 * MiB, at: T0 },
    ]);
    expect(s.quotas).toEqual([{ usedBytes: 100 * MiB, limitBytes: 200 * MiB, at: T0 }]);
  });

  it('colours by the user’s thresholds', async () => {
    settings = { quota: { warnPercent: 40, criticalPercent: 90 } };
    const s = setup();
    await flush();
    expect(s.host().getAttribute('data-level')).toBe('warn');
    expect(s.shadow().querySelector('.b-bar')!.getAttribute('class')).toContain('warn');
  });

  it('floats when the page has no quota area, and moves next to it once the host builds it', async () => {
    const s = setup({ anchor: false });
    await flush();
    expect(s.host().getAttribute('data-placement')).toBe('floating');
    expect(s.host().style.getPropertyValue('position')).toBe('fixed');
    s.webmail.anchor = s.document.getElementById('x');
    await vi.advanceTimersByTimeAsync(2100);
    expect(s.host().getAttribute('data-placement')).toBe('anchored');
    expect(s.host().previousElementSibling?.id).toBe('x');
    expect(s.document.querySelectorAll('[data-balise="quota"]')).toHaveLength(1);
  });

  it('floats while the host’s quota area is off screen (a narrow window hides the sidebar), and goes back after', async () => {
    const s = setup();
    await flush();
    expect(s.host().getAttribute('data-placement')).toBe('anchored');
    onScreen(s.document.getElementById('quotadisplay'), false);
    await vi.advanceTimersByTimeAsync(2100);
    expect(s.host().getAttribute('data-placement')).toBe('floating');
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(100 * MiB));
    onScreen(s.document.getElementById('quotadisplay'), true);
    await vi.advanceTimersByTimeAsync(2100);
    expect(s.host().getAttribute('data-placement')).toBe('anchored');
    expect(s.document.querySelectorAll('[data-balise="quota"]')).toHaveLength(1);
    expect(s.webmail.quotaCalls).toHaveLength(1); // moving asks nothing
  });

  it('shows an unlimited quota as such, with no limit and no percentage', async () => {
    const s = setup();
    s.webmail.quotaValue = { usedBytes: 5 * MiB, limitBytes: null, at: 0 };
    s.webmail.hostCb!();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.host().getAttribute('data-limit-bytes')).toBe('');
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(5 * MiB));
    expect(s.host().getAttribute('data-state')).toBe('unlimited');
    expect(s.host().getAttribute('data-level')).toBe('unknown');
    expect(s.shadow().querySelector('.balise-root')!.textContent).toContain('quotaUnlimitedShort|5\u00a0Mo');
    expect(s.shadow().querySelector('.balise-root')!.textContent).not.toContain('%');
  });

  it('shows an unknown quota (never 0 %) and keeps the last good figure when a refresh fails', async () => {
    const s = setup({ quota: null });
    await flush();
    expect(s.host().getAttribute('data-used-bytes')).toBe('');
    expect(s.host().getAttribute('data-limit-bytes')).toBe('');
    expect(s.host().getAttribute('data-state')).toBe('unknown');
    expect(s.shadow().querySelector('.balise-root')!.textContent).toContain('quotaUnknownShort');
    expect(s.shadow().querySelector('.balise-root')!.textContent).not.toContain('0\u00a0%');

    s.webmail.quotaValue = { usedBytes: 150 * MiB, limitBytes: 200 * MiB, at: 0 };
    s.webmail.hostCb!();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(150 * MiB));
    s.webmail.failNext = true;
    s.webmail.hostCb!();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(s.host().getAttribute('data-state')).toBe('stale');
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(150 * MiB));
  });

  it('asks the host at most once a minute, plus once right after a Balise action', async () => {
    const s = setup();
    await flush();
    for (let i = 0; i < 70; i++) {
      s.webmail.hostCb!();
      await vi.advanceTimersByTimeAsync(1000);
    }
    const rel = s.webmail.quotaCalls.map((t) => t - T0);
    expect(rel).toEqual([0, 60_000]);
    s.webmail.quotaValue = { usedBytes: 90 * MiB, limitBytes: 200 * MiB, at: 0 };
    s.bus.emit('mailbox-changed', { reason: 'test' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(s.webmail.quotaCalls).toHaveLength(3);
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(90 * MiB));
  });

  it('uses a figure another feature read instead of asking again', async () => {
    const s = setup();
    await flush();
    s.webmail.hostCb!();
    s.bus.emit('quota', { usedBytes: 120 * MiB, limitBytes: 200 * MiB, at: Date.now() });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(s.webmail.quotaCalls).toHaveLength(1);
    expect(s.host().getAttribute('data-used-bytes')).toBe(String(120 * MiB));
  });

  it('removes itself and stops asking when the content script is invalidated', async () => {
    const s = setup();
    await flush();
    s.ctl.abort();
    s.webmail.hostCb?.();
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(s.document.querySelector('[data-balise="quota"]')).toBeNull();
    expect(s.webmail.quotaCalls).toHaveLength(1);
    expect(s.webmail.hostCb).toBeNull();
  });
});

describe('the details panel', () => {
  it('lists folders largest first with honest precision, the trash reclaim, and opens the cleanup in one click', async () => {
    const s = setup();
    await flush();
    press(s.shadow().querySelector('[data-action="open-quota"]'));
    await flush();
    await flush();
    const root = s.panelRoot()!;
    expect(root.querySelector('[role="dialog"]')!.getAttribute('aria-modal')).toBe('true');
    const rows = [...root.querySelectorAll('[data-list="folders"] li')];
    expect(rows.map((r) => r.getAttribute('data-folder-id'))).toEqual(['INBOX', 'Sent', 'Trash', 'Junk', 'Trash/Old', 'Patients']);
    expect(rows[0]!.querySelector('.q-size')!.textContent).toBe('≈\u00a079\u00a0Mo');
    expect(rows[0]!.getAttribute('data-bytes')).toBe(String(79 * MiB));
    expect(rows[0]!.getAttribute('data-precision')).toBe(String(MiB / 2));
    expect(rows[5]!.querySelector('.q-size')!.textContent).toBe('quotaSizeUnknown');
    // Trash and its subfolder: 12 MiB + 397 KiB.
    const trash = root.querySelector('[data-section="trash"]')!;
    expect(trash.getAttribute('data-bytes')).toBe(String(12 * MiB + 397 * 1024));
    expect(trash.textContent).toContain('quotaTrashReclaim|≈\u00a012\u00a0Mo|quotaMessages|152');

    press(root.querySelector('[data-action="open-cleanup"]'));
    // With the figures it just read: the cleanup panel does not read them again.
    expect(s.events).toEqual([{ source: 'meter', folders: { list: expect.any(Promise), at: expect.any(Number) } }]);
    const handed = await (s.events[0] as { folders: { list: Promise<{ id: string }[]> } }).folders.list;
    expect(handed.map((f) => f.id).sort()).toEqual(['INBOX', 'Junk', 'Patients', 'Sent', 'Trash', 'Trash/Old']);
    expect(s.panelRoot()).toBeNull();
  });

  it('counts what the server will purge in the next 7 days (trash lifetime from the server) and offers to keep a copy', async () => {
    const s = setup({ loadExport: () => Promise.reject(new Error('not loadable')) });
    await flush();
    s.api.openPanel();
    for (let i = 0; i < 5; i++) await flush();
    const root = s.panelRoot()!;
    const item = root.querySelector('[data-section="retention"] [data-scope="trash"]')!;
    // 30-day trash: messages older than 23 days will go within a week (ids 1 and 3; 2 is 10 days old).
    expect(item.getAttribute('data-count')).toBe('2');
    expect(item.getAttribute('data-source')).toBe('server');
    expect(item.textContent).toContain('quotaExpiringUpTo|2|3,9\u00a0Ko');
    expect(s.webmail.searches.map((q) => q.folderId)).toEqual(['Trash', 'Trash/Old']);
    for (const q of s.webmail.searches) expect(q.before! - (T0 - 23 * DAY)).toBeLessThan(1000);
    // The export part could not be loaded: the panel falls back to the cleanup, which exports first.
    for (let i = 0; i < 3; i++) await flush();
    press(root.querySelector('[data-action="export-expiring"]'));
    expect(s.events).toEqual([{ source: 'meter', folders: { list: expect.any(Promise), at: expect.any(Number) } }]);
  });

  it('hands the expiring messages to the export part when it loads, and removes it when the panel closes', async () => {
    const mounted: { items: number; filenameBase: string }[] = [];
    let removed = 0;
    const loadExport = async (): Promise<ExportPartApi> => ({
      mount(el, props) {
        void Promise.all(props.sources.map((x) => x.load(new AbortController().signal))).then((lists) =>
          mounted.push(...lists.map((l, i) => ({ items: l.length, filenameBase: props.sources[i]!.filenameBase }))),
        );
        const b = el.ownerDocument.createElement('button');
        b.setAttribute('data-action', 'export-start');
        el.append(b);
        return () => {
          removed++;
          b.remove();
        };
      },
    });
    const s = setup({ loadExport });
    await flush();
    s.api.openPanel();
    for (let i = 0; i < 8; i++) await flush();
    const root = s.panelRoot()!;
    expect(mounted).toEqual([{ items: 2, filenameBase: expect.stringContaining('quotaExportFilename') }]);
    expect(root.querySelector('[data-export-host] [data-action="export-start"]')).not.toBeNull();
    expect(root.querySelector('[data-action="export-expiring"]')).toBeNull();
    s.api.closePanel();
    await flush();
    expect(removed).toBe(1);
  });

  it('exports a whole folder from the folder list: the export part gets that folder, listed only then', async () => {
    const mounted: { id: string; items: string[]; filenameBase: string }[] = [];
    const loadExport = async (): Promise<ExportPartApi> => ({
      mount(_el, props) {
        void Promise.all(props.sources.map(async (x) => ({ id: x.id, filenameBase: x.filenameBase, items: (await x.load(new AbortController().signal)).map((i) => `${i.folderPath}:${i.ref.id}`) }))).then((l) => mounted.push(...l));
        return () => undefined;
      },
    });
    const s = setup({ loadExport });
    s.webmail.messages.push(msg('Sent', 's1', 3, 1000), msg('Sent', 's2', 40, 2000), msg('INBOX', 'i1', 1, 500));
    await flush();
    s.api.openPanel();
    for (let i = 0; i < 8; i++) await flush();
    const root = s.panelRoot()!;
    const rows = [...root.querySelectorAll('[data-list="folders"] li')];
    // A button per folder that has messages (Patients is empty).
    expect(rows.map((r) => !!r.querySelector('[data-action="export-folder"]'))).toEqual([true, true, true, true, true, false]);
    const sent = rows.find((r) => r.getAttribute('data-folder-id') === 'Sent')!;
    expect(sent.querySelector('[data-action="export-folder"]')!.getAttribute('aria-label')).toBe('quotaExportFolderLabel|Sent');
    const before = s.webmail.searches.length;
    mounted.length = 0;
    press(sent.querySelector('[data-action="export-folder"]'));
    for (let i = 0; i < 4; i++) await flush();
    expect(root.querySelector('[data-export-folder="Sent"] [data-export-host]')).not.toBeNull();
    expect(mounted).toEqual([{ id: 'folder:Sent', items: ['Sent:s1', 'Sent:s2'], filenameBase: expect.stringContaining('quotaExportFolderFilename|Envoyés|2026-06-01') }]);
    expect(s.webmail.searches.slice(before).map((q) => [q.folderId, q.before])).toEqual([['Sent', undefined]]);
  });
});

describe('folder sizes', () => {
  it('are read once for several openings, and again after Balise changed the mailbox or the used space moved', async () => {
    const s = setup();
    await flush();
    for (let i = 0; i < 3; i++) {
      s.api.openPanel();
      for (let j = 0; j < 3; j++) await flush();
      s.api.closePanel();
    }
    expect(s.webmail.folderCalls).toBe(1);
    s.bus.emit('mailbox-changed', { reason: 'test' });
    s.api.openPanel();
    await flush();
    s.api.closePanel();
    expect(s.webmail.folderCalls).toBe(2);
    s.webmail.quotaValue = { usedBytes: 101 * MiB, limitBytes: 200 * MiB, at: 0 };
    await vi.advanceTimersByTimeAsync(2000); // the action's refresh reads a new figure
    s.api.openPanel();
    await flush();
    s.api.closePanel();
    expect(s.webmail.folderCalls).toBe(3);
    await vi.advanceTimersByTimeAsync(6 * 60_000); // and they expire after five minutes
    s.api.openPanel();
    await flush();
    expect(s.webmail.folderCalls).toBe(4);
  });
});

describe('pure helpers', () => {
  it('sort folders largest first, unknown sizes last', () => {
    expect(sortFolders(FOLDERS).map((f) => f.id)).toEqual(['INBOX', 'Sent', 'Trash', 'Junk', 'Trash/Old', 'Patients']);
  });
  it('give the host element exact figures, empty when unknown', () => {
    const q = { usedBytes: 5, limitBytes: 10, at: 3 };
    expect(hostAttributes({ kind: 'quota', quota: q }, 'warn')).toEqual({
      'data-used-bytes': '5',
      'data-limit-bytes': '10',
      'data-level': 'warn',
      'data-state': 'ok',
      'data-at': '3',
    });
    expect(hostAttributes({ kind: 'loading' }, 'unknown')).toMatchObject({ 'data-used-bytes': '', 'data-limit-bytes': '', 'data-state': 'loading' });
    expect(levelOf({ kind: 'error', code: 'network' }, null)).toBe('unknown');
  });
});
