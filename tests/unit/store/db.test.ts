import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb, HOUR } from '../../../lib/store/db';

beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
});

let open: Dexie[] = [];
afterEach(() => {
  for (const d of open) d.close();
  open = [];
});

/** A database exactly as version 1 left it. */
async function createV1(name: string) {
  const v1 = new Dexie(name);
  open.push(v1);
  v1.version(1).stores({ kv: 'key', bals: 'address', quota: '++id, bal, at', journal: '++id, jobId' });
  await v1.open();
  await v1.table('kv').put({ key: 'settings', value: { quota: { warnPercent: 70 }, origins: ['https://mail.sante-na.fr', 'not an origin'] } });
  await v1.table('bals').put({ address: 'dr.martin@medecin.mssante.fr', kind: 'PER', status: 'active', preferred: true, source: 'user' });
  const t0 = Date.UTC(2026, 10, 23, 10, 0, 0);
  await v1.table('quota').bulkAdd([
    { bal: 'dr.martin@medecin.mssante.fr', at: t0 + 60_000, usedBytes: 100, limitBytes: 1000 },
    { bal: 'dr.martin@medecin.mssante.fr', at: t0 + 30 * 60_000, usedBytes: 150, limitBytes: 1000 }, // same hour: the later one wins
    { bal: 'dr.martin@medecin.mssante.fr', at: t0 + HOUR + 5, usedBytes: 200, limitBytes: 1000 },
  ]);
  await v1.table('journal').add({ jobId: 'x', note: 'prototype' });
  v1.close();
  return t0;
}

describe('database schema', () => {
  it('creates the current version from nothing', async () => {
    const d = new BaliseDb('fresh');
    open.push(d);
    await d.open();
    expect(d.verno).toBe(3);
    expect(d.tables.map((t) => t.name).sort()).toEqual([
      'bals',
      'batches',
      'classifications',
      'jobs',
      'kv',
      'locks',
      'origins',
      'quotaHistory',
      'templates',
    ]);
  });

  it('migrates a version 1 database without losing the user’s data', async () => {
    const t0 = await createV1('upgrade');
    const d = new BaliseDb('upgrade');
    open.push(d);
    await d.open();
    expect(d.verno).toBe(3);
    // Origins moved to their own table, invalid ones dropped; settings keep everything else.
    expect((await d.origins.toArray()).map((o) => o.origin)).toEqual(['https://mail.sante-na.fr']);
    expect(await d.kv.get('settings')).toEqual({ key: 'settings', value: { quota: { warnPercent: 70 } } });
    // The registry is untouched.
    expect(await d.bals.get('dr.martin@medecin.mssante.fr')).toMatchObject({ kind: 'PER', preferred: true });
    // Quota points: one per hour, the last of each hour kept.
    const points = await d.quotaHistory.where('bal').equals('dr.martin@medecin.mssante.fr').sortBy('at');
    expect(points.map((p) => [p.at - t0, p.usedBytes])).toEqual([
      [0, 150],
      [HOUR, 200],
    ]);
    // Old tables are gone.
    expect(d.tables.some((t) => t.name === 'quota' || t.name === 'journal')).toBe(false);
  });

  it('keeps one quota point per BAL per hour by its key', async () => {
    const d = new BaliseDb('hourly');
    open.push(d);
    await d.quotaHistory.put({ bal: 'a@b.mssante.fr', at: 0, usedBytes: 1, limitBytes: null });
    await d.quotaHistory.put({ bal: 'a@b.mssante.fr', at: 0, usedBytes: 2, limitBytes: null });
    expect(await d.quotaHistory.count()).toBe(1);
    expect((await d.quotaHistory.get(['a@b.mssante.fr', 0]))?.usedBytes).toBe(2);
  });
});
