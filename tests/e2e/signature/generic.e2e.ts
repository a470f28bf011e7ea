/**
 * Signature insertion on a page Balise has no adapter for (tests/e2e/pages/compose.html: a textarea, a text
 * input, a contenteditable, an editor in a same-origin frame), in both real browsers.
 *
 * Puppeteer cannot click the browser's context menu nor press an extension's keyboard shortcut (they are
 * browser UI, not page input). The test build's 'menu-insert-signature' bridge command asks the background to
 * run insertSignatureInTab(), the very handler the menu entry and the shortcut call, on this tab. What is not
 * exercised here: the activeTab grant a real click or key press gives (the test build holds a host permission
 * for 127.0.0.1 instead).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startStaticServer } from '../harness/static-server';
import { bg, count, forbidDialogs, mssLabel, openOptions, XSS } from './helpers';

const START = '\u2063\u200D\u2063';
const END = '\u2063\u200C\u2063';

for (const kind of BROWSERS) {
  describe(`signature on any page in ${kind}`, () => {
    let s: Session;
    let site: Awaited<ReturnType<typeof startStaticServer>>;
    let page: Page;
    let options: Page;
    const dialogs: string[] = [];
    let MSS = 'MSSanté : ';

    beforeAll(async () => {
      site = await startStaticServer();
      s = await launchWithBalise(kind);
      page = await s.newPage();
      forbidDialogs(page, dialogs);
      await s.gotoWithBalise(page, `${site.url}compose.html`);
      options = await openOptions(s, page);
      forbidDialogs(options, dialogs);
      MSS = await mssLabel(options);
      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Martin', profession: 'Médecin' } });
      await bg(options, 'registry/save-bal', {
        bal: {
          address: 'sophie.martin@medecin.mssante.fr',
          kind: 'PER',
          status: 'active',
          preferred: true,
          webmailOrigin: new URL(site.url).origin,
          situation: { label: 'Cabinet' },
        },
      });
      await page.bringToFront();
    });
    afterAll(async () => {
      await s?.close();
      await site?.close();
    });

    const insert = () => s.call<{ result: string }>(page, 'menu-insert-signature', 0).then((r) => r.result);

    it('a textarea: inserted at the caret once, then replaced, never doubled', async () => {
      await page.focus('#plain');
      await page.evaluate(() => (document.getElementById('plain') as HTMLTextAreaElement).setSelectionRange(8, 8));
      expect(await insert()).toBe('inserted');
      const v1 = await page.$eval('#plain', (e) => (e as HTMLTextAreaElement).value);
      expect(count(v1, START)).toBe(1);
      expect(v1.startsWith(`Bonjour,\n${START}${XSS} Martin\nMédecin\n${MSS}sophie.martin@medecin.mssante.fr${END}`)).toBe(true);
      expect(v1.endsWith('Veuillez trouver ci-joint le compte rendu.')).toBe(true);
      expect(await page.evaluate(() => (window as unknown as { inputEvents: string[] }).inputEvents)).toContain('plain');

      await bg(options, 'profile/save', { profile: { prenom: XSS, nom: 'Martin-Durand', profession: 'Médecin' } });
      await page.bringToFront();
      await page.focus('#plain');
      await page.evaluate(() => (document.getElementById('plain') as HTMLTextAreaElement).setSelectionRange(0, 0));
      expect(await insert()).toBe('replaced');
      const v2 = await page.$eval('#plain', (e) => (e as HTMLTextAreaElement).value);
      expect(count(v2, START)).toBe(1);
      expect(count(v2, END)).toBe(1);
      expect(v2).toContain(`${XSS} Martin-Durand\n`);
      expect(v2).not.toContain(`${XSS} Martin\n`);
      expect(v2.replace(/\u2063\u200D\u2063[^]*?\u2063\u200C\u2063/, '')).toBe('Bonjour,\n\n\nVeuillez trouver ci-joint le compte rendu.');
    });

    it('a single-line text input gets a one-line signature; a password field gets nothing', async () => {
      await page.focus('#subject');
      expect(await insert()).toBe('inserted');
      const v = await page.$eval('#subject', (e) => (e as HTMLInputElement).value);
      expect(v).toBe(`${START}${XSS} Martin-Durand · Médecin · ${MSS}sophie.martin@medecin.mssante.fr${END}`);

      await page.focus('#secret');
      expect(await insert()).toBe('no-field');
      expect(await page.$eval('#secret', (e) => (e as HTMLInputElement).value)).toBe('');
      // The user is told what to do, in a note Balise shows on the page.
      await page.waitForSelector('[data-balise="signature-note"]');
    });

    it('a contenteditable: built node by node, the hostile name stays text, replaced on the second time', async () => {
      await page.evaluate(() => {
        const rich = document.getElementById('rich')!;
        rich.focus();
        const range = document.createRange();
        range.selectNodeContents(rich);
        range.collapse(false);
        getSelection()!.removeAllRanges();
        getSelection()!.addRange(range);
      });
      expect(await insert()).toBe('inserted');
      const once = await page.evaluate(() => {
        const rich = document.getElementById('rich')!;
        const blocks = rich.querySelectorAll('[data-balise-signature]');
        return {
          blocks: blocks.length,
          imgs: rich.querySelectorAll('img, script').length,
          text: blocks[0]?.textContent ?? '',
          links: Array.from(rich.querySelectorAll('a')).map((a) => a.getAttribute('href')),
          brs: blocks[0]?.querySelectorAll('br').length ?? 0,
          first: rich.firstElementChild?.textContent,
        };
      });
      expect(once).toEqual({
        blocks: 1,
        imgs: 0,
        text: `${XSS} Martin-DurandMédecin${MSS}sophie.martin@medecin.mssante.fr`,
        links: ['mailto:sophie.martin@medecin.mssante.fr'],
        brs: 2,
        first: 'Bonjour,',
      });

      await page.evaluate(() => document.getElementById('rich')!.focus());
      expect(await insert()).toBe('replaced');
      expect(await page.$$eval('#rich [data-balise-signature]', (l) => l.length)).toBe(1);
      expect(await page.$$eval('#rich img', (l) => l.length)).toBe(0);
      expect(dialogs).toEqual([]);
    });

    it('an editor inside a same-origin frame (like TinyMCE), reached through the focused frame', async () => {
      await page.evaluate(() => {
        const frame = document.getElementById('frame') as HTMLIFrameElement;
        frame.focus();
        const d = frame.contentDocument!;
        d.body.focus();
        const range = d.createRange();
        range.selectNodeContents(d.body);
        range.collapse(false);
        d.getSelection()!.removeAllRanges();
        d.getSelection()!.addRange(range);
      });
      expect(await insert()).toBe('inserted');
      expect(await insert()).toBe('replaced');
      const inFrame = await page.evaluate(() => {
        const d = (document.getElementById('frame') as HTMLIFrameElement).contentDocument!;
        return { blocks: d.querySelectorAll('[data-balise-signature]').length, imgs: d.querySelectorAll('img').length, text: d.body.textContent };
      });
      expect(inFrame.blocks).toBe(1);
      expect(inFrame.imgs).toBe(0);
      expect(inFrame.text).toContain('Texte dans le cadre.');
      expect(inFrame.text).toContain(`${XSS} Martin-Durand`);
    });

    it('with nothing editable focused, nothing is written', async () => {
      await page.evaluate(() => {
        (document.activeElement as HTMLElement | null)?.blur();
        document.body.focus();
      });
      const before = await page.evaluate(() => document.body.innerHTML);
      expect(await insert()).toBe('no-field');
      expect(await page.evaluate(() => document.body.innerHTML)).toBe(before);
    });

    it('made no request to any host but 127.0.0.1, and no dialog opened', () => {
      expect(dialogs).toEqual([]);
      s.assertNoForeignRequests();
    });
  });
}
