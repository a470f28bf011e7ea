/**
 * The signature on the Zimbra classic simulator, in both browsers, through Balise's button beside the compose
 * toolbar: insert, replace, remove in the HTML editor and in the plain-text editor (Zimbra's own signature
 * block and markers), a saved draft checked in the simulator's mailbox, auto-insertion in a new compose view.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import PostalMime from 'postal-mime';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { bg, clickShadow, count, forbidDialogs, mssLabel, openOptions, waitForShadow, XSS } from './helpers';

const PREFERRED = 'dr.durand@cab.mssante.fr';
const QUOTED_SIG = ['Dr Bernard Colin', 'Cardiologue', 'RPPS 20202020202', 'MSSanté : b.colin@chu.mssante.fr'];

/** A colleague's mail signed by Balise on Zimbra: its HTML keeps the SIG_PRE marker and Balise's own marker. */
function signedMessage(to: string): Buffer {
  const b = 'sig-b0undary';
  return Buffer.from(
    [
      'From: Bernard Colin <b.colin@chu.mssante.fr>',
      `To: <${to}>`,
      'Subject: CR consultation (signé Balise)',
      'Date: Mon, 07 Dec 2026 08:12:00 +0100',
      'Message-ID: <quoted-balise-sig-z1@chu.mssante.fr>',
      'MIME-Version: 1.0',
      `Content-Type: multipart/alternative; boundary="${b}"`,
      '',
      `--${b}`,
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `Bonjour,\r\nVoici le compte rendu.\r\n\r\n${QUOTED_SIG.join('\r\n')}`,
      `--${b}`,
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `<html><body><div>Bonjour,</div><div>Voici le compte rendu.</div><div><br></div><div data-marker="__SIG_PRE__" data-balise-sig="1">${QUOTED_SIG.join('<br>')}</div></body></html>`,
      `--${b}--`,
      '',
    ].join('\r\n'),
  );
}

