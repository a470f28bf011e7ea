/**
 * Property: whatever fails and wherever (requests failing before or after the server acted, partial answers,
 * answers that forget ids or newRefs, tabs closing mid-request, the background becoming unreachable, an expired
 * session, another client deleting messages, the user cancelling, the export failing), after every run:
 * - 0 lost: every message is where it was, in the trash, deleted by Balise as planned (and exported first when
 *   an export was planned), or removed by the other client;
 * - only snapshot ids were ever acted on, and messages outside the jobs never moved;
 * - every report line says exactly where its message is (interrupted reports may say 'unconfirmed');
 * - resuming from the journal always brings the job to an end.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal, LOCK_STALE_MS } from '../../../lib/background/cleanup';
import {
  CleanupError,
  findResumableJob,
  findUndoableJob,
  resumeJob,
  startJob,
  trashedItems,
  undoLastJob,
  type Exporter,
  type RunDeps,
} from '../../../lib/features/cleanup/run';
import type { JobItem, Report } from '../../../lib/features/cleanup/types';
import type { WebmailErrorCode } from '../../../lib/webmail/types';
import { FaultyWebmail, TruthMailbox, tabStore, TRASH, type Fault, type TabStore, type TruthMessage } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'http://127.0.0.1:8080';
const RUNS = Number(process.env.BALISE_PROPERTY_RUNS ?? 300);

let dbn = 0;
beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
});

const code = fc.constantFrom<WebmailErrorCode>('network', 'server', 'busy', 'invalid-response', 'auth-expired', 'not-found', 'quota-exceeded');
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Fault>({ kind: 'none' }) },
  { weight: 2, arbitrary: code.map((c): Fault => ({ kind: 'before', code: c })) },
  { weight: 2, arbitrary: code.map((c): Fault => ({ kind: 'after', code: c })) },
  { weight: 1, arbitrary: fc.tuple(code, fc.nat(4)).map(([c, k]): Fault => ({ kind: 'partial', code: c, keep: k })) },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'omit' }) },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'unsure' }) },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'no-refs' }) },
  { weight: 1, arbitrary: fc.boolean().map((a): Fault => ({ kind: 'hang', acted: a })) },
  { weight: 1, arbitrary: fc.constant<Fault>({ kind: 'vanish' }) },
);

const scenario = fc.record({
  mode: fc.constantFrom<'stable' | 'renumber'>('stable', 'renumber'),
  counts: fc.record({ INBOX: fc.nat(12), Patients: fc.nat(8), Junk: fc.nat(4), Trash: fc.nat(5) }),
  maxBatch: fc.integer({ min: 1, max: 5 }),
  pick: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  faults: fc.array(fault, { minLength: 0, maxLength: 40 }),
  searchFaults: fc.array(fc.option(code, { nil: null, freq: 3 }), { maxLength: 10 }),
  storeFailAfter: fc.array(fc.option(fc.integer({ min: 1, max: 30 }), { nil: null, freq: 2 }), { minLength: 8, maxLength: 8 }),
  takeover: fc.array(fc.constantFrom('closed', 'stale', 'reload'), { minLength: 8, maxLength: 8 }),
  cancelAtCall: fc.option(fc.integer({ min: 1, max: 12 }), { nil: null, freq: 4 }),
  undo: fc.boolean(),
  /** Which messages are unread, and whether the host marks messages read on their way to the trash (Roundcube). */
  unread: fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
  readOnTrash: fc.boolean(),
  del: fc.constantFrom<'none' | 'trashed' | 'trash-group'>('none', 'trashed', 'trash-group'),
  exportMask: fc.option(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), { nil: null }),
  exportThrows: fc.boolean(),
});
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;

interface World {
  sc: Scenario;
  truth: TruthMailbox;
  journal: CleanupJournal;
  clock: { t: number };
  liveTabs: Set<number>;
  nextTab: number;
  calls: number;
  searches: number;
  rounds: number;
  stats: Record<string, number>;
}

