/**
 * The Roundcube adapter's compose editors in both real browsers, on the real Roundcube 1.6.5 compose page: plain
 * textarea and TinyMCE, Balise's signature inserted, replaced and removed through Roundcube's own signature
 * block, never two signatures (inserting twice, switching identity, switching editor), and the draft Roundcube
 * saves to Dovecot as the final word.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { ElementHandle, Page } from 'puppeteer-core';
import PostalMime from 'postal-mime';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startRoundcube, startDuration, type RoundcubeEnv } from '../../servers/roundcube/index';
import { listMessages, rawMessage } from '../../servers/roundcube/truth';
import { addIdentity, loginWithBalise, sec, waitForAdapter, type StateView } from './helpers';

interface EditorView {
  id: string;
  mode: 'html' | 'text';
  fromAddress: string | null;
  recipients: string[];
  attachmentsBytes: number | null;
  hasSignature: boolean;
  subject: string | null;
}

const OURS_A = { text: 'Dr Martin DURAND – BALISE-A\nBAL préférée : martin.durand@medecin.mssante.fr', html: '<b>Dr Martin DURAND</b> – BALISE-A<br>BAL préférée : <a href="mailto:martin.durand@medecin.mssante.fr">martin.durand@medecin.mssante.fr</a>' };
const OURS_B = { text: 'Dr M. Durand – BALISE-B', html: 'Dr M. Durand – <i>BALISE-B</i>' };
const HOST_1 = 'Médecin généraliste – MSSanté';
const SECOND = { name: 'Secrétariat Dr Durand', email: 'secretariat.durand@medecin.mssante.fr', signature: 'Secrétariat du Dr Durand – HOST-2\nTél. 02 99 00 00 00', html: false };
const THIRD = { name: 'Cabinet Durand', email: 'cabinet.durand@medecin.mssante.fr', signature: '<p><b>Cabinet Durand</b> – HOST-3</p>', html: true };
const timings: string[] = [];

/** What the editor holds, as the user sees it: the text, or the TinyMCE body's text and #_rc_sig count. */
async function content(page: Page): Promise<{ mode: string; text: string; separators: number; sigBlocks: number; html: string }> {
  return page.evaluate(() => {
    const isHtml = (document.querySelector('input[name="_is_html"]') as HTMLInputElement).value === '1';
    if (!isHtml) {
      const text = (document.getElementById('composebody') as HTMLTextAreaElement).value;
      return { mode: 'text', text, separators: text.split('\n').filter((l) => l === '-- ').length, sigBlocks: 0, html: '' };
    }
    const body = (document.getElementById('composebody_ifr') as HTMLIFrameElement).contentDocument!.body;
    const text = body.innerText;
    return {
      mode: 'html',
      text,
      separators: text.split('\n').filter((l) => l.trim() === '--').length,
      sigBlocks: body.querySelectorAll('[id="_rc_sig"]').length,
      html: body.innerHTML,
    };
  });
}

const count = (hay: string, needle: string) => hay.split(needle).length - 1;

