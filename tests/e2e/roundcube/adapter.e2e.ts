/**
 * The Roundcube adapter in both real browsers, on the real Roundcube 1.6.5 + Dovecot 2.3 environment (realistic
 * seeded mailbox), called through the test bridge exactly as features call it. Every figure is compared with
 * Dovecot's own answer (doveadm), and Roundcube's stored preferences are checked untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { deliver, seedMailbox, startRoundcube, startDuration, type RoundcubeEnv, type SeedResult } from '../../servers/roundcube/index';
import { folderStatus, listMessages, quota as quotaTruth, rawMessage, readManifest, roundcubePrefs, search as truthSearch } from '../../servers/roundcube/truth';
import type { Account, BatchResult, Folder, MessageSummary, Quota } from '../../../lib/webmail/types';
import { byMessageId, loginWithBalise, sec, waitForAdapter, type StateView } from './helpers';

const DAY = 86_400_000;
const timings: string[] = [];

describe('Roundcube adapter', () => {
  let env: RoundcubeEnv;

  beforeAll(async () => {
    const t0 = performance.now();
    env = await startRoundcube({ profile: 'empty' });
    timings.push(`environment start ${sec(startDuration(env) ?? performance.now() - t0)}`);
  });
  afterAll(async () => {
    await env?.stop();
    console.log(`[roundcube adapter] ${timings.join(', ')}`);
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      let seeded: SeedResult;
      const t0 = Date.now();

      beforeAll(async () => {
        seeded = await seedMailbox(env, { profile: 'realistic', seed: 1 });
        timings.push(`${kind}: seed ${sec(seeded.ms)}`);
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await loginWithBalise(s, page, env);
      });
      afterAll(async () => {
        await s?.close();
        timings.push(`${kind}: suite ${sec(Date.now() - t0)}`);
      });

      const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);
      const search = async (q: Record<string, unknown>, opts?: Record<string, unknown>) => (await call<MessageSummary[][]>('search', q, opts)).flat();
      const uidsOf = (l: MessageSummary[]) => l.map((m) => Number(m.ref.id)).sort((a, b) => a - b);

      it('detects Roundcube from the page and reads the account', async () => {
        const st = await s.call<StateView>(page, 'state');
        expect(st.detection).toEqual({ kind: 'roundcube', variant: 'elastic', version: '1.6.5', page: 'mail', supported: true });
        expect(await call<Account>('account')).toEqual({ address: env.address });
      });

      it("reads the quota as Dovecot counts it, and hears Roundcube's own quota refresh", async () => {
        const truth = await quotaTruth(env);
        const q = await call<Quota>('quota.read');
        expect(q).toMatchObject({ usedBytes: truth.usedKiB * 1024, limitBytes: truth.limitKiB! * 1024 });
        // Roundcube rounds usage up to the KiB: within 1 KiB of the bytes Dovecot charges.
        expect(q.usedBytes - truth.usedBytes).toBeGreaterThanOrEqual(0);
        expect(q.usedBytes - truth.usedBytes).toBeLessThan(1024);
        expect(await s.call(page, 'webmail-quota-events', 'start')).toBe(0);
        // The page's own request (Roundcube lists Trash, which sends set_quota): the display changes, we hear it.
        await page.evaluate(`rcmail.list_mailbox('Trash')`);
        await page.waitForFunction(`!rcmail.busy && rcmail.env.mailbox === 'Trash'`);
        await page.waitForFunction(`document.querySelector('#rcmquotadisplay').textContent.includes('%')`);
        await expect.poll(() => s.call<number>(page, 'webmail-quota-events', 'count'), { timeout: 5000 }).toBeGreaterThan(0);
        await page.evaluate(`rcmail.list_mailbox('INBOX')`);
        await page.waitForFunction(`!rcmail.busy && rcmail.env.mailbox === 'INBOX'`);
      });

      it('lists folders with roles, exact counts and sizes within the precision it states', async () => {
        const folders = await call<Folder[]>('folders');
        const truth = await folderStatus(env);
        expect(folders.map((f) => f.id).sort()).toEqual(truth.map((t) => t.name).sort());
        for (const t of truth) {
          const f = folders.find((x) => x.id === t.name)!;
          expect(f.count, t.name).toBe(t.messages);
          expect(f.bytes, t.name).not.toBeNull();
          expect(Math.abs(f.bytes! - t.vsize), `${t.name}: ${f.bytes} ± ${f.bytesPrecision} vs ${t.vsize}`).toBeLessThanOrEqual(f.bytesPrecision);
        }
        expect(folders.find((f) => f.id === 'INBOX')).toMatchObject({ name: 'Boîte de réception', role: 'inbox', depth: 0 });
        expect(Object.fromEntries(folders.map((f) => [f.id, f.role]))).toMatchObject({ Trash: 'trash', Junk: 'junk', Drafts: 'drafts', Sent: 'sent', Patients: 'other' });
        expect(folders.find((f) => f.id === 'Patients/Archives')).toMatchObject({ name: 'Archives', path: 'Patients/Archives', depth: 1 });
      });

      const parisMinute = (ms: number) =>
        new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

      it('searches a whole folder by age exactly as Dovecot does, with sizes and dates within their precision', async () => {
        const prefsBefore = await roundcubePrefs(env);
        const now = Date.now();
        const cutoff = now - 180 * DAY + 12_345; // not on a second boundary on purpose
        const boundary = new Date(Math.ceil(cutoff / 1000) * 1000); // date < T (ms) ⇔ date (s) < ceil(T/1000)
        const old = await search({ folderId: 'INBOX', before: cutoff, sort: 'dateAsc' });
        expect(uidsOf(old)).toEqual(await truthSearch(env, 'INBOX', { before: boundary }));
        expect(old.length).toBeGreaterThan(100); // more than one page of 50
        const recent = await search({ folderId: 'INBOX', since: cutoff, sort: 'dateDesc' });
        expect(uidsOf(recent)).toEqual(await truthSearch(env, 'INBOX', { since: boundary }));
        expect(old.length + recent.length).toBe(seeded.folders.INBOX.messages);

        const truth = new Map((await listMessages(env, 'INBOX')).map((m) => [m.uid, m]));
        const manifest = new Map(readManifest(env).messages.filter((m) => m.folder === 'INBOX').map((m) => [m.uid, m]));
        for (const m of [...old, ...recent]) {
          const t = truth.get(Number(m.ref.id))!;
          expect(Math.abs(m.size - t.vsize), `uid ${m.ref.id}`).toBeLessThanOrEqual(m.sizePrecision);
          // Rows show the Date header (= the received date in this mailbox) to the minute, in the user's time zone.
          // A label in the hour that autumn's clock change repeats ("2025-10-26 02:27") names two instants an hour
          // apart, and Roundcube prints no offset: either is a right reading.
          const minute = Math.floor(t.internalDate.getTime() / 60_000) * 60_000;
          const repeatedHour = Math.abs(m.date! - minute) === 3_600_000 && parisMinute(m.date!) === parisMinute(minute);
          if (!repeatedHour) expect(m.date, `uid ${m.ref.id} ${m.dateLabel}`).toBe(minute);
          expect(m.unread).toBe(!t.flags.seen);
          expect(m.flagged).toBe(t.flags.flagged);
          expect(m.hasAttachment).toBe(manifest.get(t.uid)!.attachments.length > 0);
          expect(m.subject).toBe(manifest.get(t.uid)!.subject);
          expect(m.from).toContain(manifest.get(t.uid)!.from);
        }
        const dates = old.map((m) => m.date!);
        expect(dates).toEqual([...dates].sort((a, b) => a - b));
        const rdates = recent.map((m) => m.date!);
        expect(rdates).toEqual([...rdates].sort((a, b) => b - a));
        expect(await roundcubePrefs(env)).toEqual(prefsBefore);
      });

      it('searches by size, flags, attachment and content (a superset, never a subset)', async () => {
        const prefsBefore = await roundcubePrefs(env);
        const big = await search({ folderId: 'INBOX', largerThan: 1_000_000, hasAttachment: true, sort: 'sizeDesc' });
        expect(uidsOf(big)).toEqual(await truthSearch(env, 'INBOX', { larger: 1_000_000, header: ['Content-Type', 'multipart/mixed'] }));
        expect(big.length).toBeGreaterThan(3);
        const noAtt = await search({ folderId: 'Patients', hasAttachment: false, sort: 'dateDesc' });
        expect(uidsOf(noAtt)).toEqual(await truthSearch(env, 'Patients', { raw: ['NOT', 'HEADER', 'Content-Type', 'multipart/mixed'] }));
        const unread = await search({ folderId: 'Junk', unread: true, sort: 'dateDesc' });
        expect(uidsOf(unread)).toEqual(await truthSearch(env, 'Junk', { seen: false }));
        const flagged = await search({ folderId: 'INBOX', flagged: true, unread: false, sort: 'dateDesc' });
        expect(uidsOf(flagged)).toEqual(await truthSearch(env, 'INBOX', { flagged: true, seen: true }));

        const manifest = readManifest(env).messages.filter((m) => m.folder === 'INBOX');
        const hprim = await search({ folderId: 'INBOX', bodyContainsAny: ['****FIN****'], sort: 'dateDesc' });
        const bodyTruth = await truthSearch(env, 'INBOX', { body: '****FIN****' });
        expect(uidsOf(hprim)).toEqual(await truthSearch(env, 'INBOX', { text: '****FIN****' }));
        expect(uidsOf(hprim)).toEqual(expect.arrayContaining(bodyTruth));
        const xdm = await search({ folderId: 'INBOX', attachmentNameAny: ['IHE_XDM.ZIP'], sort: 'dateDesc' });
        expect(uidsOf(xdm)).toEqual(expect.arrayContaining(manifest.filter((m) => m.attachments.some((a) => a.filename === 'IHE_XDM.ZIP')).map((m) => m.uid)));
        const pdf = await search({ folderId: 'INBOX', attachmentTypeAny: ['application/pdf'], sort: 'dateDesc' });
        expect(uidsOf(pdf)).toEqual(expect.arrayContaining(manifest.filter((m) => m.attachments.some((a) => a.contentType === 'application/pdf')).map((m) => m.uid)));
        const accented = manifest.find((m) => m.attachments.some((a) => /[^\x00-\x7f]/.test(a.filename)))!;
        const name = accented.attachments.find((a) => /[^\x00-\x7f]/.test(a.filename))!.filename;
        const byName = await search({ folderId: 'INBOX', attachmentNameAny: [name], sort: 'dateDesc' });
        expect(uidsOf(byName)).toContain(accented.uid);
        expect(await search({ folderId: 'INBOX', attachmentTypeAny: [], sort: 'dateDesc' })).toEqual([]);
        expect(await roundcubePrefs(env)).toEqual(prefsBefore);
      });

      it('gives the largest messages first over the whole folder, in an order true within the stated precision', async () => {
        const top = await search({ folderId: 'INBOX', sort: 'sizeDesc' }, { limit: 100 });
        expect(top).toHaveLength(100);
        const truth = await listMessages(env, 'INBOX');
        const size = new Map(truth.map((m) => [m.uid, m.vsize]));
        const chosen = new Set(top.map((m) => Number(m.ref.id)));
        const maxPrec = Math.max(...top.map((m) => m.sizePrecision));
        const minTop = Math.min(...top.map((m) => size.get(Number(m.ref.id))!));
        for (const m of truth) if (!chosen.has(m.uid)) expect(m.vsize).toBeLessThanOrEqual(minTop + 2 * maxPrec);
        for (let i = 1; i < top.length; i++) expect(top[i - 1]!.size).toBeGreaterThanOrEqual(top[i]!.size);
        // The biggest one is the biggest one.
        expect(Number(top[0]!.ref.id)).toBe([...truth].sort((a, b) => b.vsize - a.vsize)[0]!.uid);
      });

      it("leaves Roundcube's session where the page is (its next list opens on the page it shows)", async () => {
        await page.evaluate(`rcmail.list_mailbox()`);
        await page.waitForFunction(`!rcmail.busy`);
        const shown = await page.evaluate(`({ page: rcmail.env.current_page, mbox: rcmail.env.mailbox, first: String(rcmail.message_list.get_first_row()) })`);
        expect(shown).toEqual({ page: 1, mbox: 'INBOX', first: String(seeded.folders.INBOX.uidnext - 1) });
      });

      it('downloads raw messages byte for byte without marking them read', async () => {
        const truth = await listMessages(env, 'INBOX');
        const unread = truth.filter((m) => !m.flags.seen);
        const picks = [[...truth].sort((a, b) => b.vsize - a.vsize)[0]!, [...truth].sort((a, b) => a.vsize - b.vsize)[0]!, unread[0]!, unread[1]!];
        for (const m of picks) {
          const got = await call<{ base64: string; length: number }>('rawMessage', { folderId: 'INBOX', id: String(m.uid) });
          const want = await rawMessage(env, 'INBOX', m.uid);
          expect(got.length).toBe(want.length);
          expect(Buffer.from(got.base64, 'base64').equals(want)).toBe(true);
        }
        const after = new Map((await listMessages(env, 'INBOX')).map((m) => [m.uid, m]));
        for (const m of unread.slice(0, 2)) expect(after.get(m.uid)!.flags.seen).toBe(false);
        await expect(call('rawMessage', { folderId: 'INBOX', id: '999999' })).rejects.toMatchObject({ code: 'not-found' });
        await expect(call('rawMessage', { folderId: 'INBOX', id: '12-INBOX' })).rejects.toMatchObject({ code: 'not-found' });
      });

      it('moves 500 messages to the trash in one call, with their new UIDs, checked in Dovecot by Message-ID', async () => {
        const prefsBefore = await roundcubePrefs(env);
        const inbox = await listMessages(env, 'INBOX');
        const batch = inbox.slice(0, 500);
        const ids = [...batch.map((m) => String(m.uid)), '999999'];
        const t = performance.now();
        const res = await call<BatchResult>('mailbox.moveToTrash', 'INBOX', ids.slice(0, 500));
        timings.push(`${kind}: moveToTrash(500) ${sec(performance.now() - t)}`);
        expect(res.done.sort()).toEqual(batch.map((m) => String(m.uid)).sort());
        expect(res.failed).toEqual([]);
        const inboxNow = await byMessageId(env, 'INBOX');
        const trashNow = await byMessageId(env, 'Trash');
        for (const m of batch) {
          expect(inboxNow.has(m.messageId)).toBe(false);
          const moved = trashNow.get(m.messageId)!;
          expect(moved).toBeDefined();
          expect(res.newRefs![String(m.uid)]).toEqual({ folderId: 'Trash', id: String(moved.uid) });
        }
        expect(inboxNow.size).toBe(inbox.length - 500);

        // A UID that is not there is reported, never counted as moved.
        const ghost = await call<BatchResult>('mailbox.moveToTrash', 'INBOX', ['999999', String(inbox[600]!.uid)]);
        expect(ghost.failed).toEqual([{ id: '999999', code: 'not-found' }]);
        expect(ghost.done).toEqual([String(inbox[600]!.uid)]);
        expect((await byMessageId(env, 'Trash')).get(inbox[600]!.messageId)!.uid).toBe(Number(ghost.newRefs![String(inbox[600]!.uid)]!.id));

        // Undo: back to the inbox from the trash with the new ids.
        const back = batch.slice(0, 20).map((m) => res.newRefs![String(m.uid)]!.id);
        const undo = await call<BatchResult>('mailbox.move', 'Trash', back, 'INBOX');
        expect(undo.done.sort()).toEqual([...back].sort());
        const inboxAfter = await byMessageId(env, 'INBOX');
        for (const m of batch.slice(0, 20)) expect(inboxAfter.get(m.messageId)!.uid).toBe(Number(undo.newRefs![res.newRefs![String(m.uid)]!.id]!.id));
        // More than a request may carry (5,000 ids, or a UID set too scattered for an 8 KB request line): refused,
        // nothing moved.
        const countBefore = (await listMessages(env, 'INBOX')).length;
        await expect(call('mailbox.moveToTrash', 'INBOX', Array.from({ length: 5001 }, (_, i) => String(i + 1)))).rejects.toMatchObject({ code: 'unsupported' });
        await expect(call('mailbox.moveToTrash', 'INBOX', Array.from({ length: 700 }, (_, i) => String(1_000_000 + 2 * i)))).rejects.toMatchObject({ code: 'unsupported' });
        expect((await listMessages(env, 'INBOX')).length).toBe(countBefore);
        expect(await roundcubePrefs(env)).toEqual(prefsBefore);
      });

      it('deletes exact ids for good, then empties the trash and the junk folder', async () => {
        const trash = await listMessages(env, 'Trash');
        const victims = trash.slice(0, 5);
        const del = await call<BatchResult>('mailbox.deleteForever', 'Trash', [...victims.map((m) => String(m.uid)), '999998']);
        expect(del.done.sort()).toEqual(victims.map((m) => String(m.uid)).sort());
        expect(del.failed).toEqual([{ id: '999998', code: 'not-found' }]);
        const left = await byMessageId(env, 'Trash');
        for (const m of victims) expect(left.has(m.messageId)).toBe(false);
        expect(left.size).toBe(trash.length - 5);

        const junk = await listMessages(env, 'Junk');
        await call('mailbox.emptyFolder', 'Junk');
        const trashNow = await byMessageId(env, 'Trash');
        expect((await listMessages(env, 'Junk')).length).toBe(0);
        for (const m of junk) expect(trashNow.has(m.messageId)).toBe(true);

        // A subfolder of the trash goes to the trash (Roundcube's purge would delete it for good).
        await env.doveadm(['mailbox', 'create', '-u', env.user, 'Trash/Ancien']);
        const raws = [0, 1, 2].map((i) => Buffer.from(`Message-ID: <ancien-${i}-${kind}@balise.test>\r\nSubject: ancien ${i}\r\nFrom: a@b.fr\r\n\r\ncorps\r\n`));
        for (const r of raws) await deliver(env, 'Trash/Ancien', r);
        await call('mailbox.emptyFolder', 'Trash/Ancien');
        expect((await listMessages(env, 'Trash/Ancien')).length).toBe(0);
        const withOld = await byMessageId(env, 'Trash');
        for (let i = 0; i < 3; i++) expect(withOld.has(`ancien-${i}-${kind}@balise.test`)).toBe(true);
        await env.doveadm(['mailbox', 'delete', '-u', env.user, 'Trash/Ancien']);

        const before = await quotaTruth(env);
        const trashBytes = (await folderStatus(env)).find((f) => f.name === 'Trash')!.vsize;
        await call('mailbox.emptyFolder', 'Trash');
        expect((await listMessages(env, 'Trash')).length).toBe(0);
        const after = await quotaTruth(env);
        expect(before.usedBytes - after.usedBytes).toBe(trashBytes);
        const q = await call<Quota>('quota.read');
        expect(q.usedBytes).toBe(after.usedKiB * 1024);
      });

      it('tells the settings and mail pages apart and finds its mount points in the page', async () => {
        await s.gotoWithBalise(page, `${env.url}?_task=settings`);
        expect((await waitForAdapter(s, page)).detection).toEqual({ kind: 'roundcube', variant: 'elastic', version: '1.6.5', page: 'settings', supported: true });
        const place = await page.evaluate(() => !!document.querySelector('#quotadisplay, #rcmquotadisplay, .header-title.username, .username'));
        expect((await call('uiAnchor', 'quota')) !== null).toBe(place);
        await s.gotoWithBalise(page, env.url);
        expect((await waitForAdapter(s, page)).detection).toMatchObject({ page: 'mail' });
        expect(await call('uiAnchor', 'quota')).toMatchObject({ placement: 'after' });
        expect(await call('uiAnchor', 'toolbar')).toMatchObject({ placement: 'append' });
      });

      it('says what went wrong: a missing folder, a lost session', async () => {
        await expect(search({ folderId: 'NoSuchFolder', sort: 'dateDesc' })).rejects.toMatchObject({ code: 'not-found' });
        const other = await s.newPage();
        await other.goto(`${env.url}?_task=logout&_token=${await page.evaluate('rcmail.env.request_token')}`, { waitUntil: 'load' });
        await other.close();
        await expect(call('quota.read')).rejects.toMatchObject({ code: 'auth-expired' });
        await expect(search({ folderId: 'INBOX', sort: 'dateDesc' })).rejects.toMatchObject({ code: 'auth-expired' });
        await expect(call('mailbox.moveToTrash', 'INBOX', ['1'])).rejects.toMatchObject({ code: 'auth-expired' });
        // The login page is Roundcube too, with nothing to do.
        await s.gotoWithBalise(page, env.url);
        expect((await waitForAdapter(s, page)).detection).toMatchObject({ kind: 'roundcube', page: 'login', supported: true });
        // No quota and no mailbox part there.
        expect(await s.call(page, 'webmail-parts')).toEqual({ quota: false, mailbox: false, retention: false });
        await expect(call('folders')).rejects.toMatchObject({ code: 'unsupported' });
      });

      it('made no request to any host but 127.0.0.1', () => {
        s.assertNoForeignRequests();
      });
    });
  }
});
