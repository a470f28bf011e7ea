import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { classificationHandlers } from '../../../lib/background/classifications';
import { db, resetDbForTests } from '../../../lib/store/db';
import { classificationMessages } from '../../../lib/messages/classify';
import { dispatch } from '../../../lib/messages/router';
import { unionOf } from '../../../lib/messages';
import type { Sender } from '../../../lib/messages/router';

beforeEach(() => {
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
});

const BAL = 'martin.durand@medecin.mssante.fr';
const from = (origin: string) => ({ url: `${origin}/mail/`, tab: { id: 3 }, frameId: 0 }) as unknown as Sender;
const channel = { defs: classificationMessages, union: unionOf(classificationMessages) };
const call = (raw: unknown, sender: Sender) => dispatch(channel, classificationHandlers(() => 1000), () => 'content', raw, sender);

describe('classification cache in the background', () => {
  it('stores and returns verdicts per BAL, folder and id', async () => {
    const put = await call(
      { type: 'classify/put', bal: BAL, rows: [{ folderId: 'INBOX', id: '7', size: 1234, clinical: 'hprim' }, { folderId: 'INBOX', id: '8', size: 99, clinical: null, listed: '99~512@1704844800000' }] },
      from('https://webmail.example.fr'),
    );
    expect(put).toEqual({ ok: true, data: { ok: true } });
    const got = await call({ type: 'classify/get', bal: BAL, refs: [{ folderId: 'INBOX', id: '7' }, { folderId: 'INBOX', id: '9' }, { folderId: 'Sent', id: '8' }, { folderId: 'INBOX', id: '8' }] }, from('https://webmail.example.fr'));
    expect(got).toEqual({ ok: true, data: { rows: [{ folderId: 'INBOX', id: '7', size: 1234, clinical: 'hprim' }, { folderId: 'INBOX', id: '8', size: 99, clinical: null, listed: '99~512@1704844800000' }] } });
    expect(await db().classifications.get([BAL, 'INBOX', '7'])).toMatchObject({ at: 1000 });
  });

  it("refuses another webmail's page asking about this BAL", async () => {
    await db().bals.put({ address: BAL, kind: null, status: 'active', preferred: false, source: 'seen', webmailOrigin: 'https://webmail.example.fr' });
    await call({ type: 'classify/put', bal: BAL, rows: [{ folderId: 'INBOX', id: '7', size: 1, clinical: 'pdf' }] }, from('https://webmail.example.fr'));
    const other = await call({ type: 'classify/get', bal: BAL, refs: [{ folderId: 'INBOX', id: '7' }] }, from('https://evil.example.com'));
    expect(other).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const wrongPut = await call({ type: 'classify/put', bal: BAL, rows: [{ folderId: 'INBOX', id: '7', size: 1, clinical: null }] }, from('https://evil.example.com'));
    expect(wrongPut).toMatchObject({ ok: false });
    expect(await db().classifications.get([BAL, 'INBOX', '7'])).toMatchObject({ clinical: 'pdf' });
  });

  it('names the ids it holds and drops those a snapshot found gone, for the own webmail only', async () => {
    await db().bals.put({ address: BAL, kind: null, status: 'active', preferred: false, source: 'seen', webmailOrigin: 'https://webmail.example.fr' });
    const own = from('https://webmail.example.fr');
    await call({ type: 'classify/put', bal: BAL, rows: [{ folderId: 'INBOX', id: '7', size: 1, clinical: 'pdf' }, { folderId: 'Trash', id: '8', size: 1, clinical: null }] }, own);
    expect(await call({ type: 'classify/ids', bal: BAL }, own)).toEqual({ ok: true, data: { refs: [{ folderId: 'INBOX', id: '7' }, { folderId: 'Trash', id: '8' }] } });
    expect(await call({ type: 'classify/ids', bal: BAL }, from('https://evil.example.com'))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'classify/drop', bal: BAL, refs: [{ folderId: 'Trash', id: '8' }] }, from('https://evil.example.com'))).toMatchObject({ ok: false });
    expect(await call({ type: 'classify/drop', bal: BAL, refs: [{ folderId: 'Trash', id: '8' }] }, own)).toEqual({ ok: true, data: { ok: true } });
    expect(await db().classifications.get([BAL, 'Trash', '8'])).toBeUndefined();
    expect(await db().classifications.get([BAL, 'INBOX', '7'])).toBeDefined();
  });

  it('refuses malformed verdicts', async () => {
    const r = await call({ type: 'classify/put', bal: BAL, rows: [{ folderId: 'INBOX', id: '7', size: -1, clinical: 'virus' }] }, from('https://webmail.example.fr'));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
  });
});
