/**
 * The runner over a fake webmail that keeps the truth: batching, journal states, recovery from every interruption
 * point, retries, cancel, undo mapping, exact-id deletion, export before delete.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal, type Caller } from '../../../lib/background/cleanup';
import { Bus } from '../../../lib/features/bus';
import {
  abandonJob,
  findLastJob,
  findResumableJob,
  findUndoableJob,
  resumeJob,
  startJob,
  trashedItems,
  undoLastJob,
  type RunDeps,
} from '../../../lib/features/cleanup/run';
import type { Plan, Progress } from '../../../lib/features/cleanup/types';
import { FaultyWebmail, TruthMailbox, tabStore, TRASH, type Fault, type TabStore } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'http://127.0.0.1:8080';
let journal: CleanupJournal;
let clock: number;
let tabs = 0;
let dbn = 0;

beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const d = new BaliseDb(`run-${dbn++}`);
  clock = 5_000_000;
  journal = new CleanupJournal({ db: () => d, now: () => clock, tabExists: async () => true });
});

function newTab(): TabStore {
  const caller: Caller = { tabId: ++tabs, origin: ORIGIN };
  return tabStore(journal, caller);
}

const deps = (store: TabStore): RunDeps => ({ store, heartbeatMs: 0, sleep: async () => undefined, now: () => clock });

function mailbox(mode: 'stable' | 'renumber', counts: Record<string, number> = { INBOX: 5, Patients: 4, Trash: 2 }) {
  const truth = new TruthMailbox(mode);
  let d = 0;
  for (const [folder, n] of Object.entries(counts)) for (let i = 0; i < n; i++) truth.add(folder, 1000 + 10 * ++d, d);
  return truth;
}

const itemsOf = (truth: TruthMailbox, folders: string[]) =>
  truth.messages.filter((m) => m.at && folders.includes(m.at.folderId)).map((m) => ({ ref: { ...m.at! }, size: m.size }));

/** Every line of the report agrees with where the message really is. */
function expectReportMatchesTruth(truth: TruthMailbox, report: Awaited<ReturnType<typeof startJob>>) {
  for (const line of report.lines) {
    const m = truth.messages.find((x) => x.origin.folderId === line.ref.folderId && x.origin.id === line.ref.id) ?? truth.messages.find((x) => x.at?.folderId === line.ref.folderId && x.at?.id === line.ref.id);
    expect(m, JSON.stringify(line)).toBeDefined();
  }
}

