/**
 * "Mes BAL" in the options page, in both browsers, as a user goes through it: a BAL seen on the webmail (the
 * Zimbra simulator) offered and adopted, identifier checks, a non-MSSanté address warned about but saved, one
 * preferred BAL per situation, the depublish helper, the person's details, a signature template with its
 * preview (a hostile name stays text), and the settings file out and back in (a bad file changes nothing).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { BROWSERS, fill, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { bg, forbidDialogs, openOptions, XSS } from './helpers';

const OTHER = 'dr.durand@gmail.com';

for (const kind of BROWSERS) {
  describe(`My BALs in the options page, ${kind}`, () => {
    let sim: ZimbraSim;
    let s: Session;
    let page: Page;
    let o: Page;
    let tmp = '';
    const dialogs: string[] = [];

    const card = (address: string) => `[data-list="bals"] [data-bal="${address}"]`;
    const checkOf = (name: string) => o.$eval(`[data-form="bal"] [data-check="${name}"]`, (e) => e.getAttribute('data-level')).catch(() => null);
    const waitNotice = (section: string, k: 'ok' | 'error' | 'warn') => o.waitForSelector(`[data-section="${section}"] [data-notice="${k}"]`, { timeout: 10_000 });

    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'balise-reg-'));
      sim = await startZimbraSim({ profile: 'empty', seed: 7, pollMs: 1000 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      o = await openOptions(s, page);
      forbidDialogs(o, dialogs);
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      fs.rmSync(tmp, { recursive: true, force: true });
    });

    it('offers the BAL seen on the webmail and adopts it with its practice situation', async () => {
      await o.waitForSelector('[data-registry-empty]');
      await o.waitForSelector(`[data-list="seen"] [data-seen="${sim.address}"]`);
      await o.click(`[data-seen="${sim.address}"] [data-action="adopt-seen"]`);
      await o.waitForSelector('[data-form="bal"]');
      expect(await o.$eval('#bal-address', (e) => (e as HTMLInputElement).value)).toBe(sim.address);
      await o.select('#bal-kind', 'PER');
      expect(await o.$eval('[data-kind-help="PER"]', (e) => e.textContent)).toBeTruthy();
      await o.type('#bal-situation', 'Cabinet de Nantes');
      await o.type('#bal-structure', 'Cabinet Durand');
      await o.type('#bal-finess', '12345');
      expect(await checkOf('finess')).toBe('error');
      await fill(o, '#bal-finess', '440000289');
      expect(await checkOf('finess')).toBe('ok');
      await o.type('#bal-siret', '73282932000075');
      expect(await checkOf('siret')).toBe('error');
      // Saving with an error is refused, with a message.
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector('[data-form="bal"] [data-notice="error"]');
      await fill(o, '#bal-siret', '732 829 320 00074');
      expect(await checkOf('siret')).toBe('ok');
      // The first BAL of a situation is its preferred one by default.
      expect(await o.$eval('#bal-preferred', (e) => (e as HTMLInputElement).checked)).toBe(true);
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector(`${card(sim.address)}[data-preferred]`);
      expect(await o.$(`[data-seen="${sim.address}"]`)).toBeNull();
      const reg = await bg<{ bals: { address: string; source: string; situation?: { siret?: string; finess?: string } }[] }>(o, 'registry/get');
      expect(reg.bals.find((b) => b.address === sim.address)).toMatchObject({ source: 'user', situation: { finess: '440000289', siret: '73282932000074' } });
    });

    it('sets the trash lifetime and the operator’s retention through the form; editing another field keeps them', async () => {
      type Limits = { attachmentMB?: number; trashLifetimeDays?: number; retentionDays?: number };
      const stored = async () => (await bg<{ bals: { address: string; operator?: string; limits?: Limits }[] }>(o, 'registry/get')).bals.find((b) => b.address === sim.address);
      const summary = () =>
        o.$$eval(`${card(sim.address)} [data-limits] [data-limit]`, (l) => Object.fromEntries(l.map((e) => [e.getAttribute('data-limit'), Number(e.getAttribute('data-value'))])));
      await o.click(`${card(sim.address)} [data-action="edit-bal"]`);
      await o.waitForSelector('[data-form="bal"]');
      expect(await o.$eval('#bal-trash-days', (e) => (e as HTMLInputElement).value)).toBe('');
      // A known operator's value is offered when the field is left empty (Medimail deletes after 90 days).
      const webmail = await o.$eval('#bal-webmail', (e) => (e as HTMLInputElement).value);
      await fill(o, '#bal-webmail', 'https://medimail.mipih.fr');
      expect(await o.$eval('#bal-retention-days', (e) => (e as HTMLInputElement).placeholder)).toBe('90');
      expect(await o.$eval('[data-form="bal"] [data-default="retentionDays"]', (e) => e.textContent)).toMatch(/90/);
      await fill(o, '#bal-webmail', webmail);
      expect(await o.$('[data-form="bal"] [data-default="retentionDays"]')).toBeNull();
      // Not a whole number of days: refused, with a message, nothing saved.
      await o.type('#bal-trash-days', '30,5');
      expect(await checkOf('trash-days')).toBe('error');
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector('[data-form="bal"] [data-notice="error"]');
      expect((await stored())?.limits).toBeUndefined();
      await fill(o, '#bal-trash-days', '30');
      expect(await checkOf('trash-days')).toBeNull();
      await o.type('#bal-retention-days', '90');
      await o.type('#bal-attachment', '15');
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector(`${card(sim.address)} [data-limits]`);
      expect(await summary()).toEqual({ attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 });
      expect((await stored())?.limits).toEqual({ attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 });

      // Edit another field only: the limits stay as they were.
      await o.click(`${card(sim.address)} [data-action="edit-bal"]`);
      await o.waitForSelector('[data-form="bal"]');
      expect(await o.$eval('#bal-trash-days', (e) => (e as HTMLInputElement).value)).toBe('30');
      expect(await o.$eval('#bal-retention-days', (e) => (e as HTMLInputElement).value)).toBe('90');
      await o.type('#bal-operator', 'GCS e-santé');
      await o.click('[data-action="save-bal"]');
      await o.waitForFunction((sel) => document.querySelector(sel)?.textContent?.includes('GCS e-santé'), { polling: 100, timeout: 10_000 }, card(sim.address));
      const afterEdit = await stored();
      expect(afterEdit).toMatchObject({ operator: 'GCS e-santé', limits: { attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 } });

      // Clearing one field removes that limit only.
      await o.click(`${card(sim.address)} [data-action="edit-bal"]`);
      await o.waitForSelector('[data-form="bal"]');
      await fill(o, '#bal-attachment', '');
      await o.click('[data-action="save-bal"]');
      await o.waitForFunction((sel) => !document.querySelector(`${sel} [data-limit="attachmentMB"]`), { polling: 100, timeout: 10_000 }, card(sim.address));
      expect((await stored())?.limits).toEqual({ trashLifetimeDays: 30, retentionDays: 90 });
      expect(await summary()).toEqual({ trashLifetimeDays: 30, retentionDays: 90 });
    });

    it('warns about a non-MSSanté address without blocking, and keeps one preferred BAL per situation', async () => {
      await o.click('[data-action="add-bal"]');
      await o.waitForSelector('[data-form="bal"]');
      await o.type('#bal-address', OTHER);
      expect(await checkOf('address')).toBe('warning');
      await o.type('#bal-situation', 'cabinet de nantes');
      // Not preferred by default: the situation already has one. Choose it.
      expect(await o.$eval('#bal-preferred', (e) => (e as HTMLInputElement).checked)).toBe(false);
      await o.click('#bal-preferred');
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector(`${card(OTHER)}[data-preferred]`);
      expect(await o.$(`${card(sim.address)}[data-preferred]`)).toBeNull();
      // Both are in the same situation group.
      expect(await o.$$eval('[data-list="bals"] .group', (l) => l.length)).toBe(1);

      await o.click(`${card(sim.address)} [data-action="set-preferred"]`);
      await o.waitForSelector(`${card(sim.address)}[data-preferred]`);
      expect(await o.$(`${card(OTHER)}[data-preferred]`)).toBeNull();
    });

    it('an inactive BAL cannot be preferred and gets the depublish helper with a ready out-of-office text', async () => {
      await o.click(`${card(OTHER)} [data-action="edit-bal"]`);
      await o.waitForSelector('[data-form="bal"]');
      await o.select('#bal-status', 'inactive');
      expect(await o.$eval('#bal-preferred', (e) => (e as HTMLInputElement).disabled)).toBe(true);
      await o.type('#bal-operator', 'Opérateur régional');
      await o.click('[data-action="save-bal"]');
      await o.waitForSelector(`${card(OTHER)}[data-status="inactive"]`);
      await o.click(`${card(OTHER)} [data-action="depublish-help"]`);
      const panel = await o.waitForSelector(`${card(OTHER)} [data-panel="depublish"]`);
      const text = await panel!.$eval('[data-autoreply]', (e) => (e as HTMLTextAreaElement).value);
      expect(text).toContain(OTHER);
      expect(text).toContain(sim.address);
      expect(await panel!.evaluate((e) => e.textContent)).toContain('Opérateur régional');
      await o.click(`${card(OTHER)} [data-action="copy-autoreply"]`);
      await o.waitForSelector(`${card(OTHER)} [data-panel="depublish"] [data-notice]`);
    });

    it('checks the RPPS (a wrong key warns, a wrong length blocks) and saves the person’s details', async () => {
      const sec = '[data-section="profile"]';
      await o.type('#profile-prenom', XSS);
      await o.type('#profile-nom', 'Durand');
      await o.type('#profile-rpps', '1234');
      expect(await o.$eval(`${sec} [data-check="rpps"]`, (e) => e.getAttribute('data-level'))).toBe('error');
      await o.click('[data-action="save-profile"]');
      await waitNotice('profile', 'error');
      await fill(o, '#profile-rpps', '10000005478');
      expect(await o.$eval(`${sec} [data-check="rpps"]`, (e) => e.getAttribute('data-level'))).toBe('warning');
      await o.click('[data-action="save-profile"]');
      await waitNotice('profile', 'ok');
      expect((await bg<{ profile: Record<string, string> }>(o, 'registry/get')).profile).toMatchObject({ prenom: XSS, nom: 'Durand', rpps: '10000005478' });
    });

    it('a situation’s signature: preview as text (no markup from the name), saved', async () => {
      await o.select('#sig-situation', 'cabinet de nantes');
      await o.waitForSelector('[data-section="signatures"] [data-info="using-default"]');
      const preview = await o.$eval('[data-preview="html"]', (e) => ({ imgs: e.querySelectorAll('img, script').length, text: e.textContent, links: Array.from(e.querySelectorAll('a')).map((a) => a.getAttribute('href')) }));
      expect(preview.imgs).toBe(0);
      expect(preview.text).toContain(`${XSS} Durand`);
      expect(preview.links).toEqual([`mailto:${sim.address}`]);
      expect(await o.$eval('[data-preview="text"]', (e) => e.textContent)).toContain(`${XSS} Durand`);

      await fill(o, '#sig-text', 'Dr {nom} – {structure}\n');
      await o.click('[data-action="insert-var"][data-var="bal_preferee"]');
      await o.waitForFunction(() => (document.getElementById('sig-text') as HTMLTextAreaElement).value.includes('{bal_preferee}'), { polling: 100 });
      await o
        .waitForFunction((a) => document.querySelector('[data-preview="text"]')!.textContent === `Dr Durand – Cabinet Durand\n${a}`, { polling: 100, timeout: 5000 }, sim.address)
        .catch(async (e) => {
          const seen = await o.evaluate(() => [document.querySelector('[data-preview="text"]')!.textContent, (document.getElementById('sig-text') as HTMLTextAreaElement).value]);
          throw new Error(`${(e as Error).message}: ${JSON.stringify(seen)}`);
        });
      await o.click('[data-action="save-template"]');
      await waitNotice('signatures', 'ok');
      const reg = await bg<{ templates: { situation: string; text: string }[] }>(o, 'registry/get');
      expect(reg.templates).toEqual([expect.objectContaining({ situation: 'Cabinet de Nantes', text: 'Dr {nom} – {structure}\n{bal_preferee}' })]);
    });

    it('settings file: a bad one is refused whole with a plain message, a good one is taken back', async () => {
      const { json } = await bg<{ json: string }>(o, 'transfer/export');
      const file = JSON.parse(json) as { bals: { address: string; preferred: unknown }[]; origins: string[]; version: number };
      expect(file.bals.map((b) => b.address).sort()).toEqual([OTHER, sim.address].sort());
      await o.click('[data-action="export"]');
      await waitNotice('transfer', 'ok');

      const before = await bg(o, 'registry/get');
      const bad = { ...file, bals: file.bals.map((b, i) => (i === 0 ? { ...b, preferred: 'oui' } : b)) };
      const badPath = path.join(tmp, 'bad.json');
      fs.writeFileSync(badPath, JSON.stringify(bad));
      const input = (await o.$('#import-file')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(badPath);
      const err = await waitNotice('transfer', 'error');
      expect(await err!.evaluate((e) => e.textContent)).toMatch(/(BAL|mailbox) › (n°|no\.) 1 › (BAL préférée|preferred mailbox)/);
      expect(await bg(o, 'registry/get')).toEqual(before);

      const newer = path.join(tmp, 'newer.json');
      fs.writeFileSync(newer, JSON.stringify({ ...file, version: 99 }));
      await input.uploadFile(newer);
      await o.waitForFunction(() => /Balise/.test(document.querySelector('[data-section="transfer"] [data-notice="error"]')?.textContent ?? '') , { polling: 100 });

      const good = { ...file, origins: ['http://127.0.0.1:4567'] };
      good.bals = good.bals.filter((b) => b.address === sim.address);
      const goodPath = path.join(tmp, 'good.json');
      fs.writeFileSync(goodPath, JSON.stringify(good));
      await input.uploadFile(goodPath);
      await waitNotice('transfer', 'ok');
      await o.waitForSelector('[data-list="import-origins"] [data-origin="http://127.0.0.1:4567"]');
      // The list reloads after the notice: wait for it to show the imported registry.
      await o.waitForFunction((sel) => !document.querySelector(sel), { polling: 100, timeout: 10_000 }, card(OTHER));
      await o.waitForSelector(`${card(sim.address)}[data-preferred]`);
      // The BAL's own limits went out in the file and came back in.
      const back = (await bg<{ bals: { address: string; limits?: unknown }[] }>(o, 'registry/get')).bals.find((b) => b.address === sim.address);
      expect(back?.limits).toEqual({ trashLifetimeDays: 30, retentionDays: 90 });
      // Origins need the browser's permission (already granted for 127.0.0.1 in the test build): then added.
      await o.click('[data-action="grant-origins"]');
      await o.waitForFunction(() => !document.querySelector('[data-list="import-origins"]'), { polling: 100, timeout: 10_000 });
      const origins = await bg<{ origin: string }[]>(o, 'origins/list');
      expect(origins.map((x) => x.origin)).toContain('http://127.0.0.1:4567');
    });

    it('settings file turning off export-before-delete and clinical protection: shown, written only once confirmed', async () => {
      const { json } = await bg<{ json: string }>(o, 'transfer/export');
      const file = JSON.parse(json) as { settings: { cleanup: Record<string, unknown> } };
      file.settings.cleanup = { ...file.settings.cleanup, exportBeforeDelete: false, protectClinical: false };
      const unsafe = path.join(tmp, 'unsafe.json');
      fs.writeFileSync(unsafe, JSON.stringify(file));
      const input = (await o.$('#import-file')) as ElementHandle<HTMLInputElement>;
      const cleanupNow = async () => (await bg<{ cleanup: { exportBeforeDelete: boolean; protectClinical: boolean } }>(o, 'settings/get')).cleanup;
      // Refused first: nothing written.
      await input.uploadFile(unsafe);
      await o.waitForSelector('[data-list="import-confirm"] [data-safety="exportBeforeDelete"]', { timeout: 10_000 });
      expect(await o.$$eval('[data-list="import-confirm"] [data-safety]', (els) => els.map((e) => e.getAttribute('data-safety')))).toEqual(['exportBeforeDelete', 'protectClinical']);
      expect(await cleanupNow()).toMatchObject({ exportBeforeDelete: true, protectClinical: true });
      await o.click('[data-action="cancel-import"]');
      await waitNotice('transfer', 'ok');
      expect(await cleanupNow()).toMatchObject({ exportBeforeDelete: true, protectClinical: true });
      // Confirmed: written.
      await input.uploadFile(unsafe);
      await o.waitForSelector('[data-action="confirm-import"]', { timeout: 10_000 });
      await o.click('[data-action="confirm-import"]');
      await o.waitForFunction(() => !document.querySelector('[data-list="import-confirm"]'), { polling: 100, timeout: 10_000 });
      expect(await cleanupNow()).toMatchObject({ exportBeforeDelete: false, protectClinical: false });
      await bg(o, 'settings/update', { patch: { cleanup: { exportBeforeDelete: true, protectClinical: true } } });
    });

    it('"Oublier cette boîte" erases every row derived from the mailbox', async () => {
      await o.waitForSelector(card(sim.address), { timeout: 10_000 });
      const quota = async () => bg<unknown[]>(o, 'quota/history', { address: sim.address });
      // The webmail tab reported its quota (the meter runs there): there is history to erase.
      const until = Date.now() + 20_000;
      while ((await quota()).length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 250));
      expect((await quota()).length).toBeGreaterThan(0);
      await o.click(`${card(sim.address)} [data-action="forget-bal"]`);
      await o.waitForSelector(`${card(sim.address)} [data-action="confirm-forget-bal"]`);
      await o.click(`${card(sim.address)} [data-action="confirm-forget-bal"]`);
      await o.waitForFunction((sel) => !document.querySelector(sel), { polling: 100, timeout: 10_000 }, card(sim.address));
      const reg = await bg<{ bals: { address: string }[] }>(o, 'registry/get');
      expect(reg.bals.map((b) => b.address)).not.toContain(sim.address);
      expect(await quota()).toEqual([]);
    });

    it('no dialog, no request to any host but 127.0.0.1', () => {
      expect(dialogs).toEqual([]);
      s.assertNoForeignRequests();
    });
  });
}
