/**
 * The check scan after a permanent deletion (MailizClean's "scan again"): the report says what the server still shows
 * in the trash of what was planned, and how many other messages stay there; a trash job has no check.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal } from '../../../lib/background/cleanup';
import { ReportSchema } from '../../../lib/store/journal';
import { startJob, type RunDeps } from '../../../lib/features/cleanup/run';
import { FaultyWebmail, TruthMailbox, tabStore, TRASH, type TabStore } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'http://127.0.0.1:8080';
let journal: CleanupJournal;
let n = 0;
beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const d = new BaliseDb(`check-${n++}`);
  journal = new CleanupJournal({ db: () => d, now: () => 5_000_000, tabExists: async () => true });
});
const deps = (store: TabStore): RunDeps => ({ store, heartbeatMs: 0, sleep: async () => undefined });

function trashOf(count: number): TruthMailbox {
  const truth = new TruthMailbox('stable');
  for (let i = 1; i <= count; i++) truth.add(TRASH, 1000 + i, i);
  truth.add('INBOX', 5000, 99);
  return truth;
}
const inTrash = (truth: TruthMailbox) => truth.messages.filter((m) => m.at?.folderId === TRASH).map((m) => ({ ref: { ...m.at! }, size: m.size }));

describe('the check scan after emptying the trash', () => {
  it('re-reads the trash: none of the planned messages left, the others counted', async () => {
    const truth = trashOf(5);
    const items = inTrash(truth).slice(0, 3);
    const report = await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'delete', items }, { deps: deps(tabStore(journal, { tabId: 1, origin: ORIGIN })) });
    expect(report.state).toBe('done');
    expect(report.trashCheck).toEqual({ planned: 3, stillThere: 0, others: 2 });
    // The journal keeps it (strict schema, numbers only).
    expect(ReportSchema.safeParse(report).success).toBe(true);
  });

  it('says what the server still shows, when a deletion reported done did not happen', async () => {
    const truth = trashOf(4);
    const w = new FaultyWebmail(truth);
    const items = inTrash(truth);
    // The server still lists the first message (a deletion it answered but did not make).
    w.stillIn = async (_f: string, ids: string[]) => new Set(ids.filter((id) => id === items[0]!.ref.id));
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'delete', items }, { deps: deps(tabStore(journal, { tabId: 1, origin: ORIGIN })) });
    expect(report.trashCheck).toMatchObject({ planned: 4, stillThere: 1 });
  });

  it('says the check could not be made when the trash cannot be read, never that all is gone', async () => {
    const truth = trashOf(2);
    const w = new FaultyWebmail(truth);
    w.stillIn = async () => Promise.reject(Object.assign(new Error('down'), { code: 'network' }));
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'delete', items: inTrash(truth) }, { deps: deps(tabStore(journal, { tabId: 1, origin: ORIGIN })) });
    expect(report.trashCheck).toMatchObject({ planned: 2, stillThere: null, others: null });
  });

  it('is not made for a move to the trash', async () => {
    const truth = trashOf(1);
    const items = truth.messages.filter((m) => m.at?.folderId === 'INBOX').map((m) => ({ ref: { ...m.at! }, size: m.size }));
    const report = await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(tabStore(journal, { tabId: 1, origin: ORIGIN })) });
    expect(report.trashCheck).toBeUndefined();
  });
});
