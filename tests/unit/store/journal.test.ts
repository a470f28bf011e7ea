/**
 * The cleanup journal's shapes (lib/store/journal.ts): closed objects, enumerated codes, ids of the adapters' id
 * alphabet, capped lists — nothing like a subject or a patient's name fits in — and rows an older version wrote are
 * read checked: passed, cleaned, or shown as ended ('journal-outdated'), never a crash.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import * as z from 'zod/mini';
import { BaliseDb } from '../../../lib/store/db';
import { Job } from '../../../lib/store/schemas';
import {
  BatchRecordSchema,
  BatchSchema,
  FolderId,
  JobExtrasSchema,
  LockAnswerSchema,
  LockHolderSchema,
  MAX_BATCH_IDS,
  MAX_JOB_ITEMS,
  ReportSchema,
  SkippedItemSchema,
} from '../../../lib/store/journal';
import { CleanupJournal, readJob, type Caller } from '../../../lib/background/cleanup';
import { CleanupError, findLastJob, findResumableJob, findUndoableJob, resumeJob } from '../../../lib/features/cleanup/run';
import { FaultyWebmail, TruthMailbox, tabStore } from '../cleanup/run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'https://webmail.example.org';
const me: Caller = { tabId: 7, origin: ORIGIN };
const SENTENCE = 'IRM de Mme Dupont Jeanne, résultats';

type Node = { _zod: { def: Record<string, unknown> & { type: string } } };

/** Every string node of a schema, with where it is, and every object and array node. */
function walk(schema: Node, path: string, out: { strings: [string, Node][]; objects: [string, Node][]; arrays: [string, Node][] }) {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
      out.strings.push([path, schema]);
      break;
    case 'object':
      out.objects.push([path, schema]);
      for (const [k, v] of Object.entries(def.shape as Record<string, Node>)) walk(v, `${path}.${k}`, out);
      break;
    case 'array':
      out.arrays.push([path, schema]);
      walk(def.element as Node, `${path}[]`, out);
      break;
    case 'record':
      walk(def.keyType as Node, `${path}{key}`, out);
      walk(def.valueType as Node, `${path}{}`, out);
      break;
    case 'optional':
    case 'nullable':
      walk(def.innerType as Node, path, out);
      break;
    case 'union':
      (def.options as Node[]).forEach((o, i) => walk(o, `${path}|${i}`, out));
      break;
    default:
      break; // enum, literal, number, boolean: no free text
  }
}

const JOURNALED = { Job, Batch: BatchSchema, BatchRecord: BatchRecordSchema, JobExtras: JobExtrasSchema, Report: ReportSchema, LockAnswer: LockAnswerSchema };