describe('batches', () => {
  it('groups by folder, cuts at maxBatch, journals pending → sent → done around each request, reports exact places', async () => {
    const truth = mailbox('renumber');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const w = new FaultyWebmail(truth, undefined, 2);
    const store = newTab();
    const states: string[] = [];
    const spy: TabStore = {
      ...store,
      markSent: async (jobId, seq) => {
        states.push(`sent:${seq}`);
        return store.markSent(jobId, seq);
      },
      recordBatch: async (jobId, seq, rec) => {
        states.push(`${rec.state}:${seq}`);
        return store.recordBatch(jobId, seq, rec);
      },
    };
    const origMove = w.moveToTrash.bind(w);
    w.moveToTrash = async (f, ids) => {
      states.push(`request:${f}:${ids.join(',')}`);
      return origMove(f, ids);
    };
    const progress: Progress[] = [];
    const bus = new Bus();
    let changed = 0;
    bus.on('mailbox-changed', () => changed++);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(spy), onProgress: (p) => progress.push(p), bus });

    expect(report.state).toBe('done');
    expect(report.movedCount).toBe(9);
    expect(report.failedCount).toBe(0);
    // INBOX 5 → 2+2+1, Patients 4 → 2+2, each request preceded by 'sent' and followed by 'done'.
    expect(states).toEqual([
      'sent:0', 'request:INBOX:1,2', 'done:0',
      'sent:1', 'request:INBOX:3,4', 'done:1',
      'sent:2', 'request:INBOX:5', 'done:2',
      'sent:3', 'request:Patients:1,2', 'done:3',
      'sent:4', 'request:Patients:3,4', 'done:4',
    ]);
    // Every line says where the message is now, and it is there.
    for (const line of report.lines) {
      expect(line.outcome).toBe('moved');
      const m = truth.find(line.now!)!;
      expect(m.origin).toEqual(line.ref);
    }
    expect(truth.inFolder('INBOX')).toHaveLength(0);
    expect(truth.inFolder(TRASH)).toHaveLength(11);
    // Progress after every batch, in counts and bytes.
    expect(progress.map((p) => p.doneCount)).toEqual([2, 4, 5, 7, 9, 9]);
    expect(progress.at(-1)).toMatchObject({ totalCount: 9, doneBytes: items.reduce((s, i) => s + i.size, 0), batches: 5 });
    expect(changed).toBe(5);
    expect(report.predictedFreed).toBe(0);
    expect(report.actualFreed).toBe(0);
    expect(report.foldersAfter?.find((f) => f.id === TRASH)?.count).toBe(11);
    // Only the folders the job touched (and the trash): Junk was not.
    expect(report.foldersAfter?.map((f) => f.id).sort()).toEqual(['INBOX', 'Patients', TRASH].sort());
    const row = await journal.getJob(store.caller, report.jobId);
    expect(row!.job.state).toBe('done');
    expect(row!.batches.every((b) => b.state === 'done')).toBe(true);
    expect(await findResumableJob(BAL, { deps: deps(store) })).toBeNull();
    const last = await findLastJob(BAL, { deps: deps(newTab()) });
    expect(last).toMatchObject({ jobId: report.jobId, state: 'done', pendingCount: 0 });
    expect(last!.report).toEqual(report);
    expectReportMatchesTruth(truth, report);
  });

  it('skips ids outside the plan, duplicates, and messages already in the trash', async () => {
    const truth = mailbox('stable');
    const inbox = itemsOf(truth, ['INBOX']);
    const plan = { id: 'p1', groups: [{ kind: 'old', messages: inbox.slice(0, 3).map((i) => ({ summary: { ref: i.ref } })) }] } as unknown as Plan;
    const trash = itemsOf(truth, [TRASH]);
    const w = new FaultyWebmail(truth);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, plan, action: 'trash', items: [...inbox, inbox[0]!] }, { deps: deps(newTab()) });
    expect(report.movedCount).toBe(3);
    expect(report.lines.filter((l) => l.reason === 'not-in-snapshot').map((l) => l.ref)).toEqual(inbox.slice(3).map((i) => i.ref));
    expect(truth.log.flatMap((l) => l.ids).sort()).toEqual(inbox.slice(0, 3).map((i) => i.ref.id).sort());
    const plan2 = { id: 'p2', groups: [{ kind: 'trash', messages: trash.map((i) => ({ summary: { ref: i.ref } })) }] } as unknown as Plan;
    await expect(startJob(w, { bal: BAL, origin: ORIGIN, plan: plan2, action: 'trash', items: trash }, { deps: deps(newTab()) })).resolves.toMatchObject({ movedCount: 0 });
  });

  it("uses the adapter's own cut (Roundcube folds consecutive UIDs), and ignores a cut that loses or repeats an id", async () => {
    for (const cut of ['reverse-pairs', 'loses-one', 'repeats-one'] as const) {
      const truth = mailbox('stable');
      const items = itemsOf(truth, ['INBOX']);
      const w = new FaultyWebmail(truth, undefined, 2);
      const asked: { ids: string[]; max: number }[] = [];
      w.cutBatches = (ids, max) => {
        asked.push({ ids, max });
        const rev = [...ids].reverse();
        if (cut === 'loses-one') rev.pop();
        if (cut === 'repeats-one') rev.push(rev[0]!);
        const out: string[][] = [];
        for (let i = 0; i < rev.length; i += max) out.push(rev.slice(i, i + max));
        return out;
      };
      const requests: string[] = [];
      const origMove = w.moveToTrash.bind(w);
      w.moveToTrash = async (f, ids) => {
        requests.push(ids.join(','));
        return origMove(f, ids);
      };
      const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(newTab()) });
      expect(asked, cut).toEqual([{ ids: items.map((i) => i.ref.id), max: 2 }]);
      // The adapter's cut is taken as it is; a bad one falls back to maxBatch in the caller's order.
      const [a, b, c, d, e] = items.map((i) => i.ref.id);
      expect(requests, cut).toEqual(cut === 'reverse-pairs' ? [`${e},${d}`, `${c},${b}`, a] : [`${a},${b}`, `${c},${d}`, e]);
      expect(report.movedCount, cut).toBe(5);
      expect(truth.inFolder('INBOX'), cut).toHaveLength(0);
    }
  });
});

