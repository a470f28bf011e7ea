/**
 * Roundcube's other Debian skin, Larry (roundcube-skin-larry), in both real browsers: the page loads and Balise's
 * detection sees Roundcube; the adapter's data calls work as on Elastic. Where the skin-dependent parts (mount
 * points, features) stand is printed for the adapter's owners, and checked only where it must hold on any skin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { larryTarget, type Target } from '../cleanup/targets';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { folderStatus, quota as quotaTruth } from '../../servers/roundcube/truth';
import { waitForAdapter, type StateView } from './helpers';
import type { Account, Folder, Quota } from '../../../lib/webmail/types';

describe('Roundcube with the Larry skin', () => {
  let target: Target & { env: RoundcubeEnv };
  let env: RoundcubeEnv;

  beforeAll(async () => {
    target = await larryTarget();
    env = target.env;
  });
  afterAll(async () => {
    await target?.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      const seen: string[] = [];

      beforeAll(async () => {
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await target.open(s, page);
      });
      afterAll(async () => {
        console.log(`[larry] ${kind}: ${seen.join('; ')}`);
        await s?.close();
      });

      const call = <T>(method: string, ...args: unknown[]) => s.call<T>(page, 'webmail', method, ...args);

      it('loads Larry, and Balise detects Roundcube on it', async () => {
        expect(await page.evaluate(`rcmail.env.skin`)).toBe('larry');
        expect(await page.evaluate(`!!document.querySelector('link[href*="skins/larry/"]')`)).toBe(true);
        const st = await waitForAdapter(s, page);
        seen.push(`detection ${JSON.stringify(st.detection)}`, `mounted [${st.mounted.join(',')}]`, `failed ${JSON.stringify(st.failed)}`);
        expect(st.detection).toMatchObject({ kind: 'roundcube', variant: 'larry', page: 'mail', supported: true });
        expect(st.failed).toEqual([]);
        if (process.env.BALISE_SHOTS) await page.screenshot({ path: `${process.env.BALISE_SHOTS}/larry-mail-${kind}.png` });
      });

      it('reads account, folders and quota as Dovecot says (skin-independent requests)', async () => {
        expect(await call<Account>('account').catch((e: unknown) => ({ error: String((e as { message?: string }).message ?? e) }))).toEqual({ address: env.address });
        const folders = await call<Folder[]>('folders');
        expect(folders.map((f) => f.id).sort()).toEqual((await folderStatus(env)).map((t) => t.name).sort());
        const truth = await quotaTruth(env);
        expect(await call<Quota>('quota.read')).toMatchObject({ usedBytes: truth.usedKiB * 1024, limitBytes: truth.limitKiB! * 1024 });
      });

      it('reports where the skin-dependent mount points stand', async () => {
        const marks = await page.evaluate(`({ quota: !!document.querySelector('#quotadisplay, #rcmquotadisplay'), username: !!document.querySelector('.username, .header-title.username') })`);
        const anchors: Record<string, unknown> = {};
        for (const a of ['quota', 'toolbar']) anchors[a] = await call('uiAnchor', a).catch((e: unknown) => `error: ${String(e)}`);
        const st = await s.call<StateView>(page, 'state');
        const boxes = await page.evaluate(`[...document.querySelectorAll('[data-balise]')].map((h) => { const r = h.getBoundingClientRect(); const p = h.parentElement; return h.getAttribute('data-balise') + '@' + (p ? p.tagName.toLowerCase() + (p.id ? '#' + p.id : '') : '?') + ' ' + [r.x, r.y, r.width, r.height].map(Math.round).join(',') + ' in ' + innerWidth + 'x' + innerHeight; })`);
        seen.push(`hosts ${JSON.stringify(boxes)}`);
        seen.push(`page marks ${JSON.stringify(marks)}`, `anchors ${JSON.stringify(anchors)}`, `mounted after load [${st.mounted.join(',')}]`);
        // Larry shows Roundcube's quota widget too: where it is, Balise must find a place for its meter.
        expect((marks as { quota: boolean }).quota).toBe(true);
        expect(anchors.quota).toMatchObject({ placement: 'after' });
        expect(st.mounted).toContain('quota-meter');
      });

      it('opens the compose page and says what it finds there', async () => {
        await s.gotoWithBalise(page, `${env.url}?_task=mail&_action=compose`);
        const st = await waitForAdapter(s, page);
        const editor = await page.evaluate(`({ textarea: !!document.querySelector('textarea#composebody'), from: !!document.querySelector('#_from') })`);
        seen.push(`compose detection ${JSON.stringify(st.detection)}`, `compose mounted [${st.mounted.join(',')}]`, `compose failed ${JSON.stringify(st.failed)}`, `compose page ${JSON.stringify(editor)}`);
        expect(st.detection).toMatchObject({ kind: 'roundcube', variant: 'larry', page: 'compose', supported: true });
        expect(st.failed).toEqual([]);
        if (process.env.BALISE_SHOTS) await page.screenshot({ path: `${process.env.BALISE_SHOTS}/larry-compose-${kind}.png` });
        expect((editor as { textarea: boolean }).textarea).toBe(true);
      });

      it('made no request to any host but 127.0.0.1', () => {
        s.assertNoForeignRequests();
      });
    });
  }
});
