/**
 * The panel's controller with an in-memory webmail and a recording stand-in for the runner and the exporter: what
 * the buttons hand over (exact ids), in which order, and what the user is shown as a result.
 */
import { describe, expect, it } from 'vitest';
import { CleanupController, type PanelDeps } from '../../../lib/features/cleanup/panel/controller';
import { plannedMessages } from '../../../lib/features/cleanup/plan';
import { refKey } from '../../../lib/features/cleanup/classify';
import type { JobItem, Report, ReportLine } from '../../../lib/features/cleanup/types';
import type { StartRequest } from '../../../lib/features/cleanup/run';
import type { ExportItem, ExportOptions } from '../../../lib/export';
import { defaultSettings } from '../../../lib/store/settings';
import { FakeWebmail, rawMessage } from './fake-webmail';

const NOW = Date.UTC(2026, 2, 15, 10, 0);
const OLD = Date.UTC(2024, 5, 1);
const pdf = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');

function mailbox(): FakeWebmail {
  const w = new FakeWebmail();
  w.folderIds = ['INBOX', 'Sent', 'Trash', 'Junk'];
  const add = (folderId: string, n: number, extra: Partial<Parameters<FakeWebmail['add']>[0]> = {}) => {
    for (let i = 0; i < n; i++) {
      w.add({ folderId, raw: rawMessage({ subject: `${folderId} ${i}` }), date: OLD + i * 60_000, unread: false, flagged: false, hasAttachment: false, subject: `${folderId} ${i}`, from: 'Dr X <x@y.fr>', ...extra });
    }
  };
  add('INBOX', 6);
  add('INBOX', 2, { raw: rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }), hasAttachment: true, subject: 'CR' });
  add('INBOX', 1, { unread: true });
  add('INBOX', 2, { date: NOW - 86_400_000 }); // recent: not old, not planned
  add('Sent', 3);
  add('Trash', 4);
  add('Junk', 2);
  return w;
}

interface Calls {
  start: StartRequest[];
  exported: ExportItem[][];
  picked: number;
  order: string[];
}

/** A runner that does what it is asked on the fake, in one batch, and remembers what a trash job moved. */
function fakeDeps(w: FakeWebmail, calls: Calls, over: Partial<PanelDeps> = {}): PanelDeps {
  const moved = new Map<string, JobItem[]>();
  let last: string | null = null;
  let n = 0;
  const report = (action: Report['action'], lines: ReportLine[], predicted: number): Report => ({
    jobId: `job${++n}`,
    action,
    state: 'done',
    movedCount: lines.filter((l) => l.outcome !== 'failed' && l.outcome !== 'skipped').length,
    failedCount: lines.filter((l) => l.outcome === 'failed' || l.outcome === 'skipped').length,
    lines,
    predictedFreed: predicted,
    actualFreed: predicted,
    quotaAfter: null,
    startedAt: NOW,
    endedAt: NOW,
  });
  return {
    settings: async () => defaultSettings().cleanup,
    cache: () => undefined,
    startJob: async (_w, req) => {
      calls.start.push(req);
      calls.order.push(`start:${req.action}`);
      if (req.action === 'trash') {
        const lines: ReportLine[] = [];
        const items: JobItem[] = [];
        for (const it of req.items) {
          await w.moveToTrash(it.ref.folderId, [it.ref.id]);
          const now = { folderId: 'Trash', id: it.ref.id };
          lines.push({ ref: it.ref, outcome: 'moved', now });
          items.push({ ref: now, size: it.size, restoreTo: it.ref.folderId });
        }
        const r = report('trash', lines, 0);
        moved.set(r.jobId, items);
        last = r.jobId;
        return r;
      }
      let allowed = new Set(req.items.map((i) => refKey(i.ref)));
      if (req.exportFirst) allowed = new Set((await req.exportFirst(req.items, {})).exported.map(refKey));
      const lines: ReportLine[] = [];
      for (const it of req.items) {
        if (!allowed.has(refKey(it.ref))) lines.push({ ref: it.ref, outcome: 'skipped', reason: 'not-exported' });
        else {
          await w.deleteForever(it.ref.folderId, [it.ref.id]);
          lines.push({ ref: it.ref, outcome: 'deleted' });
        }
      }
      last = null;
      return report('delete', lines, req.items.reduce((a, i) => a + i.size, 0));
    },
    resumeJob: async () => {
      throw new Error('not used');
    },
    abandonJob: async () => {
      throw new Error('not used');
    },
    undoLastJob: async () => {
      const items = moved.get(last!)!;
      for (const it of items) await w.move('Trash', [it.ref.id], it.restoreTo!);
      last = null;
      return report('undo', items.map((i) => ({ ref: i.ref, outcome: 'restored' })), 0);
    },
    findUndoableJob: async () => (last ? { jobId: last, bal: 'x', action: 'trash', state: 'done', createdAt: NOW, updatedAt: NOW, totalCount: 0, totalBytes: 0, pendingCount: 1 } : null),
    trashedItems: async (id) => moved.get(id) ?? [],
    cleanupStatus: async () => ({ running: null, resumable: null, undoable: null }),
    exportMessages: async (_w, items) => {
      calls.order.push('export');
      calls.exported.push(items);
      return {
        verified: true,
        target: 'file',
        verification: { method: 'reread-saved-file', messagesExpected: items.length, messagesMatched: items.length, entriesChecked: items.length, entriesMatched: items.length, limits: [] },
        files: [{ name: 'x.zip', savedAs: 'x.zip', part: null, bytes: 1, messages: items.length, check: { entries: items.length, matched: items.length } }],
        messages: items.map((i, k) => ({ ref: i.ref, fileIndex: 0, path: `m${k}.eml`, bytes: 1, sha256: 'x' })),
        count: items.length,
        bytes: 1,
        zipBytes: 1,
        archiveRequests: 0,
        startedAt: NOW,
        endedAt: NOW,
      };
    },
    pickFile: () => {
      calls.picked++;
      calls.order.push('pick');
      return Promise.resolve({ name: 'x.zip', createWritable: async () => ({ write: async () => {}, close: async () => {}, abort: async () => {} }), getFile: async () => new Blob() });
    },
    now: () => NOW,
    saveRuleDefaults: async () => {
      throw new Error('not used');
    },
    ...over,
  };
}