describe('interruptions', () => {
  const points: { name: string; fault: Fault }[] = [
    { name: 'the tab closes before the server acted', fault: { kind: 'hang', acted: false } },
    { name: 'the tab closes after the server acted (answer lost)', fault: { kind: 'hang', acted: true } },
  ];
  for (const mode of ['stable', 'renumber'] as const) {
    for (const p of points) {
      it(`${mode} ids: ${p.name}, then another tab resumes from the journal`, async () => {
        const truth = mailbox(mode);
        const items = itemsOf(truth, ['INBOX', 'Patients']);
        const t1 = newTab();
        const w1 = new FaultyWebmail(truth, ({ n }) => (n === 2 ? p.fault : { kind: 'none' }), 3);
        void startJob(w1, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(t1) });
        await w1.hung;
        t1.close();
        await journal.releaseTab(t1.caller.tabId); // tabs.onRemoved
        const t2 = newTab();
        const resumable = await findResumableJob(BAL, { deps: deps(t2) });
        expect(resumable).toMatchObject({ action: 'trash', state: 'running', pendingCount: 6 });
        const w2 = new FaultyWebmail(truth, undefined, 3);
        const report = await resumeJob(w2, resumable!.jobId, { deps: deps(t2) });
        expect(report.state).toBe('done');
        expect(report.movedCount).toBe(9);
        expect(truth.inFolder('INBOX')).toHaveLength(0);
        expect(truth.inFolder('Patients')).toHaveLength(0);
        // Nothing was sent twice: every message was acted on once.
        const acted = truth.log.flatMap((l) => l.ids.map((id) => `${l.folderId}/${id}`));
        expect(new Set(acted).size).toBe(acted.length);
        // Batches: INBOX 3+2, Patients 3+1; the second (2 messages) was in flight. Moved messages of a settled
        // batch have no known place (Roundcube renumbers, and guessing by id could pick another message).
        const settled = report.lines.filter((l) => !l.now);
        expect(settled.length).toBe(p.fault.kind === 'hang' && p.fault.acted ? 2 : 0);
        for (const l of report.lines.filter((x) => x.now)) expect(truth.find(l.now!)!.origin).toEqual(l.ref);
      });
    }
  }

  it('settles a batch whose answer was lost (network) without sending it again', async () => {
    const truth = mailbox('renumber');
    const items = itemsOf(truth, ['INBOX']);
    const w = new FaultyWebmail(truth, ({ n }) => (n === 1 ? { kind: 'after', code: 'network' } : { kind: 'none' }), 3);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(newTab()) });
    expect(report.state).toBe('done');
    expect(report.movedCount).toBe(5);
    expect(w.calls).toBe(2);
    expect(report.lines.filter((l) => !l.now)).toHaveLength(3);
  });

  it('retries what a failed request did not do, then gives up with the code', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, ['INBOX']);
    const w = new FaultyWebmail(truth, ({ n }) => (n <= 3 ? { kind: 'before', code: 'server' } : n === 4 ? { kind: 'partial', code: 'busy', keep: 1 } : { kind: 'none' }), 3);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(newTab()) });
    // Batch 0 failed 3 times: its 3 messages are reported failed ('server'); batch 1: 1 done, 1 retried and done.
    expect(report.lines.filter((l) => l.outcome === 'failed').map((l) => l.reason)).toEqual(['server', 'server', 'server']);
    expect(report.movedCount).toBe(2);
    expect(truth.inFolder('INBOX')).toHaveLength(3);
    expect(report.state).toBe('done');
  });

  it('stops on an expired session with a resumable job, and finishes after a new login', async () => {
    const truth = mailbox('renumber');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const t1 = newTab();
    const w1 = new FaultyWebmail(truth, ({ n }) => (n === 2 ? { kind: 'before', code: 'auth-expired' } : { kind: 'none' }), 3);
    w1.searchFault = () => 'auth-expired';
    const r1 = await startJob(w1, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(t1) });
    expect(r1.state).toBe('interrupted');
    expect(r1.stopReason).toBe('auth-expired');
    expect(r1.movedCount).toBe(3);
    // The batch in flight could not be checked: those say so; the rest were never sent.
    expect(r1.lines.filter((l) => l.reason === 'unconfirmed')).toHaveLength(2);
    expect(r1.lines.filter((l) => l.outcome === 'skipped' && l.reason === 'auth-expired')).toHaveLength(4);
    const again = await findResumableJob(BAL, { deps: deps(t1) });
    expect(again?.state).toBe('paused');
    const r2 = await resumeJob(new FaultyWebmail(truth, undefined, 3), again!.jobId, { deps: deps(t1) });
    expect(r2.state).toBe('done');
    expect(r2.movedCount).toBe(9);
    expect(truth.inFolder(TRASH)).toHaveLength(11);
  });

  it('stops (resumable) when the adapter refuses ids for an expired session instead of throwing (Zimbra)', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const store = newTab();
    const w1 = new FaultyWebmail(truth, ({ n }) => (n === 2 ? { kind: 'partial', code: 'auth-expired', keep: 1 } : { kind: 'none' }), 3);
    const r1 = await startJob(w1, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    expect(r1).toMatchObject({ state: 'interrupted', stopReason: 'auth-expired', movedCount: 4, failedCount: 0 });
    expect(w1.calls).toBe(2);
    const job = await findResumableJob(BAL, { deps: deps(store) });
    expect(job).toMatchObject({ state: 'paused', pendingCount: 5 });
    const r2 = await resumeJob(new FaultyWebmail(truth, undefined, 3), job!.jobId, { deps: deps(store) });
    expect(r2).toMatchObject({ state: 'done', movedCount: 9, failedCount: 0 });
  });

  it('reports a message another client removed meanwhile, and moves the rest', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, ['INBOX']);
    const w = new FaultyWebmail(truth, ({ n }) => (n === 1 ? { kind: 'vanish' } : { kind: 'none' }), 3);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(newTab()) });
    expect(report.lines.filter((l) => l.outcome === 'failed')).toEqual([{ ref: items[0]!.ref, outcome: 'failed', reason: 'not-found' }]);
    expect(report.movedCount).toBe(4);
  });

  it('abandons an interrupted job: settles the batch in flight, acts on nothing else', async () => {
    const truth = mailbox('renumber');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const t1 = newTab();
    const w1 = new FaultyWebmail(truth, ({ n }) => (n === 2 ? { kind: 'hang', acted: true } : { kind: 'none' }), 3);
    void startJob(w1, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(t1) });
    await w1.hung;
    t1.close();
    await journal.releaseTab(t1.caller.tabId);
    const t2 = newTab();
    const job = await findResumableJob(BAL, { deps: deps(t2) });
    const w2 = new FaultyWebmail(truth, undefined, 3);
    const report = await abandonJob(w2, job!.jobId, { deps: deps(t2) });
    expect(w2.calls).toBe(0);
    expect(report.state).toBe('cancelled');
    expect(report.movedCount).toBe(5);
    expect(report.lines.filter((l) => l.reason === 'cancelled')).toHaveLength(4);
    expect(truth.inFolder('Patients')).toHaveLength(4);
    expect(await findResumableJob(BAL, { deps: deps(t2) })).toBeNull();
  });
});