function webmailFor(w: World, signalCancel?: () => void): FaultyWebmail {
  // Faults follow one global sequence of calls across tabs; after some rounds the server behaves (so jobs end).
  const wm = new FaultyWebmail(
    w.truth,
    () => {
      const n = ++w.calls;
      if (w.sc.cancelAtCall === n) signalCancel?.();
      if (w.rounds > 6) return { kind: 'none' };
      return w.sc.faults[n - 1] ?? { kind: 'none' };
    },
    w.sc.maxBatch,
  );
  wm.searchFault = () => {
    const n = ++w.searches;
    return w.rounds > 6 ? null : w.sc.searchFaults[n - 1] ?? null;
  };
  return wm;
}

function newTab(w: World, reuse?: TabStore, reliable = false): TabStore {
  const r = w.rounds;
  const failAfter = !reliable && r <= 6 ? w.sc.storeFailAfter[r] ?? Infinity : Infinity;
  if (reuse) return tabStore(w.journal, reuse.caller, failAfter ?? Infinity);
  const tabId = ++w.nextTab;
  w.liveTabs.add(tabId);
  return tabStore(w.journal, { tabId, origin: ORIGIN }, failAfter ?? Infinity);
}

const deps = (w: World, store: TabStore): RunDeps => ({ store, heartbeatMs: 0, sleep: async () => undefined, now: () => w.clock.t, attempts: 3 });

/** Run a job to its end through every interruption: tabs that close, stores that go away, resumes. */
async function drive(
  w: World,
  first: (wm: FaultyWebmail, store: TabStore, signal: AbortSignal) => Promise<Report>,
  check: (r: Report) => void,
  exportFirst?: Exporter,
): Promise<Report | null> {
  let store = newTab(w);
  let jobId: string | null = null;
  for (w.rounds = 0; ; w.rounds++) {
    if (w.rounds > 12) throw new Error('a job did not end');
    const ac = new AbortController();
    const wm = webmailFor(w, () => ac.abort());
    const st = store;
    const p: Promise<Report | null> =
      w.rounds === 0
        ? first(wm, st, ac.signal)
        : (async () => {
            const resumable = await findResumableJob(BAL, { deps: deps(w, st) });
            if (!resumable) return null; // the job never got created (the store went away before)
            jobId = resumable.jobId;
            return resumeJob(wm, jobId, { deps: deps(w, st), signal: ac.signal, ...(exportFirst ? { exportFirst } : {}) });
          })();
    const outcome = await Promise.race([p.then((r) => ({ r }), (e: unknown) => ({ e })), wm.hung.then(() => ({ hung: true as const }))]);
    if ('r' in outcome && outcome.r === null) return null;
    // The page or the background went away: a report may have come back, but the journal could not say so.
    if ('hung' in outcome || store.dead) {
      w.stats.crashes = (w.stats.crashes ?? 0) + 1;
      if ('r' in outcome) check(outcome.r!);
      // The page is gone. The next one comes in another tab (closed), after a browser crash (stale), or as a reload.
      store.close();
      const how = w.sc.takeover[Math.min(w.rounds, 7)]!;
      if (how === 'closed') {
        w.liveTabs.delete(store.caller.tabId);
        await w.journal.releaseTab(store.caller.tabId);
        store = newTab(w);
      } else if (how === 'stale') {
        w.clock.t += LOCK_STALE_MS + 1;
        store = newTab(w);
      } else {
        store = newTab(w, store);
      }
      continue;
    }
    if ('e' in outcome) {
      const e = outcome.e;
      if (e instanceof CleanupError && e.code === 'store') {
        store.close();
        store = newTab(w, store);
        continue;
      }
      if (e instanceof CleanupError && e.code === 'nothing-to-do') return null;
      throw e;
    }
    const report = outcome.r!;
    jobId = report.jobId;
    check(report);
    w.stats[report.state] = (w.stats[report.state] ?? 0) + 1;
    if (report.state !== 'interrupted') return report;
    if (report.stopReason === 'auth-expired' || report.stopReason === 'forbidden') w.stats.relogins = (w.stats.relogins ?? 0) + 1;
    store = newTab(w, store); // same tab, after logging in again / the network came back
  }
}

