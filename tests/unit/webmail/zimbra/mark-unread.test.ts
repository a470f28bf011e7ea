/**
 * Zimbra markUnread: MsgActionRequest op="!read" (ItemActionHelper.READ with the flag negated → Mailbox.alterTag
 * UNREAD), ≤ 100 ids per request, with Zimbra's answer to a missing id (mail.NO_SUCH_MSG for the first one, nothing
 * of that request changed), through the adapter's real SOAP client over a fake transport.
 */
import { describe, expect, it } from 'vitest';
import { ZimbraWebmail } from '../../../../lib/webmail/zimbra/index';
import type { Detection } from '../../../../lib/webmail/types';

const CSRF = '0_0123456789abcdef0123456789abcdef01234567';

class FakeServer {
  unread = new Map<string, boolean>();
  requests: { name: string; body: Record<string, unknown>; headers: Record<string, string> }[] = [];
  dropNext = false;

  constructor(n: number) {
    for (let i = 1; i <= n; i++) this.unread.set(String(300 + i), false);
  }

  fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const name = new URL(input).pathname.split('/').pop()!;
    const env = JSON.parse(String(init.body)) as { Header: { context: Record<string, unknown> }; Body: Record<string, Record<string, unknown>> };
    const body = env.Body[name]!;
    this.requests.push({ name, body, headers: { ...(init.headers as Record<string, string>) } });
    if (name !== 'MsgActionRequest') throw new Error(`fake: unexpected ${name}`);
    const action = body.action as { op: string; id: string };
    const ids = action.id.split(',');
    const missing = ids.find((id) => !this.unread.has(id));
    if (missing) {
      return new Response(JSON.stringify({ Body: { Fault: { Code: { Value: 'soap:Sender' }, Reason: { Text: `no such message: ${missing}` }, Detail: { Error: { Code: 'mail.NO_SUCH_MSG', a: [{ n: 'itemId', t: 'IID', _content: missing }] } } } } }), {
        status: 500,
        headers: { 'content-type': 'application/json' },
      });
    }
    for (const id of ids) this.unread.set(id, action.op === '!read');
    if (this.dropNext) {
      this.dropNext = false;
      throw new TypeError('connection reset');
    }
    return new Response(JSON.stringify({ Header: { context: {} }, Body: { MsgActionResponse: { action: { id: action.id, op: action.op } } } }), { headers: { 'content-type': 'application/json' } });
  };
}

function fakeDocument(): Document {
  const script = { src: '', textContent: `window.appContextPath = ""; window.csrfToken = "${CSRF}";` };
  return { location: { origin: 'http://127.0.0.1:7070', href: 'http://127.0.0.1:7070/' }, scripts: [script], defaultView: null } as unknown as Document;
}

const detection: Detection = { kind: 'zimbra', variant: 'classic', page: 'mail', supported: true };

function setup(n = 250) {
  const server = new FakeServer(n);
  const wm = new ZimbraWebmail(fakeDocument(), detection, { fetch: server.fetch });
  return { server, wm };
}

describe('Zimbra markUnread', () => {
  it('sends MsgActionRequest op="!read" with the CSRF token, at most 100 ids per request', async () => {
    const { server, wm } = setup();
    const ids = Array.from({ length: 230 }, (_, i) => String(301 + i));
    const res = await wm.mailbox!.markUnread!('2', ids);
    expect(res.done).toEqual(ids);
    expect(res.failed).toEqual([]);
    expect(res.newRefs).toBeUndefined();
    expect(server.requests.map((r) => (r.body.action as { id: string }).id.split(',').length)).toEqual([100, 100, 30]);
    for (const r of server.requests) {
      expect(r.name).toBe('MsgActionRequest');
      expect(r.body).toEqual({ _jsns: 'urn:zimbraMail', action: { op: '!read', id: expect.any(String) } });
      expect(r.headers['X-Zimbra-Csrf-Token']).toBe(CSRF);
    }
    expect([...server.unread].filter(([, u]) => u).map(([id]) => id)).toEqual(ids);
  });

  it('reports a missing id as not-found and marks the rest (Zimbra refuses the whole request for it)', async () => {
    const { server, wm } = setup(10);
    const res = await wm.mailbox!.markUnread!('2', ['301', '999', '302']);
    expect(res.done.sort()).toEqual(['301', '302']);
    expect(res.failed).toEqual([{ id: '999', code: 'not-found' }]);
    expect(server.unread.get('301')).toBe(true);
    expect(server.unread.get('302')).toBe(true);
    expect(server.requests).toHaveLength(2);
  });

  it('an unanswered request is not claimed done (where a message is cannot tell whether it was marked)', async () => {
    const { server, wm } = setup(10);
    server.dropNext = true;
    const res = await wm.mailbox!.markUnread!('2', ['303', '304']);
    expect(res.done).toEqual([]);
    expect(res.failed).toEqual([{ id: '303', code: 'network' }, { id: '304', code: 'network' }]);
  });
});

describe('Zimbra stillIn', () => {
  it('asks one SearchRequest on exactly these item ids in the folder (inid:F item:{…}); ids that are not Zimbra ids are not there', async () => {
    const requests: { name: string; body: Record<string, unknown> }[] = [];
    const fetch = async (input: string, init: RequestInit): Promise<Response> => {
      const name = new URL(input).pathname.split('/').pop()!;
      const body = (JSON.parse(String(init.body)) as { Body: Record<string, Record<string, unknown>> }).Body[name]!;
      requests.push({ name, body });
      const m = [{ id: '301', d: 1, s: 10 }, { id: '303', d: 1, s: 10 }];
      return new Response(JSON.stringify({ Body: { SearchResponse: { m, more: false } } }), { headers: { 'content-type': 'application/json' } });
    };
    const wm = new ZimbraWebmail(fakeDocument(), detection, { fetch });
    const there = await wm.mailbox!.stillIn('2', ['301', '302', '303', 'x;y', '301']);
    expect([...there].sort()).toEqual(['301', '303']);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ name: 'SearchRequest', body: { query: 'inid:2 item:{301,302,303}', types: 'message' } });
  });

  it('has no mailbox part on a page it cannot act on (logged out, Modern UI)', () => {
    expect(new ZimbraWebmail(fakeDocument(), { ...detection, page: 'login' }).mailbox).toBeNull();
    expect(new ZimbraWebmail(fakeDocument(), { kind: 'zimbra', variant: 'modern', page: 'mail', supported: false, unsupportedReason: 'zimbra-modern' }).mailbox).toBeNull();
  });
});