async function opened(over: Partial<PanelDeps> = {}) {
  const w = mailbox();
  const calls: Calls = { start: [], exported: [], picked: 0, order: [] };
  const c = new CleanupController(w, fakeDeps(w, calls, over), { origin: 'https://webmail.example.fr' });
  await c.open();
  return { w, c, calls };
}

/** Counts the webmail's folder reads; `folders` reads them without counting. */
function countFolderReads(w: FakeWebmail) {
  let n = 0;
  const folders = w.folders.bind(w);
  w.folders = () => {
    n++;
    return folders();
  };
  return { folders, reads: () => n };
}

describe('the cleanup panel controller', () => {
  it('opens on a preview of the default rules, for the logged-in BAL', async () => {
    const { c } = await opened();
    expect(c.state.stage.kind).toBe('preview');
    expect(c.state.bal).toBe('martin.durand@medecin.mssante.fr');
    const counts = Object.fromEntries(c.state.plan!.groups.map((g) => [g.kind, g.count]));
    // 6 old INBOX + 3 old Sent planned; 2 PDF + 1 unread kept; the 2 recent ones are not selected at all.
    expect(counts).toEqual({ trash: 4, junk: 2, old: 9, large: 0, protected: 3 });
  });

  it('reads the folder list once for the opening and its first preview, and again for a new preview', async () => {
    const w = mailbox();
    const { folders, reads } = countFolderReads(w);
    const c = new CleanupController(w, fakeDeps(w, { start: [], exported: [], picked: 0, order: [] }), { origin: 'https://webmail.example.fr' });
    await c.open();
    expect(c.state.stage.kind).toBe('preview');
    expect(c.state.snapshot!.folders).toEqual(await folders());
    expect(reads()).toBe(1);
    await c.refresh();
    expect(reads()).toBe(2);
  });

  it('takes the folder figures the quota meter just read instead of reading them again, not stale ones', async () => {
    const w = mailbox();
    const { folders, reads } = countFolderReads(w);
    const fresh = new CleanupController(w, fakeDeps(w, { start: [], exported: [], picked: 0, order: [] }), { origin: 'https://webmail.example.fr' });
    await fresh.open(undefined, { list: folders(), at: NOW - 5_000 });
    expect(fresh.state.stage.kind).toBe('preview');
    expect(fresh.state.snapshot!.folders).toEqual(await folders());
    expect(reads()).toBe(0);
    const stale = new CleanupController(w, fakeDeps(w, { start: [], exported: [], picked: 0, order: [] }), { origin: 'https://webmail.example.fr' });
    await stale.open(undefined, { list: folders(), at: NOW - 60_000 });
    expect(stale.state.stage.kind).toBe('preview');
    expect(reads()).toBe(1);
  });

  it('moves exactly the planned messages that are not in the trash, with the plan as snapshot', async () => {
    const { c, calls, w } = await opened();
    const planned = plannedMessages(c.state.plan!).filter((m) => m.group !== 'trash');
    await c.apply();
    expect(calls.start).toHaveLength(1);
    const req = calls.start[0]!;
    expect(req.action).toBe('trash');
    expect(req.plan).toBe(c.state.plan);
    expect(req.items.map((i) => refKey(i.ref)).sort()).toEqual(planned.map((m) => refKey(m.summary.ref)).sort());
    expect(c.state.stage.kind).toBe('report');
    expect(c.state.report?.movedCount).toBe(11);
    expect(c.state.undoable).toBe(true);
    expect(w.messages.filter((m) => m.folderId === 'Trash')).toHaveLength(15);
  });

  it('deletes for good only the preview’s trash messages and those the job moved, after exporting them', async () => {
    const { c, calls, w } = await opened();
    await c.apply();
    // Something else lands in the trash meanwhile: it must not be deleted.
    const stranger = w.add({ folderId: 'Trash', raw: rawMessage({ subject: 'other' }), date: OLD, unread: false, flagged: false, hasAttachment: false, subject: 'other', from: 'z' });
    await c.deleteForever();
    expect(c.state.stage.kind).toBe('confirm-delete');
    const trashGroup = c.state.plan!.groups.find((g) => g.kind === 'trash')!.messages.map((m) => refKey(m.summary.ref));
    const movedNow = c.state.report!.lines.map((l) => refKey(l.now!));
    expect(c.state.deleteItems.map((i) => refKey(i.ref)).sort()).toEqual([...trashGroup, ...movedNow].sort());
    expect(c.state.deleteMissing).toBe(0);
    expect(c.state.exportFirst).toBe(true);

    const p = c.confirmDelete();
    // The save dialog is asked for synchronously, inside the click (user activation).
    expect(calls.picked).toBe(1);
    await p;
    expect(calls.order).toEqual(['start:trash', 'pick', 'start:delete', 'export']);
    expect(calls.exported[0]!.map((i) => refKey(i.ref)).sort()).toEqual(c.state.report!.lines.map((l) => refKey(l.ref)).sort());
    expect(calls.exported[0]!.every((i) => i.summary?.subject)).toBe(true);
    // The manifest and the zip's folders say where each message came from, not "Trash" for all of them.
    const trashKeys = new Set(trashGroup);
    const folderOf = new Map(calls.exported[0]!.map((i) => [refKey(i.ref), i.folderPath]));
    for (const k of trashKeys) expect(folderOf.get(k)).toBe('Trash');
    for (const l of c.state.report!.lines) {
      if (!trashKeys.has(refKey(l.ref))) expect(folderOf.get(refKey(l.ref))).not.toBe('Trash');
    }
    const origins = new Map<string, number>();
    for (const [k, f] of folderOf) if (!trashKeys.has(k)) origins.set(f, (origins.get(f) ?? 0) + 1);
    expect(Object.fromEntries(origins)).toEqual({ INBOX: 6, Sent: 3, Junk: 2 });
    expect(c.state.report?.action).toBe('delete');
    expect(c.state.report?.movedCount).toBe(15);
    expect(w.messages.map((m) => m.id)).toContain(stranger.id);
    expect(w.messages.filter((m) => m.folderId === 'Trash').map((m) => m.id)).toEqual([stranger.id]);
    expect(c.state.undoable).toBe(false);
    expect(c.state.exportView).toMatchObject({ state: 'verified', error: null });
    expect(c.state.exportView?.result?.count).toBe(15);
  });

  it('deletes nothing when the export fails, and shows why', async () => {
    const failing = Object.assign(new Error('differs'), { name: 'ExportError', code: 'verify-failed', detail: {} });
    const { c, w } = await opened({
      exportMessages: async () => {
        throw failing;
      },
    });
    await c.apply();
    const inTrash = w.messages.filter((m) => m.folderId === 'Trash').length;
    await c.deleteForever();
    await c.confirmDelete();
    expect(c.state.exportView).toMatchObject({ state: 'failed', error: { code: 'verify-failed' } });
    expect(w.messages.filter((m) => m.folderId === 'Trash')).toHaveLength(inTrash);
  });

  it('exports with the readable archive unless the user turned it off, titled with the BAL', async () => {
    const seen: ExportOptions[] = [];
    const exportMessages = (async (_w: unknown, items: ExportItem[], o: ExportOptions) => {
      seen.push(o);
      return { verified: true, target: 'file', verification: { method: 'reread-saved-file', messagesExpected: items.length, messagesMatched: items.length, entriesChecked: 0, entriesMatched: 0, limits: [] }, files: [], messages: items.map((i) => ({ ref: i.ref, fileIndex: 0, path: 'x.eml', bytes: 1, sha256: 'x' })), count: items.length, bytes: 1, zipBytes: 1, archiveRequests: 0, startedAt: NOW, endedAt: NOW };
    }) as PanelDeps['exportMessages'];
    const on = await opened({ exportMessages });
    expect(on.c.state.exportReadable).toBe(true);
    await on.c.apply();
    await on.c.deleteForever();
    await on.c.confirmDelete();
    expect(seen[0]).toMatchObject({ readable: true, mailbox: on.c.state.bal });
    const off = await opened({ exportMessages, settings: async () => ({ ...defaultSettings().cleanup, exportReadable: false }) });
    expect(off.c.state.exportReadable).toBe(false);
    off.c.setExportReadable(true);
    off.c.setExportReadable(false);
    await off.c.apply();
    await off.c.deleteForever();
    await off.c.confirmDelete();
    expect(seen[1]).toMatchObject({ readable: false });
  });

  it('deletes without export only when the user turned it off, and never asks for a file then', async () => {
    const { c, calls } = await opened();
    await c.apply();
    await c.deleteForever();
    c.setExportFirst(false);
    await c.confirmDelete();
    expect(calls.picked).toBe(0);
    expect(calls.exported).toHaveLength(0);
    expect(calls.start[1]!.exportFirst).toBeUndefined();
  });

  it('with only the trash to empty, goes straight to the deletion step', async () => {
    const { c, calls } = await opened();
    await c.setRules({ ...c.state.rules!, emptyJunk: false, old: { ...c.state.rules!.old, enabled: false }, large: { ...c.state.rules!.large, enabled: false } });
    expect(c.state.stale).toBe(true);
    await c.apply();
    expect(calls.start).toHaveLength(0); // stale preview: nothing happens
    await c.refresh();
    await c.apply();
    expect(calls.start).toHaveLength(0);
    expect(c.state.stage.kind).toBe('confirm-delete');
    expect(c.state.deleteItems).toHaveLength(4);
  });

  it('undoes the last move', async () => {
    const { c, w } = await opened();
    const before = w.messages.map((m) => `${m.id}:${m.folderId}`).sort();
    await c.apply();
    await c.undo();
    expect(c.state.report?.action).toBe('undo');
    expect(w.messages.map((m) => `${m.id}:${m.folderId}`).sort()).toEqual(before);
    expect(c.state.undoable).toBe(false);
  });

  it('includes clinical messages only on confirmation, and honours per-message opt-outs', async () => {
    const { c } = await opened();
    const old = () => c.state.plan!.groups.find((g) => g.kind === 'old')!;
    expect(old().count).toBe(9);
    c.setIncludeClinical(true);
    expect(old().count).toBe(11);
    const victim = old().messages[0]!;
    c.setKept(refKey(victim.summary.ref), true);
    expect(old().count).toBe(10);
    expect(c.state.plan!.groups.find((g) => g.kind === 'protected')!.messages.some((m) => m.protections.includes('kept'))).toBe(true);
    c.setKept(refKey(victim.summary.ref), false);
    expect(old().count).toBe(11);
  });

  it('applies protection changes at once, classifying what now needs it', async () => {
    const { c, w } = await opened();
    const calls = w.rawCalls;
    await c.setRules({ ...c.state.rules!, protect: { ...c.state.rules!.protect, unread: false } });
    expect(c.state.stale).toBe(false);
    expect(c.state.stage.kind).toBe('preview');
    expect(w.rawCalls).toBe(calls); // the unread one has no attachment: nothing to download
    expect(c.state.plan!.groups.find((g) => g.kind === 'old')!.count).toBe(10);
  });

  it('can be stopped while preparing the preview', async () => {
    const w = mailbox();
    const calls: Calls = { start: [], exported: [], picked: 0, order: [] };
    const c = new CleanupController(w, fakeDeps(w, calls), { origin: 'https://x.fr' });
    const p = c.open();
    await new Promise((r) => setTimeout(r, 0));
    c.cancel();
    await p;
    expect(['cancelled', 'preview']).toContain(c.state.stage.kind);
    if (c.state.stage.kind === 'cancelled') expect(c.state.plan).toBeNull();
  });

  it('shows the lock when another tab is cleaning this mailbox, and a refusal in plain words', async () => {
    const { c } = await opened({ cleanupStatus: async () => ({ running: { jobId: 'j', sameTab: false, heartbeatAt: NOW }, resumable: null, undoable: null }) });
    expect(c.state.stage.kind).toBe('locked');
    const { c: c2 } = await opened({
      startJob: async () => {
        throw Object.assign(new Error('locked'), { code: 'locked' });
      },
    });
    await c2.apply();
    expect(c2.state.error).toBe('locked');
    expect(c2.state.stage.kind).toBe('preview');
  });

  it('after a firewall block, lets requests out and resumes the interrupted job only when the person asks', async () => {
    let resumed = 0;
    let pacerResets = 0;
    let status: Awaited<ReturnType<PanelDeps['cleanupStatus']>> = { running: null, resumable: null, undoable: null };
    const interrupted = (jobId: string): Report => ({
      jobId,
      action: 'trash',
      state: 'interrupted',
      stopReason: 'blocked',
      movedCount: 0,
      failedCount: 1,
      lines: [{ ref: { folderId: 'INBOX', id: '1' }, outcome: 'skipped', reason: 'blocked' }],
      predictedFreed: 0,
      actualFreed: null,
      quotaAfter: null,
      startedAt: NOW,
      endedAt: NOW,
    });
    const { c, w } = await opened({
      startJob: async () => {
        status = { running: null, resumable: { jobId: 'j1', bal: 'x', action: 'trash', state: 'paused', createdAt: NOW, updatedAt: NOW, totalCount: 1, totalBytes: 0, pendingCount: 1 }, undoable: null };
        return interrupted('j1');
      },
      cleanupStatus: async () => status,
      resumeJob: async (_w, jobId) => {
        resumed++;
        return { ...interrupted(jobId), state: 'done', stopReason: undefined, movedCount: 1, failedCount: 0, lines: [{ ref: { folderId: 'INBOX', id: '1' }, outcome: 'moved', now: { folderId: 'Trash', id: '1' } }] };
      },
    });
    Object.assign(w, { pacing: { blocked: true, resume: () => pacerResets++ } });
    await c.apply();
    expect(c.state.stage.kind).toBe('report');
    expect(c.state.report).toMatchObject({ state: 'interrupted', stopReason: 'blocked' });
    // Nothing happens by itself.
    await new Promise((r) => setTimeout(r, 20));
    expect([resumed, pacerResets]).toEqual([0, 0]);
    await c.unblock();
    expect([resumed, pacerResets]).toEqual([1, 1]);
    expect(c.state.report).toMatchObject({ state: 'done', jobId: 'j1' });
    expect(c.state.resumable).toBeNull();
  });

  it('after a block with no job started, the person’s click lets requests out and takes a new preview', async () => {
    let pacerResets = 0;
    const { c, w } = await opened({
      startJob: async () => {
        throw Object.assign(new Error('blocked'), { code: 'blocked' });
      },
    });
    Object.assign(w, { pacing: { blocked: true, resume: () => pacerResets++ } });
    await c.apply();
    expect(c.state.error).toBe('blocked');
    await c.unblock();
    expect(pacerResets).toBe(1);
    expect(c.state.error).toBeNull();
    expect(c.state.stage.kind).toBe('preview');
  });

  it('keeps the export before deletion and clinical protection on when IT locked them', async () => {
    const { c } = await opened({ settings: async () => ({ ...defaultSettings().cleanup, locked: ['cleanup.exportBeforeDelete', 'cleanup.protectClinical'] }) });
    expect(c.state).toMatchObject({ exportLocked: true, clinicalLocked: true, exportFirst: true });
    c.setExportFirst(false);
    expect(c.state.exportFirst).toBe(true);
    c.setIncludeClinical(true);
    expect(c.state.rules!.includeClinical).toBeFalsy();
    const free = await opened();
    expect(free.c.state).toMatchObject({ exportLocked: false, clinicalLocked: false });
    free.c.setExportFirst(false);
    expect(free.c.state.exportFirst).toBe(false);
  });
});
