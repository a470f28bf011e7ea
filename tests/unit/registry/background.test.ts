import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db, resetDbForTests } from '../../../lib/store/db';
import {
  attachmentLimitFor,
  composeContext,
  exportSettings,
  getProfile,
  importSettings,
  removeTemplate,
  saveBal,
  saveProfile,
  saveTemplate,
  setPreferred,
} from '../../../lib/background/registry';
import { recordSeen } from '../../../lib/background/bals';
import { updateSettings } from '../../../lib/background/settings';
import type { BalInput } from '../../../lib/registry/schemas';

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.i18n!.getUILanguage = () => 'fr-FR';
});

const CAB = { label: 'Cabinet de Nantes', structure: 'Cabinet Martin' };

function input(address: string, over: Partial<BalInput> = {}): BalInput {
  return { address, kind: 'PER', status: 'active', preferred: false, ...over };
}

async function preferredAddresses(): Promise<string[]> {
  return (await db().bals.toArray()).filter((b) => b.preferred).map((b) => b.address).sort();
}

describe('registry in the background', () => {
  it('keeps one preferred BAL per situation when saving and when choosing', async () => {
    await saveBal(input('a@medecin.mssante.fr', { situation: CAB, preferred: true }));
    await saveBal(input('b@cab.mssante.fr', { situation: { label: 'cabinet de nantes' }, preferred: true }));
    await saveBal(input('c@chu.mssante.fr', { situation: { label: 'CHU' }, preferred: true }));
    expect(await preferredAddresses()).toEqual(['b@cab.mssante.fr', 'c@chu.mssante.fr']);
    await setPreferred('a@medecin.mssante.fr');
    expect(await preferredAddresses()).toEqual(['a@medecin.mssante.fr', 'c@chu.mssante.fr']);
  });

  it('refuses to prefer an inactive BAL and unmarks a BAL that becomes inactive', async () => {
    await expect(saveBal(input('a@medecin.mssante.fr', { status: 'inactive', preferred: true }))).rejects.toMatchObject({ code: 'preferred-inactive' });
    await saveBal(input('a@medecin.mssante.fr', { preferred: true }));
    await saveBal(input('a@medecin.mssante.fr', { status: 'depublished', preferred: false }));
    await expect(setPreferred('a@medecin.mssante.fr')).rejects.toMatchObject({ code: 'preferred-inactive' });
    expect(await preferredAddresses()).toEqual([]);
  });

  it('adopting a seen BAL keeps what was seen; renaming moves the row', async () => {
    await recordSeen('Seen@Medecin.mssante.fr', 'roundcube', 'http://127.0.0.1:8080', { usedBytes: 5, limitBytes: 10, at: 1 }, 1000);
    await saveBal(input('seen@medecin.mssante.fr', { kind: 'CAB', situation: CAB }));
    const row = await db().bals.get('seen@medecin.mssante.fr');
    expect(row).toMatchObject({ source: 'user', kind: 'CAB', webmailOrigin: 'http://127.0.0.1:8080', webmailKind: 'roundcube', lastSeen: 1000 });
    await saveBal(input('renamed@medecin.mssante.fr', { situation: CAB }), 'seen@medecin.mssante.fr');
    expect(await db().bals.get('seen@medecin.mssante.fr')).toBeUndefined();
    expect(await db().bals.get('renamed@medecin.mssante.fr')).toMatchObject({ lastSeen: 1000 });
    await saveBal(input('other@medecin.mssante.fr'));
    await expect(saveBal(input('other@medecin.mssante.fr'), 'renamed@medecin.mssante.fr')).rejects.toMatchObject({ code: 'duplicate' });
    await expect(saveBal(input('not an address'))).rejects.toMatchObject({ code: 'invalid-address' });
  });

  it('editing a BAL keeps the limits the edit does not mention (trash lifetime, operator retention)', async () => {
    const A = 'a@medecin.mssante.fr';
    await saveBal(input(A, { limits: { attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 } }));
    // What the options form sent before it knew the retention fields: only the attachment limit.
    await saveBal(input(A, { operator: 'Mipih', limits: { attachmentMB: 20 } }));
    expect((await db().bals.get(A))?.limits).toEqual({ attachmentMB: 20, trashLifetimeDays: 30, retentionDays: 90 });
    // A save that says nothing about limits (other pages, the signature e2e helpers) keeps them all.
    await saveBal(input(A, { status: 'inactive' }));
    expect((await db().bals.get(A))?.limits).toEqual({ attachmentMB: 20, trashLifetimeDays: 30, retentionDays: 90 });
    // Renaming carries them along.
    await saveBal(input('b@medecin.mssante.fr', { kind: 'CAB' }), A);
    expect((await db().bals.get('b@medecin.mssante.fr'))?.limits).toEqual({ attachmentMB: 20, trashLifetimeDays: 30, retentionDays: 90 });
  });

  it('a limit set to null is removed, the others stay; no limit left: no limits object', async () => {
    const A = 'a@medecin.mssante.fr';
    await saveBal(input(A, { limits: { attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 } }));
    await saveBal(input(A, { limits: { attachmentMB: null, retentionDays: 60 } }));
    expect((await db().bals.get(A))?.limits).toEqual({ trashLifetimeDays: 30, retentionDays: 60 });
    await saveBal(input(A, { limits: { attachmentMB: null, trashLifetimeDays: null, retentionDays: null } }));
    expect(await db().bals.get(A)).not.toHaveProperty('limits');
  });

  it('keeps one template per situation', async () => {
    await saveTemplate({ situation: 'Cabinet de Nantes', text: 'one' });
    await saveTemplate({ situation: ' CABINET DE NANTES ', text: 'two' });
    await saveTemplate({ situation: '', text: 'default' });
    const all = await db().templates.toArray();
    expect(all.map((t) => [t.situation, t.text]).sort()).toEqual([
      ['', 'default'],
      ['CABINET DE NANTES', 'two'], // the same situation: replaced, with the spelling last saved
    ]);
    await removeTemplate('cabinet de nantes');
    expect((await db().templates.toArray()).map((t) => t.text)).toEqual(['default']);
  });
});

