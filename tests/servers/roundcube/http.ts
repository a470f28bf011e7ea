/**
 * A minimal Roundcube HTTP client for tests, the fixture recorder and FINDINGS checks: cookie jar, login form,
 * request token, AJAX calls (`_remote=1` + `X-Roundcube-Request`), and parsers for what Roundcube sends back.
 * Talks to the loopback test server only.
 */

export interface AjaxResponse {
  action?: string;
  unlock?: unknown;
  env?: Record<string, unknown>;
  exec?: string;
  [k: string]: unknown;
}

export interface RawResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
  text(): string;
}

export class RoundcubeClient {
  readonly cookies = new Map<string, string>();
  /** The session's request token (rcmail.env.request_token), known after login(). */
  token = '';
  /** rcmail.set_env() of the last full page loaded. */
  pageEnv: Record<string, unknown> = {};

  constructor(readonly base: string) {
    const u = new URL(base);
    if (u.hostname !== '127.0.0.1' && u.hostname !== 'localhost') throw new Error(`loopback only, not ${u.hostname}`);
  }

  private cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(res: Response): void {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      if (value === '' || value === 'deleted' || /expires=Thu, 01[- ]Jan[- ]1970/i.test(c)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  url(params: Record<string, string> | URLSearchParams = {}): string {
    const q = new URLSearchParams(params).toString();
    return new URL(q ? `./?${q}` : './', this.base).toString();
  }

  /** One HTTP exchange; follows redirects (keeping cookies) unless told not to. */
  async raw(
    method: 'GET' | 'POST',
    params: Record<string, string> | URLSearchParams,
    o: { body?: Record<string, string | string[]> | URLSearchParams; headers?: Record<string, string>; follow?: boolean } = {},
  ): Promise<RawResponse> {
    let url = this.url(params);
    let body: string | undefined;
    if (o.body) {
      const b = new URLSearchParams();
      if (o.body instanceof URLSearchParams) o.body.forEach((v, k) => b.append(k, v));
      else for (const [k, v] of Object.entries(o.body)) for (const x of Array.isArray(v) ? v : [v]) b.append(k, x);
      body = b.toString();
    }
    let m: string = method;
    for (let hop = 0; hop < 10; hop++) {
      const headers: Record<string, string> = { ...o.headers };
      if (this.cookies.size) headers.cookie = this.cookieHeader();
      if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
      const res = await fetch(url, { method: m, headers, body, redirect: 'manual' });
      this.keepCookies(res);
      const loc = res.headers.get('location');
      if (o.follow !== false && res.status >= 300 && res.status < 400 && loc) {
        url = new URL(loc, url).toString();
        m = 'GET';
        body = undefined;
        continue;
      }
      const buf = Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, body: buf, url, text: () => buf.toString('utf8') };
    }
    throw new Error('too many redirects');
  }

  /** A full page (GET), remembering its rcmail.set_env. */
  async page(params: Record<string, string>): Promise<RawResponse> {
    const r = await this.raw('GET', params);
    const env = parseSetEnv(r.text());
    if (env) {
      this.pageEnv = env;
      if (typeof env.request_token === 'string') this.token = env.request_token;
    }
    return r;
  }

  async login(user: string, password: string): Promise<void> {
    const loginPage = await this.raw('GET', {});
    const html = loginPage.text();
    const token = /<input type="hidden" name="_token" value="([^"]+)"/.exec(html)?.[1];
    if (!token) throw new Error(`no login form at ${this.base} (HTTP ${loginPage.status})`);
    const r = await this.raw(
      'POST',
      { _task: 'login' },
      { body: { _token: token, _task: 'login', _action: 'login', _timezone: 'Europe/Paris', _url: '', _user: user, _pass: password } },
    );
    const env = parseSetEnv(r.text());
    if (!env || env.task !== 'mail' || typeof env.request_token !== 'string') {
      const msg = /display_message\("([^"]*)"/.exec(r.text())?.[1];
      throw new Error(`Roundcube login failed (HTTP ${r.status}${msg ? `: ${msg}` : ''})`);
    }
    this.pageEnv = env;
    this.token = env.request_token;
  }

  async logout(): Promise<void> {
    await this.raw('GET', { _task: 'logout', _token: this.token });
    this.token = '';
  }

  /** An AJAX action as rcmail.http_request / http_post send it. */
  async ajax(
    action: string,
    params: Record<string, string | string[]> = {},
    o: { method?: 'GET' | 'POST'; task?: string; token?: boolean } = {},
  ): Promise<AjaxResponse & { status: number }> {
    const r = await this.ajaxRaw(action, params, o);
    const text = r.text();
    let parsed: AjaxResponse;
    try {
      parsed = JSON.parse(text) as AjaxResponse;
    } catch {
      throw new Error(`${action}: HTTP ${r.status}, not JSON: ${text.slice(0, 200)}`);
    }
    return { ...parsed, status: r.status };
  }

  async ajaxRaw(
    action: string,
    params: Record<string, string | string[]> = {},
    o: { method?: 'GET' | 'POST'; task?: string; token?: boolean } = {},
  ): Promise<RawResponse> {
    const method = o.method ?? 'GET';
    const headers: Record<string, string> = {};
    if (o.token !== false) headers['x-roundcube-request'] = this.token;
    const q: Record<string, string> = { _task: o.task ?? 'mail', _action: action };
    if (method === 'GET') {
      const sp = new URLSearchParams(q);
      for (const [k, v] of Object.entries(params)) for (const x of Array.isArray(v) ? v : [v]) sp.append(k, x);
      sp.set('_remote', '1');
      return this.raw('GET', sp, { headers });
    }
    return this.raw('POST', q, { headers, body: { ...params, _remote: '1' } });
  }
}

