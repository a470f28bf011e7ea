/**
 * The background's side of the export (lib/background/export.ts) against a fake downloads API: a part is
 * confirmed only when the browser reports it complete, present, with exactly the part's size; object URLs of
 * other origins are refused; only Balise's own downloads are removed. Also checks the messages' schemas.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resolveObjectURL } from 'node:buffer';
import { EXPORT_IDLE_MS, ExportParts, exportHandlers, waitForDownload } from '../../../lib/background/export';
import { DownloadPath, exportMessageDefs } from '../../../lib/messages/export';
import { unionOf } from '../../../lib/messages/define';

interface Item {
  id: number;
  url: string;
  filename: string;
  state: 'in_progress' | 'complete' | 'interrupted';
  exists: boolean;
  fileSize: number;
  totalBytes: number;
  byExtensionId: string;
  error?: string;
}

let items: Map<number, Item>;
let listeners: ((d: { id: number; state?: { current: string } }) => void)[];
let removedFiles: number[];
let erased: number[];
/** How the next download ends. */
let outcome: { state: 'complete' | 'interrupted'; size?: (blobSize: number) => number; error?: string; immediate?: boolean };
let urlsSeen: string[];
let saveAsSeen: (boolean | undefined)[];

beforeEach(() => {
  fakeBrowser.reset();
  items = new Map();
  listeners = [];
  removedFiles = [];
  erased = [];
  urlsSeen = [];
  saveAsSeen = [];
  outcome = { state: 'complete' };
  let next = 1;
  Object.assign(fakeBrowser.downloads, {
    download: async ({ url, filename, saveAs }: { url: string; filename: string; saveAs?: boolean }) => {
      const id = next++;
      urlsSeen.push(url);
      saveAsSeen.push(saveAs);
      let size = 0;
      const blob = url.startsWith('blob:nodedata:') ? resolveObjectURL(url) : undefined;
      if (blob) size = blob.size;
      else size = 1234; // an object URL of the page: the fake cannot fetch it
      const item: Item = { id, url, filename: `/home/u/Téléchargements/${filename}`, state: 'in_progress', exists: true, fileSize: -1, totalBytes: size, byExtensionId: fakeBrowser.runtime.id };
      items.set(id, item);
      const finish = () => {
        item.state = outcome.state;
        item.fileSize = outcome.size ? outcome.size(size) : size;
        if (outcome.error) item.error = outcome.error;
        for (const l of listeners) l({ id, state: { current: item.state } });
      };
      if (outcome.immediate) finish();
      else setTimeout(finish, 20);
      return id;
    },
    search: async ({ id }: { id: number }) => (items.has(id) ? [{ ...items.get(id)! }] : []),
    removeFile: async (id: number) => {
      removedFiles.push(id);
      items.get(id)!.exists = false;
    },
    erase: async ({ id }: { id: number }) => {
      erased.push(id);
      items.delete(id);
      return [id];
    },
    cancel: async () => undefined,
    onChanged: {
      addListener: (l: (typeof listeners)[number]) => listeners.push(l),
      removeListener: (l: (typeof listeners)[number]) => (listeners = listeners.filter((x) => x !== l)),
    },
  });
});

const page = { url: 'http://127.0.0.1:8080/?_task=mail', tab: { id: 3 }, frameId: 0, id: fakeBrowser.runtime.id } as never;
const save = exportHandlers()['export/save-part']!;
const remove = exportHandlers()['export/remove-parts']!;

