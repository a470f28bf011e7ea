import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { addOrigin, CONTENT_SCRIPT_ID, isRegisteredOrigin, listOrigins, removeOrigin, sameHost } from '../../../lib/background/origins';
import { resetDbForTests } from '../../../lib/store/db';

type Script = { id: string; matches: string[]; js: string[]; runAt?: string };
let granted: Set<string>;
let registered: Map<string, Script>;

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  granted = new Set();
  registered = new Map();
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.permissions!.contains = async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o));
  b.permissions!.remove = async ({ origins }: { origins: string[] }) => {
    origins.forEach((o) => granted.delete(o));
    return true;
  };
  b.runtime!.getManifest = () => ({ manifest_version: 3, name: 'Balise', version: '0.0.0', host_permissions: ['http://127.0.0.1/*'] });
  b.scripting!.getRegisteredContentScripts = async ({ ids }: { ids: string[] }) => ids.flatMap((id) => (registered.has(id) ? [registered.get(id)] : []));
  b.scripting!.registerContentScripts = async (scripts: Script[]) => {
    for (const s of scripts) {
      if (registered.has(s.id)) throw new Error('duplicate id');
      registered.set(s.id, s);
    }
  };
  b.scripting!.updateContentScripts = async (scripts: Script[]) => scripts.forEach((s) => registered.set(s.id, s));
  b.scripting!.unregisterContentScripts = async ({ ids }: { ids: string[] }) => ids.forEach((id) => registered.delete(id));
});

describe('webmail origins', () => {
  it('are only added once the browser granted the permission', async () => {
    expect(await addOrigin('https://webmail.example.org', 'user')).toBe(false);
    expect(await listOrigins()).toEqual([]);
    expect(registered.size).toBe(0);
  });

  it('register one content script at document_start covering every added origin, and unregister it when the last goes', async () => {
    granted.add('https://webmail.example.org/*').add('https://mail.sante-na.fr/*');
    expect(await addOrigin('https://webmail.example.org', 'user')).toBe(true);
    expect(await addOrigin('https://mail.sante-na.fr', 'user', 'esea-na')).toBe(true);
    const script = registered.get(CONTENT_SCRIPT_ID)!;
    expect(script.matches.sort()).toEqual(['https://mail.sante-na.fr/*', 'https://webmail.example.org/*']);
    expect(script.js).toEqual(['content-scripts/webmail.js']);
    expect(script.runAt).toBe('document_start');
    expect(await isRegisteredOrigin('https://mail.sante-na.fr')).toBe(true);

    await removeOrigin('https://webmail.example.org');
    expect(registered.get(CONTENT_SCRIPT_ID)!.matches).toEqual(['https://mail.sante-na.fr/*']);
    expect(granted.has('https://webmail.example.org/*')).toBe(false);
    await removeOrigin('https://mail.sante-na.fr');
    expect(registered.has(CONTENT_SCRIPT_ID)).toBe(false);
    expect(await isRegisteredOrigin('https://mail.sante-na.fr')).toBe(false);
  });

  it('stop injecting where the user withdrew the permission in the browser', async () => {
    granted.add('https://webmail.example.org/*');
    await addOrigin('https://webmail.example.org', 'user');
    granted.delete('https://webmail.example.org/*');
    const { syncContentScripts } = await import('../../../lib/background/origins');
    expect(await syncContentScripts()).toEqual([]);
    expect(registered.has(CONTENT_SCRIPT_ID)).toBe(false);
  });

  it('never give back a host permission the manifest grants (test builds)', async () => {
    granted.add('http://127.0.0.1/*');
    await addOrigin('http://127.0.0.1', 'test');
    await removeOrigin('http://127.0.0.1');
    expect(granted.has('http://127.0.0.1/*')).toBe(true);
    expect(registered.has(CONTENT_SCRIPT_ID)).toBe(false);
  });

  it('compare hosts the way match patterns do (port ignored, scheme not)', () => {
    expect(sameHost('http://127.0.0.1', 'http://127.0.0.1:8123')).toBe(true);
    expect(sameHost('https://a.fr', 'http://a.fr')).toBe(false);
    expect(sameHost('https://a.fr', 'https://a.fr.evil.com')).toBe(false);
  });
});
