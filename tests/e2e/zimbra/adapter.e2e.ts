/**
 * The Zimbra classic adapter in both real browsers, on the Zimbra simulator (realistic seeded mailbox), called
 * through the test bridge exactly as features call it. Every figure is compared with the simulator's own truth
 * (its mailbox in this process, and its request log).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import type { Folder, MessageSummary, Quota, BatchResult, Account } from '../../../lib/webmail/types';
import { actionRequests, loginZimbra, waitForShell, type StateView } from './helpers';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const DAY = 86_400_000;

for (const kind of BROWSERS) {
  describe(`Zimbra classic adapter in ${kind}`, () => {
    let s: Session;
    let sim: ZimbraSim;
    let page: Page;
    let t0 = 0;

    beforeAll(async () => {
      t0 = Date.now();
      sim = await startZimbraSim({ profile: 'realistic', seed: 11, now: NOW, pollMs: 500 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      console.log(`[zimbra adapter ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);
    const inFolder = (id: number) => [...sim.mailbox.messages.values()].filter((m) => m.folderId === id);

    it('detects the classic client from the page and reads the account', async () => {
      const st = await s.call<StateView>(page, 'state');
      expect(st.detection).toEqual({ kind: 'zimbra', variant: 'classic', page: 'mail', supported: true, version: '20240610093316' });
      const account = await call<Account>('account');
      expect(account).toEqual({ address: sim.address, displayName: 'Dr Martin Durand' });
    });

    it('reads the quota exactly as GetInfo gives it (used, zimbraMailQuota)', async () => {
      const q = await call<Quota>('quota.read');
      expect(q.usedBytes).toBe(sim.mailbox.used);
      expect(q.limitBytes).toBe(200 * 1024 * 1024);
      expect(q.at).toBeGreaterThan(0);
    });

    it('lists the mail folders with exact counts and sizes, names as the page shows them', async () => {
      const folders = await call<Folder[]>('folders');
      const truth = sim.mailbox.snapshot().folders.filter((f) => f.id !== 1 && (f.view === 'message' || f.id === 3));
      expect(folders.map((f) => f.id).sort()).toEqual(truth.map((f) => String(f.id)).sort());
      for (const t of truth) {
        const f = folders.find((x) => x.id === String(t.id))!;
        expect({ count: f.count, bytes: f.bytes, unread: f.unread, precision: f.bytesPrecision }).toEqual({ count: t.n, bytes: t.s, unread: t.u, precision: 0 });
      }
      expect(folders.find((f) => f.id === '2')).toMatchObject({ name: 'Réception', role: 'inbox', path: 'Réception', depth: 0 });
      expect(folders.find((f) => f.id === '3')).toMatchObject({ name: 'Corbeille', role: 'trash' });
      expect(folders.find((f) => f.id === '4')).toMatchObject({ role: 'junk' });
      expect(folders.find((f) => f.id === '258')).toMatchObject({ name: 'Archives', path: 'Patients/Archives', depth: 1, role: 'other' });
      expect(folders.reduce((a, f) => a + f.count, 0)).toBe(sim.mailbox.messages.size);
    });

    it('searches a whole folder by age, exactly as the truth, in the requested order', async () => {
      const cutoff = NOW - 365 * DAY + 12_345; // not on a second boundary on purpose
      const old = (await call<MessageSummary[][]>('search', { folderId: '2', before: cutoff, sort: 'dateAsc' })).flat();
      const truthOld = inFolder(2).filter((m) => m.date < cutoff).sort((a, b) => a.date - b.date || a.id - b.id);
      expect(old.map((m) => m.ref.id).sort()).toEqual(truthOld.map((m) => String(m.id)).sort());
      expect(old.map((m) => m.date)).toEqual(truthOld.map((m) => m.date));
      expect(old.every((m) => m.ref.folderId === '2' && m.sizePrecision === 0)).toBe(true);
      const recent = (await call<MessageSummary[][]>('search', { folderId: '2', since: cutoff, sort: 'dateDesc' })).flat();
      expect(recent.length + old.length).toBe(inFolder(2).length);
      expect(new Set([...recent, ...old].map((m) => m.ref.id)).size).toBe(inFolder(2).length);

      // Sizes, flags and sender of each summary are the message's own.
      for (const m of old.slice(0, 50)) {
        const t = sim.mailbox.messages.get(Number(m.ref.id))!;
        expect({ size: m.size, unread: m.unread, flagged: m.flagged, hasAttachment: m.hasAttachment, subject: m.subject }).toEqual({
          size: t.size,
          unread: t.flags.unread,
          flagged: t.flags.flagged,
          hasAttachment: t.flags.attached,
          subject: t.subject,
        });
      }
    });

    it('finds the largest messages across pages and with criteria, and searches the trash too', async () => {
      const top = (await call<MessageSummary[][]>('search', { folderId: '2', sort: 'sizeDesc' }, { limit: 100 })).flat();
      expect(top).toHaveLength(100);
      const truthSizes = inFolder(2).map((m) => m.size).sort((a, b) => b - a).slice(0, 100);
      expect(top.map((m) => m.size)).toEqual(truthSizes);

      const big = (await call<MessageSummary[][]>('search', { folderId: '2', largerThan: 1024 * 1024, hasAttachment: true, sort: 'sizeDesc' })).flat();
      const truthBig = inFolder(2).filter((m) => m.size > 1024 * 1024 && m.flags.attached);
      expect(big.map((m) => m.ref.id).sort()).toEqual(truthBig.map((m) => String(m.id)).sort());

      const unread = (await call<MessageSummary[][]>('search', { folderId: '257', unread: true, sort: 'dateDesc' })).flat();
      expect(unread.map((m) => m.ref.id).sort()).toEqual(inFolder(257).filter((m) => m.flags.unread).map((m) => String(m.id)).sort());

      const trash = (await call<MessageSummary[][]>('search', { folderId: '3', sort: 'dateDesc' })).flat();
      expect(trash).toHaveLength(inFolder(3).length);
      const junk = (await call<MessageSummary[][]>('search', { folderId: '4', sort: 'dateDesc' })).flat();
      expect(junk).toHaveLength(inFolder(4).length);
      // Paging through everything: the inbox holds more than one page of 1000.
      const all = (await call<MessageSummary[][]>('search', { folderId: '2', sort: 'dateDesc' })).flat();
      expect(all).toHaveLength(inFolder(2).length);
      expect(inFolder(2).length).toBeGreaterThan(1000);
    });

    it('downloads raw messages byte for byte', async () => {
      const withAtt = inFolder(2).filter((m) => m.flags.attached).sort((a, b) => b.size - a.size);
      const picks = [withAtt[0]!, withAtt[withAtt.length - 1]!, inFolder(5)[0]!, inFolder(3)[0]!];
      for (const m of picks) {
        const got = await call<{ base64: string; length: number }>('rawMessage', { folderId: String(m.folderId), id: String(m.id) });
        expect(got.length).toBe(m.raw.length);
        expect(Buffer.from(got.base64, 'base64').equals(m.raw)).toBe(true);
      }
      await expect(call('rawMessage', { folderId: '2', id: '999999' })).rejects.toMatchObject({ code: 'not-found' });
    });

    let moved: string[] = [];
    it('moves 500 messages to the trash in batches of 100, and the simulator agrees', async () => {
      const from = sim.requestLog.length;
      const usedBefore = sim.mailbox.used;
      moved = inFolder(2)
        .sort((a, b) => a.date - b.date)
        .slice(0, 500)
        .map((m) => String(m.id));
      const r = await call<BatchResult>('mailbox.moveToTrash', '2', moved);
      expect(r.failed).toEqual([]);
      expect(r.done.sort()).toEqual([...moved].sort());
      expect(Object.keys(r.newRefs!)).toHaveLength(500);
      expect(r.newRefs![moved[0]!]).toEqual({ folderId: '3', id: moved[0] });
      for (const id of moved) expect(sim.mailbox.messages.get(Number(id))!.folderId).toBe(3);
      const actions = actionRequests(sim, from);
      expect(actions.map((a) => a.ids)).toEqual([100, 100, 100, 100, 100]);
      // Moving to the trash frees nothing: the quota counts the trash.
      expect(sim.mailbox.used).toBe(usedBefore);
      expect((await call<Quota>('quota.read')).usedBytes).toBe(usedBefore);
    });

    it('moves some back (undo) to where they came from', async () => {
      const back = moved.slice(0, 120);
      const r = await call<BatchResult>('mailbox.move', '3', back, '2');
      expect(r.done.sort()).toEqual([...back].sort());
      expect(r.newRefs![back[0]!]).toEqual({ folderId: '2', id: back[0] });
      for (const id of back) expect(sim.mailbox.messages.get(Number(id))!.folderId).toBe(2);
    });

    it('deletes exact ids from the trash, and only those that are in it', async () => {
      const inTrash = inFolder(3).slice(0, 30).map((m) => String(m.id));
      const inInbox = String(inFolder(2)[0]!.id);
      const usedBefore = sim.mailbox.used;
      const freed = inTrash.reduce((a, id) => a + sim.mailbox.messages.get(Number(id))!.size, 0);
      const r = await call<BatchResult>('mailbox.deleteForever', '3', [...inTrash, inInbox]);
      expect(r.done.sort()).toEqual([...inTrash].sort());
      expect(r.failed).toEqual([{ id: inInbox, code: 'not-found' }]);
      for (const id of inTrash) expect(sim.mailbox.messages.has(Number(id))).toBe(false);
      expect(sim.mailbox.messages.get(Number(inInbox))!.folderId).toBe(2);
      expect(sim.mailbox.used).toBe(usedBefore - freed);
    });

    it('empties the junk folder into the trash, then empties the trash for good', async () => {
      const junk = inFolder(4).map((m) => m.id);
      expect(junk.length).toBeGreaterThan(0);
      const from = sim.requestLog.length;
      await call('mailbox.emptyFolder', '4');
      expect(inFolder(4)).toHaveLength(0);
      for (const id of junk) expect(sim.mailbox.messages.get(id)!.folderId).toBe(3);
      expect(actionRequests(sim, from).every((a) => a.ids <= 100)).toBe(true);

      const trashBytes = inFolder(3).reduce((a, m) => a + m.size, 0);
      const usedBefore = sim.mailbox.used;
      await call('mailbox.emptyFolder', '3');
      expect(inFolder(3)).toHaveLength(0);
      expect(sim.mailbox.used).toBe(usedBefore - trashBytes);
      const q = await call<Quota>('quota.read');
      expect(q.usedBytes).toBe(sim.mailbox.used);
      const folders = await call<Folder[]>('folders');
      expect(folders.find((f) => f.id === '3')).toMatchObject({ count: 0, bytes: 0 });
    });

    it('gives the quota and toolbar places of the host page', async () => {
      expect(await call('uiAnchor', 'quota')).toMatchObject({ placement: 'after' });
      expect(await call('uiAnchor', 'toolbar')).toMatchObject({ placement: 'append' });
    });

    it('never sent more than 100 ids in one action, and nothing left 127.0.0.1', () => {
      const all = actionRequests(sim);
      expect(all.length).toBeGreaterThan(5);
      expect(Math.max(...all.map((a) => a.ids))).toBeLessThanOrEqual(100);
      // Every SOAP request of Balise carried the page's CSRF token (else: service.AUTH_REQUIRED in the log).
      expect(sim.requestLog.filter((e) => e.fault === 'service.AUTH_REQUIRED')).toEqual([]);
      s.assertNoForeignRequests();
    });
  });
}
