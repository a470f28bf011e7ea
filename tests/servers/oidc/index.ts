/**
 * A real OpenID Connect provider for tests (the `oidc-provider` package, in this process), standing in for the
 * Keycloak in front of Mailiz: its own login form (address + password), the code flow for a confidential client
 * (Roundcube's own OAuth support: client secret in the body, no PKCE), userinfo, refresh tokens, and token
 * introspection for Dovecot's `oauth2` passdb. 127.0.0.1 only.
 *
 *   const idp = await startOidcProvider({ accounts: [{ email, password, name }], clients: [...] });
 *   idp.issuer, idp.endpoints.{auth,token,userinfo,introspection}, idp.stats, await idp.stop();
 *
 * Tokens are short-lived on purpose (settable), so that a test can watch a webmail session end.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider, { type Configuration } from 'oidc-provider';

export interface OidcAccount {
  email: string;
  password: string;
  name: string;
}

export interface OidcClient {
  client_id: string;
  client_secret: string;
  redirect_uris?: string[];
  /** A client that only introspects (Dovecot): no redirect, no grant. */
  introspectOnly?: boolean;
}

export interface OidcOptions {
  accounts: OidcAccount[];
  clients: OidcClient[];
  port?: number;
  /** Access token lifetime, seconds (Keycloak's default is 300). */
  accessTokenTtl?: number;
  /** Refresh token lifetime from the login, seconds: no rotation, so the session cannot outlive it (Keycloak's SSO idle default is 1800). */
  refreshTokenTtl?: number;
}

