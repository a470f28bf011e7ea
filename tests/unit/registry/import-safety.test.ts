import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { resetDbForTests } from '../../../lib/store/db';
import { exportSettings, importSettings, registryHandlers } from '../../../lib/background/registry';
import { getSettings, updateSettings } from '../../../lib/background/settings';
import { safetyDowngrades } from '../../../lib/registry/transfer';
import { readSettings } from '../../../lib/store/settings';

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.i18n!.getUILanguage = () => 'fr-FR';
});

async function fileWith(cleanup: Record<string, unknown>): Promise<string> {
  const file = JSON.parse((await exportSettings()).json) as { settings: { cleanup: Record<string, unknown> } };
  file.settings.cleanup = { ...file.settings.cleanup, ...cleanup };
  return JSON.stringify(file);
}

describe('settings import: safety settings turned off need the user’s word', () => {
  it('names exactly the safeguards that are on now and off in the file', () => {
    const on = readSettings({});
    expect(safetyDowngrades(on, readSettings({ cleanup: { exportBeforeDelete: false } }))).toEqual(['exportBeforeDelete']);
    expect(safetyDowngrades(on, readSettings({ cleanup: { exportBeforeDelete: false, protectClinical: false } }))).toEqual(['exportBeforeDelete', 'protectClinical']);
    expect(safetyDowngrades(readSettings({ cleanup: { protectClinical: false } }), readSettings({ cleanup: { protectClinical: false } }))).toEqual([]);
  });

  it('writes nothing until both changes are confirmed, then imports', async () => {
    const json = await fileWith({ exportBeforeDelete: false, protectClinical: false, oldMonths: 24 });
    expect(await importSettings(json)).toEqual({ ok: false, confirm: ['exportBeforeDelete', 'protectClinical'] });
    expect((await getSettings()).cleanup).toMatchObject({ exportBeforeDelete: true, protectClinical: true, oldMonths: 12 });
    // Confirming one is not confirming both.
    expect(await importSettings(json, {}, Date.now(), ['exportBeforeDelete'])).toEqual({ ok: false, confirm: ['protectClinical'] });
    expect((await getSettings()).cleanup.exportBeforeDelete).toBe(true);
    const done = await registryHandlers()['transfer/import']!({ type: 'transfer/import', json, confirm: ['exportBeforeDelete', 'protectClinical'] }, {} as never);
    expect(done).toMatchObject({ ok: true });
    expect((await getSettings()).cleanup).toMatchObject({ exportBeforeDelete: false, protectClinical: false, oldMonths: 24 });
  });

  it('a file that keeps or turns on the safeguards needs no confirmation', async () => {
    await updateSettings({ cleanup: { protectClinical: false } });
    // Off now and off in the file: nothing is turned off.
    expect(await importSettings(await fileWith({ protectClinical: false }))).toMatchObject({ ok: true });
    expect(await importSettings(await fileWith({ protectClinical: true }))).toMatchObject({ ok: true });
    // On again now: a file turning it off asks again.
    expect(await importSettings(await fileWith({ protectClinical: false }))).toEqual({ ok: false, confirm: ['protectClinical'] });
  });
});
