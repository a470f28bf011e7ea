/**
 * The SOAP/JSON transport and the response schemas, against the request/response pairs recorded from the Zimbra
 * simulator (tests/fixtures/zimbra/, shapes from Zimbra's code) and the fault examples of Zimbra's documentation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ActionResponse,
  GetFolderResponse,
  GetInfoResponse,
  SearchResponse,
  ZimbraSoap,
  faultCode,
  faultToError,
  type FetchLike,
} from '../../../../lib/webmail/zimbra/soap';
import { WebmailError } from '../../../../lib/webmail/types';
import { ZIMBRA_SERVER_WINDOW } from '../../../../lib/webmail/kit/pacing-policy';
import { flattenFolders, toSummary } from '../../../../lib/webmail/zimbra';

interface Fixture {
  request: { method: string; path: string; headers: Record<string, string>; body: any };
  response: { status: number; body: any };
}
const fixture = (name: string): Fixture => JSON.parse(readFileSync(new URL(`../../../fixtures/zimbra/${name}.json`, import.meta.url), 'utf8'));

interface Sent {
  url: string;
  init: RequestInit;
  body: any;
}
function fakeFetch(replies: ((sent: Sent) => Response | Promise<Response>)[]): { fetch: FetchLike; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    fetch: async (url, init) => {
      const s = { url, init, body: init.body ? JSON.parse(String(init.body)) : null };
      sent.push(s);
      const next = replies.shift();
      if (!next) throw new Error('no more replies');
      return next(s);
    },
  };
}
const json = (status: number, body: unknown) => () => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json;charset=utf-8' } });
const replay = (name: string) => {
  const f = fixture(name);
  return json(f.response.status, f.response.body);
};

async function rejection(p: Promise<unknown>): Promise<WebmailError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(WebmailError);
    return e as WebmailError;
  }
  throw new Error('expected a rejection');
}

describe('request envelope', () => {
  it('posts to /service/soap/<Name> on the page origin, with the CSRF token in the header and the context, and no session', async () => {
    const { fetch, sent } = fakeFetch([replay('getinfo')]);
    const soap = new ZimbraSoap('https://mail.example.fr', () => ['tok_1'], fetch);
    const info = await soap.call('GetInfoRequest', 'urn:zimbraAccount', { sections: 'mbox,attrs' }, GetInfoResponse);
    expect(info.name).toBe('martin.durand@medecin.mssante.fr');
    expect(sent[0]!.url).toBe('https://mail.example.fr/service/soap/GetInfoRequest');
    expect(sent[0]!.init.method).toBe('POST');
    expect(sent[0]!.init.credentials).toBe('same-origin');
    expect((sent[0]!.init.headers as Record<string, string>)['X-Zimbra-Csrf-Token']).toBe('tok_1');
    expect(sent[0]!.body).toEqual({
      Header: { context: { _jsns: 'urn:zimbra', nosession: {}, csrfToken: 'tok_1' } },
      Body: { GetInfoRequest: { _jsns: 'urn:zimbraAccount', sections: 'mbox,attrs' } },
    });
    // Same Body as the recorded request the simulator accepted.
    expect(sent[0]!.body.Body.GetInfoRequest._jsns).toBe(fixture('getinfo').request.body.Body.GetInfoRequest._jsns);
  });

  it('retries with each other token the page has when the token is refused (AUTH_REQUIRED), each once', async () => {
    let token = 'old';
    const { fetch, sent } = fakeFetch([
      () => {
        token = 'new';
        return json(500, fixture('fault-csrf-missing').response.body)();
      },
      replay('getinfo'),
    ]);
    const soap = new ZimbraSoap('https://h', () => [token], fetch);
    await soap.call('GetInfoRequest', 'urn:zimbraAccount', {}, GetInfoResponse);
    expect(sent.map((s) => s.body.Header.context.csrfToken)).toEqual(['old', 'new']);

    // localStorage stale, the page's own token right: each is tried once, the good one wins.
    const both = fakeFetch([replay('fault-csrf-missing'), replay('getinfo')]);
    await new ZimbraSoap('https://h', () => ['stale', 'page'], both.fetch).call('GetInfoRequest', 'urn:zimbraAccount', {}, GetInfoResponse);
    expect(both.sent.map((s) => s.body.Header.context.csrfToken)).toEqual(['stale', 'page']);
    // Other faults are never retried (an action might have been done).
    const other = fakeFetch([replay('fault-auth-expired'), replay('getinfo')]);
    await rejection(new ZimbraSoap('https://h', () => ['a', 'b'], other.fetch).call('GetInfoRequest', 'urn:zimbraAccount', {}, GetInfoResponse));
    expect(other.sent).toHaveLength(1);

    const again = fakeFetch([replay('fault-csrf-missing'), replay('getinfo')]);
    const e = await rejection(new ZimbraSoap('https://h', () => ['same'], again.fetch).call('GetInfoRequest', 'urn:zimbraAccount', {}, GetInfoResponse));
    expect(e.code).toBe('auth-expired');
    expect(again.sent).toHaveLength(1);
  });
});

describe('faults', () => {
  it('maps Zimbra codes to what a feature can explain', () => {
    expect(faultCode('service.AUTH_EXPIRED')).toBe('auth-expired');
    expect(faultCode('service.AUTH_REQUIRED')).toBe('auth-expired');
    expect(faultCode('service.PERM_DENIED')).toBe('forbidden');
    expect(faultCode('service.ALREADY_IN_PROGRESS')).toBe('busy');
    expect(faultCode('mail.NO_SUCH_MSG')).toBe('not-found');
    expect(faultCode('mail.NO_SUCH_ITEM')).toBe('not-found');
    expect(faultCode('mail.NO_SUCH_FOLDER')).toBe('not-found');
    expect(faultCode('mail.QUOTA_EXCEEDED')).toBe('quota-exceeded');
    expect(faultCode('service.FAILURE')).toBe('server');
    expect(faultCode('mail.QUERY_PARSE_ERROR')).toBe('server');
  });

  it.each([
    ['fault-auth-expired', 'auth-expired', 'service.AUTH_EXPIRED', undefined],
    ['fault-csrf-missing', 'auth-expired', 'service.AUTH_REQUIRED', undefined],
    ['msgaction-trash-missing-id', 'not-found', 'mail.NO_SUCH_ITEM', '99999'],
    ['msgaction-move-missing-id', 'not-found', 'mail.NO_SUCH_MSG', '99999'],
    ['search-parse-error', 'server', 'mail.QUERY_PARSE_ERROR', undefined],
  ])('%s → %s', async (name, code, zimbraCode, itemId) => {
    const { fetch } = fakeFetch([replay(name)]);
    const e = await rejection(new ZimbraSoap('https://h', () => ['t'], fetch).call('MsgActionRequest', 'urn:zimbraMail', {}, ActionResponse));
    expect(e.code).toBe(code);
    expect(e.detail).toMatchObject({ zimbraCode, httpStatus: 500 });
    expect((e.detail as { itemId?: string }).itemId).toBe(itemId);
  });

  it("reads the documented fault example (ZmCsfeCommand.faultToEx fields)", () => {
    const e = faultToError({
      Code: { Value: 'soap:Sender' },
      Reason: { Text: 'no such message: 123' },
      Detail: { Error: { Code: 'mail.NO_SUCH_MSG', Trace: 'qtp:1', a: [{ n: 'itemId', t: 'IID', _content: '123' }], _jsns: 'urn:zimbra' } },
    });
    expect(e.code).toBe('not-found');
    expect(e.detail).toMatchObject({ zimbraCode: 'mail.NO_SUCH_MSG', itemId: '123', reason: 'no such message: 123' });
    expect(faultToError('garbage').code).toBe('invalid-response');
  });

  it('turns transport failures into network / aborted / auth-expired', async () => {
    const drop = fakeFetch([() => Promise.reject(new TypeError('Failed to fetch'))]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], drop.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse))).code).toBe('network');

    const ctl = new AbortController();
    const hang = fakeFetch([(s) => new Promise((_r, reject) => s.init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))]);
    const p = new ZimbraSoap('https://h', () => ['t'], hang.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse, { signal: ctl.signal });
    ctl.abort();
    expect((await rejection(p)).code).toBe('aborted');

    const slow = fakeFetch([(s) => new Promise((_r, reject) => s.init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))]);
    const t = await rejection(new ZimbraSoap('https://h', () => ['t'], slow.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse, { timeoutMs: 20 }));
    expect(t.code).toBe('network');
    expect(t.detail).toMatchObject({ timeout: true });

    // A login page instead of JSON (a portal took over after the session ended).
    const html = fakeFetch([() => Object.defineProperty(new Response('<html>login</html>', { status: 200 }), 'redirected', { value: true })]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], html.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse))).code).toBe('auth-expired');
    // A proxy saying the mail server did not answer: outcome unknown, like a cut connection.
    const proxy = fakeFetch([() => new Response('<html>Bad gateway</html>', { status: 502 })]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], proxy.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse))).code).toBe('network');
    const broken = fakeFetch([() => new Response('<html>Internal error</html>', { status: 500 })]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], broken.fetch).call('NoOpRequest', 'urn:zimbraMail', {}, ActionResponse))).code).toBe('server');
  });

  it("says 'busy' when the server's DoSFilter refuses (HTTP 429), sends nothing again, and paces within its default rate", async () => {
    const dos = fakeFetch([() => new Response('<html><body><h2>HTTP ERROR 429 Too Many Requests</h2></body></html>', { status: 429, headers: { 'Content-Type': 'text/html' } })]);
    const soap = new ZimbraSoap('https://h', () => ['t'], dos.fetch);
    const e = await rejection(soap.call('SearchRequest', 'urn:zimbraMail', { query: 'inid:2' }, SearchResponse));
    expect(e.code).toBe('busy');
    expect(dos.sent).toHaveLength(1);
    const rest = fakeFetch([() => new Response('', { status: 429 })]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], rest.fetch).rest('/service/home/~/?fmt=zip&list=1'))).code).toBe('busy');
    // zimbraHttpDosFilterMaxRequestsPerSec defaults to 30 a second per client: Balise keeps to half of it per tab.
    expect(soap.pacer.opts.serverWindow).toEqual(ZIMBRA_SERVER_WINDOW);
    expect(ZIMBRA_SERVER_WINDOW.requests / (ZIMBRA_SERVER_WINDOW.ms / 1000)).toBeLessThanOrEqual(15);
  });

  it('refuses a success whose shape is not the expected one', async () => {
    const { fetch } = fakeFetch([json(200, { Body: { SearchResponse: { m: [{ id: '1; DROP', s: 1, d: 1 }] } } })]);
    expect((await rejection(new ZimbraSoap('https://h', () => ['t'], fetch).call('SearchRequest', 'urn:zimbraMail', {}, SearchResponse))).code).toBe('invalid-response');
  });
});

describe('response schemas on recorded answers', () => {
  it('GetInfo: used, zimbraMailQuota as a string', () => {
    const r = GetInfoResponse.parse(fixture('getinfo').response.body.Body.GetInfoResponse);
    expect(r.used).toBe(3824);
    expect(r.attrs?._attrs?.zimbraMailQuota).toBe('209715200');
  });

  it('GetFolder: the mail folders in tree order with exact n and s, roles from the system ids', () => {
    const r = GetFolderResponse.parse(fixture('getfolder').response.body.Body.GetFolderResponse);
    const folders = flattenFolders(r.folder[0], (_id, name) => name);
    expect(folders.map((f) => [f.id, f.path, f.role, f.count, f.bytes, f.depth])).toEqual([
      ['2', 'Inbox', 'inbox', 2, 3557, 0],
      ['3', 'Trash', 'trash', 1, 267, 0],
      ['4', 'Junk', 'junk', 0, 0, 0],
      ['5', 'Sent', 'sent', 0, 0, 0],
      ['6', 'Drafts', 'drafts', 0, 0, 0],
      ['257', 'Patients', 'other', 0, 0, 0],
      ['258', 'Patients/Archives', 'other', 0, 0, 1],
    ]);
    expect(folders.every((f) => f.bytesPrecision === 0)).toBe(true);
  });

  it('GetFolder: contact, calendar and briefcase folders and bare placeholders are not mail; their mail subfolders are', () => {
    const root = {
      id: '1',
      name: 'USER_ROOT',
      folder: [
        { id: '2', name: 'Inbox', view: 'message', n: 1, s: 10 },
        { id: '7', name: 'Contacts', view: 'contact', n: 5, s: 900, folder: [{ id: '300', name: 'Sub', view: 'message', n: 1, s: 1 }] },
        { id: '10', name: 'Calendar', view: 'appointment', n: 2, s: 50 },
        // GetFolder.filterByView keeps a non-matching parent as id + name only
        { id: '16', name: 'Briefcase', folder: [{ id: '301', name: 'Mails', view: 'message', n: 3, s: 30 }] },
        { id: '3', name: 'Trash', n: 4, s: 40 },
      ],
    };
    expect(flattenFolders(root, (_i, n) => n).map((f) => [f.id, f.path, f.depth])).toEqual([
      ['2', 'Inbox', 0],
      ['300', 'Contacts/Sub', 1],
      ['301', 'Briefcase/Mails', 1],
      ['3', 'Trash', 0],
    ]);
  });

  it('Search: exact sizes and dates, flags, sender as text', () => {
    const r = SearchResponse.parse(fixture('search-sizeDesc').response.body.Body.SearchResponse);
    expect(r.more).toBe(true);
    expect(toSummary(r.m![0]!, '2')).toEqual({
      ref: { folderId: '2', id: '259' },
      date: 1780228800000,
      size: 3256,
      sizePrecision: 0,
      from: 'Labo Test <labo@test.mssante.fr>',
      subject: 'Compte rendu',
      unread: false,
      flagged: false,
      hasAttachment: true,
    });
  });

  it('MsgAction and FolderAction answers', () => {
    expect(ActionResponse.parse(fixture('msgaction-trash').response.body.Body.MsgActionResponse).action.id).toBe('259,260');
    expect(ActionResponse.parse(fixture('folderaction-empty').response.body.Body.FolderActionResponse).action.op).toBe('empty');
  });
});
