import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resetDbForTests, db } from '../../../lib/store/db';
import { applyManaged, forgetManagedCache, managedSummary, type ManagedDeps } from '../../../lib/background/managed';
import { getSettings, LockedSettingError, saveCleanupRuleDefaults, updateSettings } from '../../../lib/background/settings';
import { managedDeps } from '../../../lib/background/main';

let managed: Record<string, unknown> | Error;
let granted: Set<string>;

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  forgetManagedCache();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  managed = {};
  granted = new Set();
  // WXT's fake browser has no managed area: stub it as the browsers answer (Firefox rejects when no policy).
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.storage!.managed = { get: async () => (managed instanceof Error ? Promise.reject(managed) : managed) };
  b.permissions!.contains = async ({ origins }: { origins: string[] }) => origins.every((o) => granted.has(o));
  b.scripting!.getRegisteredContentScripts = async () => [];
  b.scripting!.registerContentScripts = async () => undefined;
});

const config = {
  webmailOrigins: ['https://mail.sante-na.fr', 'not a url at all'],
  quota: { warnPercent: 70 },
  cleanup: { exportBeforeDelete: true, protectClinical: true, oldMonths: 24 },
  locked: ['cleanup.exportBeforeDelete', 'cleanup.protectClinical'],
  bals: [
    {
      address: 'secretariat.cardio@chu-exemple.mssante.fr',
      operator: 'CHU Exemple',
      situation: { label: 'Cardiologie', structure: 'CHU Exemple', finess: '010000016' },
      signatureText: 'Secrétariat de cardiologie\n{{structure}}',
    },
  ],
};

describe('IT’s configuration in the background', () => {
  it('without any policy: the user’s settings, nothing managed (Firefox rejects the read)', async () => {
    managed = new Error('Managed storage manifest not found');
    await updateSettings({ cleanup: { exportBeforeDelete: false } });
    expect((await getSettings()).cleanup.exportBeforeDelete).toBe(false);
    expect((await managedSummary()).managed).toBe(false);
  });

  it('locked settings are in force whatever the user saved, and a change to them is refused', async () => {
    await updateSettings({ cleanup: { exportBeforeDelete: false, protectClinical: false } });
    managed = config;
    forgetManagedCache();
    const s = await getSettings();
    expect(s.cleanup).toMatchObject({ exportBeforeDelete: true, protectClinical: true });
    await expect(updateSettings({ cleanup: { exportBeforeDelete: false } })).rejects.toBeInstanceOf(LockedSettingError);
    // The cleanup panel's "keep as my defaults" saves its other rules and leaves the locked ones alone.
    const saved = await saveCleanupRuleDefaults('a@b.mssante.fr', {
      ...s.cleanup,
      protectClinical: false,
      oldMonths: 18,
      folders: { old: ['INBOX'], large: ['INBOX'] },
    } as unknown as Parameters<typeof saveCleanupRuleDefaults>[1]);
    expect(saved.cleanup).toMatchObject({ oldMonths: 18, protectClinical: true, exportBeforeDelete: true });
    const summary = await managedSummary();
    expect(summary).toMatchObject({ managed: true, locked: ['cleanup.protectClinical', 'cleanup.exportBeforeDelete'], origins: ['https://mail.sante-na.fr'] });
  });

  it('applies recommendations once, registers granted origins, puts the organisational BAL and its signature in the registry', async () => {
    managed = config;
    granted.add('https://mail.sante-na.fr/*');
    const first = await applyManaged(managedDeps);
    expect(first).toEqual({ recommended: ['quota.warnPercent', 'cleanup.oldMonths'], origins: ['https://mail.sante-na.fr'], bals: ['secretariat.cardio@chu-exemple.mssante.fr'] });
    expect((await getSettings()).quota.warnPercent).toBe(70);
    expect(await db().origins.get('https://mail.sante-na.fr')).toMatchObject({ source: 'managed' });
    expect(await db().bals.get('secretariat.cardio@chu-exemple.mssante.fr')).toMatchObject({ kind: 'ORG', status: 'active', source: 'user', operator: 'CHU Exemple', situation: { label: 'Cardiologie' } });
    expect((await db().templates.toArray()).map((t) => [t.situation, t.text])).toEqual([['Cardiologie', 'Secrétariat de cardiologie\n{{structure}}']]);

    // The user changes a recommended value: it stays theirs until IT changes its recommendation.
    await updateSettings({ quota: { warnPercent: 85 } });
    expect(await applyManaged(managedDeps)).toEqual({ recommended: [], origins: [], bals: [] });
    expect((await getSettings()).quota.warnPercent).toBe(85);
    managed = { ...config, quota: { warnPercent: 75 } };
    forgetManagedCache();
    expect((await applyManaged(managedDeps)).recommended).toEqual(['quota.warnPercent']);
    expect((await getSettings()).quota.warnPercent).toBe(75);
  });

  it('waits for the browser’s grant before registering an origin IT listed', async () => {
    managed = { webmailOrigins: ['mail.sante-na.fr'] };
    const calls: string[] = [];
    const deps: ManagedDeps = { ...managedDeps, addOrigin: async (o) => (calls.push(o), managedDeps.addOrigin(o)) };
    expect((await applyManaged(deps)).origins).toEqual([]);
    expect(calls).toEqual(['https://mail.sante-na.fr']);
    granted.add('https://mail.sante-na.fr/*');
    expect((await applyManaged(deps)).origins).toEqual(['https://mail.sante-na.fr']);
  });
});
