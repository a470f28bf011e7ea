/**
 * NOT GREEN YET, so not in the suite (the e2e config runs *.e2e.ts only): in every run so far the background
 * refused to create the cleanup job (error 'store') before any move, so neither the firewall nor the session end
 * happened inside a run. Suspect: which origin owns the mailbox when the login comes back through the proxy.
 * Run it by hand: npx vitest run -c vitest.e2e.config.ts --include 'tests/e2e/mailiz/*.wip.ts' (see README, Mailiz).
 *
 * The OpenID Connect session of the Mailiz-like Roundcube ends in the middle of a cleanup (short token lifetimes:
 * Roundcube's refresh is refused, it kills the session and answers that request as an empty folder; see
 * tests/fixtures/roundcube/mailiz/), in both browsers: the run stops with 'auth-expired' and its plain message; no
 * message is reported done that doveadm does not show in the trash; after the person logs in again, resume
 * completes and every previewed message is in the trash once.
 *
 * Timing: the session ends REFRESH_TTL s after the login (the refresh token is issued right after the provider accepts
 * the form, which its stats show: polled during the login). The preview is taken first; the fault proxy holds every move
 * request MOVE_HOLD_MS before passing it on (so that the run lasts long enough), and "apply" is clicked APPLY_BEFORE_END_MS
 * before the end, so the end falls inside the run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startFaultProxy, type FaultProxy } from '../../servers/fault-proxy/index';
import { listAllMessages } from '../../servers/roundcube/truth';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { clickAction, openFromMeter, panelState, waitDeep, type PanelState } from '../cleanup/panel-driver';
import { checkRun, indexByRef, mailizTarget, type Target, type Truth } from '../cleanup/targets';
import { openThroughProxy } from './helpers';

const ACCESS_TTL = 15;
const REFRESH_TTL = 270;
const MOVE_HOLD_MS = 4000;
const APPLY_BEFORE_END_MS = 7000;

async function waitFor(s: Session, page: Page, ok: (st: PanelState) => boolean, what: string, timeoutMs = 300_000): Promise<PanelState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const st = await panelState(s, page);
    if (st && ok(st)) return st;
    if (st?.stage === 'failed') throw new Error(`panel failed while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`waited for ${what}; stage ${st?.stage}, report ${st?.report?.state}/${st?.report?.stopReason}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const keysOf = (truth: Truth, ids: { folderId: string; id: string }[]) => {
  const byRef = indexByRef(truth);
  return ids.map((r) => {
    const k = byRef.get(`${r.folderId}/${r.id}`);
    if (!k) throw new Error(`no message ${r.folderId}/${r.id} on the server`);
    return k;
  });
};

async function copies(env: RoundcubeEnv): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await listAllMessages(env)) out.set(m.messageId, (out.get(m.messageId) ?? 0) + 1);
  return out;
}

describe('cleanup on the Mailiz-like Roundcube when the OpenID Connect session ends mid-run', () => {
  let target: Target & { env: RoundcubeEnv };
  let fp: FaultProxy;
  beforeAll(async () => {
    target = await mailizTarget({
      oidc: { accessTokenTtl: ACCESS_TTL, refreshTokenTtl: REFRESH_TTL },
      urlFor: async (u) => {
        fp = await startFaultProxy({ target: u });
        return fp.url;
      },
    });
  }, 180_000);
  afterAll(async () => {
    await fp?.stop();
    await target?.stop();
  });

  for (const kind of BROWSERS) {
    describe(`in ${kind}`, () => {
      let s: Session;
      let page: Page;
      let loggedIn = 0;
      beforeAll(async () => {
        fp.schedule(null);
        await target.reseed();
        s = await launchWithBalise(kind);
        page = await s.newPage();
        const idp = target.env.oidc!;
        const logins = idp.stats.logins;
        const poll = setInterval(() => {
          if (!loggedIn && idp.stats.logins > logins) loggedIn = Date.now();
        }, 50);
        try {
          await openThroughProxy(s, page, target);
        } finally {
          clearInterval(poll);
        }
        if (!loggedIn) throw new Error('the provider saw no login');
      }, 180_000);
      afterAll(async () => {
        fp.schedule(null);
        s?.assertNoForeignRequests();
        await s?.close();
      });

      it('stops with auth-expired, reports done only what moved, and resumes after a new login', { timeout: 900_000 }, async () => {
        const trash = target.folders.trash;
        await openFromMeter(page);
        const st = await waitFor(s, page, (x) => x.stage === 'preview' && !!x.groups, 'the preview');
        const tPreview = Date.now();
        const applyAt = loggedIn + REFRESH_TTL * 1000 - APPLY_BEFORE_END_MS;
        expect(tPreview, `the preview took ${((tPreview - loggedIn) / 1000).toFixed(0)} s after the login: past the session's planned end`).toBeLessThan(applyAt);
        const before = await target.truth();
        const copiesBefore = await copies(target.env);
        const moveIds = st.groups!.filter((g) => g.kind !== 'protected' && g.kind !== 'trash').flatMap((g) => g.ids);
        const planned = new Map(keysOf(before, moveIds).map((k) => [k, {}]));
        expect(planned.size).toBeGreaterThan(20);

        fp.schedule({
          seed: 1,
          rate: 1,
          match: (r) => /[?&]_action=move\b/.test(r.url),
          weights: { 'drop-before': 0, 'drop-after': 0, '500-before': 0, '500-after': 0, 'no-cookie': 0, delay: 1 },
          minDelayMs: MOVE_HOLD_MS,
          maxDelayMs: MOVE_HOLD_MS + 1,
        });
        await new Promise((r) => setTimeout(r, Math.max(0, applyAt - Date.now())));
        const t0 = Date.now();
        await clickAction(page, 'apply');
        const stopped = await waitFor(s, page, (x) => x.stage === 'report' && x.report?.action === 'trash' && x.report.state !== undefined, 'the run to stop', 300_000);
        const tStopped = Date.now();
        fp.schedule(null);
        expect(stopped.report).toMatchObject({ state: 'interrupted', stopReason: 'auth-expired' });
        // The plain message, in the report the person sees.
        const notice = await waitDeep(page, '[data-stop-reason="auth-expired"]', 30_000);
        expect(await notice.evaluate((e) => e.textContent ?? '')).toMatch(/session du webmail a expiré|webmail session has expired/);

        // At the source: every message reported moved is in the trash, every other one where it was; none lost.
        const mid = await target.truth();
        const c1 = checkRun(before, mid, planned, stopped.report!, trash, { seenOnTrash: target.seenOnTrash });
        expect(await copies(target.env)).toEqual(copiesBefore);
        const movedBeforeEnd = stopped.report!.lines.filter((l) => l.outcome === 'moved').length;
        expect(c1.moved).toBe(movedBeforeEnd);

        // The person logs in again (the first load after the end may still be Roundcube's page; the next one goes to
        // the provider's form), opens the cleanup, and resumes.
        await page.goto(target.url, { waitUntil: 'load' });
        if (!(await page.$('#kc-form-login'))) await page.goto(target.url, { waitUntil: 'load' });
        await target.relogin(s, page);
        await openFromMeter(page);
        await waitDeep(page, '[data-resumable]', 300_000);
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
          `[mailiz session end] ${kind}: preview ready ${((tPreview - loggedIn) / 1000).toFixed(1)} s after login; ${planned.size} planned; ` +
            `stopped ${((tStopped - t0) / 1000).toFixed(1)} s after apply (${((tStopped - loggedIn) / 1000).toFixed(1)} s after login) with ${movedBeforeEnd} moved; ` +
            `resume to done ${((tDone - tResume) / 1000).toFixed(1)} s`,
        );
      });
    });
  }
});
