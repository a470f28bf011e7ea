/**
 * The journal in the background: what it accepts and refuses (a batch's ids never change, outcomes name only the
 * batch's ids and are never taken back, finished batches are never rewritten), and the whole runner going through
 * the real messages (zod-validated, sender-checked) to the real handlers, as the content script does.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal, cleanupHandlers, type Caller } from '../../../lib/background/cleanup';
import type { Batch, Job } from '../../../lib/store/schemas';
import { AnyRequestSchema, messageDefs } from '../../../lib/messages';
import { backgroundClassifier, dispatch, type HandlersFor, type Sender } from '../../../lib/messages/router';
import { findResumableJob, findUndoableJob, resumeJob, startJob, undoLastJob } from '../../../lib/features/cleanup/run';
import { FaultyWebmail, TruthMailbox, TRASH } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'https://webmail.example.org';
let journal: CleanupJournal;
let clock: number;
let dbn = 0;
const me: Caller = { tabId: 7, origin: ORIGIN };

beforeEach(() => {
  fakeBrowser.reset();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const d = new BaliseDb(`journal-${dbn++}`);
  clock = 42_000;
  journal = new CleanupJournal({ db: () => d, now: () => clock, tabExists: async () => true });
});

function job(id = 'j1'): { job: Job; batches: Batch[] } {
  return {
    job: { id, bal: BAL, origin: ORIGIN, createdAt: clock, updatedAt: clock, state: 'planned', action: 'trash', totalCount: 3, totalBytes: 30 },
    batches: [
      { jobId: id, seq: 0, folderId: 'INBOX', ids: ['1', '2'], sizes: [10, 10], bytes: 20, state: 'pending', updatedAt: clock },
      { jobId: id, seq: 1, folderId: 'Patients', ids: ['1'], sizes: [10], bytes: 10, state: 'pending', updatedAt: clock },
    ],
  };
}

describe('journal rules', () => {
  it('creates a job only with fresh, pending, consistent batches', async () => {
    const j = job();
    await expect(journal.create(me, j.job, [{ ...j.batches[0]!, state: 'done' }])).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.create(me, j.job, [{ ...j.batches[0]!, ids: ['1', '1'], sizes: [1, 1] }])).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.create(me, j.job, [{ ...j.batches[0]!, jobId: 'other' }])).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.create(me, j.job, [j.batches[0]!, { ...j.batches[1]!, seq: 0 }])).rejects.toMatchObject({ code: 'invalid' });
    expect(await journal.create(me, j.job, j.batches)).toEqual({ ok: true });
    await expect(journal.create(me, j.job, j.batches)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('records outcomes that name only the batch\'s ids, never takes one back, never rewrites a finished batch', async () => {
    const j = job();
    await journal.create(me, j.job, j.batches);
    expect(await journal.markSent(me, 'j1', 0)).toBe(true);
    expect((await journal.getJob(me, 'j1'))!.job.state).toBe('running');
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'done', done: ['1', '3'], failed: [{ id: '2', code: 'server' }] })).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'done', done: ['1'], failed: [{ id: '1', code: 'server' }] })).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'done', done: ['1'], failed: [] })).rejects.toMatchObject({ code: 'invalid' }); // must name every id
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'sent', done: ['1'], failed: [], newRefs: { '2': { folderId: TRASH, id: '9' } } })).rejects.toMatchObject({ code: 'invalid' });
    await journal.recordBatch(me, 'j1', 0, { state: 'sent', done: ['1'], failed: [], newRefs: { '1': { folderId: TRASH, id: '9' } } });
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'pending', done: [], failed: [] })).rejects.toMatchObject({ code: 'invalid' });
    await journal.recordBatch(me, 'j1', 0, { state: 'done', done: ['1', '2'], failed: [], newRefs: { '2': { folderId: TRASH, id: '10' } } });
    const row = (await journal.getJob(me, 'j1'))!.batches[0]!;
    expect(row).toMatchObject({ state: 'done', ids: ['1', '2'], done: ['1', '2'], newRefs: { '1': { folderId: TRASH, id: '9' }, '2': { folderId: TRASH, id: '10' } } });
    await expect(journal.recordBatch(me, 'j1', 0, { state: 'done', done: ['1', '2'], failed: [] })).rejects.toMatchObject({ code: 'invalid' });
    await expect(journal.markSent(me, 'j1', 0)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('does not reopen a finished job', async () => {
    const j = job();
    await journal.create(me, j.job, j.batches);
    await journal.updateJob(me, 'j1', { state: 'done', report: { startedAt: 1 } });
    await expect(journal.updateJob(me, 'j1', { state: 'running' })).rejects.toMatchObject({ code: 'invalid' });
    await journal.updateJob(me, 'j1', { report: { undoneBy: 'j2' } });
    expect((await journal.getJob(me, 'j1'))!.job.report).toEqual({ startedAt: 1, undoneBy: 'j2' });
    // The extras are a closed shape: a key of its own (free text could hide there) is refused.
    await expect(journal.updateJob(me, 'j1', { report: { a: 1 } as never })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('lists a mailbox\'s jobs of this origin only, newest first', async () => {
    const a = job('a');
    await journal.create(me, a.job, a.batches);
    await journal.updateJob(me, 'a', { state: 'done' });
    await journal.unlock(me, BAL, 'a');
    clock += 10;
    const b = job('b');
    b.job.createdAt = clock;
    expect(await journal.create(me, b.job, b.batches)).toEqual({ ok: true });
    expect((await journal.listJobs(me, BAL, 10)).map((x) => x.id)).toEqual(['b', 'a']);
    expect(await journal.listJobs({ tabId: 7, origin: 'https://other.example' }, BAL, 10)).toEqual([]);
  });
});

describe('through the real messages', () => {
  it('runs, resumes and undoes a job with every journal call validated by the message schemas', async () => {
    const handlers = cleanupHandlers(journal) as unknown as HandlersFor<typeof messageDefs>;
    const sender: Sender = { id: fakeBrowser.runtime.id, url: `${ORIGIN}/?_task=mail`, tab: { id: 7 } as Sender['tab'], frameId: 0 };
    const classify = backgroundClassifier(async (o) => o === ORIGIN);
    let messages = 0;
    (fakeBrowser.runtime as unknown as { sendMessage: (m: unknown) => Promise<unknown> }).sendMessage = async (m) => {
      messages++;
      // Messages are cloned on their way (JSON-like): nothing but data crosses.
      return dispatch({ defs: messageDefs, union: AnyRequestSchema }, handlers, classify, JSON.parse(JSON.stringify(m)), sender);
    };
    const truth = new TruthMailbox('renumber');
    for (let i = 0; i < 7; i++) truth.add(i < 4 ? 'INBOX' : 'Patients', 1000 + i, i);
    const items = truth.messages.map((m) => ({ ref: { ...m.at! }, size: m.size }));
    // The first run loses its session in the middle.
    const w1 = new FaultyWebmail(truth, ({ n }) => (n === 2 ? { kind: 'before', code: 'auth-expired' } : { kind: 'none' }), 2);
    const r1 = await startJob(w1, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: { heartbeatMs: 0, sleep: async () => undefined } });
    expect(r1.state).toBe('interrupted');
    expect(r1.stopReason).toBe('auth-expired');
    const resumable = await findResumableJob(BAL);
    expect(resumable).toMatchObject({ jobId: r1.jobId, state: 'paused', pendingCount: 5 });
    const r2 = await resumeJob(new FaultyWebmail(truth, undefined, 2), r1.jobId, { deps: { heartbeatMs: 0 } });
    expect(r2).toMatchObject({ state: 'done', movedCount: 7, failedCount: 0 });
    expect(truth.inFolder(TRASH)).toHaveLength(7);
    expect((await findUndoableJob(BAL))?.jobId).toBe(r1.jobId);
    const r3 = await undoLastJob(new FaultyWebmail(truth, undefined, 2), BAL, { deps: { heartbeatMs: 0 } });
    expect(r3).toMatchObject({ state: 'done', movedCount: 7 });
    for (const m of truth.messages) expect(m.at!.folderId).toBe(m.origin.folderId);
    expect(messages).toBeGreaterThan(20);
  });
});