describe('cancel', () => {
  it('finishes the batch in flight, then stops; the rest is skipped and untouched', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const ac = new AbortController();
    const w = new FaultyWebmail(truth, ({ n }) => {
      if (n === 2) ac.abort(); // the user clicks "stop" while batch 2 is being sent
      return { kind: 'none' };
    }, 3);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(newTab()), signal: ac.signal });
    expect(report.state).toBe('cancelled');
    expect(report.movedCount).toBe(5);
    expect(report.lines.filter((l) => l.outcome === 'skipped' && l.reason === 'cancelled')).toHaveLength(4);
    expect(truth.inFolder('Patients')).toHaveLength(4);
    expect(await findResumableJob(BAL, { deps: deps(newTab()) })).toBeNull();
  });
});

describe('undo', () => {
  it('puts messages back into their folders from their new places in the trash (Roundcube renumbers)', async () => {
    const truth = mailbox('renumber');
    const items = itemsOf(truth, ['INBOX', 'Patients']);
    const store = newTab();
    // One batch's answer has no newRefs: those messages cannot be found in the trash by Balise.
    const w = new FaultyWebmail(truth, ({ n }) => (n === 3 ? { kind: 'no-refs' } : { kind: 'none' }), 3);
    const moved = await startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    expect(moved.lines.filter((l) => !l.now)).toHaveLength(3);
    const undoable = await findUndoableJob(BAL, { deps: deps(store) });
    expect(undoable).toMatchObject({ jobId: moved.jobId, pendingCount: 6 });
    const keysBefore = truth.inFolder(TRASH).map((m) => m.key);
    const undo = await undoLastJob(new FaultyWebmail(truth, undefined, 3), BAL, { deps: deps(store) });
    expect(undo.state).toBe('done');
    expect(undo.action).toBe('undo');
    expect(undo.movedCount).toBe(6);
    expect(undo.lines.filter((l) => l.reason === 'unknown-location')).toHaveLength(3);
    for (const l of undo.lines.filter((x) => x.outcome === 'restored')) {
      const m = truth.find(l.now!)!;
      expect(m.at!.folderId).toBe(m.origin.folderId);
    }
    // The messages that were in the trash before are still there; nothing else moved.
    expect(truth.inFolder(TRASH).map((m) => m.key)).toEqual(keysBefore.filter((k) => truth.messages.find((m) => m.key === k)!.at!.folderId === TRASH));
    expect(truth.inFolder(TRASH)).toHaveLength(2 + 3);
    expect(await findUndoableJob(BAL, { deps: deps(store) })).toBeNull();
  });

  it('reports messages no longer in the trash (emptied meanwhile) and restores the others', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, ['INBOX']);
    const store = newTab();
    await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    truth.vanish(truth.find({ folderId: TRASH, id: items[1]!.ref.id })!); // stable ids: same id in the trash
    const undo = await undoLastJob(new FaultyWebmail(truth), BAL, { deps: deps(store) });
    expect(undo.movedCount).toBe(4);
    expect(undo.lines.filter((l) => l.outcome === 'failed').map((l) => l.reason)).toEqual(['not-found']);
    expect(truth.inFolder('INBOX')).toHaveLength(4);
  });
});

