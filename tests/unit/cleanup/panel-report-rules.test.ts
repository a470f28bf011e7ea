/**
 * The cleanup panel's report attributes (moved + failed + skipped = what the job was given) and "keep these
 * settings as my defaults": from the panel's button, through the background's message handler and the settings
 * store (fake IndexedDB), back into the rules the panel opens with next time.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import Dexie from 'dexie';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { ReportView, freedDiffers } from '../../../lib/features/cleanup/panel/Report';
import { Groups } from '../../../lib/features/cleanup/panel/Groups';
import type { Plan } from '../../../lib/features/cleanup/types';
import { CleanupController, type PanelDeps } from '../../../lib/features/cleanup/panel/controller';
import { defaultRules, ruleDefaultsOf } from '../../../lib/features/cleanup/rules';
import type { Report, ReportLine } from '../../../lib/features/cleanup/types';
import { backgroundHandlers } from '../../../lib/background/main';
import { getSettings } from '../../../lib/background/settings';
import { resetDbForTests } from '../../../lib/store/db';
import { defaultSettings } from '../../../lib/store/settings';
import { messageDefs, unionOf } from '../../../lib/messages';
import { dispatch, type Sender } from '../../../lib/messages/router';
import type { Folder } from '../../../lib/webmail/types';
import { FakeWebmail, rawMessage } from './fake-webmail';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { catalogs } from '../../../lib/i18n/catalog';

const BAL = 'martin.durand@medecin.mssante.fr';
const NOW = Date.UTC(2026, 2, 15, 10, 0);

/** The browser's i18n as the built extension has it: the catalogs' French text, $1… substituted. */
beforeEach(() => {
  const fr = new Map<string, string>();
  for (const cat of Object.values(catalogs)) for (const [k, v] of Object.entries(cat)) fr.set(k, (v as { fr: string }).fr);
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => 'fr';
  i18n.getMessage = (key: string, subs?: string[]) => (fr.get(key) ?? '').replace(/\$(\d)/g, (_, n: string) => subs?.[Number(n) - 1] ?? '');
});

describe('the report element', () => {
  const ref = (id: number) => ({ folderId: 'INBOX', id: String(id) });
  function reportWith(lines: ReportLine[], state: Report['state'] = 'cancelled'): Report {
    return {
      jobId: 'j1',
      action: 'trash',
      state,
      movedCount: lines.filter((l) => l.outcome === 'moved').length,
      failedCount: lines.filter((l) => l.outcome === 'failed').length,
      lines,
      predictedFreed: 0,
      actualFreed: null,
      quotaAfter: null,
      startedAt: NOW,
      endedAt: NOW,
      stopReason: 'cancelled',
    };
  }
  function draw(report: Report) {
    const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
    const root = document.getElementById('root')!;
    render(h(ReportView, { report, lang: 'fr', sizeOf: () => 1000, message: () => undefined }), root as unknown as Element);
    return root.querySelector('[data-balise="cleanup-report"]')!;
  }

  it('counts skipped messages apart, so that moved + failed + skipped = every message the job was given', () => {
    const lines: ReportLine[] = [
      ...[1, 2, 3].map((i): ReportLine => ({ ref: ref(i), outcome: 'moved', now: { folderId: 'Trash', id: String(100 + i) } })),
      { ref: ref(4), outcome: 'failed', reason: 'server' },
      ...[5, 6].map((i): ReportLine => ({ ref: ref(i), outcome: 'skipped', reason: 'cancelled' })),
      { ref: ref(7), outcome: 'skipped', reason: 'not-in-snapshot' },
      { ref: ref(8), outcome: 'skipped', reason: 'auth-expired' },
    ];
    const el = draw(reportWith(lines));
    const n = (a: string) => Number(el.getAttribute(a));
    expect([n('data-moved-count'), n('data-failed-count'), n('data-skipped-count'), n('data-planned-count')]).toEqual([3, 1, 4, 8]);
    expect(n('data-moved-count') + n('data-failed-count') + n('data-skipped-count')).toBe(n('data-planned-count'));
    // Each reason in plain words, with its count.
    const reasons = Object.fromEntries([...el.querySelectorAll('[data-reason]')].map((r) => [r.getAttribute('data-reason'), Number(r.getAttribute('data-count'))]));
    expect(reasons).toEqual({ server: 1, cancelled: 2, 'not-in-snapshot': 1, 'auth-expired': 1 });
    const text = el.textContent ?? '';
    expect(text).toContain('arrêté avant d’être traité');
    expect(text).toContain('ne faisait pas partie de l’aperçu');
    expect(text).toContain('Dont 1 en erreur, et 4 laissés tels quels sans être tentés.');
    expect(text).not.toMatch(/cleanup_/);
  });

  it('says 0 skipped when everything was done', () => {
    const el = draw(reportWith([1, 2].map((i) => ({ ref: ref(i), outcome: 'moved' })), 'done'));
    expect(el.getAttribute('data-skipped-count')).toBe('0');
    expect(el.getAttribute('data-planned-count')).toBe('2');
    expect(el.querySelector('[data-outcome="not-done"]')).toBeNull();
  });
});

