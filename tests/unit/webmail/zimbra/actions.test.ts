/**
 * Batches of ≤ 100 ids with missing ids, against a small model of Zimbra's own behaviour (zm-mailbox, as the
 * simulator reproduces it): trash fails the whole request with mail.NO_SUCH_ITEM naming the first missing id;
 * move with mail.NO_SUCH_MSG; delete ignores missing ids and still lists every id as done.
 */
import { describe, expect, it } from 'vitest';
import { CHUNK_SIZE, runAction, type ActionApi } from '../../../../lib/webmail/zimbra/actions';
import { faultToError } from '../../../../lib/webmail/zimbra/soap';
import { WebmailError } from '../../../../lib/webmail/types';

function fault(code: string, itemId?: string) {
  return faultToError({
    Reason: { Text: code },
    Detail: { Error: { Code: code, ...(itemId ? { a: [{ n: 'itemId', t: 'IID', _content: itemId }] } : {}) } },
  });
}

class FakeZimbra implements ActionApi {
  folderOf = new Map<string, string>();
  requests: { op: string; ids: string[]; tcon?: string }[] = [];
  searches = 0;
  /** Fail the nth MsgAction (1-based) with this error, before doing anything. */
  failAt = new Map<number, Error>();
  /** Process the nth MsgAction, then lose the answer. */
  dropAfter = new Set<number>();
  nameMissing = true;

  constructor(ids: number, folder = '2') {
    for (let i = 1; i <= ids; i++) this.folderOf.set(String(1000 + i), folder);
  }

  async msgAction(action: { op: string; id: string; l?: string; tcon?: string }): Promise<void> {
    const ids = action.id.split(',');
    const n = this.requests.push({ op: action.op, ids, ...(action.tcon ? { tcon: action.tcon } : {}) });
    const injected = this.failAt.get(n);
    if (injected) throw injected;
    const missing = ids.find((id) => !this.folderOf.has(id));
    if (action.op === 'trash' || action.op === 'move') {
      if (missing) throw action.op === 'trash' ? fault('mail.NO_SUCH_ITEM', this.nameMissing ? missing : undefined) : fault('mail.NO_SUCH_MSG', this.nameMissing ? missing : undefined);
      for (const id of ids) this.folderOf.set(id, action.op === 'trash' ? '3' : action.l!);
    } else if (action.op === 'delete') {
      const cls = (f: string) => ({ '3': 't', '4': 'j', '5': 's', '6': 'd' })[f] ?? 'o';
      for (const id of ids) {
        const f = this.folderOf.get(id);
        if (f !== undefined && (!action.tcon || action.tcon.includes(cls(f)))) this.folderOf.delete(id);
      }
    }
    if (this.dropAfter.has(n)) throw new WebmailError('network', 'dropped');
  }

  async findIn(folderId: string, ids: string[]): Promise<Set<string>> {
    this.searches++;
    return new Set(ids.filter((id) => this.folderOf.get(id) === folderId));
  }
}

const idsOf = (n: number, from = 1001) => Array.from({ length: n }, (_v, i) => String(from + i));

