/**
 * Signatures in the classic client's compose editor, in both browsers, on the simulator's compose view (HTML mode:
 * iframe body; text mode: textarea), in both of Zimbra's signature styles. Insert, replace and remove through
 * Zimbra's own markers, and never two signatures, also after Zimbra itself rebuilds the body (mode switch).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { loginZimbra, waitForShell } from './helpers';

const MARK = '\u200B';
const SIG1 = { html: '<div><b>Dr Balise Un</b></div><div>RPPS 10000000001 – <a href="mailto:un@medecin.mssante.fr">un@medecin.mssante.fr</a></div>', text: 'Dr Balise Un\nRPPS 10000000001 – un@medecin.mssante.fr' };
const SIG2 = { html: 'Dr Balise Deux<br><img src="https://tracker.example/x.png" onerror="alert(1)">BAL deux@medecin.mssante.fr', text: 'Dr Balise Deux\nBAL deux@medecin.mssante.fr' };
const HOST_LINE = 'RPPS 10003456789';

interface EditorInfo {
  id: string;
  mode: 'html' | 'text';
  fromAddress: string | null;
  recipients: string[];
  attachmentsBytes: number | null;
  hasSignature: boolean;
  subject: string | null;
}

interface BodyView {
  html: string;
  text: string;
  pre: number;
  post: number;
  balise: number;
  imgs: number;
  firstText: string;
}

async function htmlBody(page: Page, eid: string): Promise<BodyView> {
  return page.evaluate((eid: string) => {
    const b = (document.getElementById(`${eid}_body_ifr`) as HTMLIFrameElement).contentDocument!.body;
    return {
      html: b.innerHTML,
      text: b.textContent ?? '',
      pre: b.querySelectorAll('[data-marker="__SIG_PRE__"]').length,
      post: b.querySelectorAll('[data-marker="__SIG_POST__"]').length,
      balise: b.querySelectorAll('[data-balise-sig]').length,
      imgs: b.querySelectorAll('img,[onerror]').length,
      firstText: b.firstElementChild?.textContent ?? '',
    };
  }, eid);
}
const textBody = (page: Page, eid: string) => page.$eval(`#${eid}_body`, (t) => (t as HTMLTextAreaElement).value);
/** Signature marker runs (SIG_PRE = 2, SIG_POST = 6); the user's text has its own TEXT_PRE run of 1. */
const runs = (v: string) => (v.match(/\u200B+/g) ?? []).map((r) => r.length).filter((n) => n !== 1);
/** The body without the TEXT_PRE marker Zimbra puts before the user's text. */
const user = (v: string) => v.replace(/^\u200B(?!\u200B)/, '');
const count = (hay: string, needle: string) => hay.split(needle).length - 1;