/** The object passed to rcmail.set_env({...}) in a full page. */
export function parseSetEnv(html: string): Record<string, unknown> | null {
  const i = html.indexOf('rcmail.set_env(');
  if (i < 0) return null;
  const start = i + 'rcmail.set_env('.length;
  // The argument is a JSON object; find its end by brace matching outside strings.
  let depth = 0;
  let inStr = false;
  for (let j = start; j < html.length; j++) {
    const c = html[j];
    if (inStr) {
      if (c === '\\') j++;
      else if (c === '"') inStr = false;
    } else if (c === '"') inStr = true;
    else if (c === '{') depth++;
    else if (c === '}') {
      depth--;
      if (depth === 0) return JSON.parse(html.slice(start, j + 1)) as Record<string, unknown>;
    }
  }
  return null;
}

/** Arguments of every `this.<name>(…);` call in an AJAX `exec` string, JSON-parsed. */
export function execCalls(exec: string | undefined, name: string): unknown[][] {
  if (!exec) return [];
  const out: unknown[][] = [];
  const needle = `this.${name}(`;
  for (const line of exec.split('\n')) {
    let at = line.indexOf(needle);
    while (at >= 0) {
      const argsStart = at + needle.length;
      // Find the closing parenthesis of this call, skipping strings and nested brackets.
      let depth = 1;
      let inStr = false;
      let j = argsStart;
      for (; j < line.length && depth > 0; j++) {
        const c = line[j];
        if (inStr) {
          if (c === '\\') j++;
          else if (c === '"') inStr = false;
        } else if (c === '"') inStr = true;
        else if (c === '(' || c === '[' || c === '{') depth++;
        else if (c === ')' || c === ']' || c === '}') depth--;
      }
      out.push(JSON.parse(`[${line.slice(argsStart, j - 1)}]`) as unknown[]);
      at = line.indexOf(needle, j);
    }
  }
  return out;
}

export interface ListRow {
  uid: number;
  cols: Record<string, string>;
  flags: Record<string, unknown>;
}

export function listRows(exec: string | undefined): ListRow[] {
  return execCalls(exec, 'add_message_row').map(([uid, cols, flags]) => ({
    uid: Number(uid),
    cols: cols as Record<string, string>,
    flags: flags as Record<string, unknown>,
  }));
}

export interface RcQuota {
  used: number;
  total: number;
  percent: number;
  free?: number;
  type?: string;
  folder?: string;
  title?: string;
}

export function setQuota(exec: string | undefined): RcQuota | null {
  const calls = execCalls(exec, 'set_quota');
  return calls.length ? (calls[calls.length - 1]![0] as RcQuota) : null;
}