function byRef(snapshot: Map<string, TruthMessage>, ref: { folderId: string; id: string }): TruthMessage {
  const m = snapshot.get(`${ref.folderId}/${ref.id}`);
  if (!m) throw new Error(`report names ${ref.folderId}/${ref.id}, which was not in the snapshot`);
  return m;
}

function snapshotOf(truth: TruthMailbox): Map<string, TruthMessage> {
  return new Map(truth.messages.filter((m) => m.at).map((m) => [`${m.at!.folderId}/${m.at!.id}`, m]));
}

/** Every line says where its message is now. */
function checkReport(truth: TruthMailbox, snapshot: Map<string, TruthMessage>, items: JobItem[], r: Report, restoreTo?: Map<string, string>) {
  const itemKeys = new Set(items.map((i) => `${i.ref.folderId}/${i.ref.id}`));
  const lineKeys = r.lines.map((l) => `${l.ref.folderId}/${l.ref.id}`);
  expect(new Set(lineKeys).size).toBe(lineKeys.length);
  for (const k of lineKeys) expect(itemKeys.has(k) || r.action === 'undo', `line ${k} is not an item`).toBe(true);
  if (r.action !== 'undo') expect(lineKeys.length).toBe(itemKeys.size);
  expect(r.movedCount).toBe(r.lines.filter((l) => l.outcome === 'moved' || l.outcome === 'deleted' || l.outcome === 'restored').length);
  expect(r.failedCount).toBe(r.lines.filter((l) => l.outcome === 'failed').length);
  // An expired session or a refused permission interrupts the job (resumable): never a final failure of a message.
  for (const l of r.lines) expect(['auth-expired', 'forbidden']).not.toContain(l.outcome === 'failed' ? l.reason : undefined);
  for (const l of r.lines) {
    if (l.reason === 'unknown-location') {
      // Undo: the trash job moved it without saying where; the line names where it came from. Still in the trash.
      const m = truth.messages.find((x) => x.origin.folderId === l.ref.folderId && x.origin.id === l.ref.id)!;
      if (!m.vanished) expect(m.at?.folderId).toBe(TRASH);
      continue;
    }
    const m = byRef(snapshot, l.ref);
    if (m.vanished) continue;
    const here = (ref: { folderId: string; id: string } | null | undefined) => !!ref && !!m.at && m.at.folderId === ref.folderId && m.at.id === ref.id;
    const what = `${r.action} ${l.outcome} ${l.reason ?? ''} ${JSON.stringify(l.ref)} now ${JSON.stringify(l.now)} truth ${JSON.stringify(m.at)}`;
    switch (l.outcome) {
      case 'moved':
        expect(m.at?.folderId, what).toBe(TRASH);
        if (l.now) expect(here(l.now), what).toBe(true);
        break;
      case 'restored':
        expect(m.at?.folderId, what).toBe(restoreTo!.get(`${l.ref.folderId}/${l.ref.id}`));
        if (l.now) expect(here(l.now), what).toBe(true);
        break;
      case 'deleted':
        expect(m.at, what).toBeNull();
        expect(m.deletedByBalise, what).toBe(true);
        break;
      case 'failed':
      case 'skipped':
        if (l.reason === 'unconfirmed') {
          expect(r.state, what).not.toBe('done');
          break;
        }
        expect(here(l.ref), what).toBe(true);
        break;
    }
  }
}

/** 0 lost, nothing outside the jobs touched, places only origin / trash / deleted-as-planned. */
function checkWorld(w: World, touched: Set<TruthMessage>, deletable: Set<TruthMessage>, mustExport: boolean) {
  for (const m of w.truth.messages) {
    if (m.vanished) continue;
    if (!touched.has(m)) expect(m.at, `untouched ${m.key}`).toEqual(m.origin);
    if (m.at === null) {
      expect(m.deletedByBalise, `lost ${m.key}`).toBe(true);
      expect(deletable.has(m), `deleted without being planned ${m.key}`).toBe(true);
      if (mustExport) expect(m.exported, `deleted before export ${m.key}`).toBe(true);
    } else {
      expect([m.origin.folderId, TRASH], `${m.key} at ${m.at.folderId}`).toContain(m.at.folderId);
    }
  }
}

