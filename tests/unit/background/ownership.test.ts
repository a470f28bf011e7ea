import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db, resetDbForTests } from '../../../lib/store/db';
import { guardContent, TabMailboxes, uncheckedContentTypes } from '../../../lib/background/ownership';
import { backgroundHandlers } from '../../../lib/background/main';
import { AnyRequestSchema, messageDefs } from '../../../lib/messages';
import { backgroundClassifier, dispatch, type Sender } from '../../../lib/messages/router';
import { updateSettings } from '../../../lib/background/settings';
import { forgetManagedCache } from '../../../lib/background/managed';
import type { Job } from '../../../lib/store/schemas';

const A = 'a@medecin.mssante.fr';
const B = 'b@medecin.mssante.fr';
const WEB = 'https://webmail.example.fr';
const OTHER = 'https://other.example.fr';
const channel = { defs: messageDefs, union: AnyRequestSchema };

beforeEach(async () => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.i18n!.getUILanguage = () => 'fr-FR';
  await db().origins.bulkPut([
    { origin: WEB, addedAt: 0, source: 'user' },
    { origin: OTHER, addedAt: 0, source: 'user' },
  ]);
});

const tab = (id: number, origin: string): Sender => ({ id: fakeBrowser.runtime.id, url: `${origin}/mail/`, tab: { id } as Sender['tab'], frameId: 0 });
const page: Sender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
const registered = async (o: string) => (await db().origins.get(o)) !== undefined;

function setup() {
  const tabs = new TabMailboxes();
  const handlers = guardContent(backgroundHandlers(), tabs, { waitMs: 0 });
  const call = (raw: Record<string, unknown>, sender: Sender) => dispatch(channel, handlers, backgroundClassifier(registered), raw, sender);
  return { tabs, call };
}

