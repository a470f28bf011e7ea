/**
 * The Mailiz-like environment in both real browsers: Roundcube 1.6 (Elastic, fr_FR) whose login is an OpenID
 * Connect code flow against a real provider on another loopback origin, Dovecot taking the bearer token through its
 * oauth2 passdb. Proves the login a user makes (the provider's form), the French quota, and that a session ends when
 * the tokens run out, after which Roundcube sends the browser back to the provider.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { BROWSERS, launchWithBalise, type Session } from '../harness/browsers';
import { mailizTarget, type Target } from '../cleanup/targets';
import type { RoundcubeEnv } from '../../servers/roundcube/index';
import { quota as quotaTruth, readManifest } from '../../servers/roundcube/truth';
import { waitForAdapter, type StateView } from '../roundcube/helpers';
import type { Quota } from '../../../lib/webmail/types';
import { startFaultProxy } from '../../servers/fault-proxy/index';

// Roundcube takes an access token as expired 10 s before its end, then refreshes it on the next request; once the
// refresh token is past its lifetime the refresh fails and Roundcube kills the session.
const ACCESS_TTL = 15;
const REFRESH_TTL = 40;

// Most of a browser's time here is waiting for its tokens to run out: each browser gets its own environment (provider,
// Roundcube, Dovecot: the provider's counts are then its own) and the two run side by side (their describes
// concurrent), each one's tests in order (it.sequential).
// Concurrent tests use their own `expect` (the test context's), not the global one.
const step = it.sequential;

describe('Mailiz-like environment', () => {
  for (const kind of BROWSERS) {
    describe(`in ${kind}`, { concurrent: true }, () => {
      let target: Target & { env: RoundcubeEnv };
      let env: RoundcubeEnv;
      let s: Session;
      let page: Page;
      let loggedInAt = 0;

      beforeAll(async () => {
        target = await mailizTarget({ oidc: { accessTokenTtl: ACCESS_TTL, refreshTokenTtl: REFRESH_TTL } });
        env = target.env;
        s = await launchWithBalise(kind);
        page = await s.newPage();
      }, 180_000);
      afterAll(async () => {
        await s?.close();
        await target?.stop();
      });

      step('is Roundcube behind the provider, with doveadm truth for the seeded mailbox', async ({ expect }) => {
        expect(env.variant).toBe('mailiz');
        expect(new URL(env.oidc!.issuer).origin).not.toBe(new URL(env.url).origin);
        const truth = await target.truth();
        expect(truth.size).toBe((await readManifest(env)).count);
        // The Roundcube user was created by a code flow (no password form exists on this Roundcube).
        expect(env.oidc!.stats.logins).toBe(1);
      });

      step('logs in through the provider’s form and lands in Roundcube Elastic, in French', async ({ expect }) => {
        const logins = env.oidc!.stats.logins;
        await page.goto(env.url, { waitUntil: 'domcontentloaded' });
        // No session: Roundcube sends the browser to the provider (oauth_login_redirect), which shows its form.
        await page.waitForSelector('#kc-form-login');
        expect(new URL(page.url()).origin).toBe(env.oidc!.issuer);
        expect(new URL(page.url()).searchParams.get('client_id') ?? new URL(page.url()).pathname).toBeTruthy();
        await page.type('#username', env.user);
        await page.type('#password', env.password);
        await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#kc-login')]);
        await page.waitForFunction(`window.rcmail && rcmail.message_list && !rcmail.busy && typeof rcmail.env.messagecount === 'number'`, { timeout: 30_000 });
        loggedInAt = Date.now();
        expect(env.oidc!.stats.logins).toBe(logins + 1);
        expect(new URL(page.url()).origin).toBe(new URL(env.url).origin);
        const view = await page.evaluate(`({ skin: rcmail.env.skin, locale: rcmail.env.locale, lang: document.documentElement.lang, task: rcmail.env.task,
          folders: [...document.querySelectorAll('#mailboxlist a[rel]')].map((a) => a.getAttribute('rel')),
          inbox: document.querySelector('#mailboxlist a[rel="INBOX"]').firstChild.textContent.trim() })`);
        expect(view).toMatchObject({ skin: 'elastic', locale: 'fr_FR', lang: 'fr', task: 'mail', inbox: 'Boîte de réception' });
        expect((view as { folders: string[] }).folders).toEqual(expect.arrayContaining(['INBOX', 'Drafts', 'Sent', 'Trash', 'Junk', 'Patients', 'Patients/Archives']));
        await s.gotoWithBalise(page, env.url);
        const st = await waitForAdapter(s, page);
        expect(st.detection).toMatchObject({ kind: 'roundcube', variant: 'elastic', page: 'mail', supported: true });
      });

      step('shows the quota with French units, and Balise reads what Dovecot counts', async ({ expect }) => {
        await page.waitForFunction(`(rcmail.env.quota_content || {}).title`);
        const title = (await page.evaluate(`rcmail.env.quota_content.title`)) as string;
        // e.g. "Utilisation du disque: 160 Mo / 200 Mo (80%)"
        expect(title).toMatch(/^Utilisation du disque\s?: \d+(,\d+)? [kMG]o \/ 200 Mo \(\d+ ?%\)$/);
        const shown = (await page.evaluate(`(document.querySelector('#quotadisplay').getAttribute('data-original-title') || document.querySelector('#quotadisplay').title || '') + ' ' + document.querySelector('#rcmquotadisplay').textContent`)) as string;
        expect(shown).toMatch(/Mo|%/);
        const truth = await quotaTruth(env);
        const q = await s.call<Quota>(page, 'webmail', 'quota.read');
        expect(q).toMatchObject({ usedBytes: truth.usedKiB * 1024, limitBytes: truth.limitKiB! * 1024 });
      });

      step('ends the session when the tokens run out; the next page load goes to the provider', async ({ expect }) => {
        // Before the refresh token's end, a reload still works (Roundcube refreshes the access token).
        await new Promise((r) => setTimeout(r, Math.max(0, loggedInAt + (ACCESS_TTL - 5) * 1000 - Date.now())));
        const refreshes = env.oidc!.stats.refreshes;
        await page.goto(env.url, { waitUntil: 'load' });
        expect(new URL(page.url()).origin).toBe(new URL(env.url).origin);
        await page.waitForFunction(`window.rcmail && rcmail.env.task === 'mail'`);
        expect(env.oidc!.stats.refreshes).toBeGreaterThan(refreshes);

        await new Promise((r) => setTimeout(r, Math.max(0, loggedInAt + (REFRESH_TTL + 2) * 1000 - Date.now())));
        // The first request after the end kills the Roundcube session (its refresh is refused); the answer to it is
        // still a page of Roundcube's. Loading the webmail again then lands on the provider's login form.
        const first = await page.goto(env.url, { waitUntil: 'load' });
        const firstAt = new URL(page.url()).origin;
        const firstTask = await page.evaluate(`window.rcmail ? rcmail.env.task : null`).catch(() => null);
        let loads = 1;
        if (firstAt !== env.oidc!.issuer) {
          await page.goto(env.url, { waitUntil: 'load' });
          loads++;
        }
        console.log(`[mailiz env] ${kind}: first load after the end: HTTP ${first?.status()} at ${firstAt === env.oidc!.issuer ? 'provider' : 'Roundcube'} (task ${String(firstTask)}); on the provider after ${loads} load(s)`);
        expect(new URL(page.url()).origin).toBe(env.oidc!.issuer);
        await page.waitForSelector('#kc-form-login');
        expect(loads).toBeLessThanOrEqual(2);
        // The redirect is Roundcube's: the chain starts at the webmail.
        const chain = (await page.goto(env.url, { waitUntil: 'load' }))!.request().redirectChain().map((r) => new URL(r.url()).origin);
        expect(chain[0]).toBe(new URL(env.url).origin);
        expect(new URL(page.url()).origin).toBe(env.oidc!.issuer);
      });

      step('works behind the fault proxy, whose firewall stand-in then blocks the webmail in the browser', async ({ expect }) => {
        const fp = await startFaultProxy({ target: env.url });
        try {
          // Roundcube builds its OAuth redirect from the Host it sees (the proxy passes the server's own), so the login
          // comes back to the server's origin; the session cookie is the host's (cookies ignore ports): the proxy's
          // origin is logged in too.
          await page.goto(fp.url, { waitUntil: 'load' });
          await page.waitForSelector('#kc-form-login');
          await page.type('#username', env.user);
          await page.type('#password', env.password);
          await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#kc-login')]);
          await s.gotoWithBalise(page, fp.url);
          expect((await waitForAdapter(s, page)).detection).toMatchObject({ kind: 'roundcube', page: 'mail' });
          fp.firewall({ maxRequests: 0, windowMs: 1000, coolDownMs: 2000, status: 403 });
          const blocked = await page.goto(fp.url, { waitUntil: 'load' });
          expect(blocked?.status()).toBe(403);
          expect(await page.evaluate(() => document.body.innerText)).toMatch(/Web Page Blocked[\s\S]*Attack ID: \d+/);
          expect(fp.firewallStats.trips).toBe(1);
          // Off (rather than waiting out its cool-down): the page is Balise's again.
          fp.firewall(null);
          await s.gotoWithBalise(page, fp.url);
          expect((await waitForAdapter(s, page)).detection).toMatchObject({ kind: 'roundcube', page: 'mail' });
        } finally {
          await fp.stop();
        }
      });

      step('made no request to any host but 127.0.0.1', ({ expect }) => {
        s.assertNoForeignRequests();
      });
    });
  }
});