describe('journal schemas admit no free text', () => {
  for (const [name, schema] of Object.entries(JOURNALED)) {
    it(`${name}: every string refuses a sentence (folder ids apart), every object is closed, every list capped`, () => {
      const found = { strings: [] as [string, Node][], objects: [] as [string, Node][], arrays: [] as [string, Node][] };
      walk(schema as unknown as Node, name, found);
      expect(found.strings.length).toBeGreaterThan(0);
      for (const [path, s] of found.strings) {
        if (s === (FolderId as unknown as Node)) continue; // what the webmail names a folder by: needed to act
        expect(z.safeParse(s as never, SENTENCE).success, `${path} admits free text`).toBe(false);
        expect(z.safeParse(s as never, 'x'.repeat(5000)).success, `${path} admits 5,000 characters`).toBe(false);
      }
      for (const [path, o] of found.objects) expect((o._zod.def.catchall as Node | undefined)?._zod.def.type, `${path} is not strict`).toBe('never');
      for (const [path, a] of found.arrays) {
        const caps = ((a._zod.def.checks ?? []) as { _zod: { def: { check: string } } }[]).filter((c) => c._zod.def.check === 'max_length');
        expect(caps.length, `${path} has no size cap`).toBe(1);
      }
    });
  }

  it('the only strings of a job that hold a folder id are the folder ids', () => {
    const found = { strings: [] as [string, Node][], objects: [] as [string, Node][], arrays: [] as [string, Node][] };
    walk(JobExtrasSchema as unknown as Node, 'extras', found);
    walk(BatchSchema as unknown as Node, 'batch', found);
    const folderPaths = found.strings.filter(([, s]) => s === (FolderId as unknown as Node)).map(([p]) => p.split('.').pop());
    expect(new Set(folderPaths)).toEqual(new Set(['folderId', 'target', 'id']));
  });

  it('refuses a subject, a name or a sender where codes and ids go, and unknown keys anywhere', () => {
    const ref = { folderId: 'INBOX', id: '42' };
    expect(SkippedItemSchema.safeParse({ ref, size: 1, reason: 'not-in-trash' }).success).toBe(true);
    expect(SkippedItemSchema.safeParse({ ref, size: 1, reason: SENTENCE }).success).toBe(false);
    expect(SkippedItemSchema.safeParse({ ref, size: 1, reason: 'not-in-trash', subject: SENTENCE }).success).toBe(false);
    expect(SkippedItemSchema.safeParse({ ref: { ...ref, subject: SENTENCE }, size: 1, reason: 'cancelled' }).success).toBe(false);
    expect(SkippedItemSchema.safeParse({ ref: { folderId: 'INBOX', id: 'Dupont Jeanne' }, size: 1, reason: 'cancelled' }).success).toBe(false);
    expect(JobExtrasSchema.safeParse({ stopReason: 'network' }).success).toBe(true);
    expect(JobExtrasSchema.safeParse({ note: SENTENCE }).success).toBe(false);
    expect(JobExtrasSchema.safeParse({ exported: [`INBOX\u000042`] }).success).toBe(true);
    expect(JobExtrasSchema.safeParse({ exported: [`INBOX\u0000${SENTENCE}`] }).success).toBe(false);
    expect(BatchRecordSchema.safeParse({ state: 'done', done: ['1'], failed: [{ id: '2', code: 'server' }] }).success).toBe(true);
    expect(BatchRecordSchema.safeParse({ state: 'done', done: ['1'], failed: [{ id: '2', code: 'server', from: 'jeanne@x.fr' }] }).success).toBe(false);
    expect(LockHolderSchema.safeParse({ jobId: '', sameTab: false, heartbeatAt: 0 }).success).toBe(true);
  });

  it('caps every list: a job, a batch, a report', () => {
    const keys = (n: number) => Array.from({ length: n }, (_, i) => `INBOX\u0000${i}`);
    expect(JobExtrasSchema.safeParse({ unread: keys(MAX_JOB_ITEMS) }).success).toBe(true);
    expect(JobExtrasSchema.safeParse({ unread: keys(MAX_JOB_ITEMS + 1) }).success).toBe(false);
    const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i));
    expect(BatchRecordSchema.safeParse({ state: 'pending', done: ids(MAX_BATCH_IDS), failed: [] }).success).toBe(true);
    expect(BatchRecordSchema.safeParse({ state: 'pending', done: ids(MAX_BATCH_IDS + 1), failed: [] }).success).toBe(false);
    const newRefs = Object.fromEntries(ids(MAX_BATCH_IDS + 1).map((id) => [id, { folderId: 'Trash', id }]));
    expect(BatchRecordSchema.safeParse({ state: 'pending', done: [], failed: [], newRefs }).success).toBe(false);
  });
});

