/**
 * The Medimail adapter in both real browsers, on the Medimail stand-in (the shared realistic mailbox cut at 90 days),
 * called through the test bridge as features call it, and compared with the stand-in's truth: detection, the account
 * and its MSSanté correspondence, folders, whole folders paged through, the raw download rebuilt from the page with
 * each document's bytes checked, the compose signature, an ended session, and the notice on a changed page.
 */
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { listDate, startMedimailSim, truthOf, type MedimailSim } from '../../servers/medimail-sim/index';
import type { Folder, MessageSummary } from '../../../lib/webmail/types';
import type { StateView } from '../zimbra/helpers';
import { expectReconstruction, loginMedimail, waitForAdapter } from './helpers';
import { shadowQuery } from '../signature/helpers';

const DAY = 86_400_000;

for (const kind of BROWSERS) {
  describe(`Medimail adapter in ${kind}`, () => {
    let s: Session;
    let sim: MedimailSim;
    let page: Page;
    let t0 = 0;

    beforeAll(async () => {
      t0 = Date.now();
      sim = await startMedimailSim({ seed: 5, pageSize: 50 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginMedimail(s, page, sim);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      console.log(`[medimail adapter ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);
    const inFolder = (id: number) => sim.mailbox.inFolder(id);

    it('detects Medimail from the page and reads the account: the MSSanté correspondence is the BAL', async () => {
      const st = await s.call<StateView>(page, 'state');
      expect(st.detection).toEqual({ kind: 'medimail', page: 'mail', supported: true });
      expect(st.mounted).not.toContain('quota-meter');
      expect(st.failed).toEqual([]);
      expect(await call('account')).toEqual({ address: sim.mssanteAddress, medimailAddress: sim.address, displayName: sim.name });
      expect(await call('recognition')).toEqual({ ok: true, missing: [] });
    });

    it('shows a retention meter, not a quota: 90 days, the messages that pass that age within 7 days in all folders', async () => {
      await page.waitForSelector('[data-balise="quota"][data-state="ok"]', { timeout: 30_000 });
      const attrs = await page.$eval('[data-balise="quota"]', (h) => ({
        days: h.getAttribute('data-retention-days'),
        count: h.getAttribute('data-expiring-count'),
        used: h.getAttribute('data-used-bytes'),
      }));
      const expiring = (at: number) => [...sim.mailbox.messages.values()].filter((m) => m.date < at - 83 * DAY).length;
      expect(attrs.days).toBe('90');
      expect(attrs.used).toBeNull();
      const n = Number(attrs.count);
      expect(n).toBeGreaterThan(0);
      expect(n).toBeGreaterThanOrEqual(expiring(t0));
      expect(n).toBeLessThanOrEqual(expiring(Date.now()));
      const st = await s.call<StateView>(page, 'state');
      expect(st.mounted).toContain('retention-meter');
      expect(st.mounted).not.toContain('quota-meter');
      // Balise cannot move messages there: no cleanup panel that could never apply.
      expect(st.mounted).not.toContain('cleanup');

      // One notification, a few days (3) before the first deletion, whatever the number of page loads.
      const firstExpiry = Math.min(...[...sim.mailbox.messages.values()].map((m) => m.date)) + 90 * DAY;
      expect(firstExpiry - Date.now()).toBeLessThan(3 * DAY); // the seed has a message that goes within 3 days
      const expiryNotices = async () =>
        (await s.call<{ address: string; level: string; message: string }[]>(page, 'quota-notifications')).filter((x) => x.level === 'expiry');
      for (let i = 0; i < 50 && (await expiryNotices()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const first = await expiryNotices();
      expect(first.map((x) => x.address)).toEqual([sim.mssanteAddress]);
      expect(first[0]!.message).toMatch(new RegExp(`${String(n)} (messages|message)`));
      await s.gotoWithBalise(page, `${sim.url}?m=liste&f=1&o=date&p=1`);
      await page.waitForSelector('[data-balise="quota"][data-state="ok"]', { timeout: 30_000 });
      await new Promise((r) => setTimeout(r, 500)); // the report of this page's count has reached the background
      expect(await expiryNotices()).toHaveLength(1);
    });

    it('lists the four default folders and the sub-folder with their counts', async () => {
      const folders = await call<Folder[]>('folders');
      const truth = truthOf(sim).folders;
      const byId = (a: (string | number)[], b: (string | number)[]) => Number(a[0]) - Number(b[0]);
      expect(folders.map((f) => [f.id, f.name, f.role, f.count, f.depth]).sort(byId)).toEqual(
        truth.map((t) => [String(t.id), t.name, t.role, t.count, t.parent === null ? 0 : 1]).sort(byId),
      );
      expect(folders.find((f) => f.id === '157')).toMatchObject({ path: 'Boîte de réception/Patients' });
      expect(folders.every((f) => f.bytes === null)).toBe(true);
    });

    it('pages through a whole folder: ids, dates to the second, read marks and paper clips as the truth', async () => {
      const truth = inFolder(1);
      expect(truth.length).toBeGreaterThan(2 * sim.pageSize);
      const all = (await call<MessageSummary[][]>('search', { folderId: '1', sort: 'dateDesc' })).flat();
      // A list date in the hour that October's clock change repeats ('2026-10-25 02:25:58', no offset) names two
      // instants: the adapter takes the earlier one, an hour before the truth when the message came in the second.
      // The seed's dates follow the clock, so whether a message falls in that hour depends on when the test runs:
      // the expected order is the truth's, re-sorted (stably) by the instant the adapter can know.
      const wall = (t: number) => listDate(t);
      const knowable = (d: number) => {
        const t = Math.floor(d / 1000) * 1000;
        return wall(t) === wall(t - 3_600_000) ? t - 3_600_000 : t;
      };
      const expectedOrder = truth.map((m, i) => ({ id: String(m.id), at: knowable(m.date), i })).sort((a, b) => b.at - a.at || a.i - b.i);
      expect(all.map((m) => m.ref.id)).toEqual(expectedOrder.map((x) => x.id));
      const byId = new Map(truth.map((m) => [String(m.id), m]));
      truth.splice(0, truth.length, ...all.map((m) => byId.get(m.ref.id)!));
      const off = all.map((m, i) => {
        const t = Math.floor(truth[i]!.date / 1000) * 1000;
        return m.date === t ? 0 : m.date === t - 3_600_000 && wall(t) === wall(t - 3_600_000) ? 0 : m.date! - t;
      });
      expect(off.filter((d) => d !== 0)).toEqual([]);
      expect(all.map((m) => m.unread)).toEqual(truth.map((m) => m.unread));
      expect(all.map((m) => m.hasAttachment)).toEqual(truth.map((m) => m.attachments.length > 0));
      expect(all.map((m) => m.subject)).toEqual(truth.map((m) => m.subject));
      // What crosses the 90-day line within a week, across every folder (what a retention meter counts).
      const line = Date.now() - 83 * DAY;
      let expiring = 0;
      for (const f of truthOf(sim).folders) {
        const old = (await call<MessageSummary[][]>('search', { folderId: String(f.id), before: line, sort: 'dateAsc' })).flat();
        expect(old.map((m) => m.ref.id)).toEqual(inFolder(f.id).filter((m) => m.date < line).sort((a, b) => a.date - b.date || a.id - b.id).map((m) => String(m.id)));
        expiring += old.length;
      }
      expect(expiring).toBeGreaterThan(0);
      await expect(call('search', { folderId: '1', sort: 'sizeDesc' })).rejects.toMatchObject({ code: 'unsupported' });
    });

    it('rebuilds raw messages from the page, every document byte for byte as the server holds it', async () => {
      const all = [...sim.mailbox.messages.values()];
      const picks = [
        all.find((m) => m.attachments.some((a) => a.filename === 'IHE_XDM.ZIP'))!,
        all.find((m) => m.attachments.some((a) => /\.pdf$/i.test(a.filename)) && m.attachments.length > 1)!,
        all.find((m) => m.attachments.length === 0)!,
      ];
      for (const m of picks) {
        const got = await call<{ base64: string; length: number }>('rawMessage', { folderId: String(m.folderId), id: String(m.id) });
        const bytes = Buffer.from(got.base64, 'base64');
        expect(bytes.length).toBe(got.length);
        await expectReconstruction(m, bytes);
        expect(m.unread).toBe(false); // opening a message marks it read in Medimail: the adapter reads as the user would
      }
      await expect(call('rawMessage', { folderId: '1', id: '999999' })).rejects.toMatchObject({ code: 'not-found' });
    });

    it('writes, replaces and removes the signature in the compose form, never twice', async () => {
      await s.gotoWithBalise(page, `${sim.url}?m=nouveau`);
      const st = await waitForAdapter(s, page);
      expect(st.detection).toMatchObject({ kind: 'medimail', page: 'compose', supported: true });
      const compose = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'compose', method, ...args);
      await page.type('#destinataires', 'dr.roux@medecin.mssante.fr, 1850275123456 78@patient.mssante.fr');
      await page.type('#objet', 'Courrier');
      const [ed] = await compose<{ id: string; mode: string; fromAddress: string; recipients: string[]; attachmentsBytes: number; hasSignature: boolean; subject: string }[]>('list');
      expect(ed).toMatchObject({ mode: 'html', fromAddress: sim.mssanteAddress, attachmentsBytes: 0, hasSignature: false, subject: 'Courrier' });
      expect(ed!.recipients).toContain('dr.roux@medecin.mssante.fr');
      const blocks = () => page.evaluate(() => Array.from(document.querySelectorAll('[contenteditable] [data-balise-signature]')).map((b) => b.textContent ?? ''));
      await compose('setSignature', ed!.id, { html: '<b>Dr Martin Durand</b><br>Médecin généraliste<img src=x onerror=alert(1)>', text: 'Dr Martin Durand' });
      await compose('setSignature', ed!.id, { html: '<b>Dr Martin Durand</b><br>Médecin généraliste', text: 'Dr Martin Durand' });
      expect(await blocks()).toEqual(['-- Dr Martin DurandMédecin généraliste']);
      expect(await page.evaluate(() => document.querySelectorAll('[contenteditable] img').length)).toBe(0);
      await compose('setSignature', ed!.id, { html: 'Dr M. Durand – Cabinet', text: 'Dr M. Durand' });
      expect(await blocks()).toEqual(['-- Dr M. Durand – Cabinet']);
      expect((await compose<{ hasSignature: boolean }[]>('list'))[0]!.hasSignature).toBe(true);
      await compose('removeSignature', ed!.id);
      expect(await blocks()).toEqual([]);
      await compose('setSubject', ed!.id, '[FIN]');
      expect(await page.$eval('#objet', (i) => (i as HTMLInputElement).value)).toBe('[FIN]');
    });

    /**
     * The adapter keeps the list pages it read for 10 s, and the retention meter reads every folder's first and last
     * pages when a mail page loads (later in Firefox than in Chromium). A compose page has no retention meter: there,
     * a fresh adapter has read no list page, and every call asks the server (no waiting for the meter's pages to age
     * out).
     */
    const onFreshAdapter = async () => {
      await s.gotoWithBalise(page, `${sim.url}?m=nouveau`);
      const st = await waitForAdapter(s, page);
      expect(st.mounted).not.toContain('retention-meter');
    };

    it('says the session is over when Medimail sends its requests to the login page', async () => {
      await onFreshAdapter();
      sim.expireSessions();
      await expect(call('search', { folderId: '1', sort: 'dateDesc' })).rejects.toMatchObject({ code: 'auth-expired' });
      await expect(call('rawMessage', { folderId: '2', id: String(inFolder(2)[0]!.id) })).rejects.toMatchObject({ code: 'auth-expired' });
      await loginMedimail(s, page, sim);
    });

    it('shows only a small notice on a list page it does not recognise', async () => {
      for (const [alteration, part] of [['row-without-id', 'rowId'], ['no-pagination', 'pagination']] as const) {
        sim.alter(alteration);
        await s.gotoWithBalise(page, `${sim.url}?m=liste&f=1&o=date&p=1`);
        const st = await waitForAdapter(s, page);
        expect(st.detection).toEqual({ kind: 'medimail', page: 'mail', supported: false, unsupportedReason: 'unrecognised' });
        expect(st.mounted).toEqual(['unrecognised']);
        await page.waitForSelector('[data-balise="unrecognised"]');
        const notice = await shadowQuery(page, 'unrecognised', '[role="status"] strong');
        expect(notice.count).toBe(1);
        // The browser's language picks the catalog: French, or English in an English browser.
        expect(notice.texts[0]).toMatch(/^(Balise ne reconnaît pas cette page Medimail : |Balise does not recognise this Medimail page: )\S/);
        expect(await page.$eval('[data-balise="unrecognised"]', (h) => h.getAttribute('data-missing'))).toBe(part);
        expect(await call('recognition')).toEqual({ ok: false, missing: [part] });
      }
      sim.alter(null);
      await s.gotoWithBalise(page, `${sim.url}?m=liste&f=1&o=date&p=1`);
      await waitForAdapter(s, page);
      expect(await page.$('[data-balise="unrecognised"]')).toBeNull();
      // A page fetched later (paging) that changed: the call fails plainly and the notice appears. On a fresh adapter
      // that has read no list page, so that the search asks the server.
      await onFreshAdapter();
      expect(await page.$('[data-balise="unrecognised"]')).toBeNull();
      sim.alter('no-pagination');
      await expect(call('search', { folderId: '1', sort: 'dateDesc' })).rejects.toMatchObject({ code: 'invalid-response' });
      await page.waitForSelector('[data-balise="unrecognised"]', { timeout: 40_000 });
      sim.alter(null);
      s.assertNoForeignRequests();
    });
  });
}
