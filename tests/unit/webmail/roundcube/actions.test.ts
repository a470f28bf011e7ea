/**
 * The Roundcube adapter's batch actions against a small in-memory Roundcube (the request/answer shapes of the
 * recorded 1.6.5 fixtures, IMAP UID rules of Dovecot): the cases the real server cannot be made to produce on
 * demand — the answer lost after the move happened, a partial move, a delivery into the trash meanwhile, new
 * UIDs that do not follow each other — must all give a truthful BatchResult.
 */
import { describe, expect, it } from 'vitest';
import { RoundcubeWebmail } from '../../../../lib/webmail/roundcube/index';
import type { BatchResult, Detection } from '../../../../lib/webmail/types';

const TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';
const PAGESIZE = 50;

class FakeRoundcube {
  folders = new Map<string, { uids: number[]; next: number }>();
  log: { action: string; params: Record<string, string> }[] = [];
  /** Hooks to misbehave. */
  onMove?: (uids: number[]) => { move?: number[]; answer?: 'ok' | 'error' | 'drop' };
  afterMove?: () => void;
  private searches = new Map<string, { folder: string; uids: number[] }>();
  private current = '';

  constructor(spec: Record<string, number>) {
    for (const [name, n] of Object.entries(spec)) this.folders.set(name, { uids: Array.from({ length: n }, (_, i) => i + 1), next: n + 1 });
  }

  deliver(folder: string): number {
    const f = this.folders.get(folder)!;
    f.uids.push(f.next);
    return f.next++;
  }

  /** Dovecot's UID set matching, `*` = the highest UID (always included in n:*). */
  private match(folder: string, filter: string): number[] {
    const f = this.folders.get(folder)!;
    const uids = [...f.uids].sort((a, b) => a - b);
    const max = uids[uids.length - 1] ?? 0;
    const m = /^UID (\S+)$/.exec(filter);
    if (!m) throw new Error(`fake: unsupported filter ${filter}`);
    const out = new Set<number>();
    for (const part of m[1]!.split(',')) {
      const [a, b] = part.split(':');
      const lo = a === '*' ? max : Number(a);
      const hi = b === undefined ? lo : b === '*' ? max : Number(b);
      for (const u of uids) if (u >= Math.min(lo, hi) && u <= Math.max(lo, hi)) out.add(u);
    }
    return [...out].sort((a, b) => b - a); // session sort "none, DESC": highest first
  }

  private rows(uids: number[]): string {
    return uids.map((u) => `this.add_message_row(${u},{"subject":"s${u}","fromto":"","date":"2026-01-01 10:00","size":"1 ko"},{"ctype":"text/plain","mbox":"x"},false);`).join('\n');
  }

  fetch = async (input: string, init: RequestInit): Promise<Response> => {
    const url = new URL(input);
    const params: Record<string, string> = Object.fromEntries(url.searchParams);
    if (init.body) Object.assign(params, Object.fromEntries(new URLSearchParams(String(init.body))));
    const action = params._action ?? '';
    this.log.push({ action, params });
    const json = (o: unknown) => new Response(JSON.stringify(o), { headers: { 'content-type': 'application/json', date: new Date().toUTCString() } });
    if (action === 'search') {
      const folder = params._mbox!;
      if (!this.folders.has(folder)) return json({ action, env: {}, exec: 'this.display_message("Erreur de serveur : SELECT: Mailbox doesn&#039;t exist: x","error",0);' });
      const uids = this.match(folder, params._filter!);
      const id = `req${this.searches.size + 1}`;
      this.searches.set(id, { folder, uids });
      this.current = id;
      return json({ action, env: { search_request: id, messagecount: uids.length, pagecount: Math.ceil(uids.length / PAGESIZE) }, exec: this.rows(uids.slice(0, PAGESIZE)) });
    }
    if (action === 'list') {
      const s = this.searches.get(params._search ?? '');
      if (!s || params._search !== this.current) return json({ action, env: {}, exec: '' });
      const p = Number(params._page);
      return json({ action, env: { search_request: params._search }, exec: this.rows(s.uids.slice((p - 1) * PAGESIZE, p * PAGESIZE)) });
    }
    if (action === 'move' || action === 'delete') {
      const src = this.folders.get(params._mbox!)!;
      const asked = params._uid!.split(',').map(Number);
      const plan = this.onMove?.(asked) ?? {};
      const doing = (plan.move ?? asked).filter((u) => src.uids.includes(u)).sort((a, b) => a - b);
      src.uids = src.uids.filter((u) => !doing.includes(u));
      if (action === 'move') {
        const dst = this.folders.get(params._target_mbox!)!;
        for (const _ of doing) dst.uids.push(dst.next++);
      }
      this.afterMove?.();
      if (plan.answer === 'drop') throw new TypeError('connection reset');
      if (plan.answer === 'error') return json({ action, exec: 'this.display_message("Impossible de déplacer les courriels.","error",0);' });
      return json({ action, exec: 'this.display_message("Courriels déplacés avec succès.","confirmation",0);\nthis.command("list");' });
    }
    if (action === 'getunread') return json({ action, exec: '' });
    throw new Error(`fake: unexpected ${action}`);
  };
}

