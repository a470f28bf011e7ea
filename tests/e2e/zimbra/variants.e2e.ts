/**
 * The other pages and versions Balise meets on a Zimbra host, in both browsers:
 * - the Modern UI (/modern/): recognised, and shown as not supported (nothing is attempted);
 * - the login page; an 8.8.15 server before patch 4 (no localStorage.csrfToken: the token comes from the page's
 *   inline script, read as text); an English account; an unlimited quota;
 * - the host's own quota display refreshing after another client's action (quota.onHostChange).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import type { Folder, Quota } from '../../../lib/webmail/types';
import { loginZimbra, waitForAdapter, waitForShell, type StateView } from './helpers';

for (const kind of BROWSERS) {
  describe(`Zimbra pages and versions in ${kind}`, () => {
    let s: Session;
    let page: Page;
    const sims: ZimbraSim[] = [];
    let t0 = 0;
    const sim = async (o: Parameters<typeof startZimbraSim>[0]) => {
      const x = await startZimbraSim({ profile: 'empty', pollMs: 60_000, ...o });
      sims.push(x);
      return x;
    };

    beforeAll(async () => {
      t0 = Date.now();
      s = await launchWithBalise(kind);
      page = await s.newPage();
    });
    afterAll(async () => {
      await s?.close();
      await Promise.all(sims.map((x) => x.stop()));
      console.log(`[zimbra variants ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    it('recognises the login page', async () => {
      const z = await sim({});
      await page.goto(`${z.url}?loginOp=logout`, { waitUntil: 'load' });
      await s.gotoWithBalise(page, `${z.url}?loginOp=logout`);
      const st = await waitForAdapter(s, page);
      expect(st.detection).toEqual({ kind: 'zimbra', variant: 'classic', page: 'login', supported: true });
      // Logged out: no quota and no mailbox part, and what is left says why.
      expect(await s.call(page, 'webmail-parts')).toEqual({ quota: false, mailbox: false, retention: false });
      await expect(s.call(page, 'webmail', 'account')).rejects.toMatchObject({ code: 'auth-expired' });
    });

    it('shows the Modern UI as not supported, and does nothing there', async () => {
      const z = await sim({ ui: 'modern' });
      await loginZimbra(s, page, z);
      expect(new URL(page.url()).pathname).toBe('/modern/');
      const st = await s.call<StateView>(page, 'state');
      expect(st.detection).toEqual({ kind: 'zimbra', variant: 'modern', page: 'mail', supported: false, unsupportedReason: 'zimbra-modern' });
      const from = z.requestLog.length;
      // Neither a quota nor a mailbox part: nothing can read the quota or move a message here.
      expect(await s.call(page, 'webmail-parts')).toEqual({ quota: false, mailbox: false, retention: false });
      await expect(s.call(page, 'webmail', 'folders')).rejects.toMatchObject({ code: 'unsupported' });
      await expect(s.call(page, 'webmail', 'account')).rejects.toMatchObject({ code: 'unsupported' });
      await expect(s.call(page, 'webmail', 'mailbox.moveToTrash', '2', ['300'])).rejects.toThrow(/no adapter part mailbox/);
      expect(await s.call(page, 'compose', 'list')).toEqual([]);
      // Balise sent nothing to the server from this page.
      expect(z.requestLog.slice(from).filter((e) => e.request !== 'GetInfoRequest' || e.session)).toEqual([]);
    });

    it('8.8.15 before patch 4: no token in localStorage, the page script gives it', async () => {
      const z = await sim({ version: '8.8.15', patch: 3, profile: 'realistic', seed: 2 });
      await loginZimbra(s, page, z);
      expect(await page.evaluate(() => localStorage.getItem('csrfToken'))).toBeNull();
      const st = await s.call<StateView>(page, 'state');
      expect(st.detection).toMatchObject({ variant: 'classic', supported: true, version: '20230425094201_p3' });
      const q = await s.call<Quota>(page, 'webmail', 'quota.read');
      expect(q.usedBytes).toBe(z.mailbox.used);
      const folders = await s.call<Folder[]>(page, 'webmail', 'folders');
      expect(folders.find((f) => f.id === '2')!.count).toBe([...z.mailbox.messages.values()].filter((m) => m.folderId === 2).length);
      expect(z.requestLog.filter((e) => e.fault === 'service.AUTH_REQUIRED')).toEqual([]);
    });

    it('an English account with an unlimited quota', async () => {
      const z = await sim({ locale: 'en', quotaBytes: 0 });
      await loginZimbra(s, page, z);
      await waitForShell(page);
      const q = await s.call<Quota>(page, 'webmail', 'quota.read');
      expect(q).toMatchObject({ usedBytes: z.mailbox.used, limitBytes: null });
      const folders = await s.call<Folder[]>(page, 'webmail', 'folders');
      expect(folders.filter((f) => f.role !== 'other').map((f) => f.name)).toEqual(['Inbox', 'Trash', 'Junk', 'Sent', 'Drafts']);

      // localStorage out of step with the page (the classic client itself sends window.csrfToken, e.g. renewed
      // after two-factor setup): the refused token is followed by the page's own, once.
      await page.evaluate(() => localStorage.setItem('csrfToken', '0_0123456789abcdef0123456789abcdef01234567'));
      const from = z.requestLog.length;
      expect((await s.call<Quota>(page, 'webmail', 'quota.read')).usedBytes).toBe(z.mailbox.used);
      expect(z.requestLog.slice(from).filter((e) => e.request === 'GetInfoRequest' && !e.session).map((e) => e.fault ?? 'ok')).toEqual(['service.AUTH_REQUIRED', 'ok']);
    });

    it('tells when the host redraws its own quota display (another client deleted mail)', async () => {
      const z = await sim({ profile: 'realistic', seed: 4, pollMs: 300 });
      await loginZimbra(s, page, z);
      await waitForShell(page);
      expect(await s.call(page, 'webmail-quota-events', 'start')).toBe(0);
      await new Promise((r) => setTimeout(r, 1000));
      expect(await s.call(page, 'webmail-quota-events', 'count')).toBe(0); // polling alone changes nothing
      const before = await page.$eval('#z_userQuota', (e) => e.getAttribute('aria-label'));
      const biggest = [...z.mailbox.messages.values()].sort((a, b) => b.size - a.size).slice(0, 20).map((m) => m.id);
      z.faults.vanish(biggest);
      await page.waitForFunction((b) => document.getElementById('z_userQuota')!.getAttribute('aria-label') !== b, { timeout: 10_000 }, before);
      const deadline = Date.now() + 5000;
      let n = 0;
      while (Date.now() < deadline && !(n = await s.call<number>(page, 'webmail-quota-events', 'count'))) await new Promise((r) => setTimeout(r, 100));
      expect(n).toBeGreaterThanOrEqual(1);
      expect((await s.call<Quota>(page, 'webmail', 'quota.read')).usedBytes).toBe(z.mailbox.used);
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });
}
