/**
 * Zimbra faults in both browsers, on the simulator: what the adapter reports must be exactly what happened on the
 * server (the simulator's state says which ids moved).
 * - the session ends in the middle of a series of batches;
 * - ids vanish (another client deleted them) inside a batch: trash → mail.NO_SUCH_ITEM for the whole request,
 *   move → mail.NO_SUCH_MSG; the rest of the batch must still move;
 * - a connection is cut; the server is busy emptying; permission denied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import type { BatchResult } from '../../../lib/webmail/types';
import { actionRequests, folderOfIds, loginZimbra, waitForShell } from './helpers';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

for (const kind of BROWSERS) {
  describe(`Zimbra adapter faults in ${kind}`, () => {
    let s: Session;
    let sim: ZimbraSim;
    let page: Page;
    let t0 = 0;

    beforeAll(async () => {
      t0 = Date.now();
      sim = await startZimbraSim({ profile: 'realistic', seed: 12, now: NOW, pollMs: 60_000 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      console.log(`[zimbra faults ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);
    const inboxIds = (n: number, skip = 0) =>
      [...sim.mailbox.messages.values()]
        .filter((m) => m.folderId === 2)
        .sort((a, b) => a.id - b.id)
        .slice(skip, skip + n)
        .map((m) => String(m.id));

    it('session expired between two batches of a series: the second reports auth-expired, only the first moved', async () => {
      const ids = inboxIds(300);
      const batches = [ids.slice(0, 100), ids.slice(100, 200), ids.slice(200)];
      const first = await call<BatchResult>('mailbox.moveToTrash', '2', batches[0]);
      expect(first.done).toHaveLength(100);
      sim.faults.expireSession();
      const second = await call<BatchResult>('mailbox.moveToTrash', '2', batches[1]);
      expect(second.done).toEqual([]);
      expect(second.failed).toHaveLength(100);
      expect(second.failed.every((f) => f.code === 'auth-expired')).toBe(true);
      const where = folderOfIds(sim, ids);
      expect(ids.filter((id) => where[id] === 3)).toEqual(batches[0]);
      expect(ids.filter((id) => where[id] === 2)).toEqual([...batches[1]!, ...batches[2]!]);
      await expect(call('quota.read')).rejects.toMatchObject({ code: 'auth-expired' });

      // Logged in again: the rest goes through (what a resumed job does).
      await loginZimbra(s, page, sim);
      const rest = await call<BatchResult>('mailbox.moveToTrash', '2', [...batches[1]!, ...batches[2]!]);
      expect(rest.done).toHaveLength(200);
      expect(Object.values(folderOfIds(sim, ids)).every((f) => f === 3)).toBe(true);
    });

    it('session expired in the middle of one call of several batches: done = exactly what the server moved', async () => {
      const ids = inboxIds(300);
      const from = sim.requestLog.length;
      // The 2nd request of the series meets an expired session (and everything after it).
      sim.faults.failNext('MsgActionRequest', 'service.AUTH_EXPIRED', { nth: 2, times: 10 });
      const r = await call<BatchResult>('mailbox.moveToTrash', '2', ids);
      sim.faults.reset();
      const where = folderOfIds(sim, ids);
      expect(r.done.sort()).toEqual(ids.filter((id) => where[id] === 3).sort());
      expect(r.done).toHaveLength(100);
      expect(r.failed.map((f) => f.id).sort()).toEqual(ids.filter((id) => where[id] === 2).sort());
      expect(new Set(r.failed.map((f) => f.code))).toEqual(new Set(['auth-expired']));
      // It stopped at the failure: no third request.
      expect(actionRequests(sim, from).map((a) => a.fault ?? 'ok')).toEqual(['ok', 'service.AUTH_EXPIRED']);
    });

    it('trash: two ids vanished inside a batch (mail.NO_SUCH_ITEM): the 98 others still move', async () => {
      const ids = inboxIds(100);
      const gone = [ids[10]!, ids[70]!];
      expect(sim.faults.vanish(gone)).toHaveLength(2);
      const from = sim.requestLog.length;
      const r = await call<BatchResult>('mailbox.moveToTrash', '2', ids);
      expect(r.failed).toEqual(gone.map((id) => ({ id, code: 'not-found' })));
      expect(r.done.sort()).toEqual(ids.filter((id) => !gone.includes(id)).sort());
      const where = folderOfIds(sim, ids);
      for (const id of r.done) expect(where[id]).toBe(3);
      for (const id of gone) expect(where[id]).toBeNull();
      const actions = actionRequests(sim, from);
      expect(actions.map((a) => [a.ids, a.fault ?? 'ok'])).toEqual([
        [100, 'mail.NO_SUCH_ITEM'],
        [99, 'mail.NO_SUCH_ITEM'],
        [98, 'ok'],
      ]);
    });

    it('move: an id vanished (mail.NO_SUCH_MSG): the rest of the batch still moves', async () => {
      const ids = inboxIds(50);
      sim.faults.vanish([ids[0]!]);
      const r = await call<BatchResult>('mailbox.move', '2', ids, '257');
      expect(r.failed).toEqual([{ id: ids[0], code: 'not-found' }]);
      expect(r.done).toHaveLength(49);
      for (const id of r.done) expect(sim.mailbox.messages.get(Number(id))!.folderId).toBe(257);
      expect(r.newRefs![ids[1]!]).toEqual({ folderId: '257', id: ids[1] });
      // A target folder that does not exist: nothing moves, every id says not-found.
      const r2 = await call<BatchResult>('mailbox.move', '257', ids.slice(1, 5), '99999');
      expect(r2.done).toEqual([]);
      expect(r2.failed.map((f) => f.code)).toEqual(['not-found', 'not-found', 'not-found', 'not-found']);
      for (const id of ids.slice(1, 5)) expect(sim.mailbox.messages.get(Number(id))!.folderId).toBe(257);
    });

    it('delete: the server would list a vanished id as deleted; the adapter says not-found', async () => {
      const trash = [...sim.mailbox.messages.values()].filter((m) => m.folderId === 3).slice(0, 20).map((m) => String(m.id));
      sim.faults.vanish([trash[5]!]);
      const r = await call<BatchResult>('mailbox.deleteForever', '3', trash);
      expect(r.failed).toEqual([{ id: trash[5], code: 'not-found' }]);
      expect(r.done).toHaveLength(19);
      for (const id of trash) expect(sim.mailbox.messages.has(Number(id))).toBe(false);
    });

    it('a cut connection: the adapter asks where the messages are and reports network for what did not move', async () => {
      const ids = inboxIds(40);
      sim.faults.dropConnection('MsgActionRequest');
      const r = await call<BatchResult>('mailbox.moveToTrash', '2', ids);
      expect(r.done).toEqual([]);
      expect([...new Set(r.failed.map((f) => f.code))]).toEqual(['network']);
      expect(Object.values(folderOfIds(sim, ids)).every((f) => f === 2)).toBe(true);
      // The next call works.
      const again = await call<BatchResult>('mailbox.moveToTrash', '2', ids);
      expect(again.done).toHaveLength(40);
    });

    it('busy emptying, permission denied, quota of an unlimited mailbox', async () => {
      sim.faults.failNext('FolderActionRequest', 'service.ALREADY_IN_PROGRESS');
      await expect(call('mailbox.emptyFolder', '3')).rejects.toMatchObject({ code: 'busy' });
      expect([...sim.mailbox.messages.values()].some((m) => m.folderId === 3)).toBe(true);
      // The page's own features (the quota meter after the moves above) may send a GetFolderRequest at the same
      // moment and take the fault: then try again, and only then (at most twice).
      const getFolders = () => sim.requestLog.filter((e) => e.request === 'GetFolderRequest').length;
      for (let attempt = 0; ; attempt++) {
        const before = getFolders();
        sim.faults.failNext('GetFolderRequest', 'service.PERM_DENIED');
        const r = await call('folders').then(
          () => null,
          (e: unknown) => e,
        );
        if (r !== null) {
          expect(r).toMatchObject({ code: 'forbidden' });
          break;
        }
        expect(getFolders() - before, 'the fault went to another GetFolderRequest').toBeGreaterThan(1);
        expect(attempt).toBeLessThan(2);
      }
      sim.mailbox.quotaBytes = 0;
      expect(await call('quota.read')).toMatchObject({ usedBytes: sim.mailbox.used, limitBytes: null });
    });

    it('never sent more than 100 ids in one action, and nothing left 127.0.0.1', () => {
      expect(Math.max(...actionRequests(sim).map((a) => a.ids))).toBeLessThanOrEqual(100);
      s.assertNoForeignRequests();
    });
  });
}
