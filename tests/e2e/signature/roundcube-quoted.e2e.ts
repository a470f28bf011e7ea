/**
 * Issue 15, quoted signatures on real Roundcube 1.6 (elastic, Dovecot behind it), in both browsers: a reply and a
 * forward quote a colleague's message that carries a Balise signature block (its `-- ` separator, the `_rc_sig`
 * block and Balise's marker, as a Balise-signed HTML mail holds them). Balise's insert, replace (profile change and
 * identity switch) and remove touch only the block of this editor: the quoted part stays byte-identical and there is
 * exactly one Balise signature outside it. Plain-text editor (reply: "> " lines; forward: the original unprefixed
 * after Roundcube's "-------- Message original --------" header) and TinyMCE (the reply's <blockquote>).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { deliver, startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { addIdentity, loginWithBalise, waitForAdapter } from '../roundcube/helpers';
import { bg, clickShadow, count, openOptions, waitForShadow } from './helpers';

const QUOTED_SIG = ['-- ', 'Dr Bernard Colin', 'Cardiologue', 'RPPS 20202020202', 'MSSanté : b.colin@chu.mssante.fr'];

function signedMessage(to: string): Buffer {
  return Buffer.from(
    [
      'From: Bernard Colin <b.colin@chu.mssante.fr>',
      `To: <${to}>`,
      'Subject: CR consultation (signé Balise)',
      'Date: Mon, 07 Dec 2026 08:12:00 +0100',
      'Message-ID: <quoted-balise-sig-1@chu.mssante.fr>',
      'MIME-Version: 1.0',
      'Content-Type: text/html; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
      '',
      `<html><body><p>Bonjour,</p><p>Voici le compte rendu de la consultation.</p><div id="_rc_sig" data-balise-sig="1">${QUOTED_SIG.join('<br>')}</div></body></html>`,
      '',
    ].join('\r\n'),
  );
}

for (const kind of BROWSERS) {
  describe(`quoted signatures on Roundcube in ${kind}`, () => {
    let env: RoundcubeEnv;
    let s: Session;
    let page: Page;
    let options: Page;
    let uid = 0;
    let identity = 0;

    const textarea = () => page.$eval('#composebody', (e) => (e as HTMLTextAreaElement).value.replace(/\r\n?/g, '\n'));
    /** The lines of the body outside the quote ("> " lines and their header), and the "-- " lines among them. */
    const outside = (v: string, quote: string) => v.replace(quote, '');
    const openCompose = async (query: string) => {
      await page.bringToFront();
      await page.goto(`${env.url}?_task=mail&_action=compose&${query}`, { waitUntil: 'load' });
      await page.waitForFunction(`window.rcmail && rcmail.env.compose_id && !rcmail.busy`, { timeout: 30_000 });
      await waitForAdapter(s, page);
      await waitForShadow(page, 'signature', '[data-action="insert"]');
    };
    const insertAndWait = async (marker: string) => {
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction((m) => (document.getElementById('composebody') as HTMLTextAreaElement).value.includes(m), { polling: 100, timeout: 10_000 }, marker);
    };

    beforeAll(async () => {
      env = await startRoundcube({ profile: 'empty' });
      uid = await deliver(env, 'INBOX', signedMessage(env.address));
      s = await launchWithBalise(kind);
      page = await s.newPage();
      page.on('dialog', (d) => void (d.type() === 'confirm' || d.type() === 'beforeunload' ? d.accept() : d.dismiss()));
      await loginWithBalise(s, page, env);
      identity = await addIdentity(env, { name: 'Secrétariat Durand', email: env.address, signature: 'Secrétariat du Dr Durand', html: false });
      options = await openOptions(s, page);
      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste', rpps: '10000005479' } });
    });
    afterAll(async () => {
      await s?.close();
      await env?.stop();
    });

    it('plain-text reply: the quoted Balise block stays, ours goes outside it, once; replaced on identity switch', async () => {
      await openCompose(`_reply_uid=${uid}&_mbox=INBOX`);
      const v0 = await textarea();
      const lines = v0.split('\n');
      const first = lines.findIndex((l) => l.startsWith('>'));
      const last = lines.length - 1 - [...lines].reverse().findIndex((l) => l.startsWith('>'));
      expect(first).toBeGreaterThan(0);
      const quote = lines.slice(first - 1, last + 1).join('\n');
      expect(quote).toContain('> -- \n> Dr Bernard Colin');
      expect(quote).toContain('RPPS 20202020202');

      await insertAndWait('RPPS 10000005479');
      let v = await textarea();
      expect(v).toContain(quote);
      expect(count(v, 'RPPS 10000005479'), JSON.stringify(v)).toBe(1);
      expect(outside(v, quote).split('\n').filter((l) => l === '-- ')).toHaveLength(1);
      expect(v.indexOf('RPPS 10000005479')).toBeGreaterThan(v.indexOf(quote) + quote.length);

      // Replace: another profile, then the identity switch (Roundcube swaps in that identity's signature first).
      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await insertAndWait('Durand-Leroy');
      await page.select('#_from', String(identity));
      await new Promise((r) => setTimeout(r, 500));
      await page.waitForFunction(() => !(document.getElementById('composebody') as HTMLTextAreaElement).value.includes('Secrétariat du Dr Durand'), { polling: 100, timeout: 10_000 });
      v = await textarea();
      expect(v).toContain(quote);
      expect(count(v, 'RPPS 10000005479'), JSON.stringify(v)).toBe(1);
      expect(count(v, 'Durand-Leroy')).toBe(1);
      expect(outside(v, quote).split('\n').filter((l) => l === '-- ')).toHaveLength(1);

      await clickShadow(page, 'signature', '[data-action="remove"]');
      await page.waitForFunction(() => !(document.getElementById('composebody') as HTMLTextAreaElement).value.includes('10000005479'), { polling: 100, timeout: 10_000 });
      v = await textarea();
      expect(v).toContain(quote);
      expect(outside(v, quote).split('\n').filter((l) => l === '-- ')).toHaveLength(0);
    });

    it('plain-text forward: the forwarded message keeps its own "-- " signature; ours replaces Roundcube’s, once', async () => {
      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await openCompose(`_forward_uid=${uid}&_mbox=INBOX`);
      const v0 = await textarea();
      const start = v0.indexOf('-------- ');
      const end = v0.indexOf(QUOTED_SIG[4]!) + QUOTED_SIG[4]!.length;
      expect(start).toBeGreaterThanOrEqual(0);
      const quote = v0.slice(start, end);
      expect(quote).toContain(QUOTED_SIG.join('\n'));

      await insertAndWait('RPPS 10000005479');
      let v = await textarea();
      expect(v).toContain(quote);
      expect(count(v, 'RPPS 10000005479'), JSON.stringify(v)).toBe(1);
      expect(outside(v, quote).split('\n').filter((l) => l === '-- ')).toHaveLength(1);
      expect(v).not.toContain('Médecin généraliste – MSSanté');

      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await insertAndWait('Durand-Leroy');
      await page.select('#_from', String(identity));
      await new Promise((r) => setTimeout(r, 500));
      v = await textarea();
      expect(v).toContain(quote);
      expect(count(v, 'RPPS 10000005479'), JSON.stringify(v)).toBe(1);
      expect(outside(v, quote).split('\n').filter((l) => l === '-- ')).toHaveLength(1);
      expect(v).not.toContain('Secrétariat du Dr Durand');

      await clickShadow(page, 'signature', '[data-action="remove"]');
      await page.waitForFunction(() => !(document.getElementById('composebody') as HTMLTextAreaElement).value.includes('10000005479'), { polling: 100, timeout: 10_000 });
      expect(await textarea()).toContain(quote);
    });

    it('TinyMCE reply: the <blockquote> is byte-identical after insert and replace, one _rc_sig outside it', async () => {
      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await openCompose(`_reply_uid=${uid}&_mbox=INBOX`);
      await page.select('#editor-selector', 'html');
      await page.waitForFunction(() => (document.getElementById('composebody_ifr') as HTMLIFrameElement | null)?.contentDocument?.body?.getAttribute('contenteditable') === 'true', {
        timeout: 20_000,
        polling: 100,
      });
      const state = () =>
        page.evaluate(() => {
          const body = (document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.body;
          const quotes = Array.from(body.querySelectorAll('blockquote'));
          const own = Array.from(body.querySelectorAll('[id="_rc_sig"]')).filter((el) => !el.closest('blockquote'));
          return { quote: quotes.map((q) => q.outerHTML).join(''), quotes: quotes.length, own: own.map((e) => e.textContent ?? '') };
        });
      const before = await state();
      expect(before.quotes).toBeGreaterThan(0);
      expect(before.quote).toContain('Dr Bernard Colin');

      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction(
        () => Array.from((document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.querySelectorAll('[id="_rc_sig"]')).some((e) => e.textContent?.includes('10000005479')),
        { polling: 100, timeout: 10_000 },
      );
      let st = await state();
      expect(st.quote).toBe(before.quote);
      expect(st.own).toHaveLength(1);
      expect(st.own[0]).toContain('RPPS 10000005479');

      await bg(options, 'profile/save', { profile: { prenom: 'Martin', nom: 'Durand-Leroy', profession: 'Médecin généraliste', rpps: '10000005479' } });
      await clickShadow(page, 'signature', '[data-action="insert"]');
      await page.waitForFunction(
        () => Array.from((document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.querySelectorAll('[id="_rc_sig"]')).some((e) => e.textContent?.includes('Durand-Leroy')),
        { polling: 100, timeout: 10_000 },
      );
      await page.select('#_from', String(identity));
      await new Promise((r) => setTimeout(r, 800));
      st = await state();
      expect(st.quote).toBe(before.quote);
      expect(st.own).toHaveLength(1);
      expect(st.own[0]).toContain('Durand-Leroy');
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });
}