async function scenarioRun(sc: Scenario, totals: Record<string, number>) {
  const d = new BaliseDb(`prop-${dbn++}`);
  const clock = { t: 10_000_000 };
  const liveTabs = new Set<number>();
  const w: World = {
    sc,
    truth: new TruthMailbox(sc.mode),
    journal: new CleanupJournal({ db: () => d, now: () => clock.t, tabExists: async (id) => liveTabs.has(id) }),
    clock,
    liveTabs,
    nextTab: 0,
    calls: 0,
    searches: 0,
    rounds: 0,
    stats: totals,
  };
  let day = 0;
  for (const [folder, n] of Object.entries(sc.counts)) for (let i = 0; i < n; i++) w.truth.add(folder, 500 + 37 * ++day, day);
  w.truth.messages.forEach((m, i) => (m.unread = sc.unread[i % 40]!));
  w.truth.readOnTrash = sc.readOnTrash;
  const wasUnread = new Map(w.truth.messages.map((m) => [m, m.unread === true]));

  // 1. Move a picked set to the trash.
  const candidates = w.truth.messages.filter((m) => m.at!.folderId !== TRASH);
  const picked = candidates.filter((_, i) => sc.pick[i % 40]);
  const touched = new Set<TruthMessage>(picked);
  const deletable = new Set<TruthMessage>();
  let mustExport = false;
  if (picked.length) {
    const items = picked.map((m) => ({ ref: { ...m.at! }, size: m.size, unread: m.unread === true }));
    const snap = snapshotOf(w.truth);
    const report = await drive(w, (wm, store, signal) => startJob(wm, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(w, store), signal }), (r) => checkReport(w.truth, snap, items, r));
    checkWorld(w, touched, deletable, false);
    // Every log entry acted on snapshot ids only.
    for (const e of w.truth.log) for (const id of e.ids) expect(items.some((i) => i.ref.folderId === e.folderId && i.ref.id === id)).toBe(true);
    totals.trashJobs = (totals.trashJobs ?? 0) + (report ? 1 : 0);

    // 2. Undo it.
    if (report && sc.undo) {
      const store = newTab(w, undefined, true);
      const undoable = await findUndoableJob(BAL, { deps: deps(w, store) });
      if (undoable) {
        const snapU = snapshotOf(w.truth);
        const source = await trashedItems(undoable.jobId, { deps: deps(w, store) });
        const restoreTo = new Map(source.map((i) => [`${i.ref.folderId}/${i.ref.id}`, i.restoreTo!]));
        const logFrom = w.truth.log.length;
        const undo = await drive(w, (wm, st, signal) => undoLastJob(wm, BAL, { deps: deps(w, st), signal }), (r) => checkReport(w.truth, snapU, source, r, restoreTo));
        if (undo) totals.undoJobs = (totals.undoJobs ?? 0) + 1;
        for (const e of w.truth.log.slice(logFrom)) {
          if (e.op === 'mark') {
            // Marked unread: only messages that were unread before the trash job, once they are back home.
            for (const id of e.ids) {
              const m = w.truth.find({ folderId: e.folderId, id })!;
              expect(m.origin.folderId).toBe(e.folderId);
              expect(wasUnread.get(m)).toBe(true);
            }
            continue;
          }
          expect(e.op).toBe('move');
          for (const id of e.ids) expect(restoreTo.get(`${e.folderId}/${id}`)).toBe(e.target);
        }
        if (undo) {
          // Restored: unread again exactly when it was, unless its line says it could not be; read ones stay read.
          for (const l of undo.lines) {
            if (l.outcome !== 'restored') {
              expect(l.reason).not.toBe('unread-not-restored');
              continue;
            }
            const m = byRef(snapU, l.ref);
            if (!wasUnread.get(m)) {
              expect(m.unread, `${m.key} was read`).toBe(false);
              expect(l.reason).toBeUndefined();
            } else if (l.reason === 'unread-not-restored') {
              // "Not confirmed unread again": read, or marked unread by a tab whose journal write failed before it
              // could record it (the resumed job cannot tell). Never the other way round: see the branch below.
              if (m.unread) totals.unreadUnconfirmed = (totals.unreadUnconfirmed ?? 0) + 1;
              else totals.unreadLeft = (totals.unreadLeft ?? 0) + 1;
            } else {
              expect(m.unread, `${m.key} was unread`).toBe(true);
              totals.unreadRestored = (totals.unreadRestored ?? 0) + 1;
            }
          }
        }
        checkWorld(w, touched, deletable, false);
      }
    }

    // 3. Delete for good: what the job moved (or the trash group), exact ids.
    if (report && !sc.undo && sc.del !== 'none') {
      const store = newTab(w, undefined, true);
      const items: JobItem[] =
        sc.del === 'trashed'
          ? await trashedItems(report.jobId, { deps: deps(w, store) })
          : w.truth.messages.filter((m) => m.at?.folderId === TRASH && m.origin.folderId === TRASH).map((m) => ({ ref: { ...m.at! }, size: m.size }));
      const snapD = snapshotOf(w.truth);
      for (const i of items) {
        const m = snapD.get(`${i.ref.folderId}/${i.ref.id}`);
        if (m) {
          deletable.add(m);
          touched.add(m);
        }
      }
      let exportFirst: Exporter | undefined;
      if (sc.exportMask) {
        mustExport = true;
        let n = 0;
        exportFirst = async (list) => {
          if (sc.exportThrows && n++ === 0) throw new Error('export failed');
          const ok = list.filter((_, i) => sc.exportMask![i % 40]);
          for (const i of ok) {
            const m = w.truth.find(i.ref);
            if (m) m.exported = true;
          }
          return { exported: ok.map((i) => i.ref) };
        };
      }
      const logFrom = w.truth.log.length;
      if (items.length) {
        const del = await drive(
          w,
          (wm, st, signal) => startJob(wm, { bal: BAL, origin: ORIGIN, action: 'delete', items, ...(exportFirst ? { exportFirst } : {}) }, { deps: deps(w, st), signal, ...(exportFirst ? { exportFirst } : {}) }),
          (r) => checkReport(w.truth, snapD, items, r),
          exportFirst,
        );
        if (del) totals.deleteJobs = (totals.deleteJobs ?? 0) + 1;
      }
      for (const e of w.truth.log.slice(logFrom)) {
        expect(e.op).toBe('delete');
        expect(e.folderId).toBe(TRASH);
        for (const id of e.ids) expect(items.some((i) => i.ref.id === id && i.ref.folderId === TRASH)).toBe(true);
      }
      checkWorld(w, touched, deletable, mustExport);
    }
  }
  checkWorld(w, touched, deletable, mustExport);
  // No job is left half-way: nothing to resume.
  const last = newTab(w, undefined, true);
  expect(await findResumableJob(BAL, { deps: deps(w, last) })).toBeNull();
  totals.lost = (totals.lost ?? 0) + w.truth.messages.filter((m) => m.at === null && !m.vanished && !m.deletedByBalise).length;
  d.close();
}

describe('runner under random faults', () => {
  it(`loses nothing and reports exactly, over ${RUNS} random scenarios`, async () => {
    const totals: Record<string, number> = { lost: 0 };
    await fc.assert(
      fc.asyncProperty(scenario, async (sc) => {
        totals.runs = (totals.runs ?? 0) + 1;
        await scenarioRun(sc, totals);
      }),
      { numRuns: RUNS, seed: process.env.BALISE_PROPERTY_SEED ? Number(process.env.BALISE_PROPERTY_SEED) : undefined },
    );
    console.log('[property] totals', JSON.stringify(totals));
    expect(totals.lost).toBe(0);
  }, 120_000);
});