for (const kind of BROWSERS) {
  describe(`signature on the Zimbra simulator in ${kind}`, () => {
    let sim: ZimbraSim;
    let s: Session;
    let page: Page;
    let options: Page;
    let MSS = 'MSSanté : ';
    let vid = '';
    let signedId = 0;
    const dialogs: string[] = [];

    /** The visible compose view's HTML body, as Balise and Zimbra see it. */
    const htmlState = () =>
      page.evaluate((v) => {
        const ed = document.querySelector(`#${v} .ZmHtmlEditor`)!;
        const body = (document.getElementById(`${ed.id}_body_ifr`) as HTMLIFrameElement).contentDocument!.body;
        const blocks = Array.from(body.querySelectorAll('[data-marker="__SIG_PRE__"], [data-marker="__SIG_POST__"], [data-balise-sig]'));
        return {
          blocks: blocks.length,
          text: blocks.map((b) => b.textContent ?? '').join('|'),
          imgs: body.querySelectorAll('img, script').length,
          links: Array.from(body.querySelectorAll('a')).map((a) => a.getAttribute('href')),
          all: body.textContent ?? '',
        };
      }, vid);
    const textValue = () =>
      page.evaluate((v) => {
        const ed = document.querySelector(`#${v} .ZmHtmlEditor`)!;
        return (document.getElementById(`${ed.id}_body`) as HTMLTextAreaElement).value;
      }, vid);
    const newCompose = async () => {
      await page.bringToFront();
      const before = await page.$$eval('.ZmComposeView', (l) => l.map((e) => e.id));
      await page.click('#zb__NEW_MENU');
      await page.waitForFunction((b: string[]) => Array.from(document.querySelectorAll('.ZmComposeView')).some((e) => !b.includes(e.id)), { polling: 100 }, before);
      vid = await page.$$eval('.ZmComposeView', (l, b) => l.map((e) => e.id).find((id) => !(b as string[]).includes(id))!, before);
      await waitForShadow(page, 'signature', '[data-action="insert"]');
    };

    beforeAll(async () => {
      sim = await startZimbraSim({ profile: 'empty', seed: 3, pollMs: 1000 });
      signedId = sim.mailbox.addMessage(2, signedMessage(sim.address)).id;
      s = await launchWithBalise(kind);
      page = await s.newPage();
      forbidDialogs(page, dialogs);
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      options = await openOptions(s, page);
      MSS = await mssLabel(options);
      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Durand', profession: 'Médecin généraliste' } });
      await bg(options, 'registry/save-bal', { bal: { address: PREFERRED, kind: 'CAB', status: 'active', preferred: true, situation: { label: 'Cabinet', structure: 'Cabinet Durand' } } });
      await bg(options, 'registry/save-bal', { bal: { address: sim.address, kind: 'PER', status: 'active', preferred: false, situation: { label: 'Cabinet' } } });
      await newCompose();
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
    });

    it('HTML editor: written into Zimbra’s own signature block, the name as text, replaced, removed', async () => {
      const host = sim.mailbox.signatures[0]!;
      let st = await htmlState();
      expect(st.blocks).toBe(1);
      expect(st.text).toContain('Dr Martin Durand');

      await clickShadow(page, 'signature', '[data-action="insert"]');
      for (let i = 0; i < 50 && !(await htmlState()).text.includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
      st = await htmlState();
      expect(st.blocks).toBe(1);
      expect(st.text).toBe(`${XSS} DurandMédecin généralisteCabinet Durand${MSS}${PREFERRED}`);
      expect(st.all).not.toContain('Dr Martin Durand');
      expect(st.imgs).toBe(0);
      expect(st.links).toEqual([`mailto:${PREFERRED}`]);
      expect(host.id).toBeTruthy();

      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste' } });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      for (let i = 0; i < 50 && !(await htmlState()).text.includes('Durand-Leroy'); i++) await new Promise((r) => setTimeout(r, 100));
      st = await htmlState();
      expect(st.blocks).toBe(1);
      expect(st.text).not.toContain(XSS);

      await clickShadow(page, 'signature', '[data-action="remove"]');
      for (let i = 0; i < 50 && (await htmlState()).blocks > 0; i++) await new Promise((r) => setTimeout(r, 100));
      st = await htmlState();
      expect(st.blocks).toBe(0);
      expect(st.all).not.toContain(PREFERRED);
    });

    it('plain-text editor: Zimbra’s U+200B signature component, replaced, removed', async () => {
      await page.bringToFront();
      await page.click(`#zmi__${vid.replace(/^zv__/, '')}__FORMAT_TEXT`);
      await page.waitForFunction((v) => document.getElementById(v)!.getAttribute('data-compose-mode') === 'text', { polling: 100 }, vid);
      expect(await textValue()).toContain('\u200B\u200BDr Martin Durand');

      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Durand', profession: 'Médecin généraliste' } });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      for (let i = 0; i < 50 && !(await textValue()).includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
      let v = await textValue();
      expect(count(v, '\u200B\u200B')).toBe(1);
      expect(v).toContain(`\u200B\u200B${XSS} Durand\nMédecin généraliste\nCabinet Durand\n${MSS}${PREFERRED}`);
      expect(v).not.toContain('Dr Martin Durand');

      await clickShadow(page, 'signature', '[data-action="insert"]');
      await new Promise((r) => setTimeout(r, 300));
      v = await textValue();
      expect(count(v, PREFERRED)).toBe(1);

      await clickShadow(page, 'signature', '[data-action="remove"]');
      for (let i = 0; i < 50 && (await textValue()).includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await textValue()).not.toContain(PREFERRED);
    });

    it('a draft Zimbra saves holds exactly one signature (simulator’s mailbox)', async () => {
      await clickShadow(page, 'signature', '[data-action="insert"]');
      for (let i = 0; i < 50 && !(await textValue()).includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
      await page.type(`#${vid}_subject_control`, 'Brouillon signé');
      const drafts = () => [...sim.mailbox.messages.values()].filter((m) => m.folderId === 6);
      await page.click(`#zb__${vid.replace(/^zv__/, '')}__SAVE_DRAFT`);
      for (let i = 0; i < 100 && drafts().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(drafts().length).toBe(1);
      const mail = await PostalMime.parse(drafts()[0]!.raw);
      expect(mail.subject).toBe('Brouillon signé');
      expect(count(mail.text ?? '', PREFERRED)).toBe(1);
      expect(count(mail.text ?? '', XSS)).toBe(1);
      expect(mail.text ?? '').not.toContain('Dr Martin Durand');
    });

    it('auto-insertion puts the signature in a new compose view by itself', async () => {
      await bg(options, 'settings/update', { patch: { signature: { autoInsert: true } } });
      await page.$eval(`#zb__${vid.replace(/^zv__/, '')}__CANCEL`, (b) => (b as HTMLElement).click());
      await newCompose();
      for (let i = 0; i < 50 && !(await htmlState()).text.includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
      const st = await htmlState();
      expect(st.blocks).toBe(1);
      expect(st.text).toContain(PREFERRED);
      await bg(options, 'settings/update', { patch: { signature: { autoInsert: false } } });
    });

    it('the shortcut and the context menu use Zimbra’s block too (the content script’s editor, not the caret)', async () => {
      await page.$eval(`#zb__${vid.replace(/^zv__/, '')}__CANCEL`, (b) => (b as HTMLElement).click());
      await newCompose();
      const r = await s.call<{ result: string }>(page, 'menu-insert-signature', 0);
      expect(r.result).toBe('editor');
      for (let i = 0; i < 50 && !(await htmlState()).text.includes(PREFERRED); i++) await new Promise((res) => setTimeout(res, 100));
      const st = await htmlState();
      expect(st.blocks).toBe(1);
      expect(st.all).not.toContain('Dr Martin Durand');
    });

    describe('a reply quoting a Balise-signed mail (issue 15)', () => {
      /** The quoted components (DIVIDER, HEADERS, QUOTED_TEXT) as HTML, and the signature blocks outside them. */
      const quoteState = () =>
        page.evaluate((v) => {
          const ed = document.querySelector(`#${v} .ZmHtmlEditor`)!;
          const body = (document.getElementById(`${ed.id}_body_ifr`) as HTMLIFrameElement).contentDocument!.body;
          const q = '[data-marker="__DIVIDER__"],[data-marker="__HEADERS__"],[data-marker="__QUOTED_TEXT__"]';
          const quoted = Array.from(body.querySelectorAll(q));
          const own = Array.from(body.querySelectorAll('[data-marker="__SIG_PRE__"], [data-marker="__SIG_POST__"], [data-balise-sig]')).filter((el) => !el.closest(q));
          return { quote: quoted.map((e) => e.outerHTML).join(''), own: own.map((e) => e.textContent ?? ''), balise: own.filter((e) => e.hasAttribute('data-balise-sig')).length };
        }, vid);
      const waitOwn = async (needle: string) => {
        for (let i = 0; i < 50 && !(await quoteState()).own.join('|').includes(needle); i++) await new Promise((r) => setTimeout(r, 100));
      };
      const openReply = async (how: 'REPLY' | 'FORWARD') => {
        for (const id of await page.$$eval('.ZmComposeView', (l) => l.map((e) => e.id))) {
          await page.$eval(`#zb__${id.replace(/^zv__/, '')}__CANCEL`, (b) => (b as HTMLElement).click());
        }
        await page.bringToFront();
        await page.waitForSelector(`#zli__TV-main__${signedId} input.ZmRowCheckbox`, { visible: true });
        await page.$eval(`#zli__TV-main__${signedId} input.ZmRowCheckbox`, (b) => ((b as HTMLInputElement).checked = true));
        await page.click(`#zb__TV-main__${how}`);
        await page.waitForFunction(() => document.querySelectorAll('.ZmComposeView').length === 1, { polling: 100 });
        vid = await page.$eval('.ZmComposeView', (e) => e.id);
        await page.waitForFunction((v) => !!document.querySelector(`#${v} iframe`) && !!(document.querySelector(`#${v} iframe`) as HTMLIFrameElement).contentDocument!.querySelector('[data-marker="__QUOTED_TEXT__"]'), { polling: 100 }, vid);
        await waitForShadow(page, 'signature', '[data-action="insert"]');
      };

      it('HTML: insert, identity switch, replace: the quote is byte-identical, one Balise block outside it', async () => {
        await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste' } });
        await openReply('REPLY');
        const before = await quoteState();
        expect(before.quote).toContain('data-balise-sig="1"');
        expect(before.quote).toContain('Dr Bernard Colin');
        expect(before.quote).toContain('<blockquote');

        await clickShadow(page, 'signature', '[data-action="insert"]');
        await waitOwn(PREFERRED);
        let st = await quoteState();
        expect(st.quote).toBe(before.quote);
        expect(st.own).toHaveLength(1);
        expect(st.balise).toBe(1);
        expect(st.own[0]).toContain(PREFERRED);

        // Identity switch (the simulator lays the body out again, quote included), then Balise's insert again.
        await page.click(`#${vid}_identity_control`);
        await page.click(`#${vid}_identity_control .ZMenuItem[data-index="1"]`);
        await clickShadow(page, 'signature', '[data-action="insert"]');
        await waitOwn(PREFERRED);
        st = await quoteState();
        expect(st.quote).toBe(before.quote);
        expect(st.own).toHaveLength(1);

        await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste' } });
        await clickShadow(page, 'signature', '[data-action="insert"]');
        await waitOwn('Durand-Leroy');
        st = await quoteState();
        expect(st.quote).toBe(before.quote);
        expect(st.own).toHaveLength(1);
        expect(st.own[0]).toContain('Durand-Leroy');

        await clickShadow(page, 'signature', '[data-action="remove"]');
        for (let i = 0; i < 50 && (await quoteState()).own.length > 0; i++) await new Promise((r) => setTimeout(r, 100));
        st = await quoteState();
        expect(st.own).toHaveLength(0);
        expect(st.quote).toBe(before.quote);
      });

      it('plain text: the quoted part (after the DIVIDER run) is byte-identical after insert and replace', async () => {
        await page.bringToFront();
        await page.click(`#zmi__${vid.replace(/^zv__/, '')}__FORMAT_TEXT`);
        await page.waitForFunction((v) => document.getElementById(v)!.getAttribute('data-compose-mode') === 'text', { polling: 100 }, vid);
        const v0 = await textValue();
        const quote = v0.slice(v0.indexOf('\u200B\u200B\u200B'));
        expect(quote).toContain('> Dr Bernard Colin');

        await clickShadow(page, 'signature', '[data-action="insert"]');
        for (let i = 0; i < 50 && !(await textValue()).includes(PREFERRED); i++) await new Promise((r) => setTimeout(r, 100));
        let v = await textValue();
        expect(v.endsWith(quote)).toBe(true);
        expect(count(v, PREFERRED)).toBe(1);
        expect(count(v.slice(0, v.length - quote.length), '\u200B\u200B')).toBe(1);

        await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste' } });
        await clickShadow(page, 'signature', '[data-action="insert"]');
        for (let i = 0; i < 50 && (await textValue()).includes('Durand-Leroy'); i++) await new Promise((r) => setTimeout(r, 100));
        v = await textValue();
        expect(v.endsWith(quote)).toBe(true);
        expect(count(v, PREFERRED)).toBe(1);
        expect(v).not.toContain('Durand-Leroy');
      });

      it('HTML forward: the forwarded message keeps its markers; one Balise block outside it', async () => {
        await openReply('FORWARD');
        const before = await quoteState();
        expect(before.quote).toContain('data-balise-sig="1"');
        await clickShadow(page, 'signature', '[data-action="insert"]');
        await waitOwn(PREFERRED);
        await clickShadow(page, 'signature', '[data-action="insert"]');
        await new Promise((r) => setTimeout(r, 300));
        const st = await quoteState();
        expect(st.quote).toBe(before.quote);
        expect(st.own).toHaveLength(1);
        expect(st.balise).toBe(1);
      });
    });

    it('made no request to any host but 127.0.0.1, and no dialog opened', () => {
      expect(dialogs).toEqual([]);
      s.assertNoForeignRequests();
    });
  });
}
