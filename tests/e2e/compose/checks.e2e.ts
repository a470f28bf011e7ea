/**
 * Compose checks beside the editor, in both browsers: on the Zimbra simulator (recipients outside MSSanté, a
 * patient address with a wrong INS key, the [FIN] helper, attachments over the BAL's limit, writing from a BAL
 * that is not the preferred one, checks turned off), on real Roundcube (the same recipient warnings and the [FIN]
 * helper in its own compose form) and on the Medimail stand-in (the same, and its 60 MB attachment total, a limit
 * Balise reads from the form's own gauge). Warnings never block: the send button stays as it was.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ElementHandle, Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { startRoundcube, type RoundcubeEnv } from '../../servers/roundcube/index';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import { loginWithBalise, waitForAdapter } from '../roundcube/helpers';
import { startMedimailSim, type MedimailSim } from '../../servers/medimail-sim/index';
import { loginMedimail } from '../medimail/helpers';
import { bg, clickShadow, openOptions, shadowQuery, waitForShadow, waitNoShadow } from '../signature/helpers';

const GOOD_INS = '146026322000196@patient.mssante.fr';
const BAD_INS = '146026322000197@patient.mssante.fr'; // the right key is 96
const OUTSIDE = 'patient.durand@gmail.com';
const PREFERRED = 'dr.durand@cab.mssante.fr';

const warnings = async (page: Page) => (await page.evaluate(() => {
  const out: { kind: string; code: string | null; text: string }[] = [];
  for (const host of Array.from(document.querySelectorAll('[data-balise="compose-check"]'))) {
    for (const w of Array.from(host.shadowRoot?.querySelectorAll('[data-warning]') ?? [])) {
      out.push({ kind: w.getAttribute('data-warning')!, code: w.getAttribute('data-code'), text: w.textContent ?? '' });
    }
  }
  return out;
}));

for (const kind of BROWSERS) {
  describe(`compose checks on the Zimbra simulator in ${kind}`, () => {
    let sim: ZimbraSim;
    let s: Session;
    let page: Page;
    let options: Page;
    let vid = '';
    let bigFile = '';

    beforeAll(async () => {
      bigFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'balise-att-')), 'scanner.pdf');
      fs.writeFileSync(bigFile, Buffer.alloc(1_600_000, 0x25));
      sim = await startZimbraSim({ profile: 'empty', seed: 5, pollMs: 1000 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginZimbra(s, page, sim);
      await waitForShell(page);
      options = await openOptions(s, page);
      await bg(options, 'registry/save-bal', { bal: { address: PREFERRED, kind: 'CAB', status: 'active', preferred: true, situation: { label: 'Cabinet' } } });
      // The BAL written from: same situation, not preferred, attachments limited to 1 MB.
      await bg(options, 'registry/save-bal', {
        bal: { address: sim.address, kind: 'PER', status: 'active', preferred: false, situation: { label: 'Cabinet' }, limits: { attachmentMB: 1 } },
      });
      await page.bringToFront();
      await page.click('#zb__NEW_MENU');
      await page.waitForSelector('.ZmComposeView');
      vid = await page.$eval('.ZmComposeView', (e) => e.id);
      await waitForShadow(page, 'compose-check', '.cc');
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      fs.rmSync(path.dirname(bigFile), { recursive: true, force: true });
    });

    const addRecipient = async (address: string) => {
      await page.bringToFront();
      await page.type(`#${vid}_to_control`, address);
      await page.keyboard.press('Enter');
    };

    it('warns when writing from a BAL that is not the preferred one of its situation', async () => {
      await waitForShadow(page, 'compose-check', '[data-warning="not-preferred"]');
      const w = (await warnings(page)).find((x) => x.kind === 'not-preferred')!;
      expect(w.text).toContain(sim.address);
      expect(w.text).toContain(PREFERRED);
      expect(w.text).toContain('Cabinet');
    });

    it('warns for a recipient outside MSSanté', async () => {
      await addRecipient(OUTSIDE);
      await waitForShadow(page, 'compose-check', '[data-warning="non-mssante"]');
      const w = (await warnings(page)).find((x) => x.kind === 'non-mssante')!;
      expect(w.text).toContain(OUTSIDE);
    });

    it('flags a patient address whose INS key is wrong, not a right one', async () => {
      await addRecipient(BAD_INS);
      await waitForShadow(page, 'compose-check', '[data-warning="ins-key"]');
      await addRecipient(GOOD_INS);
      await waitForShadow(page, 'compose-check', '[data-info="fin"]');
      const ins = (await warnings(page)).filter((x) => x.kind === 'ins-key');
      expect(ins).toHaveLength(1);
      expect(ins[0]).toMatchObject({ code: 'ins.key' });
      expect(ins[0]!.text).toContain(BAD_INS);
    });

    it('the [FIN] helper sets the subject in one click', async () => {
      const before = await page.$eval(`#${vid}_subject_control`, (e) => (e as HTMLInputElement).value);
      expect(before).toBe('');
      await clickShadow(page, 'compose-check', '[data-action="fin-subject"]');
      await page.waitForFunction((v) => (document.getElementById(`${v}_subject_control`) as HTMLInputElement).value === '[FIN]', { polling: 100 }, vid);
      await waitForShadow(page, 'compose-check', '[data-info="fin-set"]');
    });

    it('warns when attachments exceed the BAL’s limit', async () => {
      const input = (await page.$(`#${vid}_file_input_computer`)) as ElementHandle<HTMLInputElement> | null;
      await input!.uploadFile(bigFile);
      await waitForShadow(page, 'compose-check', '[data-warning="attachments-size"]');
      const w = (await warnings(page)).find((x) => x.kind === 'attachments-size')!;
      expect(w.text).toMatch(/1\s*(Mo|MB)/);
    });

    it('never blocks sending: the host’s send button is untouched', async () => {
      const send = await page.$eval(`#zb__${vid.replace(/^zv__/, '')}__SEND_MENU`, (b) => ({ disabled: (b as HTMLButtonElement).disabled, hidden: (b as HTMLElement).hidden }));
      expect(send).toEqual({ disabled: false, hidden: false });
    });

    it('turned off in the options: the checks go away', async () => {
      await bg(options, 'settings/update', { patch: { compose: { checks: false } } });
      await page.bringToFront();
      await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
      await waitNoShadow(page, 'compose-check', '[data-warning]');
      await bg(options, 'settings/update', { patch: { compose: { checks: true } } });
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });

  describe(`compose checks on Roundcube in ${kind}`, () => {
    let env: RoundcubeEnv;
    let s: Session;
    let page: Page;

    beforeAll(async () => {
      env = await startRoundcube({ profile: 'empty' });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      page.on('dialog', (d) => void d.accept());
      await loginWithBalise(s, page, env);
      await page.goto(`${env.url}?_task=mail&_action=compose`, { waitUntil: 'load' });
      await page.waitForFunction(`window.rcmail && rcmail.env.compose_id && !rcmail.busy`, { timeout: 30_000 });
      await waitForAdapter(s, page);
      await waitForShadow(page, 'compose-check', '.cc');
    });
    afterAll(async () => {
      await s?.close();
      await env?.stop();
    });

    const addRecipient = async (address: string) => {
      await page.bringToFront();
      const input = (await page.$('#compose_to .recipient-input input')) ?? (await page.$('.recipient-input input'));
      await input!.type(`${address}, `);
    };

    it('warns for a recipient outside MSSanté and for a wrong INS key', async () => {
      await addRecipient(OUTSIDE);
      await waitForShadow(page, 'compose-check', '[data-warning="non-mssante"]');
      await addRecipient(BAD_INS);
      await waitForShadow(page, 'compose-check', '[data-warning="ins-key"]');
      const w = await warnings(page);
      expect(w.find((x) => x.kind === 'non-mssante')!.text).toContain(OUTSIDE);
      expect(w.find((x) => x.kind === 'ins-key')).toMatchObject({ code: 'ins.key' });
    });

    it('reminds the [FIN] rule for a patient and sets the subject in one click', async () => {
      await addRecipient(GOOD_INS);
      await waitForShadow(page, 'compose-check', '[data-action="fin-subject"]');
      await clickShadow(page, 'compose-check', '[data-action="fin-subject"]');
      await page.waitForFunction(() => (document.querySelector('#compose-subject') as HTMLInputElement).value === '[FIN]', { polling: 100 });
      const q = await shadowQuery(page, 'compose-check', '[data-info="fin-set"]');
      expect(q.count).toBe(1);
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });

  describe(`compose checks on the Medimail stand-in in ${kind}`, () => {
    let sim: MedimailSim;
    let s: Session;
    let page: Page;
    let dir = '';

    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'balise-att-'));
      sim = await startMedimailSim({ seed: 5 });
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await loginMedimail(s, page, sim, '?m=nouveau');
      await waitForShadow(page, 'compose-check', '.cc');
    });
    afterAll(async () => {
      await s?.close();
      await sim?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('warns for a recipient outside MSSanté and a wrong INS key, and sets [FIN] in one click', async () => {
      await page.type('#destinataires', `${OUTSIDE}, ${BAD_INS}, ${GOOD_INS}`);
      await waitForShadow(page, 'compose-check', '[data-warning="ins-key"]');
      const w = await warnings(page);
      expect(w.find((x) => x.kind === 'non-mssante')!.text).toContain(OUTSIDE);
      expect(w.find((x) => x.kind === 'ins-key')).toMatchObject({ code: 'ins.key' });
      await clickShadow(page, 'compose-check', '[data-action="fin-subject"]');
      await page.waitForFunction(() => (document.querySelector('#objet') as HTMLInputElement).value === '[FIN]', { polling: 100 });
    });

    it('warns past the 60 MB attachment total the form states (no BAL limit set), and never blocks sending', async () => {
      // A sparse file: the browser reads its size, not 61 MB of disk.
      const big = path.join(dir, 'imagerie.pdf');
      fs.closeSync(fs.openSync(big, 'w'));
      fs.truncateSync(big, 61 * 1024 * 1024);
      const input = (await page.$('#redaction input[type="file"]')) as ElementHandle<HTMLInputElement>;
      await input.uploadFile(big);
      await waitForShadow(page, 'compose-check', '[data-warning="attachments-size"]');
      expect((await warnings(page)).find((x) => x.kind === 'attachments-size')!.text).toMatch(/60\s*(Mo|MB)/);
      const send = await page.$eval('#redaction button[value="envoyer"]', (b) => (b as HTMLButtonElement).disabled);
      expect(send).toBe(false);
    });

    it('made no request to any host but 127.0.0.1', () => {
      s.assertNoForeignRequests();
    });
  });
}
