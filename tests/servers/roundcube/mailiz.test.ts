/**
 * The Mailiz-like variant over HTTP: the code flow Roundcube runs against the provider, Dovecot checking the bearer
 * token by introspection, and what Roundcube 1.6.5 answers when the tokens run out (FINDINGS.md, section "OpenID
 * Connect login"). Slow on purpose: it waits for real token lifetimes (about 30 s).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startRoundcube, type RoundcubeEnv } from './index';
import { RoundcubeClient, execCalls, parseSetEnv } from './http';
import { oidcLoginHttp } from './mailiz';

const ACCESS_TTL = 12;
const REFRESH_TTL = 24;

describe('Mailiz-like Roundcube over HTTP', () => {
  let env: RoundcubeEnv;
  beforeAll(async () => {
    env = await startRoundcube({ variant: 'mailiz', profile: 'empty', oidc: { accessTokenTtl: ACCESS_TTL, refreshTokenTtl: REFRESH_TTL } });
  });
  afterAll(async () => {
    await env?.stop();
  });

  it('has no password form: a visit without a session goes to the provider with the code flow Mailiz uses', async () => {
    const c = new RoundcubeClient(env.url);
    const r = await c.raw('GET', {}, { follow: false });
    expect(r.status).toBe(302);
    const to = new URL(r.headers.get('location')!);
    expect(to.origin).toBe(env.oidc!.issuer);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'roundcube',
      scope: 'email profile openid',
      redirect_uri: `${env.url}index.php/login/oauth`,
    });
    expect(to.searchParams.get('state')).toBeTruthy();
  });

  it('refuses a wrong password on the provider’s form', async () => {
    const c = new RoundcubeClient(env.url);
    await expect(oidcLoginHttp(c.cookies, env.url, env.user, 'wrong')).rejects.toThrow(/did not reach the mail page/);
    expect(env.oidc!.stats.loginFailures).toBeGreaterThan(0);
  });

  it('logs in, refreshes the access token, then ends the session with the refresh token', async () => {
    const c = new RoundcubeClient(env.url);
    const t0 = Date.now();
    const html = await oidcLoginHttp(c.cookies, env.url, env.user, env.password);
    const pageEnv = parseSetEnv(html)!;
    expect(pageEnv).toMatchObject({ task: 'mail', skin: 'elastic', locale: 'fr_FR' });
    c.token = String(pageEnv.request_token);
    // Dovecot took the bearer token (XOAUTH2) after asking the provider.
    expect(readFileSync(env.logs.dovecot, 'utf8')).toMatch(/Login: user=<martin\.durand@medecin\.mssante\.fr>, method=XOAUTH2/);
    expect(env.oidc!.stats.introspections).toBeGreaterThan(0);

    // Past the access token's life (Roundcube counts 10 s less), a request refreshes it and still works.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (ACCESS_TTL - 8) * 1000 - Date.now())));
    const refreshes = env.oidc!.stats.refreshes;
    const ok = await c.ajax('list', { _mbox: 'INBOX' });
    expect(ok.env).toMatchObject({ mailbox: 'INBOX', quota: true });
    expect(env.oidc!.stats.refreshes).toBe(refreshes + 1);

    // Past the refresh token's life: the refresh is refused, Roundcube kills the session, and its AJAX answer to
    // that very request is a 200 that looks like an empty folder with an error message and no quota.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (REFRESH_TTL + 1) * 1000 - Date.now())));
    const dead = await c.raw('GET', { _task: 'mail', _action: 'list', _mbox: 'INBOX', _remote: '1' }, { headers: { 'X-Roundcube-Request': c.token } });
    expect(dead.status).toBe(200);
    const body = JSON.parse(dead.text()) as { env: Record<string, unknown>; exec: string };
    expect(body.env).toMatchObject({ quota: false, messagecount: 0 });
    expect(execCalls(body.exec, 'display_message')[0]?.[0]).toMatch(/AUTHENTICATE XOAUTH2.*AUTHENTICATIONFAILED/);
    expect(execCalls(body.exec, 'set_quota')[0]?.[0]).toMatchObject({ arg: false, title: 'inconnue' });
    expect(readFileSync(env.logs.roundcubeErrors, 'utf8')).toMatch(/OAuth refresh token request failed/);

    // Now the session is gone. A full page with a task shows the login page with "session invalid" (no redirect:
    // Roundcube sees a stale cookie); the bare webmail URL redirects to the provider; AJAX gets session_error.
    const withTask = await c.raw('GET', { _task: 'mail' }, { follow: false });
    expect(withTask.status).toBe(200);
    expect(parseSetEnv(withTask.text())).toMatchObject({ task: 'login' });
    expect(withTask.text()).toContain('Votre session est invalide ou a expiré.');
    const bare = await c.raw('GET', {}, { follow: false });
    expect(bare.status).toBe(302);
    expect(new URL(bare.headers.get('location')!).origin).toBe(env.oidc!.issuer);
    const ajax = await c.raw('GET', { _task: 'mail', _action: 'list', _mbox: 'INBOX', _remote: '1' }, { headers: { 'X-Roundcube-Request': c.token } });
    expect(execCalls((JSON.parse(ajax.text()) as { exec: string }).exec, 'session_error')).toHaveLength(1);
  }, 60_000);

  it('ends every login at once on the provider’s endSessions(), and a new login works right after the dead session’s failures', async () => {
    const c = new RoundcubeClient(env.url);
    const t0 = Date.now();
    c.token = String(parseSetEnv(await oidcLoginHttp(c.cookies, env.url, env.user, env.password))!.request_token);
    await env.oidc!.endSessions();
    // Past the point where Roundcube refreshes (its access token's life minus 10 s): the refresh is refused.
    await new Promise((r) => setTimeout(r, Math.max(0, t0 + (ACCESS_TTL - 9) * 1000 - Date.now())));
    const dead = await c.raw('GET', { _task: 'mail', _action: 'list', _mbox: 'INBOX', _remote: '1' }, { headers: { 'X-Roundcube-Request': c.token } });
    expect((JSON.parse(dead.text()) as { env: Record<string, unknown> }).env).toMatchObject({ quota: false, messagecount: 0 });
    // A few more requests of the dead session (a page still open), then the person logs in again, within the new
    // token's short life.
    for (let i = 0; i < 3; i++) await c.raw('GET', { _task: 'mail', _action: 'getunread', _remote: '1' }, { headers: { 'X-Roundcube-Request': c.token } });
    const again = new RoundcubeClient(env.url);
    const t1 = Date.now();
    again.token = String(parseSetEnv(await oidcLoginHttp(again.cookies, env.url, env.user, env.password))!.request_token);
    expect(Date.now() - t1).toBeLessThan(ACCESS_TTL * 1000);
    expect((await again.ajax('list', { _mbox: 'INBOX' })).env).toMatchObject({ mailbox: 'INBOX', quota: true });
  }, 60_000);
});
