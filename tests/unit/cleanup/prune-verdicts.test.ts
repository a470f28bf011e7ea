import { describe, expect, it } from 'vitest';
import { pruneVerdicts } from '../../../lib/features/cleanup/prune-verdicts';
import { refKey, type CachedVerdict, type VerdictCache } from '../../../lib/features/cleanup/classify';
import type { MessageRef } from '../../../lib/webmail/types';
import { FakeWebmail } from './fake-webmail';

class PrunableCache implements VerdictCache {
  rows = new Map<string, CachedVerdict>();
  async get(refs: MessageRef[]) {
    return refs.map((r) => this.rows.get(refKey(r))).filter((r): r is CachedVerdict => !!r);
  }
  async put(rows: CachedVerdict[]) {
    for (const r of rows) this.rows.set(refKey(r), r);
  }
  async ids() {
    return [...this.rows.values()].map((r) => ({ folderId: r.folderId, id: r.id }));
  }
  async drop(refs: MessageRef[]) {
    for (const r of refs) this.rows.delete(refKey(r));
  }
}

const verdict = (folderId: string, id: string): CachedVerdict => ({ folderId, id, size: 10, clinical: 'hprim' });

function mailbox() {
  const w = new FakeWebmail();
  const raw = new TextEncoder().encode('Subject: x\r\n\r\nbody\r\n');
  const add = (folderId: string) => w.add({ folderId, raw, date: Date.UTC(2024, 0, 1), unread: false, flagged: false, hasAttachment: false, subject: 'x', from: 'a@b.fr' });
  return { w, add };
}

describe('verdicts of messages no longer on the server go at the next snapshot', () => {
  it('asks the server about exactly the ids with a verdict, and drops those it no longer has', async () => {
    const { w, add } = mailbox();
    const kept = add('INBOX');
    const cache = new PrunableCache();
    await cache.put([verdict('INBOX', kept.id), verdict('INBOX', 'deleted-elsewhere'), verdict('Patients', 'moved-away')]);
    const asked: { folderId: string; ids: string[] }[] = [];
    const stillIn = w.stillIn.bind(w);
    w.stillIn = async (folderId: string, ids: string[]) => {
      asked.push({ folderId, ids: [...ids] });
      return stillIn(folderId, ids);
    };
    const folders = (await w.folders()).concat([{ id: 'Patients', name: 'Patients', path: 'Patients', role: null, count: 0, bytes: null, bytesPrecision: 0, depth: 0 } as never]);
    const r = await pruneVerdicts(w, cache, folders, new Map());
    expect(r.dropped).toBe(2);
    expect([...cache.rows.values()].map((v) => `${v.folderId}/${v.id}`)).toEqual([`INBOX/${kept.id}`]);
    // One question per folder holding verdicts, naming only those ids.
    expect(asked.sort((a, b) => a.folderId.localeCompare(b.folderId))).toEqual([
      { folderId: 'INBOX', ids: [kept.id, 'deleted-elsewhere'] },
      { folderId: 'Patients', ids: ['moved-away'] },
    ]);
  });

  it('uses a folder the snapshot listed whole without asking, and drops every verdict of a folder that is gone', async () => {
    const { w, add } = mailbox();
    const a = add('Trash');
    const cache = new PrunableCache();
    await cache.put([verdict('Trash', a.id), verdict('Trash', 'emptied'), verdict('Old folder', '7')]);
    let asked = 0;
    w.stillIn = async () => {
      asked++;
      return new Set<string>();
    };
    const r = await pruneVerdicts(w, cache, await w.folders(), new Map([['Trash', new Set([a.id])]]));
    expect(asked).toBe(0);
    expect(r.dropped).toBe(2);
    expect([...cache.rows.keys()]).toEqual([refKey({ folderId: 'Trash', id: a.id })]);
  });

  it('keeps every verdict when the server cannot be asked (safe direction: the idle purge comes later)', async () => {
    const { w, add } = mailbox();
    const a = add('INBOX');
    const cache = new PrunableCache();
    await cache.put([verdict('INBOX', a.id), verdict('INBOX', 'maybe')]);
    w.stillIn = async () => {
      throw new Error('no answer');
    };
    const r = await pruneVerdicts(w, cache, await w.folders(), new Map());
    expect(r.dropped).toBe(0);
    expect(cache.rows.size).toBe(2);
  });
});
