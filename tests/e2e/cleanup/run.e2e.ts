/**
 * The cleanup runner in both real browsers, with the real adapters, on real Roundcube 1.6 + Dovecot 2.3 and on the
 * Zimbra simulator (realistic seeded mailbox), driven through the test bridge ('cleanup-run'):
 * - a job moves exactly the planned set to the trash (checked by Message-ID against doveadm / the simulator), in
 *   batches, and nothing else changes (every other message: same folder, same id, same flags);
 * - undo puts every message back into its own folder, with exactly its flags of before (Roundcube marks messages
 *   read on their way to the trash: undo marks unread again those that were);
 * - deletion for good removes exactly the given ids from the trash (and the quota goes down by their size);
 * - one job per mailbox: a second tab is told a cleanup runs in another tab; when the first tab is closed
 *   mid-job, the second resumes it from the journal and the end result is exactly the plan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import type { JobItem, Report } from '../../../lib/features/cleanup/types';
import { checkRun, indexByRef, itemOf, listFolder, roundcubeTarget, zimbraTarget, type Target } from './targets';

interface Poll {
  progress: { doneCount: number; batch: number; batches: number } | null;
  report: Report | null;
  error: { code: string; message: string } | null;
}

const TARGETS: [string, () => Promise<Target>][] = [
  ['Roundcube', () => roundcubeTarget()],
  ['Zimbra simulator', () => zimbraTarget()],
];

for (const [name, make] of TARGETS) {
  describe(`cleanup runner on ${name}`, () => {
    let target: Target;
    beforeAll(async () => {
      target = await make();
    }, 120_000);
    afterAll(async () => {
      await target?.stop();
    });

    for (const kind of BROWSERS) {
      describe(`in ${kind}`, () => {
        let s: Session;
        let page: Page;
        const t0 = Date.now();
        const run = <T>(p: Page, op: string, arg?: unknown) => s.call<T>(p, 'cleanup-run', op, arg);
        const runToEnd = async (p: Page, op: string, arg?: unknown) => run<Report>(p, 'wait', (await run<{ handle: string }>(p, op, arg)).handle);

        beforeAll(async () => {
          // Seeded when it started: fresh for the first browser; the next one gets it back as seeded.
          if (kind !== BROWSERS[0]) await target.reseed();
          s = await launchWithBalise(kind);
          page = await s.newPage();
          await target.open(s, page);
        }, 180_000);
        afterAll(async () => {
          s?.assertNoForeignRequests();
          await s?.close();
          console.log(`[cleanup run ${name} ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
        });

        let trashJob: Report;
        let planned: Map<string, { restoreTo?: string }>;
        let beforeTrash: Awaited<ReturnType<Target['truth']>>;

        it('moves exactly the planned set to the trash, in batches, and changes nothing else', async () => {
          const f = target.folders;
          const pick = <T,>(list: T[], every: number) => list.filter((_, i) => i % every === 0);
          const items: JobItem[] = [
            ...pick(await listFolder(s, page, f.inbox), 9),
            ...pick(await listFolder(s, page, f.patients), 5),
            ...pick(await listFolder(s, page, f.archives), 4),
          ].map(itemOf);
          expect(items.length).toBeGreaterThan(100);
          // Some of them unread: undo must give that back.
          expect(items.filter((i) => i.unread).length).toBeGreaterThan(5);
          const before = await target.truth();
          beforeTrash = before;
          const byRef = indexByRef(before);
          planned = new Map(items.map((i) => [byRef.get(`${i.ref.folderId}/${i.ref.id}`)!, { restoreTo: i.ref.folderId }]));
          const usedBefore = await target.usedBytes();
          trashJob = await runToEnd(page, 'start', { action: 'trash', items, maxBatch: 25 });
          const after = await target.truth();
          expect(trashJob).toMatchObject({ action: 'trash', state: 'done', movedCount: items.length, failedCount: 0 });
          const { moved, unchanged, seenAdded } = checkRun(before, after, planned, trashJob, f.trash, { seenOnTrash: target.seenOnTrash });
          expect(moved).toBe(items.length);
          expect(unchanged).toBe(before.size - items.length);
          if (seenAdded) console.log(`[cleanup run ${name} ${kind}] the host marked ${seenAdded} unread messages read on their way to the trash`);
          if (target.seenOnTrash) expect(seenAdded).toBe(items.filter((i) => i.unread).length);
          // Every line knows where its message is in the trash (the adapters map the new ids).
          expect(trashJob.lines.every((l) => l.now && l.now.folderId === f.trash)).toBe(true);
          // Moving to the trash frees nothing: the quota counts the trash.
          expect(trashJob.predictedFreed).toBe(0);
          expect(await target.usedBytes()).toBe(usedBefore);
          expect(Math.abs(trashJob.actualFreed ?? NaN)).toBeLessThan(1024);
          expect(trashJob.foldersAfter?.find((x) => x.id === f.trash)?.count).toBe([...after.values()].filter((w) => w.folder === f.trash).length);
          expect(await run(page, 'resumable')).toBeNull();
          expect(await run(page, 'undoable')).toMatchObject({ jobId: trashJob.jobId, pendingCount: items.length });
        });

        it('undo puts every message back into its own folder', async () => {
          const before = await target.truth();
          const byRef = indexByRef(before);
          const undoPlanned = new Map<string, { restoreTo?: string }>();
          for (const l of trashJob.lines) undoPlanned.set(byRef.get(`${l.now!.folderId}/${l.now!.id}`)!, { restoreTo: l.ref.folderId });
          const undo = await runToEnd(page, 'undo', { maxBatch: 40 });
          const after = await target.truth();
          expect(undo).toMatchObject({ action: 'undo', state: 'done', movedCount: trashJob.movedCount, failedCount: 0 });
          const { unreadLeft } = checkRun(before, after, undoPlanned, undo, target.folders.trash, { seenOnTrash: target.seenOnTrash, originalFlags: beforeTrash });
          // Back home: same folders and exactly the same flags as before the trash job (unread again where it was).
          expect(unreadLeft).toBe(0);
          expect(undo.lines.filter((l) => l.reason)).toEqual([]);
          let unreadAgain = 0;
          for (const [k, p] of planned) {
            expect(after.get(k)?.folder).toBe(p.restoreTo);
            expect(after.get(k)!.flags, k).toBe(beforeTrash.get(k)!.flags);
            if (target.isUnread(after.get(k)!)) unreadAgain++;
          }
          expect(unreadAgain).toBeGreaterThan(5);
          console.log(`[cleanup run ${name} ${kind}] undo: ${unreadAgain} messages that were unread are unread again, every flag as before`);
          // Nothing else changed between the trash job and the undo.
          for (const [k, w] of beforeTrash) if (!planned.has(k)) expect(after.get(k)).toEqual(w);
          expect(await run(page, 'undoable')).toBeNull();
        });

        it('deletes for good exactly the given ids in the trash, nothing else of the trash', async () => {
          const f = target.folders;
          const inbox = (await listFolder(s, page, f.inbox)).slice(0, 12).map(itemOf);
          const moved = await runToEnd(page, 'start', { action: 'trash', items: inbox });
          expect(moved.movedCount).toBe(12);
          const fromJob = await run<JobItem[]>(page, 'trashed', moved.jobId);
          const trashList = await listFolder(s, page, f.trash);
          const movedIds = new Set(fromJob.map((i) => i.ref.id));
          const seededTrash = trashList.filter((m) => !movedIds.has(m.ref.id)).slice(0, 3).map(itemOf);
          const items = [...fromJob, ...seededTrash];
          const before = await target.truth();
          const byRef = indexByRef(before);
          const plannedDel = new Map(items.map((i) => [byRef.get(`${i.ref.folderId}/${i.ref.id}`)!, {}]));
          const usedBefore = await target.usedBytes();
          const del = await runToEnd(page, 'start', { action: 'delete', items, maxBatch: 5 });
          const after = await target.truth();
          expect(del).toMatchObject({ action: 'delete', state: 'done', movedCount: 15, failedCount: 0 });
          checkRun(before, after, plannedDel, del, f.trash);
          const freed = [...plannedDel.keys()].reduce((sum, k) => sum + before.get(k)!.size, 0);
          expect(usedBefore - (await target.usedBytes())).toBe(freed);
          // Predicted from the listing's sizes (Roundcube lists them rounded), actual from the server's quota.
          expect(Math.abs(del.predictedFreed - freed)).toBeLessThanOrEqual(items.length * 512 + 1024);
          expect(Math.abs((del.actualFreed ?? 0) - freed)).toBeLessThanOrEqual(1024);
          // A delete job acts on the trash only: a message elsewhere is refused, untouched.
          const stray = (await listFolder(s, page, f.inbox)).slice(0, 1).map(itemOf);
          const refused = await runToEnd(page, 'start', { action: 'delete', items: stray });
          expect(refused.lines).toEqual([{ ref: stray[0]!.ref, outcome: 'skipped', reason: 'not-in-trash' }]);
          expect(await target.truth()).toEqual(after);
        });

        it('runs one job per mailbox: another tab is told, and resumes the job when the first tab closes', async () => {
          const f = target.folders;
          const items = (await listFolder(s, page, f.inbox)).filter((_, i) => i % 3 === 0).slice(0, 240).map(itemOf);
          const before = await target.truth();
          const byRef = indexByRef(before);
          const plannedBig = new Map(items.map((i) => [byRef.get(`${i.ref.folderId}/${i.ref.id}`)!, {}]));
          const tabA = await s.newPage();
          await target.openMore(s, tabA);
          const { handle } = await run<{ handle: string }>(tabA, 'start', { action: 'trash', items, maxBatch: 8 });
          // Wait until a few batches went through in tab A.
          for (;;) {
            const p = await run<Poll>(tabA, 'poll', handle);
            if (p.error) throw new Error(p.error.message);
            if ((p.progress?.batch ?? 0) >= 3) break;
            await new Promise((r) => setTimeout(r, 50));
          }
          // Tab B (the first page) asks too: refused, plainly, and nothing of it runs.
          const other = await s.call(page, 'cleanup-run', 'start', { action: 'trash', items: items.slice(0, 2) }).then((h) => run(page, 'wait', (h as { handle: string }).handle)).catch((e: Error & { code?: string }) => e);
          expect((other as { code?: string }).code).toBe('locked');
          expect((other as Error).message).toMatch(/already running in another tab/);
          const status = await run<{ running: { sameTab: boolean } | null; resumable: unknown }>(page, 'status');
          expect(status.running?.sameTab).toBe(false);
          expect(status.resumable).toBeNull();
          // Tab A is closed in the middle of the job.
          await tabA.close();
          let resumable: { jobId: string; pendingCount: number } | null = null;
          for (let i = 0; i < 50 && !resumable; i++) {
            resumable = await run(page, 'resumable');
            if (!resumable) await new Promise((r) => setTimeout(r, 100));
          }
          expect(resumable).not.toBeNull();
          expect(resumable!.pendingCount).toBeGreaterThan(0);
          expect(resumable!.pendingCount).toBeLessThan(items.length);
          const report = await runToEnd(page, 'resume', { jobId: resumable!.jobId, maxBatch: 8 });
          const after = await target.truth();
          expect(report).toMatchObject({ state: 'done', movedCount: items.length, failedCount: 0 });
          const { moved } = checkRun(before, after, plannedBig, report, f.trash, { seenOnTrash: target.seenOnTrash });
          expect(moved).toBe(items.length);
          // The ones in flight when the tab closed were settled with the server: moved, new id unknown at worst.
          expect(report.lines.filter((l) => !l.now).length).toBeLessThanOrEqual(8);
        });
      });
    }
  });
}