for (const kind of BROWSERS) {
  describe(`Zimbra compose signatures in ${kind}`, () => {
    let s: Session;
    let page: Page;
    const sims: ZimbraSim[] = [];
    let t0 = 0;

    beforeAll(async () => {
      t0 = Date.now();
      s = await launchWithBalise(kind);
      page = await s.newPage();
    });
    afterAll(async () => {
      await s?.close();
      await Promise.all(sims.map((x) => x.stop()));
      console.log(`[zimbra compose ${kind}] ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    });

    const list = () => s.call<EditorInfo[]>(page, 'compose', 'list');
    const ed = (method: string, ...args: unknown[]) => s.call(page, 'compose', method, null, ...args);
    async function openCompose(sim: ZimbraSim, n: number): Promise<string> {
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      await page.click('#zb__NEW_MENU');
      await page.waitForSelector(`#zv__COMPOSE-${n} #ZmHtmlEditor${n}_body`);
      return `ZmHtmlEditor${n}`;
    }

    it('outlook style, HTML: writes into the host block, replaces, removes, creates; one signature at a time', async () => {
      const sim = await startZimbraSim({ profile: 'empty', signatureStyle: 'outlook', composeFormat: 'html', pollMs: 60_000 });
      sims.push(sim);
      const eid = await openCompose(sim, 1);
      const sigId = sim.mailbox.signatures[0]!.id;
      expect(await list()).toEqual([
        { id: eid, mode: 'html', fromAddress: sim.address, recipients: [], attachmentsBytes: 0, hasSignature: true, subject: '' },
      ]);
      // The user typed a line above the signature.
      await page.evaluate((eid: string) => {
        const b = (document.getElementById(`${eid}_body_ifr`) as HTMLIFrameElement).contentDocument!.body;
        const d = b.ownerDocument.createElement('div');
        d.textContent = 'Bonjour Docteur,';
        b.insertBefore(d, b.firstChild);
      }, eid);

      await ed('setSignature', SIG1);
      let b = await htmlBody(page, eid);
      expect({ pre: b.pre, post: b.post, balise: b.balise }).toEqual({ pre: 1, post: 0, balise: 1 });
      expect(b.html).toContain(`id="${sigId}"`); // the host's own block, kept
      expect(b.text).toContain('Dr Balise Un');
      expect(b.text).not.toContain(HOST_LINE);
      expect(b.firstText).toBe('Bonjour Docteur,');
      expect(b.html).toContain('href="mailto:un@medecin.mssante.fr"');

      await ed('setSignature', SIG2);
      b = await htmlBody(page, eid);
      expect({ pre: b.pre, balise: b.balise, one: count(b.text, 'Dr Balise Un'), two: count(b.text, 'Dr Balise Deux') }).toEqual({ pre: 1, balise: 1, one: 0, two: 1 });
      expect(b.imgs).toBe(0); // nothing that loads or runs: the whitelist dropped it

      await ed('removeSignature');
      b = await htmlBody(page, eid);
      expect({ pre: b.pre, balise: b.balise }).toEqual({ pre: 0, balise: 0 });
      expect(b.text.trim()).toBe('Bonjour Docteur,');
      expect((await list())[0]!.hasSignature).toBe(false);

      await ed('setSignature', SIG1);
      b = await htmlBody(page, eid);
      expect({ pre: b.pre, balise: b.balise }).toEqual({ pre: 1, balise: 1 });
      expect(b.firstText).toBe('Bonjour Docteur,');
      expect(count(b.text, 'Dr Balise Un')).toBe(1);

      // Zimbra rebuilds the body itself when switching to plain text: its own signature comes back, ours goes.
      await page.click('#zmi__COMPOSE-1__FORMAT_TEXT');
      expect((await list())[0]).toMatchObject({ mode: 'text', hasSignature: true });
      let v = await textBody(page, eid);
      expect(runs(v)).toEqual([2]);
      expect(v).toContain(HOST_LINE);
      expect(v).toContain('Bonjour Docteur,');

      await ed('setSignature', SIG1);
      v = await textBody(page, eid);
      expect(runs(v)).toEqual([2]);
      expect(v).toContain('Dr Balise Un\nRPPS 10000000001');
      expect(v).not.toContain(HOST_LINE);
      expect(user(v).startsWith('Bonjour Docteur,')).toBe(true);

      await ed('setSignature', SIG2);
      v = await textBody(page, eid);
      expect(runs(v)).toEqual([2]);
      expect(count(v, 'Dr Balise')).toBe(1);
      expect(v).toContain('Dr Balise Deux');

      await ed('removeSignature');
      v = await textBody(page, eid);
      expect(runs(v)).toEqual([]);
      expect(user(v)).toBe('Bonjour Docteur,');
      expect((await list())[0]!.hasSignature).toBe(false);

      await ed('setSignature', SIG1);
      v = await textBody(page, eid);
      expect(user(v)).toBe(`Bonjour Docteur,\n\n${MARK}${MARK}${SIG1.text}`);

      // And back to HTML: Zimbra drops what follows its marker and lays its own signature out again.
      await page.click('#zmi__COMPOSE-1__FORMAT_HTML');
      expect((await list())[0]).toMatchObject({ mode: 'html', hasSignature: true });
      await ed('setSignature', SIG2);
      b = await htmlBody(page, eid);
      expect({ pre: b.pre, balise: b.balise, two: count(b.text, 'Dr Balise Deux'), host: count(b.text, HOST_LINE) }).toEqual({ pre: 1, balise: 1, two: 1, host: 0 });
    });

    it('internet style, text first: keeps the "-- " line, replaces, removes, creates at the end', async () => {
      const sim = await startZimbraSim({ profile: 'empty', signatureStyle: 'internet', composeFormat: 'text', pollMs: 60_000 });
      sims.push(sim);
      const eid = await openCompose(sim, 1);
      expect((await list())[0]).toMatchObject({ id: eid, mode: 'text', hasSignature: true });
      let v = await textBody(page, eid);
      expect(runs(v)).toEqual([6]);

      await ed('setSignature', SIG1);
      v = await textBody(page, eid);
      expect(runs(v)).toEqual([6]);
      expect(v).toContain(`${MARK.repeat(6)}-- \n${SIG1.text}`);
      expect(v).not.toContain(HOST_LINE);

      await ed('setSignature', SIG2);
      v = await textBody(page, eid);
      expect(runs(v)).toEqual([6]);
      expect(count(v, '-- \n')).toBe(1);
      expect(count(v, 'Dr Balise')).toBe(1);

      await ed('removeSignature');
      v = await textBody(page, eid);
      expect(v).toBe('');
      await ed('setSignature', SIG2);
      expect(await textBody(page, eid)).toBe(`\n\n${MARK.repeat(6)}-- \n${SIG2.text}`);

      await page.click('#zmi__COMPOSE-1__FORMAT_HTML');
      let b = await htmlBody(page, eid);
      expect({ post: b.post, pre: b.pre }).toEqual({ post: 1, pre: 0 });
      await ed('setSignature', SIG1);
      b = await htmlBody(page, eid);
      expect({ post: b.post, pre: b.pre, balise: b.balise, one: count(b.text, 'Dr Balise Un'), host: count(b.text, HOST_LINE) }).toEqual({ post: 1, pre: 0, balise: 1, one: 1, host: 0 });
      await ed('removeSignature');
      b = await htmlBody(page, eid);
      expect({ post: b.post, balise: b.balise, text: b.text.trim() }).toEqual({ post: 0, balise: 0, text: '' });
      await ed('setSignature', SIG1);
      b = await htmlBody(page, eid);
      expect({ post: b.post, balise: b.balise, one: count(b.text, 'Dr Balise Un') }).toEqual({ post: 1, balise: 1, one: 1 });
      expect(b.html.indexOf('__SIG_POST__')).toBeLessThan(b.html.indexOf('data-balise-sig'));
    });

    it('reads the recipients, the subject and the attachments the page shows; sets the subject', async () => {
      const sim = sims[0]!;
      await openCompose(sim, 1);
      await page.type('#zv__COMPOSE-1_to_control', 'Dr.Correspondant@Hopital.mssante.fr');
      await page.keyboard.press('Enter');
      await page.type('#zv__COMPOSE-1_cc_control', 'secretariat@cabinet.mssante.fr');
      await ed('setSubject', '[FIN]');
      expect(await page.$eval('#zv__COMPOSE-1_subject_control', (i) => (i as HTMLInputElement).value)).toBe('[FIN]');
      const input = await page.$('#zv__COMPOSE-1_file_input_computer');
      const file = `${process.cwd()}/package.json`;
      await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
      await page.waitForSelector('#zv__COMPOSE-1_attachments_div .attachmentBubble');
      const info = (await list())[0]!;
      expect(info.recipients.sort()).toEqual(['dr.correspondant@hopital.mssante.fr', 'secretariat@cabinet.mssante.fr']);
      expect(info.subject).toBe('[FIN]');
      expect(info.attachmentsBytes).toBeGreaterThan(0);
      expect(await s.call(page, 'compose', 'anchor', null)).toMatchObject({ id: 'ztb__COMPOSE-1' });
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });
}
