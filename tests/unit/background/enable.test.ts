import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resetDbForTests } from '../../../lib/store/db';
import { enableOnTab, startInTab, waitForPermission } from '../../../lib/background/enable';
import { isRegisteredOrigin } from '../../../lib/background/origins';
import { openWelcomeOnInstall } from '../../../lib/background/welcome';

let granted: Set<string>;
let injected: { tabId: number; files?: string[]; func?: unknown }[];
let running: boolean;
let injectFails: boolean;
let tabs: Map<number, string>;
let reloaded: number[];
const added = new Set<(p: { origins?: string[] }) => void>();

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  granted = new Set();
  injected = [];
  running = false;
  injectFails = false;
  reloaded = [];
  tabs = new Map([[7, 'https://mail.sante-na.fr/zimbra/#1']]);
  added.clear();
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.permissions!.contains = async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o));
  b.permissions!.onAdded = { addListener: (f: never) => added.add(f), removeListener: (f: never) => added.delete(f) };
  b.scripting!.getRegisteredContentScripts = async () => [];
  b.scripting!.registerContentScripts = async () => undefined;
  b.scripting!.executeScript = async (o: { target: { tabId: number }; files?: string[]; func?: unknown }) => {
    injected.push({ tabId: o.target.tabId, ...(o.files ? { files: o.files } : { func: 'probe' }) });
    if (o.files && injectFails) throw new Error('Cannot access contents of the page');
    return [{ result: o.func ? running : undefined }];
  };
  b.tabs!.get = async (id: number) => (tabs.has(id) ? { id, url: tabs.get(id) } : Promise.reject(new Error('No tab')));
  b.tabs!.reload = async (id: number) => void reloaded.push(id);
});

const grant = (pattern: string) => {
  granted.add(pattern);
  for (const f of [...added]) f({ origins: [pattern] });
};

describe('enable on the open tab', () => {
  it('waits for the grant the popup asked for, registers the origin, injects the content script once', async () => {
    const pending = enableOnTab('https://mail.sante-na.fr', 7, 'esea-na', 5_000);
    await new Promise((r) => setTimeout(r, 20));
    expect(await isRegisteredOrigin('https://mail.sante-na.fr')).toBe(false);
    grant('https://mail.sante-na.fr/*');
    expect(await pending).toEqual({ ok: true, started: 'injected' });
    expect(await isRegisteredOrigin('https://mail.sante-na.fr')).toBe(true);
    expect(injected).toEqual([{ tabId: 7, func: 'probe' }, { tabId: 7, files: ['content-scripts/webmail.js'] }]);
  });

  it('answers not-granted when the user refuses (no grant before the wait ends)', async () => {
    expect(await enableOnTab('https://mail.sante-na.fr', 7, undefined, 50)).toEqual({ ok: false, reason: 'not-granted' });
    expect(await isRegisteredOrigin('https://mail.sante-na.fr')).toBe(false);
    expect(added.size).toBe(0);
  });

  it('goes on at once when the permission is already held', async () => {
    granted.add('https://mail.sante-na.fr/*');
    expect(await waitForPermission('https://mail.sante-na.fr', 50)).toBe(true);
  });

  it('never starts Balise twice, leaves a tab that went elsewhere, reloads when injection is refused', async () => {
    running = true;
    expect(await startInTab(7, 'https://mail.sante-na.fr')).toEqual({ ok: true, started: 'injected' });
    expect(injected.filter((i) => i.files)).toEqual([]);
    tabs.set(7, 'https://example.org/');
    expect(await startInTab(7, 'https://mail.sante-na.fr')).toEqual({ ok: true, reason: 'tab-moved', started: 'none' });
    tabs.set(7, 'https://mail.sante-na.fr/');
    running = false;
    injectFails = true;
    expect(await startInTab(7, 'https://mail.sante-na.fr')).toEqual({ ok: true, started: 'reloaded' });
    expect(reloaded).toEqual([7]);
  });
});

describe('the welcome page', () => {
  it('opens on first install only, and not in test builds', async () => {
    const created: string[] = [];
    (fakeBrowser.tabs as unknown as { create(o: { url: string }): Promise<unknown> }).create = async (o) => created.push(o.url);
    expect(await openWelcomeOnInstall({ reason: 'update' }, { testBuild: false })).toBe(false);
    expect(await openWelcomeOnInstall({ reason: 'install' }, { testBuild: true })).toBe(false);
    expect(await openWelcomeOnInstall({ reason: 'install' }, { testBuild: false })).toBe(true);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatch(/\/welcome\.html$/);
  });
});
