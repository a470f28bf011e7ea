/**
 * Fault injection: many randomized cleanup runs, with the real adapters in the real browsers (driven through the
 * test bridge), against real Roundcube + Dovecot behind a fault proxy (dropped connections before / after the
 * server acted, HTTP 500s, delays, requests without their session cookie) and the Zimbra simulator behind the same
 * proxy plus its own fault switch (SOAP faults, busy server, expired session, ids deleted by another client).
 * Runs also close the tab mid-job (another tab resumes from the journal), cancel, undo and delete for good.
 *
 * After EVERY run the server's truth is compared with the report (tests/e2e/cleanup/targets.ts checkRun): every
 * planned message is where it was, in the trash, or deleted as planned, exactly as its report line says; every
 * other message is untouched (same folder, id and flags). 0 lost.
 *
 * BALISE_FAULT_RUNS (default 200) is the total over browsers × servers; `npm test` runs 8 of them to keep CI short,
 * `npm run test:faults` the full 200. BALISE_FAULT_SEED changes the schedule.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { rng, startFaultProxy, type FaultProxy, type RequestInfo } from '../../servers/fault-proxy/index';
import type { JobItem, Report } from '../../../lib/features/cleanup/types';
import { checkRun, indexByRef, itemOfTruth, roundcubeTarget, zimbraTarget, type Target, type Truth } from './targets';
import type { ZimbraSim } from '../../servers/zimbra-sim/index';

const TOTAL = Number(process.env.BALISE_FAULT_RUNS ?? 200);
const BASE_SEED = Number(process.env.BALISE_FAULT_SEED ?? 20261123);
const SERVERS = ['roundcube', 'zimbra'] as const;
/** Pause between retries: 1 s then 3 s in the extension; shorter here so that many runs fit (same logic). */
const RETRY_MS = 150;
/**
 * Share of the runs on Roundcube (the rest on the Zimbra simulator). A Roundcube run costs ≈ 5–8 s (real PHP, real
 * IMAP, several requests per batch, page loads after closed tabs and lost sessions), a simulator run ≈ 1 s.
 */
const RC_SHARE = Number(process.env.BALISE_FAULT_RC_SHARE ?? 0.35);
const PER: Record<(typeof SERVERS)[number], number> = {
  roundcube: Math.max(1, Math.ceil((TOTAL * RC_SHARE) / BROWSERS.length)),
  zimbra: Math.max(1, Math.ceil((TOTAL * (1 - RC_SHARE)) / BROWSERS.length)),
};

interface Poll {
  progress: { doneCount: number; batch: number } | null;
  report: Report | null;
  error: { code: string; message: string } | null;
}