describe('runAction', () => {
  it('sends at most 100 ids per request and reports every id once', async () => {
    const z = new FakeZimbra(250);
    const r = await runAction(z, '2', idsOf(250), { op: 'trash' });
    expect(z.requests.map((q) => q.ids.length)).toEqual([100, 100, 50]);
    expect(r.done).toHaveLength(250);
    expect(r.failed).toEqual([]);
    expect(r.newRefs!['1001']).toEqual({ folderId: '3', id: '1001' });
    expect([...z.folderOf.values()].every((f) => f === '3')).toBe(true);
    expect(CHUNK_SIZE).toBe(100);
  });

  it('trash: a missing id fails the whole request; it is reported not-found and the rest of the batch still moves', async () => {
    const z = new FakeZimbra(100);
    z.folderOf.delete('1050');
    z.folderOf.delete('1077');
    const r = await runAction(z, '2', idsOf(100), { op: 'trash' });
    expect(r.failed).toEqual([
      { id: '1050', code: 'not-found' },
      { id: '1077', code: 'not-found' },
    ]);
    expect(r.done.sort()).toEqual(idsOf(100).filter((id) => id !== '1050' && id !== '1077').sort());
    expect(z.requests.map((q) => q.ids.length)).toEqual([100, 99, 98]);
    for (const id of r.done) expect(z.folderOf.get(id)).toBe('3');
  });

  it('move: NO_SUCH_MSG handled the same way; newRefs point at the target', async () => {
    const z = new FakeZimbra(10);
    z.folderOf.delete('1003');
    const r = await runAction(z, '2', idsOf(10), { op: 'move', target: '257' });
    expect(r.failed).toEqual([{ id: '1003', code: 'not-found' }]);
    expect(r.done).toHaveLength(9);
    expect(r.newRefs!['1001']).toEqual({ folderId: '257', id: '1001' });
  });

  it('when the fault does not name the id, halves the batch until the missing one is isolated', async () => {
    const z = new FakeZimbra(100);
    z.nameMissing = false;
    z.folderOf.delete('1042');
    const r = await runAction(z, '2', idsOf(100), { op: 'trash' });
    expect(r.failed).toEqual([{ id: '1042', code: 'not-found' }]);
    expect(r.done).toHaveLength(99);
    expect(z.requests.length).toBeLessThanOrEqual(2 * 8);
    expect(Math.max(...z.requests.map((q) => q.ids.length))).toBeLessThanOrEqual(100);
  });

  it('delete: only the ids found in the folder are deleted (the server would list missing ones as done)', async () => {
    const z = new FakeZimbra(5, '3');
    z.folderOf.delete('1002');
    z.folderOf.set('1004', '2'); // put back in the inbox by the user meanwhile: must not be deleted
    const r = await runAction(z, '3', idsOf(5), { op: 'delete' });
    expect(r.done.sort()).toEqual(['1001', '1003', '1005']);
    expect(r.failed).toEqual([
      { id: '1002', code: 'not-found' },
      { id: '1004', code: 'not-found' },
    ]);
    expect(z.requests).toEqual([{ op: 'delete', ids: ['1001', '1003', '1005'], tcon: 't' }]);
    expect(z.folderOf.get('1004')).toBe('2');
    expect(r.newRefs).toBeUndefined();
  });

  it('a session that ends mid-series stops the call: what moved is done, the rest auth-expired', async () => {
    const z = new FakeZimbra(300);
    z.failAt.set(2, fault('service.AUTH_EXPIRED'));
    const r = await runAction(z, '2', idsOf(300), { op: 'trash' });
    expect(r.done).toEqual(idsOf(100));
    expect(r.failed).toHaveLength(200);
    expect(new Set(r.failed.map((f) => f.code))).toEqual(new Set(['auth-expired']));
    expect(z.requests).toHaveLength(2); // nothing sent after the failure
    expect([...z.folderOf.entries()].filter(([, f]) => f === '3').map(([id]) => id)).toEqual(idsOf(100));
  });

  it('an answer lost on the way: asks where the ids are and reports what actually moved', async () => {
    const z = new FakeZimbra(100);
    z.dropAfter.add(1);
    const r = await runAction(z, '2', idsOf(100), { op: 'trash' });
    expect(r.done).toHaveLength(100);
    expect(z.searches).toBe(1);

    const z2 = new FakeZimbra(100);
    z2.failAt.set(1, new WebmailError('network', 'no answer'));
    const r2 = await runAction(z2, '2', idsOf(100), { op: 'trash' });
    expect(r2.done).toEqual([]);
    expect(r2.failed.every((f) => f.code === 'network')).toBe(true);
  });

  it('refuses ids and folders that are not Zimbra ids without sending anything', async () => {
    const z = new FakeZimbra(1);
    const r = await runAction(z, '2', ['1001', 'x', '1001', '12,13'], { op: 'trash' });
    expect(r.done).toEqual(['1001']);
    expect(r.failed).toEqual([
      { id: 'x', code: 'not-found' },
      { id: '12,13', code: 'not-found' },
    ]);
    const r2 = await runAction(z, '2', ['1001'], { op: 'move', target: 'in:trash' });
    expect(r2.failed).toEqual([{ id: '1001', code: 'not-found' }]);
    expect(z.requests).toHaveLength(1);
  });

  it('stops before the next batch when cancelled', async () => {
    const z = new FakeZimbra(200);
    const ctl = new AbortController();
    const api: ActionApi = { msgAction: async (a) => { await z.msgAction(a); ctl.abort(); }, findIn: (f, i) => z.findIn(f, i) };
    const r = await runAction(api, '2', idsOf(200), { op: 'trash' }, ctl.signal);
    expect(r.done).toHaveLength(100);
    expect(r.failed.every((f) => f.code === 'aborted')).toBe(true);
  });
});
