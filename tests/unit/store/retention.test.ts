import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db, resetDbForTests } from '../../../lib/store/db';
import { forgetMailboxes, forgetOrigin, JOB_RETENTION_DAYS, mailboxesOfOrigin, purgeIdleVerdicts, purgeJobs, VERDICT_IDLE_DAYS } from '../../../lib/background/retention';
import { CleanupJournal } from '../../../lib/background/cleanup';
import { classificationHandlers } from '../../../lib/background/classifications';
import { ALERTS_KEY } from '../../../lib/background/quota';
import { updateSettings, getSettings } from '../../../lib/background/settings';
import type { Batch, Job } from '../../../lib/store/schemas';
import type { Sender } from '../../../lib/messages/router';

const DAY = 86_400_000;
const NOW = 400 * DAY;
const A = 'a@medecin.mssante.fr';
const B = 'b@medecin.mssante.fr';
const ORIGIN = 'https://webmail.example.fr';

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
});

function job(id: string, bal: string, state: Job['state'], at: number, action: Job['action'] = 'trash', origin = ORIGIN): Job {
  return { id, bal, origin, createdAt: at, updatedAt: at, state, action, totalCount: 1, totalBytes: 1 };
}
function batch(jobId: string, folderId = 'Patients/Dupont Jean'): Batch {
  return { jobId, seq: 0, folderId, ids: ['1'], bytes: 1, state: 'done', done: ['1'], failed: [], updatedAt: 0 };
}

async function seed(): Promise<void> {
  await db().bals.bulkPut([
    { address: A, kind: null, status: 'active', preferred: false, source: 'seen', webmailOrigin: ORIGIN },
    { address: B, kind: 'PER', status: 'active', preferred: false, source: 'user', webmailOrigin: 'https://other.example.fr' },
  ]);
  await db().quotaHistory.bulkPut([
    { bal: A, at: 0, usedBytes: 1, limitBytes: 2 },
    { bal: B, at: 0, usedBytes: 1, limitBytes: 2 },
  ]);
  await db().jobs.bulkPut([job('a1', A, 'done', 0), job('b1', B, 'done', 0, 'trash', 'https://other.example.fr')]);
  await db().batches.bulkPut([batch('a1'), batch('b1')]);
  await db().locks.put({ mailbox: A, jobId: 'a1', tabId: 1, acquiredAt: 0, heartbeatAt: 0 });
  await db().classifications.bulkPut([
    { bal: A, folderId: 'INBOX', id: '1', size: 1, clinical: 'hprim', at: 0 },
    { bal: B, folderId: 'INBOX', id: '1', size: 1, clinical: 'pdf', at: 0 },
  ]);
  await db().kv.put({ key: ALERTS_KEY, value: { [A]: 'warn', [B]: 'crit' } });
  await updateSettings({ cleanup: { ruleFolders: { [A]: { old: ['Patients/Dupont Jean'], large: [] }, [B]: { old: ['INBOX'], large: [] } } } });
}

describe('retention of cleanup jobs', () => {
  it('drops finished jobs and their batches after 30 days, keeping each mailbox’s last job and unfinished ones', async () => {
    const old = NOW - (JOB_RETENTION_DAYS + 1) * DAY;
    await db().jobs.bulkPut([
      job('old-done', A, 'done', old - 10),
      job('old-cancelled', A, 'cancelled', old - 5),
      job('old-paused', A, 'paused', old - 4),
      job('last-undoable', A, 'done', old),
      job('recent', B, 'done', NOW - DAY),
      job('b-old-only', B, 'failed', old - 100, 'delete', 'https://other.example.fr'),
    ]);
    await db().batches.bulkPut(['old-done', 'old-cancelled', 'old-paused', 'last-undoable', 'recent', 'b-old-only'].map((id) => batch(id)));
    const gone = await purgeJobs(NOW);
    expect(gone.sort()).toEqual(['old-cancelled', 'old-done']);
    expect((await db().jobs.toCollection().primaryKeys()).sort()).toEqual(['b-old-only', 'last-undoable', 'old-paused', 'recent']);
    expect((await db().batches.toArray()).map((b) => b.jobId).sort()).toEqual(['b-old-only', 'last-undoable', 'old-paused', 'recent']);
  });

  it('a batch that records messages as done drops their verdicts (they no longer exist there)', async () => {
    const journal = new CleanupJournal({ now: () => NOW, tabExists: async () => true });
    const caller = { tabId: 1, origin: ORIGIN };
    const j = job('j1', A, 'planned', NOW);
    const b: Batch = { jobId: 'j1', seq: 0, folderId: 'INBOX', ids: ['1', '2'], bytes: 2, state: 'pending', updatedAt: NOW };
    await journal.create(caller, j, [b]);
    await db().classifications.bulkPut([
      { bal: A, folderId: 'INBOX', id: '1', size: 1, clinical: 'hprim', at: NOW },
      { bal: A, folderId: 'INBOX', id: '2', size: 1, clinical: null, at: NOW },
      // The same id in another folder is another message.
      { bal: A, folderId: 'Archives', id: '1', size: 1, clinical: null, at: NOW },
    ]);
    await journal.markSent(caller, 'j1', 0);
    await journal.recordBatch(caller, 'j1', 0, { state: 'sent', done: ['1'], failed: [] });
    expect(await db().classifications.get([A, 'INBOX', '1'])).toBeUndefined();
    expect(await db().classifications.get([A, 'INBOX', '2'])).toBeDefined();
    expect(await db().classifications.get([A, 'Archives', '1'])).toBeDefined();
  });
});