describe('rows an older version wrote', () => {
  let d: BaliseDb;
  let journal: CleanupJournal;
  let dbn = 0;
  const head = { bal: BAL, origin: ORIGIN, createdAt: 1000, updatedAt: 1000, totalCount: 1, totalBytes: 10 };
  const batch = (jobId: string, extra: Record<string, unknown> = {}) => ({
    jobId,
    seq: 0,
    folderId: 'INBOX',
    ids: ['1'],
    sizes: [10],
    bytes: 10,
    state: 'pending',
    updatedAt: 1000,
    ...extra,
  });

  beforeEach(() => {
    Dexie.dependencies.indexedDB = new IDBFactory();
    Dexie.dependencies.IDBKeyRange = IDBKeyRange;
    d = new BaliseDb(`old-rows-${dbn++}`);
    journal = new CleanupJournal({ db: () => d, now: () => 2000, tabExists: async () => true });
  });

  const deps = () => ({ deps: { store: tabStore(journal, me), heartbeatMs: 0, sleep: async () => undefined, now: () => 2000 } });

  it('a report that kept folder paths is read without them, and the job is still what it was', async () => {
    const final = {
      jobId: 'old1', action: 'trash', state: 'done', movedCount: 1, failedCount: 0,
      lines: [{ ref: { folderId: 'INBOX', id: '1' }, outcome: 'moved', now: { folderId: 'Trash', id: '9' } }],
      predictedFreed: 0, actualFreed: null, quotaAfter: null, startedAt: 1000, endedAt: 1500,
      foldersAfter: [{ id: 'Patients', path: 'Patients/Dupont Jeanne', count: 3, bytes: 30 }],
    };
    await d.jobs.put({ ...head, id: 'old1', state: 'done', action: 'trash', report: { startedAt: 1000, final } } as never);
    await d.batches.put(batch('old1', { state: 'done', done: ['1'], failed: [], newRefs: { '1': { folderId: 'Trash', id: '9' } } }) as never);
    const last = await findLastJob(BAL, deps());
    expect(last).toMatchObject({ jobId: 'old1', state: 'done' });
    expect(last!.report!.foldersAfter).toEqual([{ id: 'Patients', count: 3, bytes: 30 }]);
    expect(JSON.stringify(last)).not.toContain('Dupont');
    expect(JSON.stringify(await d.jobs.get('old1'))).not.toContain('Dupont');
    expect(await findUndoableJob(BAL, deps())).toMatchObject({ jobId: 'old1', pendingCount: 1 });
  });

  it('an interrupted job whose extras do not pass reads as ended (journal-outdated): not resumable, not undoable', async () => {
    await d.jobs.put({ ...head, id: 'old2', state: 'paused', action: 'trash', report: { startedAt: 1000, note: SENTENCE, skipped: [{ reason: 'x' }] } } as never);
    await d.batches.put(batch('old2') as never);
    const row = readJob(await d.jobs.get('old2'));
    expect(row).toMatchObject({ id: 'old2', state: 'failed', report: { stopReason: 'journal-outdated' } });
    expect(JSON.stringify(row)).not.toContain('Dupont');
    expect(await findResumableJob(BAL, deps())).toBeNull();
    const webmail = new FaultyWebmail(new TruthMailbox('stable'));
    await expect(resumeJob(webmail, 'old2', deps())).rejects.toSatisfy((e: unknown) => e instanceof CleanupError && e.code === 'not-resumable');
    expect(await findLastJob(BAL, deps())).toMatchObject({ jobId: 'old2', state: 'failed', pendingCount: 0 });
    // Written back as read: the free text is gone from the database, and so are the batches of no further use.
    expect(JSON.stringify(await d.jobs.get('old2'))).not.toContain('Dupont');
    expect(await d.batches.where('jobId').equals('old2').count()).toBe(0);
  });

  it('a finished trash job with a batch that does not pass cannot be undone from it', async () => {
    await d.jobs.put({ ...head, id: 'old3', state: 'done', action: 'trash', report: { startedAt: 1000 } } as never);
    await d.batches.put(batch('old3', { state: 'done', done: ['1'], failed: [], newRefs: { '1': { folderId: 'Trash', id: 'Dupont Jeanne.eml' } } }) as never);
    expect(await findUndoableJob(BAL, deps())).toBeNull();
    const found = await journal.getJob(me, 'old3');
    expect(found).toMatchObject({ job: { state: 'done', report: { stopReason: 'journal-outdated' } }, batches: [] });
    expect(JSON.stringify(await d.batches.toArray())).not.toContain('Dupont');
  });

  it('a row with no usable head is not read at all, and does not hide the others', async () => {
    await d.jobs.put({ id: 'old4', bal: BAL, origin: ORIGIN, createdAt: 'yesterday', state: 'weird' } as never);
    await d.jobs.put({ ...head, id: 'old5', createdAt: 900, state: 'done', action: 'delete', report: {} } as never);
    expect(readJob(await d.jobs.get('old4'))).toBeNull();
    expect((await journal.listJobs(me, BAL, 10)).map((j) => j.id)).toEqual(['old5']);
    expect(await findLastJob(BAL, deps())).toMatchObject({ jobId: 'old5' });
  });
});