describe('export: background', () => {
  it('saves a Blob (Firefox), waits until complete, checks the size on disk, revokes its URL', async () => {
    const blob = new Blob([new Uint8Array(5000).fill(7)]);
    const r = await save({ type: 'export/save-part', filename: 'Export/Export-partie-01.zip', size: 5000, blob }, page);
    expect(r).toEqual({ downloadId: 1, path: '/home/u/Téléchargements/Export/Export-partie-01.zip', bytes: 5000 });
    expect(resolveObjectURL(urlsSeen[0]!)).toBeUndefined(); // revoked
    expect(listeners).toHaveLength(0);
  });

  it('shows the save dialog only when the person asked to choose the place', async () => {
    await save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 10, blob: new Blob([new Uint8Array(10)]) }, page);
    await save({ type: 'export/save-part', filename: 'E/E-partie-02.zip', size: 10, blob: new Blob([new Uint8Array(10)]), ask: true }, page);
    expect(saveAsSeen.slice(-2)).toEqual([false, true]);
  });

  it('also sees a download that finished before it listened', async () => {
    outcome = { state: 'complete', immediate: true };
    const r = await save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 10, blob: new Blob([new Uint8Array(10)]) }, page);
    expect(r.bytes).toBe(10);
  });

  it('refuses a part whose size on disk differs, an interrupted download, and a Blob of another size', async () => {
    outcome = { state: 'complete', size: (n) => n - 1 };
    await expect(save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 100, blob: new Blob([new Uint8Array(100)]) }, page)).rejects.toMatchObject({
      code: 'download-size',
    });
    outcome = { state: 'interrupted', error: 'FILE_NO_SPACE' };
    await expect(save({ type: 'export/save-part', filename: 'E/E-partie-02.zip', size: 100, blob: new Blob([new Uint8Array(100)]) }, page)).rejects.toMatchObject({
      code: 'download-failed',
      message: expect.stringContaining('FILE_NO_SPACE'),
    });
    await expect(save({ type: 'export/save-part', filename: 'E/E-partie-03.zip', size: 99, blob: new Blob([new Uint8Array(100)]) }, page)).rejects.toMatchObject({
      code: 'download-size',
    });
  });

  it('downloads an object URL of the sending page only (Chromium)', async () => {
    const r = await save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 1234, url: 'blob:http://127.0.0.1:8080/0b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }, page);
    expect(r.bytes).toBe(1234);
    await expect(
      save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 1234, url: 'blob:http://127.0.0.1:9999/0b2a1c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d' }, page),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('times out a download that never ends', async () => {
    outcome = { state: 'complete' };
    items.set(99, { id: 99, url: 'x', filename: 'x', state: 'in_progress', exists: true, fileSize: -1, totalBytes: 1, byExtensionId: 'x' });
    await expect(waitForDownload(99, 150)).rejects.toMatchObject({ code: 'download-timeout' });
  });

  it('removes its own parts only', async () => {
    await save({ type: 'export/save-part', filename: 'E/E-partie-01.zip', size: 3, blob: new Blob([new Uint8Array(3)]) }, page);
    items.set(50, { id: 50, url: 'x', filename: '/home/u/other.pdf', state: 'complete', exists: true, fileSize: 1, totalBytes: 1, byExtensionId: 'another-extension' });
    await remove({ type: 'export/remove-parts', ids: [1, 50, 77] }, page);
    expect(removedFiles).toEqual([1]);
    expect(erased).toEqual([1]);
    expect(items.has(50)).toBe(true);
  });

  it('accepts only plain relative .zip paths and object URLs', () => {
    for (const ok of ['Export Balise 2026-11-23/Export Balise 2026-11-23-partie-01.zip', 'x.zip', 'Boîte – été/é.zip']) expect(DownloadPath.safeParse(ok).success, ok).toBe(true);
    for (const bad of ['../x.zip', '/etc/x.zip', 'a/../../x.zip', '.hidden/x.zip', 'a/b/c.zip', 'x.exe', 'C:\\x.zip', 'a:b.zip', 'x\u0000.zip', '.zip'])
      expect(DownloadPath.safeParse(bad).success, bad).toBe(false);
    const union = unionOf(exportMessageDefs);
    expect(union.safeParse({ type: 'export/save-part', filename: 'x.zip', size: 1, url: 'javascript:alert(1)' }).success).toBe(false);
    expect(union.safeParse({ type: 'export/save-part', filename: 'x.zip', size: 1, blob: 'not a blob' }).success).toBe(false);
    expect(union.safeParse({ type: 'export/save-part', filename: 'x.zip', size: 1, blob: new Blob([]) }).success).toBe(true);
  });
});

describe('export: which parts may be removed', () => {
  const tab = (id: number, url = 'http://127.0.0.1:8080/?_task=mail') => ({ url, tab: { id }, frameId: 0, id: fakeBrowser.runtime.id }) as never;
  const part = (h: ReturnType<typeof exportHandlers>, sender: never, n: number) =>
    h['export/save-part']!({ type: 'export/save-part', filename: `E/E-partie-0${n}.zip`, size: 3, blob: new Blob([new Uint8Array(3)]) }, sender);

  it("refuses a request naming another export's part (another tab, or an earlier export of the same tab)", async () => {
    let t = 0;
    const parts = new ExportParts(() => t);
    const h = exportHandlers(parts);
    const a = await part(h, tab(3), 1);
    const b = await part(h, tab(4), 1);
    await expect(h['export/remove-parts']!({ type: 'export/remove-parts', ids: [a.downloadId, b.downloadId] }, tab(3))).rejects.toMatchObject({ code: 'forbidden' });
    expect(removedFiles).toEqual([]);
    // Tab 3's next export, after a pause: its first export's part is sealed.
    t += EXPORT_IDLE_MS + 1;
    const c = await part(h, tab(3), 2);
    await expect(h['export/remove-parts']!({ type: 'export/remove-parts', ids: [a.downloadId] }, tab(3))).rejects.toMatchObject({ code: 'forbidden' });
    // Its own unfinished export's part: removed.
    await h['export/remove-parts']!({ type: 'export/remove-parts', ids: [c.downloadId] }, tab(3));
    expect(removedFiles).toEqual([c.downloadId]);
  });

  it('refuses to remove a verified part: once a permanent deletion started in the tab, or the tab reloaded', async () => {
    const parts = new ExportParts();
    const h = exportHandlers(parts);
    const a = await part(h, tab(5), 1);
    parts.seal(5); // what 'cleanup/mark-sent' of a 'delete' job does
    await expect(h['export/remove-parts']!({ type: 'export/remove-parts', ids: [a.downloadId] }, tab(5))).rejects.toMatchObject({ code: 'forbidden' });
    const withDoc = (doc: string) => ({ ...(tab(6) as object), documentId: doc }) as never;
    const b = await part(h, withDoc('page-1'), 1);
    await expect(h['export/remove-parts']!({ type: 'export/remove-parts', ids: [b.downloadId] }, withDoc('page-2'))).rejects.toMatchObject({ code: 'forbidden' });
    expect(removedFiles).toEqual([]);
    expect(erased).toEqual([]);
  });
});