describe('compose context', () => {
  it('before any registry: the BAL written from is the preferred one, with the default template', async () => {
    await saveProfile({ prenom: 'Sophie', nom: 'Martin', rpps: '10000005479' });
    const c = await composeContext('sophie.martin@medecin.mssante.fr', 'http://127.0.0.1:9000');
    expect(c.signature.text).toBe('Sophie Martin\nRPPS 10000005479\nMSSanté : sophie.martin@medecin.mssante.fr');
    expect(c).toMatchObject({ notPreferred: false, preferredAddress: 'sophie.martin@medecin.mssante.fr', autoInsert: false, checks: true, attachmentLimitMB: null });
  });

  it('follows the BAL written from: situation → preferred BAL → that situation’s template', async () => {
    await saveProfile({ prenom: 'Sophie', nom: 'Martin' });
    await saveBal(input('sophie@medecin.mssante.fr', { situation: CAB, preferred: true, limits: { attachmentMB: 7 } }));
    await saveBal(input('cab@cab.mssante.fr', { situation: CAB, kind: 'CAB' }));
    await saveBal(input('chu@chu.mssante.fr', { situation: { label: 'CHU', structure: 'CHU de Nantes' }, preferred: true }));
    await saveTemplate({ situation: 'Cabinet de Nantes', text: '{prenom} {nom} – {structure}\nÉcrivez-moi : {bal_preferee}' });
    await saveTemplate({ situation: '', text: '{nom} ({situation}) {bal_preferee}' });
    await updateSettings({ signature: { autoInsert: true } });

    const fromCab = await composeContext('cab@cab.mssante.fr', null);
    expect(fromCab.signature.text).toBe('Sophie Martin – Cabinet Martin\nÉcrivez-moi : sophie@medecin.mssante.fr');
    expect(fromCab).toMatchObject({ notPreferred: true, preferredAddress: 'sophie@medecin.mssante.fr', situation: 'Cabinet de Nantes', autoInsert: true });
    // The BAL's own limit, else nothing (127.0.0.1 is no known platform).
    expect(fromCab.attachmentLimitMB).toBeNull();
    expect((await composeContext('sophie@medecin.mssante.fr', null)).attachmentLimitMB).toBe(7);

    const fromChu = await composeContext('chu@chu.mssante.fr', null);
    expect(fromChu.signature.text).toBe('Martin (CHU) chu@chu.mssante.fr');
    expect(fromChu.notPreferred).toBe(false);
  });

  it('attachment limits: the BAL’s own, else the known platform’s (15 MB Pays de la Loire, 60 MB Medimail)', async () => {
    expect(await attachmentLimitFor(null, 'https://enrs.esante-paysdelaloire.fr')).toBe(15);
    expect(await attachmentLimitFor(null, 'https://medimail.mipih.fr')).toBe(60);
    expect(await attachmentLimitFor(null, 'https://webmail.example.org')).toBeNull();
    await db().origins.put({ origin: 'https://webmail.example.org', addedAt: 1, source: 'user', knownId: 'medimail' });
    expect(await attachmentLimitFor(null, 'https://webmail.example.org')).toBe(60);
    expect(
      await attachmentLimitFor({ address: 'a@x.fr', kind: null, status: 'active', preferred: false, source: 'user', limits: { attachmentMB: 25 } }, 'https://medimail.mipih.fr'),
    ).toBe(25);
  });

  it('a hostile name stays text in both renderings', async () => {
    await saveProfile({ prenom: '<img src=x onerror=alert(1)>', nom: 'Martin' });
    const c = await composeContext('a@medecin.mssante.fr', null);
    expect(c.signature.text.split('\n')[0]).toBe('<img src=x onerror=alert(1)> Martin');
    expect(c.signature.html).toContain('&lt;img src=x onerror=alert(1)&gt; Martin');
    expect(c.signature.html).not.toMatch(/<img/);
  });
});

