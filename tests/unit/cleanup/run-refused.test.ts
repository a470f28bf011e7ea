/**
 * A run the background refuses because this page may not act on the mailbox here (the ownership check: the mailbox
 * belongs to another webmail origin, or the page's job names another origin) is NOT "Balise was reloaded": reloading
 * would not help. It must reach the panel as its own code, 'other-webmail', with nothing done on the webmail.
 * (Found on the Mailiz-like e2e: a mailbox first seen on another origin made every run fail as 'store'.)
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import cleanupCatalog from '../../../lib/i18n/catalog/cleanup';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { BaliseDb } from '../../../lib/store/db';
import { CleanupJournal } from '../../../lib/background/cleanup';
import { startJob, type RunDeps } from '../../../lib/features/cleanup/run';
import { StoreError } from '../../../lib/features/cleanup/store';
import { errorText } from '../../../lib/features/cleanup/panel/texts';
import { FaultyWebmail, TruthMailbox, tabStore, type TabStore } from './run-fakes';

const BAL = 'martin.durand@medecin.mssante.fr';
const ORIGIN = 'http://127.0.0.1:8080';
let journal: CleanupJournal;
let n = 0;

beforeEach(() => {
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  const d = new BaliseDb(`refused-${n++}`);
  journal = new CleanupJournal({ db: () => d, now: () => 5_000_000, tabExists: async () => true });
});

const deps = (store: TabStore): RunDeps => ({ store, heartbeatMs: 0, sleep: async () => undefined });

function mailbox(): { truth: TruthMailbox; w: FaultyWebmail; items: { ref: { folderId: string; id: string }; size: number }[] } {
  const truth = new TruthMailbox('stable');
  for (let i = 1; i <= 4; i++) truth.add('INBOX', 1000 + i, i);
  const w = new FaultyWebmail(truth);
  const items = truth.messages.map((m) => ({ ref: { ...m.at! }, size: m.size }));
  return { truth, w, items };
}

describe('a run the ownership check refuses', () => {
  it('rejects with other-webmail (not store) when the page is not the mailbox’s webmail, and touches nothing', async () => {
    const { truth, w, items } = mailbox();
    const store = tabStore(journal, { tabId: 1, origin: ORIGIN });
    // What lib/background/ownership.ts answers when the tab's claim of the mailbox was refused.
    const refused: TabStore = { ...store, active: store.active, create: async () => Promise.reject(new StoreError('forbidden', 'This page has not shown a mailbox')) };
    await expect(startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(refused) })).rejects.toMatchObject({ name: 'CleanupError', code: 'other-webmail' });
    expect(truth.messages.every((m) => m.at?.folderId === 'INBOX')).toBe(true);
  });

  it('rejects with other-webmail when the job names another origin than the page’s (the journal’s own check)', async () => {
    const { truth, w, items } = mailbox();
    const store = tabStore(journal, { tabId: 1, origin: 'http://127.0.0.1:9090' });
    await expect(startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) })).rejects.toMatchObject({ code: 'other-webmail' });
    expect(truth.messages.every((m) => m.at?.folderId === 'INBOX')).toBe(true);
  });

  it('still says store when the background cannot be reached', async () => {
    const { w, items } = mailbox();
    const store = tabStore(journal, { tabId: 1, origin: ORIGIN }, 0);
    await expect(startJob(w, { bal: BAL, origin: ORIGIN, action: 'trash', items }, { deps: deps(store) })).rejects.toMatchObject({ code: 'store' });
  });

  it('has its own plain words, French and English, that say where to act', () => {
    const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
    i18n.getMessage = (key: string) => key;
    expect(errorText('other-webmail')).toBe('cleanup_error_other_webmail');
    expect(cleanupCatalog.cleanup_error_other_webmail.fr).toMatch(/Mes BAL.*Rien n’a été modifié/);
    expect(cleanupCatalog.cleanup_error_other_webmail.en).toMatch(/My mailboxes|Mes BAL/);
  });
});
