/**
 * A cleanup on the Mailiz-like Roundcube behind the web-firewall stand-in (the fault proxy's firewall, at the webmail's
 * public origin), in both browsers: a tight request threshold trips the firewall during the run; the run stops with
 * the panel's 'blocked' message (data-error="blocked"), nothing lost (doveadm); NO request reaches the proxy during the
 * cool-down (the stand-in's own count); after the cool-down the person clicks resume (data-action="resume-blocked")
 * and the run completes exactly the previewed set: every previewed message in the trash once, nothing else touched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import type { FaultProxy } from '../../servers/fault-proxy/index';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { clickAction, openFromMeter, panelState, waitDeep } from '../cleanup/panel-driver';
import { checkRun, mailizTarget, type Target } from '../cleanup/targets';
import { copies, plannedOf, waitFor } from './helpers';

const COOL_DOWN_MS = 8_000;

describe('cleanup on the Mailiz-like Roundcube behind the firewall stand-in', () => {
  let target: Target & { env: RoundcubeEnv; proxy?: FaultProxy };
  let fp: FaultProxy;
  beforeAll(async () => {
    target = await mailizTarget({ behindProxy: true });
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
        fp.firewall(null);
        fp.schedule(null);
        // Seeded when it started: fresh for the first browser; the next one gets it back as seeded.
        if (kind !== BROWSERS[0]) await target.reseed();
        s = await launchWithBalise(kind);
        page = await s.newPage();
        await target.open(s, page);
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
        const planned = plannedOf(st, before);
        expect(planned.size).toBeGreaterThan(20);

        // The run moves one folder's messages per request (Roundcube takes thousands of ids in one move): the plan spans
        // several folders, so several moves.
        const folders = new Set([...planned.keys()].map((k) => before.get(k)!.folder));
        expect(folders.size).toBeGreaterThan(1);
        // A tight threshold on the action a firewall watches most: one move a minute. The run's first move passes, its
        // second trips the firewall (status 200, as F5-style firewalls often answer) and gets the block page in its place
        // (it never reaches Roundcube); from then on every request is blocked for the cool-down. (Counting every request
        // instead trips it before the run starts: preparing a run lists the folders, about two requests per folder.)
        const passed: string[] = [];
        fp.schedule({ seed: 1, rate: 0, match: (r) => (passed.push(`${r.method} ${r.url.slice(0, 90)}`), false) });
        fp.firewall({ maxRequests: 1, windowMs: 60_000, coolDownMs: COOL_DOWN_MS, status: 200, match: (r) => /[?&]_action=move\b/.test(r.url) });
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
        expect(await copies(target.env)).toEqual(copiesBefore);
        // What moved before the block is what the report says (checkRun), and the run did stop part-way.
        expect(c1.moved).toBe(stopped.report!.movedCount);
        expect(c1.moved).toBeGreaterThan(0);
        expect(c1.moved).toBeLessThan(planned.size);

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
