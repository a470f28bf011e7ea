import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { EXPIRY_ALERTS_KEY, recordExpiry, type ExpiryNotice } from '../../../lib/background/expiry';
import { forgetMailboxes } from '../../../lib/background/retention';
import { db, resetDbForTests } from '../../../lib/store/db';

const DAY = 86_400_000;
const A = 'Martin.Durand@medecin.mssante.fr';
const T0 = Date.UTC(2026, 11, 7, 9, 0, 0);

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
});

describe('retention reports in the background', () => {
  it('notify once a few days before the first deletion, whatever the number of reports, and forget with the BAL', async () => {
    const notices: ExpiryNotice[] = [];
    const notify = async (n: ExpiryNotice) => void notices.push(n);
    const r = (now: number, firstIn: number) => ({ count: 5, firstExpiry: now + firstIn * DAY, horizonEnd: now + 7 * DAY });
    expect(await recordExpiry(A, 90, r(T0, 5), notify, T0)).toBe(false); // too early
    expect(await recordExpiry(A, 90, r(T0 + 2 * DAY, 3), notify, T0 + 2 * DAY)).toBe(true);
    for (const k of [1, 2, 3]) expect(await recordExpiry(A, 90, r(T0 + 2 * DAY + k * 3_600_000, 2.9), notify, T0 + 2 * DAY + k * 3_600_000)).toBe(false);
    expect(notices).toEqual([{ address: A.toLowerCase(), count: 5, firstExpiry: T0 + 5 * DAY, lifetimeDays: 90 }]);
    expect((await db().kv.get(EXPIRY_ALERTS_KEY))?.value).toEqual({ [A.toLowerCase()]: T0 + 9 * DAY });

    await forgetMailboxes([A]);
    expect((await db().kv.get(EXPIRY_ALERTS_KEY))?.value).toEqual({});
  });

  it('a failing notification does not fail the report, and is not retried', async () => {
    let calls = 0;
    const notify = async () => {
      calls++;
      throw new Error('notifications off');
    };
    const r = { count: 1, firstExpiry: T0 + DAY, horizonEnd: T0 + 7 * DAY };
    expect(await recordExpiry(A, 90, r, notify, T0)).toBe(true);
    expect(await recordExpiry(A, 90, r, notify, T0 + 1000)).toBe(false);
    expect(calls).toBe(1);
  });
});