export interface OidcProvider {
  issuer: string;
  port: number;
  endpoints: { auth: string; token: string; userinfo: string; introspection: string };
  /** Requests seen, per path kind, and logins (form posts) accepted / refused. */
  stats: { requests: number; logins: number; loginFailures: number; introspections: number; refreshes: number };
  accessTokenTtl: number;
  refreshTokenTtl: number;
  /**
   * End every login now, as Keycloak does when its SSO session ends (idle time, or "sign out all sessions"): the
   * refresh tokens and the provider's own sessions issued so far are destroyed. A webmail's next refresh is refused
   * (invalid_grant), so Roundcube kills its session; the next visit to the provider shows its form. Access tokens
   * live out their short lifetime. A later login is unaffected.
   */
  endSessions(): Promise<void>;
  stop(): Promise<void>;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** A login page shaped like Keycloak's (ids `kc-form-login`, `username`, `password`, `kc-login`), in French. */
function loginPage(uid: string, error?: string, username = ''): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Se connecter à Mailiz</title></head>
<body class="login-pf"><div id="kc-header">Mailiz</div>
<h1 id="kc-page-title">Connectez-vous à votre compte</h1>
${error ? `<div class="alert-error" id="input-error">${esc(error)}</div>` : ''}
<form id="kc-form-login" method="post" action="/interaction/${esc(uid)}/login">
<label for="username">Adresse e-mail</label><input id="username" name="username" type="text" autocomplete="username" value="${esc(username)}">
<label for="password">Mot de passe</label><input id="password" name="password" type="password" autocomplete="current-password">
<input type="submit" id="kc-login" name="login" value="Se connecter">
</form></body></html>`;
}

async function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

export async function startOidcProvider(opts: OidcOptions): Promise<OidcProvider> {
  const accessTokenTtl = opts.accessTokenTtl ?? 300;
  const refreshTokenTtl = opts.refreshTokenTtl ?? 1800;
  const accounts = new Map(opts.accounts.map((a) => [a.email.toLowerCase(), a]));
  const server = http.createServer();
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  const introspectors = new Set(opts.clients.filter((c) => c.introspectOnly).map((c) => c.client_id));

  const config: Configuration = {
    clients: opts.clients.map((c) =>
      c.introspectOnly
        ? { client_id: c.client_id, client_secret: c.client_secret, grant_types: [], response_types: [], redirect_uris: [] }
        : {
            client_id: c.client_id,
            client_secret: c.client_secret,
            redirect_uris: c.redirect_uris ?? [],
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            // Roundcube 1.6 posts client_id and client_secret in the form body.
            token_endpoint_auth_method: 'client_secret_post',
          },
    ),
    // The account id is the address: Dovecot compares the introspected `sub` with the IMAP login name.
    async findAccount(_ctx, id) {
      const a = accounts.get(id.toLowerCase());
      if (!a) return undefined;
      return {
        accountId: a.email,
        async claims() {
          return { sub: a.email, email: a.email, email_verified: true, name: a.name, preferred_username: a.email };
        },
      };
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    cookies: { keys: [randomBytes(24).toString('hex')] },
    // A fresh signing key per run (the package's built-in one is for quick starts only).
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), kid: 'balise-test', alg: 'RS256', use: 'sig' }] },
    // Keycloak's introspection names the user's address; so does this one (Dovecot matches it with the login).
    async extraTokenClaims(_ctx, token) {
      return token.kind === 'AccessToken' && 'accountId' in token && token.accountId ? { email: token.accountId } : undefined;
    },
    features: {
      devInteractions: { enabled: false },
      introspection: {
        enabled: true,
        // Only the introspection client (Dovecot) or the token's own client may ask.
        async allowedPolicy(_ctx, client, token) {
          return introspectors.has(client.clientId) || token.clientId === client.clientId;
        },
      },
      revocation: { enabled: true },
    },
    // Keycloak gives a refresh token without offline_access; so does this stand-in, and never rotates it, so the
    // login lives refreshTokenTtl seconds at most.
    async issueRefreshToken(_ctx, client) {
      return client.grantTypeAllowed('refresh_token');
    },
    rotateRefreshToken: () => false,
    pkce: { required: () => false },
    ttl: {
      AccessToken: accessTokenTtl,
      RefreshToken: refreshTokenTtl,
      AuthorizationCode: 60,
      IdToken: accessTokenTtl,
      Interaction: 600,
      // Keycloak's SSO session idle time is also its refresh tokens' lifetime: when Roundcube's refresh fails, the
      // provider's own session is over too, and its login form shows again.
      Grant: refreshTokenTtl,
      Session: refreshTokenTtl,
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = `<!doctype html><html lang="fr"><body><h1>Erreur</h1><pre>${esc(JSON.stringify(out))}</pre></body></html>`;
    },
  };
  const provider = new Provider(issuer, config);

  const stats = { requests: 0, logins: 0, loginFailures: 0, introspections: 0, refreshes: 0 };
  provider.on('grant.success', (ctx: { oidc: { params?: Record<string, unknown> } }) => {
    if (ctx.oidc.params?.grant_type === 'refresh_token') stats.refreshes++;
  });
  provider.on('introspection.error', () => undefined);
  // What endSessions() destroys: the logins so far (the package's models, saved and destroyed through its adapter).
  const live = new Set<{ destroy(): Promise<unknown> }>();
  provider.on('refresh_token.saved', (t: { destroy(): Promise<unknown> }) => live.add(t));
  provider.on('session.saved', (x: { destroy(): Promise<unknown> }) => live.add(x));
  const callback = provider.callback();

  server.on('request', (req, res) => {
    stats.requests++;
    const url = new URL(req.url ?? '/', issuer);
    if (url.pathname === '/token/introspection') stats.introspections++;
    const m = /^\/interaction\/([\w-]+)(\/login)?$/.exec(url.pathname);
    if (!m) {
      callback(req, res);
      return;
    }
    void (async () => {
      try {
        const details = await provider.interactionDetails(req, res);
        if (m[2] && req.method === 'POST') {
          const form = await readForm(req);
          const a = accounts.get((form.get('username') ?? '').trim().toLowerCase());
          if (!a || a.password !== form.get('password')) {
            stats.loginFailures++;
            res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid, 'Adresse e-mail ou mot de passe invalide.', form.get('username') ?? ''));
            return;
          }
          stats.logins++;
          await provider.interactionFinished(req, res, { login: { accountId: a.email } }, { mergeWithLastSubmission: false });
          return;
        }
        if (details.prompt.name === 'login') {
          res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(loginPage(details.uid));
          return;
        }
        // Consent: a first-party client, granted what it asked for (as Keycloak does when consent is off).
        const { prompt, params, session, grantId } = details;
        const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session!.accountId, clientId: String(params.client_id) });
        if (!grant) throw new Error('grant not found');
        const d = prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[] };
        if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
        if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
        const saved = await grant.save();
        await provider.interactionFinished(req, res, { consent: { grantId: saved } }, { mergeWithLastSubmission: true });
      } catch (e) {
        if (!res.headersSent) res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(`interaction failed: ${(e as Error).message}`);
      }
    })();
  });

  return {
    issuer,
    port,
    endpoints: {
      auth: `${issuer}/auth`,
      token: `${issuer}/token`,
      userinfo: `${issuer}/me`,
      introspection: `${issuer}/token/introspection`,
    },
    stats,
    accessTokenTtl,
    refreshTokenTtl,
    async endSessions() {
      const all = [...live];
      live.clear();
      for (const x of all) await x.destroy().catch(() => undefined);
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
