import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { db, resetDbForTests } from '../../../lib/store/db';
import { COMMAND, MENU_ID, askBeforeSignature, insertSignatureInTab, startSignatureMenu } from '../../../lib/background/signature-menu';
import { saveBal, saveProfile } from '../../../lib/background/registry';
import { insertSignatureAtCaret, type CaretPayload } from '../../../lib/features/signature/caret';

type Call = { target: { tabId: number; frameIds: number[] }; func: unknown; args: [CaretPayload] };
let calls: Call[];
let failFrames: Set<number>;

beforeEach(() => {
  fakeBrowser.reset();
  resetDbForTests();
  Dexie.dependencies.indexedDB = new IDBFactory();
  Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  calls = [];
  failFrames = new Set();
  const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
  b.i18n!.getUILanguage = () => 'fr-FR';
  b.i18n!.getMessage = (key: string) => key;
  b.scripting!.executeScript = async (opts: Call) => {
    calls.push(opts);
    if (failFrames.has(opts.target.frameIds[0]!)) throw new Error('Cannot access contents of the frame');
    return [{ frameId: opts.target.frameIds[0], result: 'inserted' }];
  };
});

describe('the context-menu / shortcut handler', () => {
  it('injects the caret function with the signature for the webmail’s BAL, as text and as nodes', async () => {
    await saveProfile({ prenom: '<b>Sophie</b>', nom: 'Martin' });
    await saveBal({ address: 'sophie@medecin.mssante.fr', kind: 'PER', status: 'active', preferred: true, webmailOrigin: 'https://medimail.mipih.fr' });
    expect(await insertSignatureInTab(7, 3, 'https://medimail.mipih.fr/webmail/compose')).toBe('inserted');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.target).toEqual({ tabId: 7, frameIds: [3] });
    expect(call.func).toBe(insertSignatureAtCaret);
    const payload = call.args[0];
    expect(payload.text).toBe('<b>Sophie</b> Martin\nMSSanté : sophie@medecin.mssante.fr');
    expect(payload.nodes[0]).toEqual({ t: 'text', s: '<b>Sophie</b> Martin' });
    expect(payload.nodes).toContainEqual({ t: 'el', tag: 'a', href: 'mailto:sophie@medecin.mssante.fr', children: [{ t: 'text', s: 'sophie@medecin.mssante.fr' }] });
    expect(payload.noFieldMessage).toBe('sigNoField');
    // Plain JSON: it crosses to the page as structured data.
    expect(JSON.parse(JSON.stringify(payload))).toEqual(payload);
  });

  it('falls back to the top frame when the clicked frame cannot be reached', async () => {
    failFrames.add(5);
    expect(await insertSignatureInTab(7, 5, 'https://roundcube.mssante.fr/')).toBe('inserted');
    expect(calls.map((c) => c.target.frameIds[0])).toEqual([5, 0]);
  });

  it('reports a failure instead of throwing', async () => {
    failFrames.add(0);
    expect(await insertSignatureInTab(7, 0, 'https://roundcube.mssante.fr/')).toBe('failed');
  });
});

describe('startSignatureMenu', () => {
  it('creates the editable-field menu entry and sends both the entry and the keyboard shortcut to the insertion', async () => {
    const created: unknown[] = [];
    let onClick: ((info: { menuItemId: string; frameId?: number }, tab?: { id?: number; url?: string }) => void) | null = null;
    let onCommand: ((command: string, tab?: { id?: number; url?: string }) => void) | null = null;
    const b = fakeBrowser as unknown as Record<string, unknown>;
    b.contextMenus = {
      removeAll: async () => undefined,
      create: (opts: unknown, cb?: () => void) => {
        created.push(opts);
        cb?.();
      },
      onClicked: { addListener: (f: typeof onClick) => (onClick = f) },
    };
    b.commands = { onCommand: { addListener: (f: typeof onCommand) => (onCommand = f) } };
    startSignatureMenu();
    await new Promise((r) => setTimeout(r, 0));
    expect(created).toEqual([{ id: MENU_ID, title: 'sigMenuInsert', contexts: ['editable'] }]);

    const settle = async (n: number) => {
      for (let i = 0; i < 50 && calls.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    onClick!({ menuItemId: MENU_ID, frameId: 2 }, { id: 9, url: 'https://roundcube.mssante.fr/compose' });
    await settle(1);
    expect(calls.map((c) => c.target)).toEqual([{ tabId: 9, frameIds: [2] }]);
    // Another extension's entry, or no tab: nothing.
    onClick!({ menuItemId: 'other' }, { id: 9 });
    onClick!({ menuItemId: MENU_ID });
    // The shortcut inserts into the top frame of the tab it names, or of the active tab.
    onCommand!(COMMAND, { id: 4, url: 'https://roundcube.mssante.fr/' });
    await settle(2);
    onCommand!('something-else', { id: 4 });
    const queries: unknown[] = [];
    (b.tabs as Record<string, unknown>).query = async (q: unknown) => {
      queries.push(q);
      return [{ id: 11, url: 'https://medimail.mipih.fr/' }];
    };
    onCommand!(COMMAND);
    await settle(3);
    expect(calls.map((c) => c.target)).toEqual([
      { tabId: 9, frameIds: [2] },
      { tabId: 4, frameIds: [0] },
      { tabId: 11, frameIds: [0] },
    ]);
    expect(queries).toEqual([{ active: true, currentWindow: true }]);
  });
});

describe('on a page that is neither a webmail the user added nor a known one', () => {
  it('asks first, in the tab, and inserts nothing when the user says no', async () => {
    await saveProfile({ prenom: 'Sophie', nom: 'Martin', rpps: '10003456789' });
    let answer = false;
    const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
    b.scripting!.executeScript = async (opts: Call & { args: unknown[] }) => {
      calls.push(opts as Call);
      if (opts.func === askBeforeSignature) return [{ frameId: 0, result: answer }];
      return [{ frameId: opts.target.frameIds[0], result: 'inserted' }];
    };
    expect(await insertSignatureInTab(7, 0, 'https://forum.example.com/post')).toBe('declined');
    expect(calls.map((c) => c.func)).toEqual([askBeforeSignature]);
    expect(calls[0]!.target).toEqual({ tabId: 7, frameIds: [0] });
    expect(String(calls[0]!.args[0])).toBe('sigAskUnknownOrigin'); // the catalog key (getMessage is stubbed)
    answer = true;
    calls = [];
    expect(await insertSignatureInTab(7, 0, 'https://forum.example.com/post')).toBe('inserted');
    expect(calls.map((c) => c.func)).toEqual([askBeforeSignature, insertSignatureAtCaret]);
  });

  it('does not ask on a known MSSanté webmail nor on a webmail the user added', async () => {
    await db().origins.put({ origin: 'https://webmail.cabinet.fr', addedAt: 0, source: 'user' });
    expect(await insertSignatureInTab(7, 0, 'https://webmail.cabinet.fr/?_task=mail')).toBe('inserted');
    expect(await insertSignatureInTab(7, 0, 'https://roundcube.mssante.fr/')).toBe('inserted');
    expect(calls.map((c) => c.func)).toEqual([insertSignatureAtCaret, insertSignatureAtCaret]);
  });

  it('a question it could not ask counts as no', async () => {
    const b = fakeBrowser as unknown as Record<string, Record<string, unknown>>;
    b.scripting!.executeScript = async () => {
      throw new Error('Cannot access a chrome:// URL');
    };
    expect(await insertSignatureInTab(7, 0, 'https://forum.example.com/')).toBe('declined');
  });
});
