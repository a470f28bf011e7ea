/**
 * The background's mailbox lock: one job per mailbox across tabs, heartbeat, takeover of a stale lock (heartbeat
 * older than a minute, or its tab gone), takeover by the same tab after a reload, and the runner's answers.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal, LOCK_STALE_MS, type Caller } from '../../../lib/background/cleanup';
import type { Batch, Job } from '../../../lib/store/schemas';
import { CleanupError, cleanupStatus, startJob } from '../../../lib/features/cleanup/run';
import { FaultyWebmail, TruthMailbox, tabStore } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'http://127.0.0.1:8080';
let clock: number;
let liveTabs: Set<number>;
let journal: CleanupJournal;
let dbn = 0;

beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const d = new BaliseDb(`lock-${dbn++}`);
  clock = 1_000_000;
  liveTabs = new Set([1, 2, 3]);
  journal = new CleanupJournal({ db: () => d, now: () => clock, tabExists: async (id) => liveTabs.has(id) });
});

const tab = (tabId: number, origin = ORIGIN): Caller => ({ tabId, origin });

function job(id: string, bal = BAL, origin = ORIGIN): { job: Job; batches: Batch[] } {
  return {
    job: { id, bal, origin, createdAt: clock, updatedAt: clock, state: 'planned', action: 'trash', totalCount: 2, totalBytes: 20 },
    batches: [{ jobId: id, seq: 0, folderId: 'INBOX', ids: ['1', '2'], sizes: [10, 10], bytes: 20, state: 'pending', updatedAt: clock }],
  };
}

describe('mailbox lock', () => {
  it('lets one job run per mailbox: a second tab is told who holds it', async () => {
    const a = job('a');
    expect(await journal.create(tab(1), a.job, a.batches)).toEqual({ ok: true });
    const b = job('b');
    const answer = await journal.create(tab(2), b.job, b.batches);
    expect(answer).toEqual({ ok: false, holder: { jobId: 'a', sameTab: false, heartbeatAt: clock } });
    // Refused creation leaves nothing behind.
    expect(await journal.getJob(tab(2), 'b')).toBeNull();
    // Another mailbox is independent.
    const c = job('c', 'other@medecin.mssante.fr');
    expect((await journal.create(tab(2), c.job, c.batches)).ok).toBe(true);
  });

  it('keeps a lock alive with heartbeats and gives it to another tab only once stale', async () => {
    const a = job('a');
    await journal.create(tab(1), a.job, a.batches);
    clock += LOCK_STALE_MS - 1000;
    expect(await journal.heartbeat(tab(1), BAL, 'a')).toBe(true);
    clock += LOCK_STALE_MS - 1000;
    const b = job('b');
    expect((await journal.create(tab(2), b.job, b.batches)).ok).toBe(false);
    clock += 2000; // no heartbeat for more than a minute: stale (browser crashed, laptop asleep…)
    expect((await journal.create(tab(2), b.job, b.batches)).ok).toBe(true);
    // The old holder learns it lost the lock and may not send another batch.
    expect(await journal.heartbeat(tab(1), BAL, 'a')).toBe(false);
    expect(await journal.markSent(tab(1), 'a', 0)).toBe(false);
  });

  it('frees the lock of a closed tab at once (tabs.onRemoved, or the tab no longer exists)', async () => {
    const a = job('a');
    await journal.create(tab(1), a.job, a.batches);
    expect(await journal.releaseTab(1)).toBe(1);
    expect(await journal.lockStatus(tab(2), BAL)).toBeNull();
    // Without the event: the tab is simply gone.
    const b = job('b');
    await journal.create(tab(2), b.job, b.batches);
    liveTabs.delete(2);
    const c = job('c');
    expect((await journal.create(tab(3), c.job, c.batches)).ok).toBe(true);
  });

  it('lets the same tab take over only when it says the holder is not running in its page', async () => {
    const a = job('a');
    await journal.create(tab(1), a.job, a.batches);
    const b = job('b');
    expect(await journal.create(tab(1), b.job, b.batches)).toEqual({ ok: false, holder: { jobId: 'a', sameTab: true, heartbeatAt: clock } });
    expect((await journal.create(tab(1), b.job, b.batches, 'same-tab')).ok).toBe(true);
    // Another tab cannot use that door.
    const c = job('c');
    expect((await journal.create(tab(2), c.job, c.batches, 'same-tab')).ok).toBe(false);
  });

  it('refuses to send a batch without the lock, and only the holder may unlock', async () => {
    const a = job('a');
    await journal.create(tab(1), a.job, a.batches);
    await journal.unlock(tab(2), BAL, 'a');
    expect((await journal.lockStatus(tab(2), BAL))?.jobId).toBe('a');
    await journal.unlock(tab(1), BAL, 'a');
    expect(await journal.markSent(tab(1), 'a', 0)).toBe(false);
    expect(await journal.lock(tab(1), BAL, 'a')).toEqual({ ok: true });
    expect(await journal.markSent(tab(1), 'a', 0)).toBe(true);
  });

  it('keeps pages of other origins out of a job', async () => {
    const a = job('a');
    await journal.create(tab(1), a.job, a.batches);
    await expect(journal.lock(tab(1, 'https://evil.example'), BAL, 'a')).rejects.toMatchObject({ code: 'not-found' });
    expect(await journal.getJob(tab(1, 'https://evil.example'), 'a')).toBeNull();
    const b = job('b', BAL, 'https://mail.sante-na.fr');
    await expect(journal.create(tab(2), b.job, b.batches)).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('the runner and the lock', () => {
  function setup() {
    const truth = new TruthMailbox('renumber');
    const items = [1, 2, 3, 4].map((i) => truth.add('INBOX', 100 * i, i));
    return { truth, items: items.map((m) => ({ ref: { ...m.at! }, size: m.size })) };
  }

  it('answers "already running in another tab" to a second tab, and runs nothing', async () => {
    const { truth, items } = setup();
    const t1 = tabStore(journal, tab(1));
    const t2 = tabStore(journal, tab(2));
    // Tab 1's job hangs mid-request: it holds the lock.
    const hanging = new FaultyWebmail(truth, () => ({ kind: 'hang', acted: false }));
    void startJob(hanging, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: { store: t1, heartbeatMs: 0 } });
    await hanging.hung;
    const w2 = new FaultyWebmail(truth);
    const err = await startJob(w2, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: { store: t2, heartbeatMs: 0 } }).catch((e) => e);
    expect(err).toBeInstanceOf(CleanupError);
    expect(err.code).toBe('locked');
    expect(err.holder.sameTab).toBe(false);
    expect(err.message).toMatch(/already running in another tab/);
    expect(w2.calls).toBe(0);
    const status = await cleanupStatus(BAL, { deps: { store: t2 } });
    expect(status.running?.sameTab).toBe(false);
    // Running elsewhere is not "resumable".
    expect(status.resumable).toBeNull();
  });

  it('takes over after a reload of the same tab (the old page is gone) and offers to resume the old job', async () => {
    const { truth, items } = setup();
    const page1 = tabStore(journal, tab(1));
    const hanging = new FaultyWebmail(truth, () => ({ kind: 'hang', acted: true }));
    void startJob(hanging, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: { store: page1, heartbeatMs: 0 } });
    await hanging.hung;
    page1.close();
    const page2 = tabStore(journal, tab(1)); // same tab, new page
    const status = await cleanupStatus(BAL, { deps: { store: page2 } });
    expect(status.resumable?.action).toBe('trash');
    expect(status.running?.sameTab).toBe(true);
  });

  it('stops after the current batch when the lock was taken over (heartbeat lost)', async () => {
    const { truth, items } = setup();
    const t1 = tabStore(journal, tab(1));
    let calls = 0;
    const w = new FaultyWebmail(truth, () => {
      calls++;
      if (calls === 1) clock += LOCK_STALE_MS + 1; // the first request takes "too long"; tab 2 takes the lock meanwhile
      return { kind: 'none' };
    }, 2);
    const t2 = tabStore(journal, tab(2));
    const origMove = w.moveToTrash.bind(w);
    w.moveToTrash = async (f, ids) => {
      const r = await origMove(f, ids);
      if (calls === 1) {
        const other = job('other');
        expect((await journal.create(tab(2), other.job, other.batches)).ok).toBe(true);
      }
      return r;
    };
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: { store: t1, heartbeatMs: 0 } });
    expect(report.state).toBe('interrupted');
    expect(report.stopReason).toBe('lock-lost');
    expect(report.movedCount).toBe(2);
    expect(report.lines.filter((l) => l.outcome === 'skipped' && l.reason === 'lock-lost')).toHaveLength(2);
    expect(truth.inFolder('Trash')).toHaveLength(2);
    expect((await journal.lockStatus(tab(2), BAL))?.jobId).toBe('other');
    void t2;
  });
});