describe('settings export and import', () => {
  async function fill() {
    await saveProfile({ prenom: 'Sophie', nom: 'Martin' });
    await saveBal(input('sophie@medecin.mssante.fr', { situation: CAB, preferred: true }));
    await saveTemplate({ situation: '', text: 'sig {nom}' });
    await updateSettings({ quota: { warnPercent: 70, criticalPercent: 90 } });
    await recordSeen('seen@x.mssante.fr', 'zimbra', 'https://mail.sante-na.fr', null, 5);
  }

  it('round-trips everything; origins still to permit are listed, not added', async () => {
    await fill();
    await db().origins.put({ origin: 'https://medimail.mipih.fr', addedAt: 1, source: 'user' });
    const { json, filename } = await exportSettings(new Date('2026-03-14T10:00:00Z'));
    expect(filename).toBe('balise-reglages-2026-03-14.json');
    expect(json).not.toContain('seen@x.mssante.fr');

    resetDbForTests();
    Dexie.dependencies.indexedDB = new IDBFactory();
    await recordSeen('seen@x.mssante.fr', 'zimbra', 'https://mail.sante-na.fr', null, 5);
    const r = await importSettings(json);
    expect(r).toEqual({ ok: true, counts: { bals: 1, templates: 1 }, origins: ['https://medimail.mipih.fr'] });
    expect(await db().origins.count()).toBe(0);
    expect(await getProfile()).toEqual({ prenom: 'Sophie', nom: 'Martin' });
    expect((await db().bals.get('sophie@medecin.mssante.fr'))?.preferred).toBe(true);
    expect(await db().bals.get('seen@x.mssante.fr')).toMatchObject({ source: 'seen' });
    expect((await db().kv.get('settings'))?.value).toMatchObject({ quota: { warnPercent: 70, criticalPercent: 90 } });
    expect((await db().templates.toArray()).map((t) => t.text)).toEqual(['sig {nom}']);
  });

  it('a bad file changes nothing', async () => {
    await fill();
    const before = JSON.stringify([await db().bals.toArray(), await db().templates.toArray(), await db().kv.toArray()]);
    const { json } = await exportSettings();
    const broken = json.replace('"preferred": true', '"preferred": "oui"');
    const r = await importSettings(broken);
    expect(r).toEqual({ ok: false, problem: { code: 'wrong-type', path: ['bals', 0, 'preferred'] } });
    expect(JSON.stringify([await db().bals.toArray(), await db().templates.toArray(), await db().kv.toArray()])).toBe(before);
  });

  it('a failure half-way through the write leaves everything as it was (one transaction)', async () => {
    await fill();
    const { json } = await exportSettings();
    const other = JSON.parse(json) as { profile: Record<string, string>; bals: { address: string }[] };
    other.profile.nom = 'Durand';
    other.bals[0]!.address = 'durand@medecin.mssante.fr';
    const before = JSON.stringify([await db().bals.toArray(), await db().templates.toArray(), await db().kv.toArray()]);
    await expect(
      importSettings(JSON.stringify(other), {
        afterBals: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(JSON.stringify([await db().bals.toArray(), await db().templates.toArray(), await db().kv.toArray()])).toBe(before);
    expect((await getProfile()).nom).toBe('Martin');
  });
});
