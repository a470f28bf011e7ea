/**
 * NOT GREEN YET, so not in the suite (the e2e config runs *.e2e.ts only): in every run so far the background
 * refused to create the cleanup job (error 'store') before any move, so neither the firewall nor the session end
 * happened inside a run. Suspect: which origin owns the mailbox when the login comes back through the proxy.
 * Run it by hand: npx vitest run -c vitest.e2e.config.ts --include 'tests/e2e/mailiz/*.wip.ts' (see README, Mailiz).
 *
 * A cleanup on the Mailiz-like Roundcube behind the web-firewall stand-in (the fault proxy's firewall), in both
 * browsers: a tight request threshold trips the firewall during the run; the run stops with the panel's 'blocked'
 * message (data-error="blocked"); NO request reaches the proxy during the cool-down (the proxy's own log); after the
 * cool-down the person clicks resume and the run completes; doveadm then says every previewed message is in the
 * trash, none lost, none duplicated, nothing else touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { startFaultProxy, type FaultProxy } from '../../servers/fault-proxy/index';
import { listAllMessages } from '../../servers/roundcube/truth';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { HOST, clickAction, openFromMeter, panelState, waitDeep, type PanelState } from '../cleanup/panel-driver';
import { checkRun, indexByRef, mailizTarget, type Target, type Truth } from '../cleanup/targets';
import { openThroughProxy } from './helpers';

const COOL_DOWN_MS = 15_000;

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

/** Message-ID → how many copies the server holds (a duplicate would hide in a Map keyed by Message-ID). */
async function copies(env: RoundcubeEnv): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of await listAllMessages(env)) out.set(m.messageId, (out.get(m.messageId) ?? 0) + 1);
  return out;
}

describe('cleanup on the Mailiz-like Roundcube behind the firewall stand-in', () => {
  let target: Target & { env: RoundcubeEnv };
  let fp: FaultProxy;
  beforeAll(async () => {
    target = await mailizTarget({
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
      beforeAll(async () => {
        fp.firewall(null);
        fp.schedule(null);
        await target.reseed();
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await openThroughProxy(s, page, target);
      }, 180_000);
      afterAll(async () => {
        s?.assertNoForeignRequests();
        await s?.close();
      });

      it('stops at the block, sends nothing during the cool-down, resumes on the person’s click, and loses nothing', { timeout: 900_000 }, async () => {
        const trash = target.folders.trash;
        await openFromMeter(page);
        const st = await waitFor(s, page, (x) => x.stage === 'preview' && !!x.groups, 'the preview');
        const before = await target.truth();
        const copiesBefore = await copies(target.env);
        const moveIds = st.groups!.filter((g) => g.kind !== 'protected' && g.kind !== 'trash').flatMap((g) => g.ids);
        const planned = new Map(keysOf(before, moveIds).map((k) => [k, {}]));
        expect(planned.size).toBeGreaterThan(20);

        // A tight threshold on the action a firewall watches most: the run's first move request trips it (status 200, as
        // F5-style firewalls often answer) and gets the block page in its place (it never reaches Roundcube); from then on
        // every request is blocked for the cool-down. (Counting every request instead trips it before the run starts:
        // preparing a run lists the folders, about two requests per folder; and this plan's messages make one batch, so
        // a second move never comes.)
        const passed: string[] = [];
        fp.schedule({ seed: 1, rate: 0, match: (r) => (passed.push(`${r.method} ${r.url.slice(0, 90)}`), false) });
        fp.firewall({ maxRequests: 0, windowMs: 60_000, coolDownMs: COOL_DOWN_MS, status: 200, match: (r) => /[?&]_action=move\b/.test(r.url) });
        const t0 = Date.now();
        await clickAction(page, 'apply');
        const notice = await waitDeep(page, '[data-error="blocked"]', 120_000).catch(async (e: unknown) => {
          const st = await panelState(s, page);
          const err = (st as { error?: unknown } | null)?.error;
          throw new Error(`${String(e)}; panel ${st?.stage} error ${JSON.stringify(err ?? null)} ${JSON.stringify(st?.report ? { state: st.report.state, stop: st.report.stopReason, moved: st.report.movedCount } : null)}; firewall ${JSON.stringify(fp.firewallStats)}; passed: ${passed.join(' | ').slice(0, 3000)}`);
        });
        const tBlocked = Date.now();
        const text = await notice.evaluate((e) => e.textContent ?? '');
        expect(text).toMatch(/pare-feu|firewall/);
        expect(text).toMatch(/n’envoie plus rien|sends nothing more/);
        expect(await notice.$('[data-blocked-state]')).not.toBeNull();
        const stopped = await waitFor(s, page, (x) => x.stage === 'report' && !!x.report, 'the interrupted report', 60_000);
        expect(stopped.report).toMatchObject({ state: 'interrupted', stopReason: 'blocked' });
        expect(fp.firewallStats.trips).toBe(1);
        const trip = fp.firewallLog.find((e) => e.phase === 'trip')!;
        expect(trip).toBeTruthy();

        // Mid-run, at the source: what the report says moved is in the trash, the rest where it was, nothing lost.
        const mid = await target.truth();
        const c1 = checkRun(before, mid, planned, stopped.report!, trash, { seenOnTrash: target.seenOnTrash });

        // The cool-down: not one request may reach the proxy (the page, the quota meter and the run all wait).
        const until = fp.firewallStats.blockedUntil!;
        await new Promise((r) => setTimeout(r, Math.max(0, until - Date.now()) + 1000));
        const duringCoolDown = fp.firewallLog.filter((e) => e.phase === 'cool-down').length;
        const stats = { ...fp.firewallStats };
        expect(stats.duringCoolDown).toBe(0);
        expect(duringCoolDown).toBe(0);
        // Nothing retried by itself either: still the blocked report, no running stage.
        expect((await panelState(s, page))?.stage).toBe('report');
        // The firewall forgets this client after its cool-down (its rate starts afresh); off here so that the rest of
        // the run is not blocked again by the same tight threshold.
        fp.firewall(null);
        fp.schedule(null);

        const tResume = Date.now();
        await clickAction(page, 'resume-blocked');
        const done = await waitFor(s, page, (x) => x.stage === 'report' && x.report?.state === 'done' && x.report.action === 'trash', 'the completed run');
        const tDone = Date.now();
        expect(done.report).toMatchObject({ movedCount: planned.size, failedCount: 0 });

        const after = await target.truth();
        const c2 = checkRun(before, after, planned, done.report!, trash, { seenOnTrash: target.seenOnTrash });
        expect(c2.moved).toBe(planned.size);
        for (const k of planned.keys()) expect(after.get(k)?.folder, k).toBe(trash);
        // None lost, none duplicated: every message of before is there exactly as many times as before.
        const copiesAfter = await copies(target.env);
        expect(copiesAfter).toEqual(copiesBefore);
        console.log(
          `[mailiz firewall] ${kind}: ${planned.size} planned; blocked after ${((tBlocked - t0) / 1000).toFixed(1)} s with ${c1.moved} moved ` +
            `(trip: ${trip.method} ${trip.url.slice(0, 80)}); requests during the ${COOL_DOWN_MS / 1000} s cool-down: ${stats.duringCoolDown} ` +
            `(passed before the trip: ${stats.passed}); resume to done ${((tDone - tResume) / 1000).toFixed(1)} s; apply to done ${((tDone - t0) / 1000).toFixed(1)} s`,
        );
      });
    });
  }
});