describe('keep these settings as my defaults', () => {
  beforeEach(() => {
    resetDbForTests();
    Dexie.dependencies.indexedDB = new IDBFactory();
    Dexie.dependencies.IDBKeyRange = IDBKeyRange;
  });

  const channel = { defs: messageDefs, union: unionOf(messageDefs) };
  const content = { url: 'https://webmail.example.fr/mail/', tab: { id: 3 }, frameId: 0 } as unknown as Sender;
  /** What the content script's send() reaches: the background's real handlers, as a content script. */
  const fromContent = (raw: unknown) => dispatch(channel, backgroundHandlers(), () => 'content', raw, content);

  function mailbox(): FakeWebmail {
    const w = new FakeWebmail();
    w.folderIds = ['INBOX', 'Sent', 'Trash', 'Junk', 'Patients', 'Patients/2019'];
    for (let i = 0; i < 3; i++) {
      w.add({ folderId: 'INBOX', raw: rawMessage({ subject: `m${i}` }), date: Date.UTC(2024, 0, 1), unread: false, flagged: false, hasAttachment: false, subject: `m${i}`, from: 'x@y.fr' });
    }
    return w;
  }

  /** The panel's deps as entry.tsx wires them for settings; the rest is unused here. */
  function deps(): PanelDeps {
    const unused = async (): Promise<never> => {
      throw new Error('not used');
    };
    const unwrap = <T,>(env: { ok: boolean; data?: unknown; error?: unknown }): T => {
      if (!env.ok) throw Object.assign(new Error('refused'), env.error);
      return env.data as T;
    };
    return {
      settings: async () => unwrap<ReturnType<typeof defaultSettings>>(await fromContent({ type: 'settings/get' })).cleanup,
      saveRuleDefaults: async (bal, rules) => {
        unwrap(await fromContent({ type: 'cleanup/save-rule-defaults', bal, rules }));
      },
      cache: () => undefined,
      startJob: unused,
      resumeJob: unused,
      abandonJob: unused,
      undoLastJob: unused,
      findUndoableJob: async () => null,
      trashedItems: unused,
      cleanupStatus: async () => ({ running: null, resumable: null, undoable: null }),
      exportMessages: unused,
      pickFile: () => null,
      now: () => NOW,
    };
  }

  it('saves the rules the user set, and the panel opens with them next time', async () => {
    const w = mailbox();
    const c = new CleanupController(w, deps(), { origin: 'https://webmail.example.fr' });
    await c.open();
    const first = c.state.rules!;
    expect(first.old.months).toBe(12);
    expect(first.old.folderIds).toEqual(['INBOX', 'Sent', 'Patients', 'Patients/2019']);
    const changed = {
      ...first,
      emptyJunk: false,
      old: { ...first.old, months: 18, folderIds: ['INBOX', 'Patients/2019'] },
      large: { ...first.large, minMB: 7.5, olderThanMonths: 6, folderIds: ['Patients'] },
      protect: { ...first.protect, flagged: false, recentDays: 45 },
      folder: { enabled: true, folderId: 'Patients' },
      includeClinical: true,
    };
    await c.setRules(changed);
    expect(c.state.rulesSaved).toBeNull();
    await c.saveRules();
    expect(c.state.rulesSaved).toBe('saved');

    const s = (await getSettings()).cleanup;
    expect(s).toMatchObject({ oldMonths: 18, largeMB: 7.5, largeOlderThanMonths: 6, recentDays: 45, protectFlagged: false, protectUnread: true, emptyJunk: false, emptyTrash: true });
    expect(s.ruleFolders).toEqual({ [BAL]: { old: ['INBOX', 'Patients/2019'], large: ['Patients'] } });
    // Untouched: the export before deletion, the clinical protection.
    expect(s.exportBeforeDelete).toBe(true);
    expect(s.protectClinical).toBe(true);

    const again = new CleanupController(mailbox(), deps(), { origin: 'https://webmail.example.fr' });
    await again.open();
    // Saved: everything but the one-off whole-folder choice and the clinical confirmation, asked again each time.
    expect(again.state.rules).toEqual({ ...changed, folder: { enabled: false, folderId: null }, includeClinical: false });
  });

  it('changing a rule after saving clears the confirmation', async () => {
    const c = new CleanupController(mailbox(), deps(), { origin: 'https://webmail.example.fr' });
    await c.open();
    await c.saveRules();
    expect(c.state.rulesSaved).toBe('saved');
    await c.setRules({ ...c.state.rules!, old: { ...c.state.rules!.old, months: 24 } });
    expect(c.state.rulesSaved).toBeNull();
  });

  it('says so when the settings could not be saved, and changes nothing', async () => {
    const d = deps();
    d.saveRuleDefaults = async () => {
      throw Object.assign(new Error('gone'), { code: 'store' });
    };
    const c = new CleanupController(mailbox(), d, { origin: 'https://webmail.example.fr' });
    await c.open();
    await c.saveRules();
    expect(c.state.rulesSaved).toBe('failed');
    expect((await getSettings()).cleanup.oldMonths).toBe(12);
  });

  it('refuses out-of-range values and anything but rule defaults from a webmail page', async () => {
    const rules = ruleDefaultsOf(defaultRules(defaultSettings().cleanup, [], BAL));
    const bad = await fromContent({ type: 'cleanup/save-rule-defaults', bal: BAL, rules: { ...rules, oldMonths: 0 } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const smuggled = await fromContent({ type: 'cleanup/save-rule-defaults', bal: BAL, rules: { ...rules, exportBeforeDelete: false } });
    expect(smuggled).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    const general = await fromContent({ type: 'settings/update', patch: { cleanup: { exportBeforeDelete: false } } });
    expect(general).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await getSettings()).toEqual(defaultSettings());
  });

  it('keeps a saved folder choice to the folders that still exist, per mailbox', () => {
    const f = (id: string, role: Folder['role'] = 'other'): Folder => ({ id, name: id, path: id, role, count: 0, bytes: 0, bytesPrecision: 0, depth: 0 });
    const folders = [f('INBOX', 'inbox'), f('Sent', 'sent'), f('Trash', 'trash'), f('Junk', 'junk'), f('Patients')];
    const s = { ...defaultSettings().cleanup, ruleFolders: { [BAL]: { old: ['Patients', 'Gone', 'Trash'], large: [] }, 'other@x.mssante.fr': { old: ['Gone'], large: ['Gone'] } } };
    const mine = defaultRules(s, folders, BAL.toUpperCase());
    expect(mine.old.folderIds).toEqual(['Patients']);
    expect(mine.large.folderIds).toEqual([]); // emptied on purpose: stays empty
    // Another BAL saved folders none of which exist here: Balise's defaults.
    expect(defaultRules(s, folders, 'other@x.mssante.fr').old.folderIds).toEqual(['INBOX', 'Sent', 'Patients']);
    expect(defaultRules(s, folders, 'new@x.mssante.fr').old.folderIds).toEqual(['INBOX', 'Sent', 'Patients']);
  });
});

describe('the trash group and the quota panel agree, or say why not', () => {
  const trashFolder = (count: number, bytes: number): Folder =>
    ({ id: 'Trash', name: 'Corbeille', path: 'Corbeille', role: 'trash', count, bytes, bytesPrecision: 0, depth: 0 }) as Folder;
  function draw(trash: Folder, group: { count: number; bytes: number }) {
    const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
    const root = document.getElementById('root')!;
    const plan = {
      id: 'p1',
      rules: defaultRules(defaultSettings().cleanup, [trash]),
      groups: [{ kind: 'trash', messages: [], count: group.count, bytes: group.bytes, bytesPrecision: 0 }],
    } as unknown as Plan;
    render(h(Groups, { plan, folders: [trash], lang: 'fr', onKeep: () => undefined }), root as unknown as Element);
    return root;
  }

  it('says how many stay in the trash when the group frees less than the whole trash', () => {
    const root = draw(trashFolder(12, 5_000_000), { count: 9, bytes: 4_000_000 });
    const note = root.querySelector('[data-note="trash-differs"]')!;
    expect(note.getAttribute('data-trash-count')).toBe('12');
    expect(note.textContent).toContain('3 messages y restent');
  });

  it('says nothing more when the group is the whole trash', () => {
    expect(draw(trashFolder(9, 4_000_000), { count: 9, bytes: 4_000_000 }).querySelector('[data-note="trash-differs"]')).toBeNull();
  });
});

describe('predicted and measured space after a run', () => {
  const base = { jobId: 'j', action: 'delete', state: 'done', movedCount: 1, failedCount: 0, lines: [], quotaAfter: null, startedAt: 0, endedAt: 0 } as unknown as Report;
  it('say why they differ beyond rounding, and only then', () => {
    expect(freedDiffers({ ...base, predictedFreed: 10_000_000, actualFreed: 10_020_000 })).toBe(false);
    expect(freedDiffers({ ...base, predictedFreed: 10_000_000, actualFreed: 7_000_000 })).toBe(true);
    expect(freedDiffers({ ...base, predictedFreed: 10_000_000, actualFreed: null })).toBe(false);
  });
});