describe('Roundcube compose editors', () => {
  let env: RoundcubeEnv;
  let second = 0;
  let third = 0;
  let attachment = '';
  let tmp = '';

  beforeAll(async () => {
    env = await startRoundcube({ profile: 'empty' });
    timings.push(`environment start ${sec(startDuration(env) ?? 0)}`);
    second = await addIdentity(env, SECOND);
    third = await addIdentity(env, THIRD);
    tmp = mkdtempSync(path.join(os.tmpdir(), 'balise-rc-att-'));
    attachment = path.join(tmp, 'compte-rendu.pdf');
    writeFileSync(attachment, Buffer.alloc(150_000, 0x41));
  });
  afterAll(async () => {
    await env?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
    console.log(`[roundcube compose] ${timings.join(', ')}`);
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      const t0 = Date.now();

      beforeAll(async () => {
        s = await launchWithBalise(kind);
        page = await s.newPage();
        page.on('dialog', (d) => void d.accept());
        await loginWithBalise(s, page, env);
      });
      afterAll(async () => {
        await s?.close();
        timings.push(`${kind}: suite ${sec(Date.now() - t0)}`);
      });

      const editors = () => s.call<EditorView[]>(page, 'compose', 'list');
      const editor = async () => (await editors())[0]!;
      const setSig = (sig: { html: string; text: string }) => s.call(page, 'compose', 'setSignature', null, sig);
      const removeSig = () => s.call(page, 'compose', 'removeSignature', null);
      const selectIdentity = async (id: number) => {
        await page.select('#_from', String(id));
        await new Promise((r) => setTimeout(r, 300));
      };
      const openCompose = async () => {
        await s.gotoWithBalise(page, `${env.url}?_task=mail&_action=compose`);
        const st = await waitForAdapter(s, page);
        expect(st.detection).toMatchObject({ kind: 'roundcube', page: 'compose', supported: true });
        await page.waitForFunction(`window.rcmail && rcmail.editor && rcmail.env.compose_id && document.querySelector('#composebody').value.includes('-- ')`);
      };
      /** Save a draft the way the page does and read what Dovecot stored. */
      const draft = async () => {
        const before = (await listMessages(env, 'Drafts')).length;
        await page.evaluate(`rcmail.command('savedraft')`);
        await expect.poll(async () => (await listMessages(env, 'Drafts')).length, { timeout: 15_000 }).toBeGreaterThan(before);
        const msgs = await listMessages(env, 'Drafts');
        const last = msgs.sort((a, b) => b.uid - a.uid)[0]!;
        return PostalMime.parse(await rawMessage(env, 'Drafts', last.uid));
      };

      it('plain text: one signature block, replaced in place, never two (twice, identity switches)', async () => {
        await openCompose();
        // The mailbox is the login, not one of the identities (the compose page has no user name in its header).
        expect(await s.call(page, 'webmail', 'account')).toEqual({ address: env.address });
        let ed = await editor();
        expect(ed).toMatchObject({ mode: 'text', fromAddress: env.address, hasSignature: true });
        expect((await content(page)).separators).toBe(1);

        await setSig(OURS_A);
        let c = await content(page);
        expect(c.separators).toBe(1);
        expect(c.text).toContain('BALISE-A');
        expect(c.text).not.toContain(HOST_1);
        expect(c.text.endsWith(`-- \n${OURS_A.text}`)).toBe(true);

        await setSig(OURS_A);
        await setSig(OURS_B);
        c = await content(page);
        expect({ separators: c.separators, a: count(c.text, 'BALISE-A'), b: count(c.text, 'BALISE-B') }).toEqual({ separators: 1, a: 0, b: 1 });

        // Switching identity: Roundcube swaps in the identity's signature, Balise's stays the only one.
        await selectIdentity(second);
        c = await content(page);
        expect({ separators: c.separators, b: count(c.text, 'BALISE-B'), host: count(c.text, 'HOST-2') }).toEqual({ separators: 1, b: 1, host: 0 });
        expect((await editor()).fromAddress).toBe(SECOND.email);

        // Text typed by the user stays as it is.
        await page.evaluate(() => {
          const ta = document.getElementById('composebody') as HTMLTextAreaElement;
          ta.value = `Bonjour,\n\nCi-joint le compte rendu.\n${ta.value}`;
        });
        await removeSig();
        c = await content(page);
        expect(c.separators).toBe(0);
        expect(c.text).toContain('Ci-joint le compte rendu.');
        expect((await editor()).hasSignature).toBe(false);

        // Without Balise's signature, Roundcube's own swap applies (one block, the identity's).
        await selectIdentity(1);
        c = await content(page);
        expect({ separators: c.separators, host: count(c.text, HOST_1) }).toEqual({ separators: 1, host: 1 });

        await setSig(OURS_A);
        const saved = await draft();
        expect((saved.text ?? '').split(/\r?\n/).filter((l) => l === '-- ')).toHaveLength(1);
        expect(count(saved.text ?? '', 'BALISE-A')).toBe(1);
        expect(saved.text).not.toContain(HOST_1);
      });

      it('recipients, sender, subject and attachment sizes as the page shows them', async () => {
        await page.type('#compose_to ul.recipient-input input', 'secretariat@chu-rennes.mssante.fr, ');
        await page.type('#compose-subject', 'Compte rendu');
        await expect.poll(async () => (await editor()).recipients).toEqual(['secretariat@chu-rennes.mssante.fr']);
        expect((await editor()).subject).toBe('Compte rendu');
        await s.call(page, 'compose', 'setSubject', null, '[FIN] Compte rendu');
        expect(await page.$eval('#compose-subject', (e) => (e as HTMLInputElement).value)).toBe('[FIN] Compte rendu');
        expect((await editor()).attachmentsBytes).toBe(0);
        const input = (await page.$('#uploadformInput')) as ElementHandle<HTMLInputElement> | null;
        await input!.uploadFile(attachment);
        await page.waitForSelector('#attachment-list li:not(.uploading) .attachment-size', { timeout: 15_000 });
        const bytes = (await editor()).attachmentsBytes!;
        expect(Math.abs(bytes - 150_000)).toBeLessThanOrEqual(512);
      });

      it('TinyMCE: the signature lives in #_rc_sig, replaced, removed, never two, across identities and editor switches', async () => {
        await openCompose();
        // Balise's signature first, then the switch to HTML through the editor's own "HTML" button.
        await setSig(OURS_A);
        await page.click('a.mce-i-html');
        await page.waitForFunction(() => {
          const f = document.getElementById('composebody_ifr') as HTMLIFrameElement | null;
          return f?.contentDocument?.body?.getAttribute('contenteditable') === 'true';
        });
        await expect.poll(async () => (await content(page)).text.includes('BALISE-A'), { timeout: 10_000 }).toBe(true);
        let c = await content(page);
        expect({ mode: c.mode, blocks: c.sigBlocks, separators: c.separators, a: count(c.text, 'BALISE-A'), host: count(c.text, HOST_1) }).toEqual({
          mode: 'html',
          blocks: 1,
          separators: 1,
          a: 1,
          host: 0,
        });
        expect((await editor()).mode).toBe('html');
        expect((await editor()).hasSignature).toBe(true);

        await setSig(OURS_B);
        await setSig(OURS_B);
        c = await content(page);
        expect({ blocks: c.sigBlocks, separators: c.separators, a: count(c.text, 'BALISE-A'), b: count(c.text, 'BALISE-B') }).toEqual({ blocks: 1, separators: 1, a: 0, b: 1 });
        expect(c.html).toMatch(/<div id="_rc_sig">-- <br>Dr M\. Durand – <i>BALISE-B<\/i><\/div>/);

        // Identity with an HTML signature, then one with a text signature: still exactly Balise's block.
        await selectIdentity(third);
        c = await content(page);
        expect({ blocks: c.sigBlocks, b: count(c.text, 'BALISE-B'), host3: count(c.text, 'HOST-3') }).toEqual({ blocks: 1, b: 1, host3: 0 });
        await selectIdentity(second);
        c = await content(page);
        expect({ blocks: c.sigBlocks, b: count(c.text, 'BALISE-B'), host2: count(c.text, 'HOST-2') }).toEqual({ blocks: 1, b: 1, host2: 0 });

        // Only whitelisted markup reaches the editor.
        await setSig({ text: 'x', html: 'SAFE<img src="x" onerror="window.__pwned=1"><script>window.__pwned=2</script><a href="javascript:window.__pwned=3">lien</a><a href="https://exemple.fr/">ok</a>' });
        c = await content(page);
        expect(c.html).not.toMatch(/<img|<script|javascript:|onerror/i);
        expect(c.html).toContain('<a href="https://exemple.fr/">ok</a>');
        expect(await page.evaluate('window.__pwned')).toBeUndefined();

        await removeSig();
        c = await content(page);
        expect({ blocks: c.sigBlocks, separators: c.separators }).toEqual({ blocks: 0, separators: 0 });
        expect((await editor()).hasSignature).toBe(false);
        // Roundcube's own swap when Balise has none: one block, the identity's.
        await selectIdentity(third);
        c = await content(page);
        expect({ blocks: c.sigBlocks, host3: count(c.text, 'HOST-3') }).toEqual({ blocks: 1, host3: 1 });

        await setSig(OURS_A);
        const saved = await draft();
        expect(count(saved.html ?? '', 'BALISE-A')).toBe(1);
        expect(saved.html).not.toContain('HOST-3');

        // Back to plain text through Roundcube's own command (no click Balise could see coming).
        await page.evaluate(`rcmail.command('toggle-editor', { id: 'composebody', html: false })`);
        await page.waitForFunction(() => !document.getElementById('composebody_ifr'));
        await expect.poll(async () => (await content(page)).text.includes('BALISE-A'), { timeout: 10_000 }).toBe(true);
        c = await content(page);
        expect({ mode: c.mode, separators: c.separators, a: count(c.text, 'BALISE-A'), host3: count(c.text, 'HOST-3') }).toEqual({ mode: 'text', separators: 1, a: 1, host3: 0 });
      });

      it('made no request to any host but 127.0.0.1', () => {
        s.assertNoForeignRequests();
      });
    });
  }
});

export type { StateView };
