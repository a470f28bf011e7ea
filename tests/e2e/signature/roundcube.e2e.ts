/**
 * The signature on real Roundcube 1.6 (elastic, Dovecot behind it), in both browsers, through Balise's button
 * beside the editor: insert, replace, remove, in the plain-text editor and in TinyMCE; auto-insertion on and
 * off; a draft saved by Roundcube holds exactly one signature (read back with doveadm).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import PostalMime from 'postal-mime';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { listMessages, rawMessage } from '../../servers/roundcube/truth';
import { loginWithBalise, waitForAdapter } from '../roundcube/helpers';
import { bg, clickShadow, count, mssLabel, openOptions, shadowQuery, waitForShadow, XSS } from './helpers';

const CAB_BAL = 'dr.durand@cab.mssante.fr';

for (const kind of BROWSERS) {
  describe(`signature on Roundcube in ${kind}`, () => {
    let env: RoundcubeEnv;
    let s: Session;
    let page: Page;
    let options: Page;
    let MSS = 'MSSanté : ';
    const alerts: string[] = [];

    const textarea = () => page.$eval('#composebody', (e) => (e as HTMLTextAreaElement).value.replace(/\r\n?/g, '\n'));
    const htmlBody = () =>
      page.evaluate(() => {
        const body = (document.getElementById('composebody_ifr') as HTMLIFrameElement | null)?.contentDocument?.body;
        if (!body) return null;
        const sigs = Array.from(body.querySelectorAll('[id="_rc_sig"]'));
        return {
          sigs: sigs.length,
          sigText: sigs[0]?.textContent ?? '',
          imgs: body.querySelectorAll('img, script').length,
          links: Array.from(body.querySelectorAll('#_rc_sig a')).map((a) => a.getAttribute('href')),
          text: body.textContent ?? '',
        };
      });
    const openCompose = async () => {
      await page.bringToFront();
      await page.goto(`${env.url}?_task=mail&_action=compose`, { waitUntil: 'load' });
      await page.waitForFunction(`window.rcmail && rcmail.env.compose_id && !rcmail.busy`, { timeout: 30_000 });
      await waitForAdapter(s, page);
      await waitForShadow(page, 'signature', '[data-action="insert"]');
    };

    beforeAll(async () => {
      env = await startRoundcube({ profile: 'empty' });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      // Roundcube asks before switching the editor type (confirm) and before leaving a compose page with changes
      // (beforeunload): accept. Any alert would be injected script.
      page.on('dialog', (d) => {
        if (d.type() === 'confirm' || d.type() === 'beforeunload') void d.accept();
        else {
          alerts.push(d.message());
          void d.dismiss();
        }
      });
      await loginWithBalise(s, page, env);
      options = await openOptions(s, page);
      MSS = await mssLabel(options);
      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await openCompose();
    });
    afterAll(async () => {
      await s?.close();
      await env?.stop();
    });

    it('before the registry is filled: the BAL written from is the preferred one, in place of Roundcube’s signature', async () => {
      expect(await textarea()).toBe('\n\n-- \nDr Martin Durand\nMédecin généraliste – MSSanté');
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction(() => (document.getElementById('composebody') as HTMLTextAreaElement).value.includes('RPPS'), { polling: 100 });
      const v = await textarea();
      expect(count(v, '-- \n')).toBe(1);
      expect(v.endsWith(`-- \nMartin Durand\nMédecin généraliste\nRPPS 10000005479\n${MSS}${env.address}`)).toBe(true);
      expect(v).not.toContain('– MSSanté');
    });

    it('with the registry: the situation’s preferred BAL, replaced (not added), and a warning for the other BAL', async () => {
      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Durand', profession: 'Médecin généraliste' } });
      await bg(options, 'registry/save-bal', { bal: { address: CAB_BAL, kind: 'CAB', status: 'active', preferred: true, situation: { label: 'Cabinet', structure: 'Cabinet Durand' } } });
      await bg(options, 'registry/save-bal', { bal: { address: env.address, kind: 'PER', status: 'active', preferred: false, situation: { label: 'cabinet' } } });
      await openCompose();
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction((bal) => (document.getElementById('composebody') as HTMLTextAreaElement).value.includes(bal), { polling: 100 }, CAB_BAL);
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await new Promise((r) => setTimeout(r, 300));
      const v = await textarea();
      expect(count(v, '-- \n')).toBe(1);
      expect(v.endsWith(`-- \n${XSS} Durand\nMédecin généraliste\nCabinet Durand\n${MSS}${CAB_BAL}`)).toBe(true);
      await waitForShadow(page, 'compose-check', '[data-warning="not-preferred"]');
      const w = await shadowQuery(page, 'compose-check', '[data-warning="not-preferred"]');
      expect(w.texts[0]).toContain(env.address);
      expect(w.texts[0]).toContain(CAB_BAL);
    });

    it('removes it cleanly', async () => {
      await clickShadow(page, 'signature', '[data-action="remove"]');
      await page.waitForFunction(() => !(document.getElementById('composebody') as HTMLTextAreaElement).value.includes('-- '), { polling: 100 });
      expect((await textarea()).trim()).toBe('');
      const [ed] = await s.call<{ hasSignature: boolean }[]>(page, 'compose', 'list');
      expect(ed!.hasSignature).toBe(false);
    });

    it('in TinyMCE: one #_rc_sig, the name as text, replaced then removed', async () => {
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.select('#editor-selector', 'html');
      await page.waitForFunction(() => (document.getElementById('composebody_ifr') as HTMLIFrameElement | null)?.contentDocument?.body?.getAttribute('contenteditable') === 'true', {
        timeout: 20_000,
        polling: 100,
      });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction((bal) => !!(document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.getElementById('_rc_sig')?.textContent?.includes(bal), { polling: 100 }, CAB_BAL);
      let b = (await htmlBody())!;
      expect(b.sigs).toBe(1);
      expect(b.imgs).toBe(0);
      expect(b.sigText).toContain(`${XSS} Durand`);
      expect(b.links).toEqual([`mailto:${CAB_BAL}`]);

      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste' } });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction(() => !!(document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.getElementById('_rc_sig')?.textContent?.includes('Durand-Leroy'), { polling: 100 });
      b = (await htmlBody())!;
      expect(b.sigs).toBe(1);
      expect(b.sigText).not.toContain(XSS);

      await clickShadow(page, 'signature', '[data-action="remove"]');
      await page.waitForFunction(() => !(document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.getElementById('_rc_sig'), { polling: 100 });
      expect((await htmlBody())!.sigs).toBe(0);
    });

    it('a draft Roundcube saves holds exactly one signature, the hostile name as text (doveadm truth)', async () => {
      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Durand', profession: 'Médecin généraliste' } });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction(() => !!(document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.getElementById('_rc_sig')?.textContent?.includes('<img'), { polling: 100 });
      await page.type('#compose-subject', 'Brouillon signé');
      await page.evaluate(`rcmail.command('savedraft')`);
      const deadline = Date.now() + 20_000;
      let drafts = await listMessages(env, 'Drafts');
      while (drafts.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        drafts = await listMessages(env, 'Drafts');
      }
      expect(drafts.length).toBe(1);
      const mail = await PostalMime.parse(await rawMessage(env, 'Drafts', drafts[0]!.uid));
      expect(mail.subject).toBe('Brouillon signé');
      expect(count(mail.html ?? '', '&lt;img src=x onerror=alert(1)&gt;')).toBe(1);
      expect(mail.html ?? '').not.toMatch(/<img/i);
      expect(count(mail.html ?? '', `mailto:${CAB_BAL}`)).toBe(1);
      expect(count(mail.text ?? '', XSS)).toBe(1);
      expect(alerts).toEqual([]);
    });

    it('auto-insertion: in every new message, then taken out when turned off', async () => {
      await bg(options, 'settings/update', { patch: { signature: { autoInsert: true } } });
      await openCompose();
      await page.waitForFunction((bal) => (document.getElementById('composebody') as HTMLTextAreaElement).value.includes(bal), { timeout: 10_000, polling: 100 }, CAB_BAL);
      const v = await textarea();
      expect(count(v, '-- \n')).toBe(1);
      expect(v).not.toContain('– MSSanté');

      await bg(options, 'settings/update', { patch: { signature: { autoInsert: false } } });
      // Coming back to the webmail's tab (visibilitychange) is when Balise reads the setting again.
      await page.bringToFront();
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await page.waitForFunction(() => !(document.getElementById('composebody') as HTMLTextAreaElement).value.includes('-- '), { timeout: 10_000, polling: 100 });
      expect((await textarea()).trim()).toBe('');
    });

    it('the shortcut and the context menu use the same block on Roundcube (the content script’s editor, not the caret)', async () => {
      await openCompose();
      await page.focus('#composebody');
      const r = await s.call<{ result: string }>(page, 'menu-insert-signature', 0);
      expect(r.result).toBe('editor');
      await page.waitForFunction((bal) => (document.getElementById('composebody') as HTMLTextAreaElement).value.includes(bal), { polling: 100 }, CAB_BAL);
      const v = await textarea();
      expect(count(v, '-- \n')).toBe(1);
      expect(v).not.toContain('\u2063');
      expect(v).not.toContain('– MSSanté');
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });
}
