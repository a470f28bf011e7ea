/**
 * axe-core on Balise's panels inside a webmail page (the Zimbra simulator), in both browsers, limited to Balise's
 * own host elements (axe walks their open shadow roots; the host page's own markup is not Balise's to fix): the
 * quota meter, the quota panel, the cleanup panel at its preview, while running, at its report and at the
 * permanent deletion's confirmation step, the whole mailbox's largest messages (a row chosen with the keyboard), and
 * beside a new message the signature controls (before and after inserting) and the compose checks (a warning shown).
 * No violation of impact serious or critical; the others are logged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { axe, blocking, describeViolations } from '../harness/axe';
import { zimbraTarget, type Target } from '../cleanup/targets';
import { HOST, clickAction, openFromMeter, panelState, waitDeep } from '../cleanup/panel-driver';
import { openPanelWithKeyboard, closePanelWithEscape } from '../quota/helpers';
import type { ZimbraSim } from '../../servers/zimbra-sim/index';

async function waitStage(s: Session, page: Page, stage: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await panelState(s, page);
    if (st?.stage === stage && (stage !== 'preview' || st.groups)) return;
    if (st?.stage === 'failed') throw new Error('panel failed');
    if (Date.now() > deadline) throw new Error(`stage ${st?.stage}, waited for ${stage}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

for (const kind of BROWSERS) {
  describe(`accessibility of Balise's panels in ${kind}`, () => {
    let s: Session;
    let target: Target & { sim: ZimbraSim };
    let page: Page;
    const log: string[] = [];

    beforeAll(async () => {
      target = await zimbraTarget();
      s = await launchWithBalise(kind);
      page = await s.newPage();
      await page.setViewport({ width: 1280, height: 900 });
      await target.open(s, page);
    });
    afterAll(async () => {
      console.log(`[a11y panels ${kind}]\n${log.join('\n')}`);
      await s?.close();
      await target?.stop();
    });

    const audit = async (name: string, root: string) => {
      const v = await axe(page, root);
      log.push(`${name}: ${describeViolations(v)}`);
      expect(blocking(v), `${name}: ${describeViolations(blocking(v))}`).toEqual([]);
    };

    it('the quota meter and the quota panel', async () => {
      await page.waitForFunction(() => !!document.querySelector('[data-balise="quota"]')?.getAttribute('data-used-bytes'), { polling: 200, timeout: 30_000 });
      await audit('quota meter', '[data-balise="quota"]');
      await openPanelWithKeyboard(page);
      await audit('quota panel', '[data-balise="quota-panel"]');
      await closePanelWithEscape(page);
    });

    it('the cleanup panel: preview, running, report, delete confirmation', async () => {
      await page.bringToFront();
      await openFromMeter(page);
      await waitStage(s, page, 'preview');
      await audit('cleanup preview', HOST);

      // Slow moves down so that the running stage can be audited.
      target.sim.faults.latency(1500, 'MsgActionRequest');
      await clickAction(page, 'apply');
      await waitStage(s, page, 'running', 30_000);
      await audit('cleanup running', HOST);
      target.sim.faults.reset();

      await waitStage(s, page, 'report');
      await waitDeep(page, '[data-balise="cleanup-report"]');
      await audit('cleanup report', HOST);

      await clickAction(page, 'delete-forever');
      await page.waitForFunction((h: string) => document.querySelector(h)?.shadowRoot?.querySelector('.c-confirm-delete'), { timeout: 60_000, polling: 100 }, HOST);
      await audit('cleanup delete confirmation', HOST);
      s.assertNoForeignRequests();
    });

    it("the whole mailbox's largest messages", async () => {
      await page.bringToFront();
      await clickAction(page, 'back');
      await clickAction(page, 'new-preview');
      await clickAction(page, 'largest-mailbox');
      await waitDeep(page, '[data-largest-state="ready"]', 60_000);
      const box = await waitDeep(page, '[data-view="largest-mailbox"] [data-action="select"]');
      await box.focus();
      // ' ' (not 'Space'): Firefox's WebDriver BiDi input knows the key by its character only.
      await page.keyboard.press(' ');
      await waitDeep(page, '[data-figure="selected"][data-selected-count="1"]', 10_000);
      await audit('largest messages', HOST);
      s.assertNoForeignRequests();
    });

    it('the signature controls and the compose checks beside a new message', async () => {
      await page.bringToFront();
      await page.keyboard.press('Escape');
      await page.waitForFunction((h: string) => !document.querySelector(h)?.shadowRoot?.querySelector('[role="dialog"]'), { timeout: 5000, polling: 100 }, HOST);
      await page.click('#zb__NEW_MENU');
      const inShadow = (host: string, sel: string) =>
        page.waitForFunction((h: string, q: string) => !!document.querySelector(`[data-balise="${h}"]`)?.shadowRoot?.querySelector(q), { timeout: 15_000, polling: 100 }, host, sel);
      await inShadow('signature', '[data-action="insert"]');
      await audit('signature controls', '[data-balise="signature"]');
      await page.click('[data-balise="signature"] >>> [data-action="insert"]');
      await inShadow('signature', '[data-state="inserted"]');
      await audit('signature controls, inserted', '[data-balise="signature"]');
      await page.type('[id$="_to_control"]', 'patient.durand@gmail.com');
      await page.keyboard.press('Enter');
      await inShadow('compose-check', '[data-warning="non-mssante"]');
      await audit('compose checks, a warning', '[data-balise="compose-check"]');
      s.assertNoForeignRequests();
    });
  });
}