function fakeDocument(): Document {
  const env = { task: 'mail', action: '', comm_path: '/?_task=mail', trash_mailbox: 'Trash', delimiter: '/', mailbox: 'INBOX', current_page: 1, pagesize: PAGESIZE, request_token: TOKEN };
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

function setup(spec: Record<string, number> = { INBOX: 1200, Trash: 30 }) {
  const rc = new FakeRoundcube(spec);
  const wm = new RoundcubeWebmail(fakeDocument(), detection, { fetch: rc.fetch });
  return { rc, wm };
}

const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => String(from + i));

describe('moveToTrash tells the truth', () => {
  it('maps old UIDs to the new ones, in order, for a batch larger than a page', async () => {
    const { rc, wm } = setup();
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(101, 500));
    expect(res.done).toHaveLength(500);
    expect(res.failed).toEqual([]);
    expect(res.newRefs!['101']).toEqual({ folderId: 'Trash', id: '31' });
    expect(res.newRefs!['600']).toEqual({ folderId: 'Trash', id: '530' });
    // One move request, and the session put back on the page's folder and page.
    expect(rc.log.filter((l) => l.action === 'move')).toHaveLength(1);
    expect(rc.log.at(-1)).toMatchObject({ action: 'getunread', params: { _mbox: 'INBOX', _page: '1' } });
    // Never a preference-changing parameter.
    for (const l of rc.log) for (const k of ['_sort', '_cols', '_layout', '_threads', '_headers']) expect(l.params[k]).toBeUndefined();
  });

  it('moves 5,000 consecutive UIDs in one request, every check within 8 KB of request line', async () => {
    const { rc, wm } = setup({ INBOX: 6000, Trash: 0 });
    const asked = ids(1, 6000);
    const parts = wm.mailbox!.cutBatches!(asked, 5000);
    expect(parts.map((p) => p.length)).toEqual([5000, 1000]);
    const res = await wm.mailbox!.moveToTrash('INBOX', parts[0]!);
    expect(res.done).toHaveLength(5000);
    expect(res.newRefs!['5000']).toEqual({ folderId: 'Trash', id: '5000' });
    expect(rc.log.filter((l) => l.action === 'move')).toHaveLength(1);
    for (const l of rc.log) if (l.params._filter) expect(l.params._filter.length).toBeLessThan(100);
  });

  it('maps the new UIDs in the same round trip as the source check when the trash numbers on from its highest UID', async () => {
    const { rc, wm } = setup({ INBOX: 6000, Trash: 30 });
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(1, 5000));
    expect(res.newRefs!['1']).toEqual({ folderId: 'Trash', id: '31' });
    expect(res.newRefs!['5000']).toEqual({ folderId: 'Trash', id: '5030' });
    // Before the move: the trash's highest UID; after it: how many are above it and the highest again. No range count.
    const after = rc.log.slice(rc.log.findIndex((l) => l.action === 'move') + 1);
    expect(after.filter((l) => l.params._mbox === 'Trash').map((l) => l.params._filter).sort()).toEqual(['UID *', 'UID 31:*']);
  });

  it('asks no highest UID after a move that fits on one page: the first page shows every new UID', async () => {
    const { rc, wm } = setup({ INBOX: 100, Trash: 30 });
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(1, 20));
    expect(res.newRefs!['20']).toEqual({ folderId: 'Trash', id: '50' });
    const after = rc.log.slice(rc.log.findIndex((l) => l.action === 'move') + 1);
    expect(after.filter((l) => l.params._mbox === 'Trash').map((l) => l.params._filter)).toEqual(['UID 31:*']);
  });

  it('maps every batch when a message of someone else lands in the trash between two batches', async () => {
    const { rc, wm } = setup({ INBOX: 300, Trash: 30 });
    await wm.mailbox!.moveToTrash('INBOX', ids(1, 20));
    rc.deliver('Trash');
    const second = await wm.mailbox!.moveToTrash('INBOX', ids(21, 20));
    expect(second.newRefs!['21']).toEqual({ folderId: 'Trash', id: '52' });
    expect(second.newRefs!['40']).toEqual({ folderId: 'Trash', id: '71' });
  });

  it('still knows what happened when the answer is lost after the server moved them', async () => {
    const { rc, wm } = setup();
    rc.onMove = () => ({ answer: 'drop' });
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(1, 10));
    expect(res.done).toEqual(ids(1, 10));
    expect(Object.keys(res.newRefs!)).toHaveLength(10);
  });

  it('reports a partial move and the ids that were never there', async () => {
    const { rc, wm } = setup();
    rc.onMove = (uids) => ({ move: uids.slice(0, 3), answer: 'error' });
    const res = await wm.mailbox!.moveToTrash('INBOX', ['5', '6', '7', '8', '9', '5000', 'abc']);
    expect(res.done).toEqual(['5', '6', '7']);
    expect(res.failed).toEqual(
      expect.arrayContaining([
        { id: 'abc', code: 'not-found' },
        { id: '5000', code: 'not-found' },
        { id: '8', code: 'server' },
        { id: '9', code: 'server' },
      ]),
    );
    expect(res.failed).toHaveLength(4);
    expect(Object.keys(res.newRefs!).sort()).toEqual(['5', '6', '7']);
  });

  it('gives no mapping when something else arrived in the trash meanwhile', async () => {
    const { rc, wm } = setup();
    rc.afterMove = () => void rc.deliver('Trash');
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(1, 20));
    expect(res.done).toHaveLength(20);
    expect(res.newRefs).toBeUndefined();
  });

  it('finds new UIDs that do not follow each other by paging', async () => {
    const { rc, wm } = setup();
    let first = true;
    rc.onMove = () => {
      if (first) {
        // Dovecot would number them in a row; make a hole to force the slow path.
        first = false;
        rc.folders.get('Trash')!.next += 5;
      }
      return {};
    };
    const before = rc.folders.get('Trash')!.next;
    const res = await wm.mailbox!.moveToTrash('INBOX', ids(1, 120));
    expect(res.newRefs!['1']).toEqual({ folderId: 'Trash', id: String(before + 5) });
    expect(Object.keys(res.newRefs!)).toHaveLength(120);
  });

  it('sends nothing when aborted, refuses more than maxBatch ids, and maps an unknown folder to not-found', async () => {
    const { rc, wm } = setup();
    const ac = new AbortController();
    ac.abort();
    await expect(wm.mailbox!.moveToTrash('INBOX', ['1'], { signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(rc.log).toEqual([]);
    await expect(wm.mailbox!.moveToTrash('INBOX', ids(1, 5001))).rejects.toMatchObject({ code: 'unsupported' });
    // Scattered UIDs whose set would not fit in a check's request line are refused before anything is sent.
    const scattered = Array.from({ length: 700 }, (_, i) => String(1_000_000 + 2 * i));
    await expect(wm.mailbox!.moveToTrash('INBOX', scattered)).rejects.toMatchObject({ code: 'unsupported' });
    expect(rc.log.filter((l) => l.action === 'move')).toEqual([]);
    await expect(wm.mailbox!.moveToTrash('Nowhere', ['1'])).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe('deleteForever', () => {
  it('deletes exactly the ids that are there', async () => {
    const { rc, wm } = setup();
    const res: BatchResult = await wm.mailbox!.deleteForever('Trash', ['1', '2', '99']);
    expect(res).toEqual({ done: ['1', '2'], failed: [{ id: '99', code: 'not-found' }] });
    expect(rc.folders.get('Trash')!.uids).not.toContain(1);
    expect(rc.log.filter((l) => l.action === 'delete').map((l) => l.params._uid)).toEqual(['1,2']);
  });
});

describe('stillIn asks the server about exactly these UIDs', () => {
  it('answers with the ids still in the folder, one search for a run, never a listing of the folder', async () => {
    const { rc, wm } = setup({ INBOX: 1200, Trash: 30 });
    const from = rc.log.length;
    const there = await wm.mailbox!.stillIn('INBOX', ['5', '6', '7', '99999', 'abc', '5']);
    expect([...there].sort()).toEqual(['5', '6', '7']);
    const searches = rc.log.slice(from).filter((l) => l.action === 'search');
    // One search: its count says one is missing, its first page says which.
    expect(searches.map((l) => l.params._filter)).toEqual(['UID 5:7,99999']);
    expect(rc.log.slice(from).filter((l) => l.action === 'list' && l.params._page !== '1')).toEqual([]);
  });

  it('pages the one search it made when more than a page matches and some are missing (never the same search twice)', async () => {
    const { rc, wm } = setup({ INBOX: 1200, Trash: 30 });
    rc.folders.get('INBOX')!.uids = rc.folders.get('INBOX')!.uids.filter((u) => u !== 60);
    const from = rc.log.length;
    const there = await wm.mailbox!.stillIn('INBOX', ids(1, 120));
    expect(there.size).toBe(119);
    expect(there.has('60')).toBe(false);
    const asked = rc.log.slice(from).filter((l) => l.action === 'search' || l.action === 'list');
    expect(asked.map((l) => (l.action === 'search' ? `search ${l.params._filter}` : `list ${l.params._page}`))).toEqual(['search UID 1:120', 'list 2', 'list 3']);
  });

  it('gives an empty set for nothing, and stops on an aborted signal', async () => {
    const { wm } = setup();
    expect(await wm.mailbox!.stillIn('INBOX', [])).toEqual(new Set());
    const ac = new AbortController();
    ac.abort();
    await expect(wm.mailbox!.stillIn('INBOX', ['1'], { signal: ac.signal })).rejects.toMatchObject({ code: 'aborted' });
  });
});