describe('retention of verdicts', () => {
  it('verdicts no snapshot read for 30 days go at the next snapshot; those read are kept', async () => {
    const idle = NOW - (VERDICT_IDLE_DAYS + 1) * DAY;
    await db().classifications.bulkPut([
      { bal: A, folderId: 'INBOX', id: 'gone', size: 1, clinical: 'xdm', at: idle },
      { bal: A, folderId: 'INBOX', id: 'still', size: 1, clinical: 'hprim', at: idle },
      { bal: A, folderId: 'INBOX', id: 'fresh', size: 1, clinical: null, at: NOW - DAY },
    ]);
    // A snapshot the day before the limit reads 'still' (it exists) and not 'gone' (deleted in the webmail).
    const h = classificationHandlers(() => idle + 2 * DAY);
    const sender = { url: `${ORIGIN}/`, tab: { id: 1 } } as Sender;
    await h['classify/get']!({ type: 'classify/get', bal: A, refs: [{ folderId: 'INBOX', id: 'still' }] }, sender);
    expect(await purgeIdleVerdicts(A, NOW)).toBe(1);
    expect((await db().classifications.toArray()).map((r) => r.id).sort()).toEqual(['fresh', 'still']);
  });
});

describe('forgetting a mailbox', () => {
  it('removes every row derived from it and nothing of another mailbox', async () => {
    await seed();
    const out = await forgetMailboxes(['A@Medecin.mssante.fr']);
    expect(out).toEqual({ bals: [A], jobs: 1, verdicts: 1, quotaPoints: 1 });
    expect(await db().bals.get(A)).toBeUndefined();
    expect(await db().quotaHistory.where('bal').equals(A).count()).toBe(0);
    expect(await db().jobs.where('bal').equals(A).count()).toBe(0);
    expect(await db().batches.where('jobId').equals('a1').count()).toBe(0);
    expect(await db().locks.get(A)).toBeUndefined();
    expect(await db().classifications.where('bal').equals(A).count()).toBe(0);
    expect((await getSettings()).cleanup.ruleFolders).toEqual({ [B]: { old: ['INBOX'], large: [] } });
    expect((await db().kv.get(ALERTS_KEY))?.value).toEqual({ [B]: 'crit' });
    // B untouched.
    expect(await db().bals.get(B)).toBeDefined();
    expect(await db().quotaHistory.where('bal').equals(B).count()).toBe(1);
    expect(await db().jobs.get('b1')).toBeDefined();
    expect(await db().classifications.where('bal').equals(B).count()).toBe(1);
  });

  it('forgetting an origin forgets the mailboxes seen on it and the jobs run on it', async () => {
    await seed();
    await db().jobs.put(job('stray', 'c@x.mssante.fr', 'done', 0, 'trash', ORIGIN));
    expect(await mailboxesOfOrigin(ORIGIN)).toEqual([A, 'c@x.mssante.fr']);
    const out = await forgetOrigin(ORIGIN);
    expect(out.bals).toEqual([A]);
    expect((await db().jobs.toArray()).map((j) => j.id)).toEqual(['b1']);
    expect(await mailboxesOfOrigin(ORIGIN)).toEqual([]);
    expect(await db().bals.get(B)).toBeDefined();
  });
});
