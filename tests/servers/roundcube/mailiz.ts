/**
 * The Mailiz-like variant of the Roundcube environment: Roundcube's own OAuth support logs in through a real
 * OpenID Connect provider on another loopback origin (tests/servers/oidc), and Dovecot accepts the bearer token
 * through its `oauth2` passdb and the provider's introspection. Elastic, fr_FR, the same folders as the default.
 *
 * What Mailiz runs (public sources, see the project's notes): Roundcube at roundcube.mssante.fr, client id
 * `roundcube`, scope `email profile openid`, redirect `/index.php/login/oauth`, behind a Keycloak realm.
 */
import { randomBytes } from 'node:crypto';
import { startOidcProvider, type OidcProvider } from '../oidc/index.ts';
import type { DovecotOauth2 } from './dovecot.ts';

export const MAILIZ_CLIENT_ID = 'roundcube';
export const MAILIZ_SCOPE = 'email profile openid';
const INTROSPECT_CLIENT_ID = 'dovecot';

export interface MailizOidcOptions {
  /** Access token lifetime in seconds (default 300, Keycloak's default). Roundcube treats it as expired 10 s early. */
  accessTokenTtl?: number;
  /** Refresh token lifetime in seconds from the login (default 1800): the Roundcube session ends after it. */
  refreshTokenTtl?: number;
}

export interface MailizParts {
  idp: OidcProvider;
  roundcubeConfig: Record<string, unknown>;
  dovecot: DovecotOauth2;
}

/** Start the provider for a Roundcube that will listen on `roundcubeUrl`, and say how to configure both servers. */
export async function startMailizParts(o: { roundcubeUrl: string; publicUrls?: string[]; user: string; password: string; name: string } & MailizOidcOptions): Promise<MailizParts> {
  const secret = randomBytes(18).toString('hex');
  const introspectSecret = randomBytes(18).toString('hex');
  const idp = await startOidcProvider({
    accounts: [{ email: o.user, password: o.password, name: o.name }],
    clients: [
      { client_id: MAILIZ_CLIENT_ID, client_secret: secret, redirect_uris: [o.roundcubeUrl, ...(o.publicUrls ?? [])].map((u) => new URL('index.php/login/oauth', u).toString()) },
      { client_id: INTROSPECT_CLIENT_ID, client_secret: introspectSecret, introspectOnly: true },
    ],
    accessTokenTtl: o.accessTokenTtl,
    refreshTokenTtl: o.refreshTokenTtl,
  });
  const intro = new URL(idp.endpoints.introspection);
  intro.username = INTROSPECT_CLIENT_ID;
  intro.password = introspectSecret;
  return {
    idp,
    roundcubeConfig: {
      // No zipdownload (index.ts): Mailiz's plugins are not public; the one-by-one downloads are tested here.
      plugins: [],
      oauth_provider: 'generic',
      oauth_provider_name: 'Mailiz',
      oauth_client_id: MAILIZ_CLIENT_ID,
      oauth_client_secret: secret,
      oauth_auth_uri: idp.endpoints.auth,
      oauth_token_uri: idp.endpoints.token,
      oauth_identity_uri: idp.endpoints.userinfo,
      oauth_scope: MAILIZ_SCOPE,
      oauth_identity_fields: ['email'],
      // A visit without a session goes straight to the provider (what Mailiz users see).
      oauth_login_redirect: true,
      oauth_verify_peer: false,
    },
    dovecot: { introspectionUrl: intro.toString(), usernameAttribute: 'email' },
  };
}

/**
 * Complete the code flow over HTTP the way a browser would (follow redirects across both origins, fill the
 * provider's login form), keeping cookies in `cookies` (one jar for 127.0.0.1: cookies ignore ports, as in a
 * browser). Ends on Roundcube's mail page; returns its HTML.
 */
export async function oidcLoginHttp(cookies: Map<string, string>, roundcubeUrl: string, user: string, password: string): Promise<string> {
  const go = async (url: string, init: { method?: string; body?: string } = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.body) headers['content-type'] = 'application/x-www-form-urlencoded';
    const res = await fetch(url, { method: init.method ?? 'GET', body: init.body, headers, redirect: 'manual' });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (!value || /expires=Thu, 01[- ]Jan[- ]1970/i.test(c)) cookies.delete(name);
      else cookies.set(name, value);
    }
    return res;
  };
  let url = roundcubeUrl;
  let res = await go(url);
  let posted = false;
  for (let hop = 0; hop < 20; hop++) {
    const loc = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && loc) {
      url = new URL(loc, url).toString();
      res = await go(url);
      continue;
    }
    const html = await res.text();
    const form = /<form id="kc-form-login"[^>]*action="([^"]+)"/.exec(html);
    if (form && !posted) {
      posted = true;
      url = new URL(form[1]!.replace(/&amp;/g, '&'), url).toString();
      res = await go(url, { method: 'POST', body: new URLSearchParams({ username: user, password }).toString() });
      continue;
    }
    if (url.startsWith(roundcubeUrl) && /"task":"mail"/.test(html)) return html;
    throw new Error(`OpenID Connect login did not reach the mail page (at ${url}, HTTP ${res.status}): ${html.slice(0, 300)}`);
  }
  throw new Error('too many redirects during the OpenID Connect login');
}