type Stats = Record<string, number>;
const grand: Record<string, Stats> = {};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const server of SERVERS) {
  describe(`cleanup under faults on ${server}`, () => {
    let target: Target;
    let proxy: FaultProxy;

    beforeAll(async () => {
      const urlFor = async (u: string) => {
        proxy = await startFaultProxy({ target: u });
        return proxy.url;
      };
      target = server === 'roundcube' ? await roundcubeTarget({ seed: 3, urlFor }) : await zimbraTarget({ seed: 13, urlFor });
    }, 120_000);
    afterAll(async () => {
      await target?.stop();
      await proxy?.stop();
    });

    for (const kind of BROWSERS) {
      describe(`in ${kind}`, () => {
        let s: Session;
        let page: Page;
        const stats = { runs: 0, lost: 0 } as Stats & { runs: number; lost: number };
        grand[`${server}/${kind}`] = stats;
        const used = new Set<string>();
        const deletedKeys = new Set<string>();
        let t0 = Date.now();
        const run = <T>(p: Page, op: string, arg?: unknown) => s.call<T>(p, 'cleanup-run', op, arg);
        const bump = (k: string, n = 1) => (stats[k] = (stats[k] ?? 0) + n);
        const sim = () => (target as Target & { sim: ZimbraSim }).sim;
        const truthNow = async () => {
          const t = Date.now();
          const x = await target.truth();
          bump('truthMs', Date.now() - t);
          return x;
        };

        // Only the adapter's own requests are broken: page loads must work (a user reloads, logs in).
        const adapterRequest = (r: RequestInfo) =>
          server === 'roundcube' ? /(^|[?&])_remote=1/.test(r.url) || /(^|&)_remote=1/.test(r.body) : r.url.startsWith('/service/soap');

        beforeAll(async () => {
          t0 = Date.now();
          proxy.schedule(null);
          // Seeded when it started: fresh for the first browser; the next one gets it back as seeded.
          if (kind !== BROWSERS[0]) await target.reseed();
          s = await launchWithBalise(kind);
          page = await s.newPage();
          await target.open(s, page);
        }, 180_000);
        afterAll(async () => {
          proxy.schedule(null);
          await s?.close();
          const line = `[cleanup faults ${server} ${kind}] ${JSON.stringify(stats)} proxy ${JSON.stringify(proxy.stats)} in ${((Date.now() - t0) / 1000).toFixed(0)} s`;
          console.log(line);
        });

        const quiet = () => {
          proxy.schedule(null);
          if (server === 'zimbra') sim().faults.reset();
        };

        async function newTab(): Promise<Page> {
          quiet(); // opening a page is not under test; faults come back with the next round
          const p = await s.newPage();
          await target.openMore(s, p);
          return p;
        }

        async function relogin(p: Page) {
          quiet();
          await target.relogin(s, p);
          bump('relogins');
        }
        const debug = (...a: unknown[]) => process.env.BALISE_FAULT_DEBUG && console.log(`[faults ${server} ${kind}]`, ...a);

        /** Faults for one round of a run. */
        function arm(r: () => number, seed: number) {
          // Roundcube's adapter makes several requests per batch (check, move, check, map the new ids): a lower rate
          // per request gives about as many broken batches as on the simulator.
          const rate = server === 'roundcube' ? 0.03 + r() * 0.09 : 0.04 + r() * 0.16;
          // A lost cookie ends the Roundcube session (it answers with a new one): rarer, it costs a new login.
          proxy.schedule({ seed, rate, match: adapterRequest, maxDelayMs: 800, weights: { 'no-cookie': 0.4 } });
          if (server === 'zimbra') {
            const f = sim().faults;
            f.reset();
            if (r() < 0.3) f.failNext('MsgActionRequest', r() < 0.5 ? 'service.FAILURE' : 'service.ALREADY_IN_PROGRESS', { nth: 1 + Math.floor(r() * 4) });
            if (r() < 0.15) f.dropConnection('MsgActionRequest', { nth: 1 + Math.floor(r() * 3) });
            if (r() < 0.2) f.dropConnection('SearchRequest', { nth: 1 + Math.floor(r() * 3) });
          }
        }

        /**
         * Start (or undo) a job and bring it to its end through every interruption: closed tabs, expired sessions,
         * network failures. Returns the final report, or null if the job never got created.
         */
        async function drive(r: () => number, seed: number, op: 'start' | 'undo', arg: Record<string, unknown>): Promise<Report | null> {
          const lastBefore = (await run<{ jobId: string } | null>(page, 'last'))?.jobId ?? null;
          let handle = (await run<{ handle: string }>(page, op, arg)).handle;
          for (let round = 0; ; round++) {
            if (round > 14) throw new Error('a job did not end');
            if (round < 5) arm(r, seed + round);
            else quiet();
            const closeAt = round < 4 && r() < 0.25 ? Date.now() + r() * 2500 : null;
            let cancelAt = round < 4 && r() < 0.06 ? Date.now() + r() * 1500 : null;
            let poll: Poll | null = null;
            let closed = false;
            for (;;) {
              poll = await run<Poll>(page, 'poll', handle);
              if (poll.report || poll.error) break;
              if (closeAt && Date.now() > closeAt) {
                // The user closes the tab in the middle of a request.
                await page.close();
                closed = true;
                bump('tabsClosed');
                break;
              }
              if (cancelAt && Date.now() > cancelAt) {
                await run(page, 'cancel', handle);
                bump('cancels');
                cancelAt = null;
              }
              await sleep(40);
            }
            if (closed) {
              debug(`round ${round}: tab closed`);
              page = await newTab();
            }
            else if (poll.error) {
              // Refused before anything was done (another job still held the lock, the first read failed…).
              const code = poll.error.code;
              debug(`round ${round}: refused ${code} ${poll.error.message}`);
              bump(`refused:${code}`);
              if (!['locked', 'not-resumable', 'store', 'auth-expired', 'forbidden', 'network', 'server', 'busy', 'invalid-response', 'aborted'].includes(code)) throw new Error(`${code}: ${poll.error.message}`);
              if (code === 'locked') await sleep(300);
              if (code === 'auth-expired' || code === 'forbidden' || round >= 5) await relogin(page);
              quiet();
            } else {
              const report = poll.report!;
              debug(`round ${round}: ${report.action} ${report.state} ${report.stopReason ?? ''} moved ${report.movedCount} failed ${report.failedCount}`);
              if (report.state !== 'interrupted') return report;
              bump(`stop:${report.stopReason}`);
              // Session over (or, once the faults stopped, still failing): log in again, as the user would.
              if (report.stopReason === 'auth-expired' || report.stopReason === 'forbidden' || round >= 5) await relogin(page);
            }
            // Resume from the journal (in the new tab, or the same one).
            let resumable: { jobId: string } | null = null;
            for (let i = 0; i < 30 && !resumable; i++) {
              resumable = await run<{ jobId: string } | null>(page, 'resumable').catch(() => null);
              if (!resumable) await sleep(100);
            }
            if (!resumable) {
              const last = await run<{ jobId: string; state: string; report?: Report } | null>(page, 'last');
              if (last && last.jobId !== lastBefore) {
                // Our job ended (in a tab that closed right then, or its end could not be reported): its journal says how.
                if (last.report) return last.report;
                throw new Error(`job ${last.jobId} is ${last.state}, not resumable, without a report`);
              }
              // Never created: do it again.
              handle = (await run<{ handle: string }>(page, op, arg)).handle;
              bump('restarts');
              continue;
            }
            bump('resumes');
            if (r() < 0.15 && server === 'zimbra') {
              sim().faults.expireSession();
              bump('sessionExpiries');
            }
            handle = (await run<{ handle: string }>(page, 'resume', { jobId: resumable.jobId, maxBatch: arg.maxBatch, retryDelayMs: RETRY_MS })).handle;
          }
        }

        /** Fresh messages, never used by an earlier run, still in their seeded folder. */
        function pick(truth: Truth, r: () => number, n: number): JobItem[] {
          const f = target.folders;
          const homes = [f.inbox, f.patients, f.archives, f.junk];
          const pool = [...truth].filter(([k, w]) => homes.includes(w.folder) && !used.has(k));
          const out: JobItem[] = [];
          while (out.length < n && pool.length) {
            const [k, w] = pool.splice(Math.floor(r() * pool.length), 1)[0]!;
            used.add(k);
            out.push(itemOfTruth(target, w));
          }
          return out;
        }

        it(`keeps every message where it was, in the trash, or deleted as planned, over ${PER[server]} runs`, async () => {
          for (let i = 0; i < PER[server]; i++) {
            const seed = BASE_SEED + i * 7919 + (kind === 'firefox' ? 104729 : 0) + (server === 'zimbra' ? 1299709 : 0);
            const r = rng(seed);
            stats.runs++;
            quiet();
            const before = await truthNow();
            const items = pick(before, r, 4 + Math.floor(r() * 26));
            if (!items.length) throw new Error('the pool of messages is empty: raise the mailbox size or lower the run count');
            const byRef = indexByRef(before);
            const planned = new Map(items.map((it) => [byRef.get(`${it.ref.folderId}/${it.ref.id}`)!, { restoreTo: it.ref.folderId }]));
            const vanished = new Set<string>();
            if (server === 'zimbra' && r() < 0.15) {
              const k = [...planned.keys()][0]!;
              await target.vanish!([k]);
              vanished.add(k);
              bump('vanished');
            }
            const maxBatch = 2 + Math.floor(r() * 9);
            const what = r();
            const trash = await drive(r, seed, 'start', { action: 'trash', items, maxBatch, retryDelayMs: RETRY_MS });
            quiet();
            let after = await truthNow();
            if (trash) verify(before, after, planned, trash, vanished);
            bump('trashJobs');
            if (trash && what < 0.2 && trash.movedCount > 0) {
              // Undo.
              const b2 = after;
              const byRef2 = indexByRef(b2);
              const undoPlanned = new Map<string, { restoreTo?: string }>();
              for (const l of trash.lines) if (l.outcome === 'moved' && l.now) undoPlanned.set(byRef2.get(`${l.now.folderId}/${l.now.id}`) ?? '?', { restoreTo: l.ref.folderId });
              undoPlanned.delete('?');
              const undo = await drive(r, seed + 1, 'undo', { maxBatch, retryDelayMs: RETRY_MS });
              quiet();
              after = await truthNow();
              // Restored messages: their flags of before the trash job exactly (unread again), or their line says not.
              if (undo) verify(b2, after, undoPlanned, undo, vanished, before);
              bump('undoJobs');
            } else if (trash && what < 0.35 && trash.movedCount > 0) {
              // Delete for good what the job moved.
              const delItems = await run<JobItem[]>(page, 'trashed', trash.jobId);
              if (delItems.length) {
                const b2 = after;
                const byRef2 = indexByRef(b2);
                const delPlanned = new Map(delItems.map((it) => [byRef2.get(`${it.ref.folderId}/${it.ref.id}`)!, {}]));
                const del = await drive(r, seed + 2, 'start', { action: 'delete', items: delItems, maxBatch, retryDelayMs: RETRY_MS });
                quiet();
                after = await truthNow();
                if (del) {
                  verify(b2, after, delPlanned, del, vanished);
                  for (const l of del.lines) if (l.outcome === 'deleted') deletedKeys.add(byRef2.get(`${l.ref.folderId}/${l.ref.id}`)!);
                }
                bump('deleteJobs');
                bump('deleted', del?.lines.filter((l) => l.outcome === 'deleted').length ?? 0);
              }
            }
            // 0 lost: every planned message is home, in the trash, or deleted by this run's delete job (its line says so).
            for (const [k, p] of planned) {
              if (vanished.has(k)) continue;
              const w = after.get(k);
              if (w ? w.folder !== p.restoreTo && w.folder !== target.folders.trash : !deletedKeys.has(k)) {
                stats.lost++;
                throw new Error(`lost or misplaced: ${k} (${w ? w.folder : 'gone'})`);
              }
            }
          }
          console.log(`[cleanup faults ${server} ${kind}] runs ${stats.runs}, lost ${stats.lost}`);
          expect(stats.lost).toBe(0);
        }, 3_600_000);

        function verify(before: Truth, after: Truth, planned: Map<string, { restoreTo?: string }>, report: Report, vanished: Set<string>, originalFlags?: Truth) {
          // Messages another client deleted are simply gone; the rest must match the report exactly.
          const b = new Map([...before].filter(([k]) => !vanished.has(k)));
          const a = new Map([...after].filter(([k]) => !vanished.has(k)));
          const lines = report.lines.filter((l) => !vanished.has(indexByRef(before).get(`${l.ref.folderId}/${l.ref.id}`) ?? ''));
          try {
            const c = checkRun(b, a, new Map([...planned].filter(([k]) => !vanished.has(k))), { ...report, lines }, target.folders.trash, {
              seenOnTrash: target.seenOnTrash,
              ...(originalFlags ? { originalFlags } : {}),
            });
            bump('unreadLeft', c.unreadLeft);
          } catch (e) {
            stats.lost++;
            throw e;
          }
          const missing = [...b.keys()].filter((k) => !a.has(k) && !(report.action === 'delete' && planned.has(k)));
          if (missing.length) {
            stats.lost += missing.length;
            throw new Error(`lost: ${missing.join(', ')}`);
          }
          bump(`state:${report.state}`);
          bump('moved', report.movedCount);
          bump('failedLines', report.failedCount);
        }
      });
    }
  });
}

afterAll(() => {
  const sum: Stats = {};
  for (const st of Object.values(grand)) for (const [k, v] of Object.entries(st)) if (typeof v === 'number') sum[k] = (sum[k] ?? 0) + v;
  console.log(`[cleanup faults] total ${JSON.stringify(sum)}`);
});
