/**
 * The Roundcube adapter's request layer against recorded Roundcube 1.6.5 answers served by a fake fetch:
 * what it sends (token header, _remote, same-origin), how answers and failures become WebmailError codes,
 * paging a stored search, the server clock, and the raw-message checks.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RcApi, codeForMessage } from '../../../../lib/webmail/roundcube/api';
import { looksLikeMessageStart, readWhole, splitHead } from '../../../../lib/webmail/raw';
import { isWebmailError } from '../../../../lib/webmail/types';

const FIX = path.resolve(import.meta.dirname, '../../../fixtures/roundcube');
const text = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const recorded = (f: string) => JSON.stringify((JSON.parse(text(f)) as { response: { json: unknown } }).response.json);
const TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';

interface Seen {
  url: URL;
  init: RequestInit;
}

function fakeApi(answer: (url: URL, init: RequestInit) => Response | Promise<Response>, now = () => 1_000_000) {
  const seen: Seen[] = [];
  const api = new RcApi({
    pageUrl: 'http://127.0.0.1:8080/webmail/?_task=mail&_mbox=INBOX',
    commPath: '/webmail/?_task=mail',
    token: TOKEN,
    now,
    fetch: async (input, init) => {
      const url = new URL(input);
      seen.push({ url, init });
      return answer(url, init);
    },
  });
  return { api, seen };
}

const jsonResponse = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { 'content-type': 'application/json; charset=UTF-8', ...headers } });

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'no error';
  } catch (e) {
    return isWebmailError(e) ? e.code : `not a WebmailError: ${String(e)}`;
  }
}

describe('requests', () => {
  it('sends what rcmail.http_request/http_post send, to the same origin and path only', async () => {
    const { api, seen } = fakeApi(() => jsonResponse(recorded('getunread.json')));
    await api.ajax('getunread', { _mbox: 'INBOX', _page: 2 });
    await api.ajax('move', { _uid: '1,2', _mbox: 'INBOX', _target_mbox: 'Trash' }, { method: 'POST' });
    const [get, post] = seen;
    expect(get!.url.origin + get!.url.pathname).toBe('http://127.0.0.1:8080/webmail/');
    expect(Object.fromEntries(get!.url.searchParams)).toEqual({ _task: 'mail', _action: 'getunread', _mbox: 'INBOX', _page: '2', _remote: '1' });
    expect(get!.init).toMatchObject({ method: 'GET', credentials: 'same-origin' });
    expect((get!.init.headers as Record<string, string>)['X-Roundcube-Request']).toBe(TOKEN);
    expect(post!.init.method).toBe('POST');
    expect(Object.fromEntries(new URLSearchParams(String(post!.init.body)))).toEqual({ _uid: '1,2', _mbox: 'INBOX', _target_mbox: 'Trash', _remote: '1' });
    expect(Object.fromEntries(post!.url.searchParams)).toEqual({ _task: 'mail', _action: 'move' });
    // Nothing in any request names a password or a cookie.
    expect(JSON.stringify(seen.map((s) => [s.url.href, s.init.headers, s.init.body]))).not.toMatch(/pass|cookie|sessid/i);
  });

  it('refuses a comm_path on another origin', () => {
    expect(() => new RcApi({ pageUrl: 'http://127.0.0.1/', commPath: 'https://evil.example/?_task=mail', token: TOKEN })).toThrow();
  });
});

describe('failures become WebmailError codes', () => {
  const cases: [string, () => Response | Promise<Response>, string][] = [
    ['a lost session (session_error)', () => jsonResponse(recorded('session-expired-list.json')), 'auth-expired'],
    ['the login page instead of JSON', () => new Response(text('adapter/mail-no-session.html'), { headers: { 'content-type': 'text/html' } }), 'auth-expired'],
    ['403 Invalid Request', () => new Response('Invalid Request', { status: 403 }), 'forbidden'],
    ['500', () => new Response('oops', { status: 500 }), 'server'],
    ['not JSON', () => new Response('<html>proxy error</html>', { status: 200 }), 'invalid-response'],
    ['JSON of the wrong shape', () => jsonResponse('{"exec":42}'), 'invalid-response'],
    ['no answer', () => Promise.reject(new TypeError('Failed to fetch')), 'network'],
  ];
  for (const [what, answer, code] of cases) {
    it(what, async () => {
      const { api } = fakeApi(answer);
      expect(await codeOf(api.ajax('list', { _mbox: 'INBOX', _page: 1 }))).toBe(code);
    });
  }

  it('an aborted signal', async () => {
    const { api } = fakeApi(() => jsonResponse('{}'));
    const ac = new AbortController();
    ac.abort();
    expect(await codeOf(api.ajax('list', {}, { signal: ac.signal }))).toBe('aborted');
  });

  it('a search in a folder that is not there, and an error page for a framed page', async () => {
    const missing = JSON.stringify(JSON.parse(text('adapter/search-missing-folder.json')).json);
    expect(await codeOf(fakeApi(() => jsonResponse(missing)).api.searchFirst('NoSuchFolder', 'UID 1:*'))).toBe('not-found');
    expect(codeForMessage('Erreur de serveur : SELECT: Mailbox doesn&#039;t exist: X')).toBe('not-found');
    const framed = fakeApi(() => new Response(text('adapter/edit-folder-no-session.html'), { headers: { 'content-type': 'text/html' } }));
    expect(await codeOf(framed.api.folderInfo('INBOX'))).toBe('auth-expired');
  });
});

describe('searching', () => {
  it('pages through a stored search and keeps every row once', async () => {
    const first = recorded('search-interval-filter.json');
    const page2 = recorded('search-page2.json');
    const { api, seen } = fakeApi((url) => jsonResponse(url.searchParams.get('_action') === 'search' ? first : page2));
    const env = JSON.parse(first).env as { messagecount: number; pagecount: number; search_request: string };
    const rows = await api.searchAll('INBOX', 'HEADER Content-Type multipart/mixed');
    expect(seen[0]!.url.searchParams.get('_filter')).toBe('HEADER Content-Type multipart/mixed');
    expect(seen[0]!.url.searchParams.get('_q')).toBe('');
    // No request of a search asks Roundcube to change a preference.
    for (const s of seen) for (const k of ['_sort', '_cols', '_layout', '_threads', '_headers']) expect(s.url.searchParams.has(k)).toBe(false);
    expect(seen.slice(1).every((s) => s.url.searchParams.get('_search') === env.search_request)).toBe(true);
    expect(seen).toHaveLength(env.pagecount);
    expect(new Set(rows.map((r) => r.row.uid)).size).toBe(rows.length);
  });

  it('starts again when the stored search was replaced, then gives up as busy', async () => {
    const first = recorded('search-interval-filter.json');
    const other = recorded('list-after-search.json');
    const { api, seen } = fakeApi((url) => jsonResponse(url.searchParams.get('_action') === 'search' ? first : other));
    expect(await codeOf(api.searchAll('INBOX', 'ALL UNSEEN'))).toBe('busy');
    expect(seen.filter((s) => s.url.searchParams.get('_action') === 'search')).toHaveLength(3);
  });

  it('returns nothing for an empty answer and the highest UID for UID *', async () => {
    const empty = JSON.stringify(JSON.parse(text('adapter/search-empty.json')).json);
    expect(await fakeApi(() => jsonResponse(empty)).api.searchAll('Drafts', 'LARGER 999999999')).toEqual([]);
    const max = JSON.stringify(JSON.parse(text('adapter/search-uid-max.json')).json);
    expect(await fakeApi(() => jsonResponse(max)).api.maxUid('Trash')).toBe(160);
  });
});

describe('server clock and settings pages', () => {
  it('takes the time from Date headers, not from the local clock', async () => {
    let local = 5_000_000;
    const server = Date.UTC(2026, 0, 1, 12, 0, 0);
    const { api } = fakeApi(() => jsonResponse('{}', 200, { date: new Date(server).toUTCString() }), () => local);
    expect(api.serverNowSec()).toBe(5000);
    await api.ajax('getunread', {});
    local += 60_000;
    expect(Math.abs(api.serverNowSec() - (server / 1000 + 60))).toBeLessThanOrEqual(1);
  });

  it('reads the user time zone and folder information', async () => {
    const prefs = fakeApi(() => new Response(text('adapter/edit-prefs-general.html'), { headers: { 'content-type': 'text/html' } }));
    expect(await prefs.api.timeZone()).toBe('Europe/Paris');
    const info = await fakeApi(() => new Response(text('adapter/edit-folder-inbox.html'))).api.folderInfo('INBOX');
    expect(info.count).toBe(1150);
  });

  it('shares one edit-folder request between readers of the same folder at the same time (the quota and INBOX)', async () => {
    const { api, seen } = fakeApi(() => new Response(text('adapter/edit-folder-inbox.html')));
    const [quota, info] = await Promise.all([api.quota(), api.folderInfo('INBOX')]);
    expect(info.count).toBe(1150);
    expect(quota).not.toBeNull();
    expect(seen).toHaveLength(1);
    // Once answered, a later read asks again (figures change), and so does a read with its own signal.
    await api.folderInfo('INBOX');
    await Promise.all([api.folderInfo('INBOX'), api.folderInfo('INBOX', new AbortController().signal)]);
    expect(seen).toHaveLength(4);
  });
});

describe('raw messages', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('passes a message through byte for byte', async () => {
    const raw = 'Date: Mon, 1 Jun 2026 10:00:00 +0200\r\nSubject: x\r\n\r\nCorps\r\n'.repeat(200);
    const res = new Response(bytes(raw), { headers: { 'content-disposition': 'attachment; filename="x.eml"', 'content-length': String(raw.length) } });
    // A byte stream (the head through a BYOB reader) and a plain one (the head from its first chunks) alike.
    for (const body of [res.body!, new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(bytes(raw).slice(0, 100)), c.enqueue(bytes(raw).slice(100)), c.close()) })]) {
      const split = await splitHead(body);
      expect(split.head.length).toBeGreaterThanOrEqual(256);
      expect(split.rest!.locked).toBe(false);
      const out = await readWhole(split, { maxBytes: 1e6 });
      expect(new TextDecoder().decode(out)).toBe(raw);
    }
  });

  it("refuses Roundcube's answer for a UID that is not there, and an empty one", async () => {
    const rec = JSON.parse(text('adapter/viewsource-missing-uid.json')) as { headers: Record<string, string>; body: string };
    expect(await codeOf(splitHead(new Response(rec.body, { headers: rec.headers }).body!))).toBe('not-found');
    expect(await codeOf(splitHead(new Response('', { headers: rec.headers }).body!))).toBe('not-found');
    expect(looksLikeMessageStart(bytes('Return-Path: <a@b>\r\n'))).toBe(true);
    expect(looksLikeMessageStart(bytes('<br />\n<b>Warning</b>'))).toBe(false);
  });
});
