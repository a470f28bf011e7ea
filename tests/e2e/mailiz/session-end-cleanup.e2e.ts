/**
 * The OpenID Connect session of the Mailiz-like Roundcube ends in the middle of a cleanup, in both browsers: the run
 * stops with 'auth-expired' and its plain message (log in again), the journal intact (what the report says moved is in
 * the trash, the rest where it was, none lost: doveadm); no request of the browser reaches the provider's origin
 * while Balise runs and stops (the network guard's log, by origin: the provider is on 127.0.0.1 too); after the person
 * logs in again and resumes, the run completes exactly the previewed set.
 *
 * How the session ends, without waiting for a clock: the provider ends every login at a chosen moment
 * (idp.endSessions(), as Keycloak's SSO session end does); Roundcube takes its access token as expired 10 s before its
 * end (ACCESS_TTL 15 s: after 5 s), its refresh is then refused, and it kills its session. The moment: once the run's
 * first move has landed (doveadm), and the run's next moves are held MOVE_HOLD_MS by the fault proxy, so that they
 * reach Roundcube after the access token is past those 5 s.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import type { FaultProxy } from '../../servers/fault-proxy/index';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { clickAction, openFromMeter, waitDeep } from '../cleanup/panel-driver';
import { checkRun, mailizTarget, type Target } from '../cleanup/targets';
import { copies, plannedOf, waitFor } from './helpers';

const ACCESS_TTL = 15;
const MOVE_HOLD_MS = 7000;
const isMove = (url: string) => /[?&]_action=move\b/.test(url);

describe('cleanup on the Mailiz-like Roundcube when the OpenID Connect session ends mid-run', () => {
  let target: Target & { env: RoundcubeEnv; proxy?: FaultProxy };
  let fp: FaultProxy;
  beforeAll(async () => {
    target = await mailizTarget({ behindProxy: true, oidc: { accessTokenTtl: ACCESS_TTL } });
    fp = target.proxy!;
  }, 180_000);
  afterAll(async () => {
    await target?.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      beforeAll(async () => {
        fp.schedule(null);
        // Seeded when it started: fresh for the first browser; the next one gets it back as seeded.
        if (kind !== BROWSERS[0]) await target.reseed();
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await target.open(s, page);
      }, 180_000);
      afterAll(async () => {
        fp.schedule(null);
        s?.assertNoForeignRequests();
        await s?.close();
      });

      it('stops with auth-expired and the journal intact, follows nothing to the provider, and resumes after a new login', { timeout: 600_000 }, async () => {
        const trash = target.folders.trash;
        const idp = target.env.oidc!;
        const provider = new URL(idp.issuer).host;
        await openFromMeter(page);
        const st = await waitFor(s, page, (x) => x.stage === 'preview' && !!x.groups, 'the preview');
        const before = await target.truth();
        const copiesBefore = await copies(target.env);
        const planned = plannedOf(st, before);
        // One move per folder: the session must end between two of them.
        expect(new Set([...planned.keys()].map((k) => before.get(k)!.folder)).size).toBeGreaterThan(1);

        let moves = 0;
        fp.schedule({
          seed: 1,
          rate: 1,
          match: (r) => isMove(r.url) && ++moves > 1,
          weights: { 'drop-before': 0, 'drop-after': 0, '500-before': 0, '500-after': 0, 'no-cookie': 0, delay: 1 },
          minDelayMs: MOVE_HOLD_MS,
          maxDelayMs: MOVE_HOLD_MS + 1,
        });
        const fromLog = s.guard.log.length;
        const t0 = Date.now();
        await clickAction(page, 'apply');
        // The first move lands: end the login.
        const plannedKeys = [...planned.keys()];
        for (const deadline = Date.now() + 120_000; ; ) {
          const now = await target.truth();
          if (plannedKeys.some((k) => now.get(k)?.folder === trash)) break;
          if (Date.now() > deadline) throw new Error('the run moved nothing within 120 s');
          await new Promise((r) => setTimeout(r, 200));
        }
        await idp.endSessions();
        const tEnd = Date.now();

        const stopped = await waitFor(s, page, (x) => x.stage === 'report' && x.report?.action === 'trash' && x.report.state !== undefined, 'the run to stop', 120_000);
        const tStopped = Date.now();
        fp.schedule(null);
        expect(stopped.report).toMatchObject({ state: 'interrupted', stopReason: 'auth-expired' });
        // The plain message, in the report the person sees: log in again; nothing lost.
        const notice = await waitDeep(page, '[data-stop-reason="auth-expired"]', 30_000);
        expect(await notice.evaluate((e) => e.textContent ?? '')).toMatch(/Reconnectez-vous au webmail|Log in to the webmail again/);
        // Nothing went to the provider's origin while Balise ran and stopped (Roundcube's answers to a dead session send
        // the browser there; Balise follows no redirect).
        const toProvider = s.guard.log.slice(fromLog).filter((e) => e.target === provider);
        expect(toProvider.map((e) => `${e.method} ${e.url}`)).toEqual([]);
        expect(new URL(page.url()).host).toBe(new URL(target.url).host);

        // At the source: every message reported moved is in the trash, every other one where it was; none lost.
        const mid = await target.truth();
        const c1 = checkRun(before, mid, planned, stopped.report!, trash, { seenOnTrash: target.seenOnTrash });
        expect(await copies(target.env)).toEqual(copiesBefore);
        expect(c1.moved).toBe(stopped.report!.movedCount);
        // The session ended part-way: the first move landed (doveadm saw it), the rest did not. Its batch is either
        // confirmed ('moved') or, when the check after it met the dead session, 'unconfirmed' (the resume settles it).
        const unconfirmed = stopped.report!.lines.filter((l) => l.reason === 'unconfirmed').length;
        expect(c1.moved + unconfirmed).toBeGreaterThan(0);
        expect(c1.moved + unconfirmed).toBeLessThan(planned.size);

        // The person logs in again (the provider's form), opens the cleanup, and resumes.
        const logins = idp.stats.logins;
        // On failure, what Roundcube and Dovecot said (a login after a session end once failed on Dovecot's auth penalty).
        await target.relogin(s, page).catch(async (e: unknown) => {
          const text = await page.evaluate(() => document.body?.innerText.slice(0, 500)).catch(() => '?');
          const log = readFileSync(target.env.logs.roundcubeErrors, 'utf8').slice(-1500) + '\n--- dovecot\n' + readFileSync(target.env.logs.dovecot, 'utf8').split('\n').filter((l) => /auth|oauth|login|introspect/i.test(l)).slice(-40).join('\n');
          const guard = s.guard.log.slice(-40).map((x) => `${x.at % 100000} ${x.method} ${x.url.slice(0, 140)}`).join('\n');
          throw new Error(`${String(e)} at ${page.url()}: ${text}; provider logins ${idp.stats.logins}\n${log}\n${guard}`);
        });
        expect(idp.stats.logins).toBe(logins + 1);
        await openFromMeter(page);
        await waitDeep(page, '[data-resumable]', 120_000);
        const tResume = Date.now();
        await clickAction(page, 'resume');
        const done = await waitFor(s, page, (x) => x.stage === 'report' && x.report?.state === 'done' && x.report.action === 'trash', 'the resumed run');
        const tDone = Date.now();
        expect(done.report).toMatchObject({ movedCount: planned.size, failedCount: 0 });
        const after = await target.truth();
        const c2 = checkRun(before, after, planned, done.report!, trash, { seenOnTrash: target.seenOnTrash });
        expect(c2.moved).toBe(planned.size);
        for (const k of planned.keys()) expect(after.get(k)?.folder, k).toBe(trash);
        expect(await copies(target.env)).toEqual(copiesBefore);
        console.log(
          `[mailiz session end] ${kind}: ${planned.size} planned; login ended ${((tEnd - t0) / 1000).toFixed(1)} s after apply; ` +
            `stopped ${((tStopped - tEnd) / 1000).toFixed(1)} s later with ${c1.moved} moved, ${unconfirmed} unconfirmed; resume to done ${((tDone - tResume) / 1000).toFixed(1)} s`,
        );
      });
    });
  }
});