describe('ownership of content-script requests', () => {
  it('every message a content script may send has an ownership rule', () => {
    expect(uncheckedContentTypes(messageDefs)).toEqual([]);
  });

  it('a tab reports quota only for the mailbox its page showed', async () => {
    const { call } = setup();
    const report = (address: string) => ({ type: 'quota/report', address, usedBytes: 10, limitBytes: 100, at: 1 });
    // Nothing announced yet: refused.
    expect(await call(report(A), tab(1, WEB))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(1, WEB))).toMatchObject({ ok: true });
    expect(await call(report(A), tab(1, WEB))).toMatchObject({ ok: true });
    // Another mailbox's figures from the same tab: refused, B's row untouched.
    expect(await call(report(B), tab(1, WEB))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await db().bals.get(B)).toBeUndefined();
    // The same tab id on another origin (navigated away): refused until it announces again.
    expect(await call(report(A), tab(1, OTHER))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('a mailbox registered for one webmail cannot be claimed by another origin', async () => {
    const { call } = setup();
    await db().bals.put({ address: A, kind: 'PER', status: 'active', preferred: true, source: 'user', webmailOrigin: WEB });
    expect(await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(2, OTHER))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'classify/get', bal: A, refs: [] }, tab(2, OTHER))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('bals/list and settings/get answer only the tab’s own mailbox; pages see everything', async () => {
    const { call } = setup();
    await db().bals.bulkPut([
      { address: A, kind: 'CAB', status: 'active', preferred: true, source: 'user', webmailOrigin: WEB, situation: { label: 'Cabinet', finess: '010000024' } },
      { address: B, kind: 'ORG', status: 'active', preferred: true, source: 'user', webmailOrigin: WEB, situation: { label: 'Clinique', siret: '73282932000074' } },
    ]);
    await updateSettings({ cleanup: { ruleFolders: { [A]: { old: ['INBOX'], large: [] }, [B]: { old: ['Patients/Dupont'], large: [] } } } });
    await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(3, WEB));
    const list = await call({ type: 'bals/list' }, tab(3, WEB));
    expect(list.ok && (list.data as { address: string }[]).map((b) => b.address)).toEqual([A]);
    const settings = await call({ type: 'settings/get' }, tab(3, WEB));
    expect(settings.ok && (settings.data as { cleanup: { ruleFolders: unknown } }).cleanup.ruleFolders).toEqual({ [A]: { old: ['INBOX'], large: [] } });
    const all = await call({ type: 'bals/list' }, page);
    expect(all.ok && (all.data as unknown[]).length).toBe(2);
    // A tab that showed no mailbox gets none.
    expect(await call({ type: 'bals/list' }, tab(4, WEB))).toEqual({ ok: true, data: [] });
  });

  it('managed/get gives a tab only its own mailbox among the organisational BALs IT configured; pages see all', async () => {
    const { call } = setup();
    const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
    b.storage!.managed = { get: async () => ({ locked: ['cleanup.exportBeforeDelete'], bals: [{ address: A, kind: 'ORG' }, { address: B, kind: 'ORG' }] }) };
    forgetManagedCache();
    await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(6, WEB));
    const own = await call({ type: 'managed/get' }, tab(6, WEB));
    const bals = (r: typeof own) => (r.ok ? ((r.data as { config: { bals?: { address: string }[] } }).config.bals ?? []).map((x) => x.address) : null);
    expect(bals(own)).toEqual([A]);
    expect(own.ok && (own.data as { locked: string[] }).locked).toContain('cleanup.exportBeforeDelete');
    expect(bals(await call({ type: 'managed/get' }, page))).toEqual([A, B]);
    forgetManagedCache();
  });

  it('compose/context gives the signature of the tab’s mailbox, not the one asked for', async () => {
    const { call } = setup();
    await db().bals.bulkPut([
      { address: A, kind: 'PER', status: 'active', preferred: true, source: 'user', webmailOrigin: WEB, situation: { label: 'Cabinet' } },
      { address: B, kind: 'ORG', status: 'active', preferred: true, source: 'user', webmailOrigin: WEB, situation: { label: 'Clinique', finess: '010000024' } },
    ]);
    await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(5, WEB));
    const r = await call({ type: 'compose/context', from: B }, tab(5, WEB));
    expect(r).toMatchObject({ ok: true, data: { from: A, situation: 'Cabinet' } });
  });

  it('cleanup jobs: a tab reaches only the jobs of its own mailbox', async () => {
    const { call } = setup();
    const job: Job = { id: 'jb', bal: B, origin: WEB, createdAt: 1, updatedAt: 1, state: 'done', action: 'trash', totalCount: 0, totalBytes: 0 };
    await db().jobs.put(job);
    await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(6, WEB));
    expect(await call({ type: 'cleanup/get-job', jobId: 'jb' }, tab(6, WEB))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'cleanup/list-jobs', bal: B, limit: 5 }, tab(6, WEB))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'cleanup/create', job: { ...job, id: 'jc', state: 'planned' }, batches: [] }, tab(6, WEB))).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await call({ type: 'cleanup/list-jobs', bal: A, limit: 5 }, tab(6, WEB))).toEqual({ ok: true, data: { jobs: [] } });
  });

  it('the record survives a new TabMailboxes (service-worker restart) and goes with the tab', async () => {
    const { tabs, call } = setup();
    await call({ type: 'webmail/seen', kind: 'zimbra', address: A }, tab(7, WEB));
    expect(await new TabMailboxes().get(7)).toMatchObject({ address: A, origin: WEB });
    await tabs.forgetTab(7);
    expect(await new TabMailboxes().get(7)).toBeUndefined();
  });

  it('a request waits for the page to announce its mailbox', async () => {
    const tabs = new TabMailboxes();
    const handlers = guardContent(backgroundHandlers(), tabs, { waitMs: 2000 });
    const call = (raw: Record<string, unknown>, sender: Sender) => dispatch(channel, handlers, backgroundClassifier(registered), raw, sender);
    const pending = call({ type: 'classify/get', bal: A, refs: [] }, tab(8, WEB));
    await call({ type: 'webmail/seen', kind: 'roundcube', address: A }, tab(8, WEB));
    expect(await pending).toEqual({ ok: true, data: { rows: [] } });
  });
});