describe('undo gives back the unread mark', () => {
  /** Roundcube-like: new ids on every move, and the host marks messages read on their way to the trash. */
  function readOnTrash() {
    const truth = mailbox('renumber', { INBOX: 6, Patients: 5, Trash: 2 });
    truth.readOnTrash = true;
    truth.messages.forEach((m, i) => (m.unread = i % 2 === 0));
    return truth;
  }
  const unreadKeys = (truth: TruthMailbox) => truth.messages.filter((m) => m.unread).map((m) => m.key).sort();

  it('marks unread again exactly those that were unread before the trash job, at their new place', async () => {
    const truth = readOnTrash();
    const before = unreadKeys(truth);
    const store = newTab();
    // INBOX items say it themselves (JobItem.unread); Patients ones are known from the plan's summaries only.
    const inbox = truth.inFolder('INBOX').map((m) => ({ ref: { ...m.at! }, size: m.size, unread: m.unread === true }));
    const patients = truth.inFolder('Patients').map((m) => ({ ref: { ...m.at! }, size: m.size }));
    const plan = {
      id: 'p',
      groups: [{ kind: 'old', messages: [...inbox, ...patients].map((i) => ({ summary: { ref: i.ref, size: i.size, unread: truth.find(i.ref)!.unread === true } })) }],
    } as unknown as Plan;
    const w = new FaultyWebmail(truth, undefined, 4);
    const moved = await startJob(w, { bal: BAL, origin: ORIGIN, plan, action: 'trash', items: [...inbox, ...patients] }, { deps: deps(store) });
    expect(moved.movedCount).toBe(11);
    // The host made them all read in the trash (the seeded trash's own unread one stays so).
    expect(truth.inFolder(TRASH).filter((m) => m.unread).map((m) => m.origin.folderId)).toEqual([TRASH]);
    const undo = await undoLastJob(new FaultyWebmail(truth, undefined, 4), BAL, { deps: deps(store) });
    expect(undo).toMatchObject({ state: 'done', movedCount: 11, failedCount: 0 });
    expect(undo.lines.every((l) => l.outcome === 'restored' && l.reason === undefined)).toBe(true);
    expect(unreadKeys(truth)).toEqual(before);
    for (const m of truth.messages) expect(m.at).toMatchObject({ folderId: m.origin.folderId });
    // Marked where they are now (their new ids at home), only the restored unread ones, per folder in batches.
    const marks = truth.log.filter((l) => l.op === 'mark');
    expect(marks.map((l) => l.folderId).sort()).toEqual(['INBOX', 'Patients']);
    expect(marks.flatMap((l) => l.ids.map((id) => truth.find({ folderId: l.folderId, id })!.key)).sort()).toEqual(before.filter((k) => truth.messages.find((m) => m.key === k)!.origin.folderId !== TRASH));
  });

  it('says so per message when the webmail cannot mark unread, and the undo still completes', async () => {
    const truth = readOnTrash();
    const store = newTab();
    const items = itemsOf(truth, ['INBOX']).map((i) => ({ ...i, unread: truth.find(i.ref)!.unread === true }));
    await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    const w = new FaultyWebmail(truth);
    delete w.markUnread;
    const undo = await undoLastJob(w, BAL, { deps: deps(store) });
    expect(undo).toMatchObject({ state: 'done', movedCount: 6, failedCount: 0 });
    const wasUnread = new Set(items.filter((i) => i.unread).map((i) => `${i.ref.folderId}/${i.ref.id}`));
    const flagged = undo.lines.filter((l) => l.reason === 'unread-not-restored');
    expect(flagged).toHaveLength(wasUnread.size);
    expect(flagged.every((l) => l.outcome === 'restored')).toBe(true);
    for (const l of flagged) expect(truth.find(l.now!)!.unread).toBe(false);
    expect(truth.messages.filter((m) => m.origin.folderId === 'INBOX' && m.unread)).toHaveLength(0);
  });

  it('reports the ones a failed or partial mark left read; the others are unread again; nothing fails the undo', async () => {
    const truth = readOnTrash();
    const store = newTab();
    const items = itemsOf(truth, ['INBOX', 'Patients']).map((i) => ({ ...i, unread: true }));
    for (const i of items) truth.find(i.ref)!.unread = true;
    await startJob(new FaultyWebmail(truth, undefined, 4), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    // Undo: 3 moves (4+2 INBOX, 4+1 Patients → batches of 4: INBOX 4,2; Patients 4,1 = 4 calls), then the marks.
    let marks = 0;
    const w = new FaultyWebmail(
      truth,
      ({ op }) => {
        if (op !== 'mark') return { kind: 'none' };
        marks++;
        return marks === 1 ? { kind: 'before', code: 'network' } : marks === 2 ? { kind: 'partial', code: 'server', keep: 1 } : { kind: 'none' };
      },
      4,
    );
    const undo = await undoLastJob(w, BAL, { deps: deps(store) });
    expect(undo).toMatchObject({ state: 'done', movedCount: 11, failedCount: 0 });
    const left = undo.lines.filter((l) => l.reason === 'unread-not-restored');
    const readAtHome = truth.messages.filter((m) => m.origin.folderId !== TRASH && !m.unread);
    expect(left.length).toBe(readAtHome.length);
    expect(left.length).toBeGreaterThan(0);
    expect(left.map((l) => truth.find(l.now!)!.key).sort()).toEqual(readAtHome.map((m) => m.key).sort());
    // Every other restored message is unread again, as it was.
    expect(truth.messages.filter((m) => m.origin.folderId !== TRASH && m.unread).length).toBe(11 - left.length);
  });

  it('marks nothing on a host that keeps flags when nothing was unread, and nothing for messages it could not put back', async () => {
    const truth = mailbox('stable');
    const store = newTab();
    const items = itemsOf(truth, ['INBOX']);
    await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    const w = new FaultyWebmail(truth);
    const undo = await undoLastJob(w, BAL, { deps: deps(store) });
    expect(undo.movedCount).toBe(5);
    expect(truth.log.filter((l) => l.op === 'mark')).toHaveLength(0);
    // Unread, but vanished from the trash before the undo: not restored, not marked.
    const t2 = readOnTrash();
    const s2 = newTab();
    const it2 = itemsOf(t2, ['INBOX']).map((i) => ({ ...i, unread: true }));
    await startJob(new FaultyWebmail(t2), { bal: 'other@x.fr', origin: ORIGIN, action: 'trash', items: it2 }, { deps: deps(s2) });
    t2.vanish(t2.messages.find((m) => m.origin.folderId === 'INBOX')!);
    const u2 = await undoLastJob(new FaultyWebmail(t2), 'other@x.fr', { deps: deps(s2) });
    expect(u2.lines.filter((l) => l.outcome === 'failed').map((l) => l.reason)).toEqual(['not-found']);
    expect(u2.lines.filter((l) => l.reason === 'unread-not-restored')).toHaveLength(0);
    expect(t2.log.filter((l) => l.op === 'mark').flatMap((l) => l.ids)).toHaveLength(5);
  });

  it('an undo interrupted before marking marks them when it is resumed, once', async () => {
    const truth = readOnTrash();
    const store = newTab();
    const items = itemsOf(truth, ['INBOX']).map((i) => ({ ...i, unread: true }));
    for (const i of items) truth.find(i.ref)!.unread = true;
    await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    // The second move of the undo finds the session over: interrupted, the first batch is back home.
    const w = new FaultyWebmail(truth, ({ op, n }) => (op === 'move' && n === 2 ? { kind: 'before', code: 'auth-expired' } : op === 'mark' ? { kind: 'before', code: 'auth-expired' } : { kind: 'none' }), 3);
    const first = await undoLastJob(w, BAL, { deps: deps(store) });
    expect(first.state).toBe('interrupted');
    expect(first.lines.filter((l) => l.outcome === 'restored').every((l) => l.reason === 'unread-not-restored')).toBe(true);
    const resumable = (await findResumableJob(BAL, { deps: deps(store) }))!;
    const again = await resumeJob(new FaultyWebmail(truth, undefined, 3), resumable.jobId, { deps: deps(store) });
    expect(again).toMatchObject({ state: 'done', movedCount: 6 });
    expect(again.lines.filter((l) => l.reason)).toEqual([]);
    expect(truth.messages.filter((m) => m.origin.folderId === 'INBOX').every((m) => m.unread && m.at!.folderId === 'INBOX')).toBe(true);
    const marked = truth.log.filter((l) => l.op === 'mark').flatMap((l) => l.ids.map((id) => `${l.folderId}/${id}`));
    expect(new Set(marked).size).toBe(marked.length);
    expect(marked).toHaveLength(6);
  });
});

describe('delete for good', () => {
  it('deletes only exact ids in the trash (a trash job\'s messages + the trash group), never the rest of the trash', async () => {
    const truth = mailbox('renumber');
    const store = newTab();
    const items = itemsOf(truth, ['INBOX']);
    const moved = await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) });
    const fromJob = await trashedItems(moved.jobId, { deps: deps(store) });
    expect(fromJob).toHaveLength(5);
    const trashGroup = truth.messages.filter((m) => m.origin.folderId === TRASH).slice(0, 1).map((m) => ({ ref: { ...m.at! }, size: m.size }));
    const plan = { id: 'p', groups: [{ kind: 'trash', messages: trashGroup.map((i) => ({ summary: { ref: i.ref } })) }] } as unknown as Plan;
    const stray = itemsOf(truth, ['Patients']).slice(0, 1); // not in the trash: refused
    const trashOther = truth.messages.filter((m) => m.origin.folderId === TRASH)[1]!;
    const w = new FaultyWebmail(truth);
    const report = await startJob(w, { bal: BAL, origin: ORIGIN, plan, action: 'delete', items: [...fromJob, ...trashGroup, ...stray, { ref: { ...trashOther.at! }, size: 1 }] }, { deps: deps(store) });
    expect(report.movedCount).toBe(6);
    expect(report.lines.filter((l) => l.outcome === 'deleted')).toHaveLength(6);
    expect(report.lines.find((l) => l.ref.folderId === 'Patients')?.reason).toBe('not-in-trash');
    expect(report.lines.find((l) => l.ref.id === trashOther.at!.id && l.ref.folderId === TRASH)?.reason).toBe('not-in-snapshot');
    expect(trashOther.at).not.toBeNull();
    expect(truth.inFolder(TRASH)).toHaveLength(1);
    expect(report.predictedFreed).toBe([...fromJob, ...trashGroup].reduce((s, i) => s + i.size, 0));
    expect(report.actualFreed).toBe(report.predictedFreed);
    expect(w.truth.log.every((l) => l.op === 'delete' ? l.folderId === TRASH : true)).toBe(true);
  });

  it('exports first and deletes only what the exporter confirmed', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, [TRASH]);
    const store = newTab();
    const report = await startJob(
      new FaultyWebmail(truth),
      {
        bal: BAL,
        origin: ORIGIN,
        action: 'delete',
        items,
        exportFirst: async (list) => ({ exported: list.slice(0, 1).map((i) => i.ref) }),
      },
      { deps: deps(store) },
    );
    expect(report.lines.map((l) => [l.outcome, l.reason])).toEqual([['deleted', undefined], ['skipped', 'not-exported']]);
    expect(truth.inFolder(TRASH)).toHaveLength(1);
  });

  it('deletes nothing when the export fails, and needs the exporter again to resume', async () => {
    const truth = mailbox('stable');
    const items = itemsOf(truth, [TRASH]);
    const store = newTab();
    const report = await startJob(new FaultyWebmail(truth), { bal: BAL, origin: ORIGIN, action: 'delete', items, exportFirst: async () => { throw new Error('disk full'); } }, { deps: deps(store) });
    expect(report.state).toBe('failed');
    expect(report.lines.every((l) => l.outcome === 'skipped' && l.reason === 'export-failed')).toBe(true);
    expect(truth.inFolder(TRASH)).toHaveLength(2);
  });
});
