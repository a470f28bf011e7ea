/**
 * Roundcube markUnread: the page's own request (POST mail/mark, `_flag=unread`, the request token), then the server
 * is asked which UIDs are unread now (mark.php says "success" even for a UID that does not exist), against a small
 * in-memory Roundcube that keeps \Seen per UID.
 */
import { describe, expect, it } from 'vitest';
import { RoundcubeWebmail } from '../../../../lib/webmail/roundcube/index';
import type { Detection } from '../../../../lib/webmail/types';

const TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';

class FakeRoundcube {
  /** folder → uid → seen */
  folders = new Map<string, Map<number, boolean>>();
  log: { method: string; action: string; query: Record<string, string>; body: Record<string, string>; headers: Record<string, string> }[] = [];
  /** What mark does: 'ok' (marks), 'error' (marks nothing, says so), 'drop' (marks, then the answer is lost), 'lie' (marks nothing, says success). */
  markMode: 'ok' | 'error' | 'drop' | 'lie' = 'ok';

  constructor(spec: Record<string, number>) {
    for (const [name, n] of Object.entries(spec)) this.folders.set(name, new Map(Array.from({ length: n }, (_, i) => [i + 1, true])));
  }

  private match(folder: string, filter: string): number[] {
    const f = this.folders.get(folder)!;
    const m = /^(UNSEEN )?UID (\S+)$/.exec(filter);
    if (!m) throw new Error(`fake: unsupported filter ${filter}`);
    const wanted = new Set<number>();
    for (const part of m[2]!.split(',')) {
      const [a, b] = part.split(':').map(Number);
      for (let u = a!; u <= (b ?? a!); u++) wanted.add(u);
    }
    return [...f.keys()].filter((u) => wanted.has(u) && (!m[1] || !f.get(u))).sort((x, y) => y - x);
  }

  fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const query = Object.fromEntries(url.searchParams);
    const body = init.body ? Object.fromEntries(new URLSearchParams(String(init.body))) : {};
    const params = { ...query, ...body };
    const action = params._action ?? '';
    this.log.push({ method: init.method ?? 'GET', action, query, body, headers: { ...(init.headers as Record<string, string>) } });
    const json = (o: unknown) => new Response(JSON.stringify(o), { headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });
    if (action === 'search') {
      const uids = this.match(params._mbox!, params._filter!);
      const rows = uids.map((u) => `this.add_message_row(${u},{"subject":"s${u}","fromto":"","date":"2026-01-01 10:00","size":"1 ko"},{"ctype":"text/plain","mbox":"x"},false);`).join('\n');
      return json({ action, env: { search_request: uids.length ? 'req1' : '', messagecount: uids.length, pagecount: 1 }, exec: rows });
    }
    if (action === 'mark') {
      const f = this.folders.get(params._mbox!)!;
      if (this.markMode === 'ok' || this.markMode === 'drop') for (const u of params._uid!.split(',').map(Number)) if (f.has(u)) f.set(u, false);
      if (this.markMode === 'drop') throw new TypeError('connection reset');
      if (this.markMode === 'error') return json({ action, exec: 'this.display_message("Impossible de marquer le courriel.","error",0);' });
      return json({ action, exec: 'this.set_unread_count("INBOX",3,true);' });
    }
    if (action === 'getunread') return json({ action, exec: '' });
    throw new Error(`fake: unexpected ${action}`);
  };
}

function fakeDocument(): Document {
  const env = { task: 'mail', action: '', comm_path: '/?_task=mail', trash_mailbox: 'Trash', delimiter: '/', mailbox: 'INBOX', current_page: 1, pagesize: 50, request_token: TOKEN };
  const script = { textContent: `rcmail.set_env(${JSON.stringify(env)});` };
  return {
    location: { href: 'http://127.0.0.1:9000/?_task=mail' },
    body: { className: 'task-mail action-none' },
    querySelectorAll: (sel: string) => (sel === 'script:not([src])' ? [script] : []),
    querySelector: () => null,
    getElementById: () => null,
  } as unknown as Document;
}

const detection: Detection = { kind: 'roundcube', variant: 'elastic', version: '1.6.5', page: 'mail', supported: true };

function setup() {
  const rc = new FakeRoundcube({ INBOX: 40, Patients: 10 });
  const wm = new RoundcubeWebmail(fakeDocument(), detection, { fetch: rc.fetch });
  return { rc, wm };
}

describe('Roundcube markUnread', () => {
  it('sends mail/mark _flag=unread for exactly the UIDs there, by POST with the request token, and checks with the server', async () => {
    const { rc, wm } = setup();
    const res = await wm.mailbox!.markUnread!('INBOX', ['3', '5', '7']);
    expect(res).toEqual({ done: ['3', '5', '7'], failed: [] });
    const marks = rc.log.filter((l) => l.action === 'mark');
    expect(marks).toHaveLength(1);
    expect(marks[0]!.method).toBe('POST');
    expect(marks[0]!.query).toEqual({ _task: 'mail', _action: 'mark' });
    expect(marks[0]!.body).toEqual({ _uid: '3,5,7', _mbox: 'INBOX', _flag: 'unread', _quiet: '1', _from: 'show', _remote: '1' });
    expect(marks[0]!.headers['X-Roundcube-Request']).toBe(TOKEN);
    // Unread now: exactly these, nothing else of the folder.
    expect([...rc.folders.get('INBOX')!].filter(([, seen]) => !seen).map(([u]) => u)).toEqual([3, 5, 7]);
    // Checked with an UNSEEN search of these UIDs, and the session's folder and page put back.
    expect(rc.log.some((l) => l.action === 'search' && l.query._filter === 'UNSEEN UID 3,5,7')).toBe(true);
    expect(rc.log.at(-1)).toMatchObject({ action: 'getunread', query: { _mbox: 'INBOX', _page: '1' } });
  });

  it('reports ids that are not there as not-found and never sends them', async () => {
    const { rc, wm } = setup();
    const res = await wm.mailbox!.markUnread!('Patients', ['2', '99', 'abc']);
    expect(res.done).toEqual(['2']);
    expect(res.failed).toEqual(expect.arrayContaining([{ id: '99', code: 'not-found' }, { id: 'abc', code: 'not-found' }]));
    expect(rc.log.find((l) => l.action === 'mark')!.body._uid).toBe('2');
  });

  it('tells the truth when the server refuses, says success without doing it, or the answer is lost after it did', async () => {
    const refused = setup();
    refused.rc.markMode = 'error';
    expect(await refused.wm.mailbox!.markUnread!('INBOX', ['1', '2'])).toEqual({ done: [], failed: [{ id: '1', code: 'server' }, { id: '2', code: 'server' }] });
    const lying = setup();
    lying.rc.markMode = 'lie';
    expect((await lying.wm.mailbox!.markUnread!('INBOX', ['1'])).failed).toEqual([{ id: '1', code: 'server' }]);
    const dropped = setup();
    dropped.rc.markMode = 'drop';
    expect(await dropped.wm.mailbox!.markUnread!('INBOX', ['4', '6'])).toEqual({ done: ['4', '6'], failed: [] });
  });
});
