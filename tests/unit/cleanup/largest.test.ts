/**
 * The whole mailbox's largest messages: the listing (one sizeDesc search per non-empty folder, merged, cut to N,
 * the trash marked, attachments asked once per folder where the adapter can tell them) and the panel's path from
 * the chosen rows to the one runner (exactly those ids; those in the trash through the deletion step).
 */
import { describe, expect, it } from 'vitest';
import { largestOfMailbox } from '../../../lib/features/cleanup/largest';
import { CleanupController, type PanelDeps } from '../../../lib/features/cleanup/panel/controller';
import { refKey } from '../../../lib/features/cleanup/classify';
import type { StartRequest } from '../../../lib/features/cleanup/run';
import type { Report } from '../../../lib/features/cleanup/types';
import type { AttachmentInfo, SearchOptions, SearchQuery } from '../../../lib/webmail/types';
import { defaultSettings } from '../../../lib/store/settings';
import { FakeWebmail, rawMessage } from './fake-webmail';

const OLD = Date.UTC(2024, 5, 1);

function mailbox(): FakeWebmail {
  const w = new FakeWebmail();
  w.folderIds = ['INBOX', 'Sent', 'Drafts', 'Trash'];
  let n = 0;
  const add = (folderId: string, kib: number) =>
    w.add({ folderId, raw: rawMessage({ subject: `${folderId} ${n}`, text: 'x'.repeat(kib * 1024 + n++) }), date: OLD + n * 60_000, unread: false, flagged: false, hasAttachment: false, subject: `${folderId} ${n}`, from: 'Dr X <x@y.fr>' });
  for (let i = 0; i < 30; i++) add('INBOX', 1 + ((i * 7) % 40));
  for (let i = 0; i < 10; i++) add('Sent', 5 + i * 3);
  for (let i = 0; i < 5; i++) add('Trash', 20 + i * 10);
  return w;
}

function truthTop(w: FakeWebmail, n: number) {
  return [...w.messages.values()].sort((a, b) => b.raw.length - a.raw.length).slice(0, n).map((m) => `${m.folderId}/${m.id}`);
}

describe('largestOfMailbox', () => {
  it('lists the N largest of every folder, trash included and marked, with one search per non-empty folder', async () => {
    const w = mailbox();
    // A host whose searches keep session state (Roundcube): one folder after the other, each narrowed by the last.
    (w as { together?: <T>(fn: () => Promise<T>) => Promise<T> }).together = (fn) => fn();
    const searches: { q: SearchQuery; o?: SearchOptions }[] = [];
    const search = w.search.bind(w);
    w.search = (q, o) => {
      searches.push({ q, o });
      return search(q, o);
    };
    const folders = await w.folders();
    const r = await largestOfMailbox(w, folders, { limit: 12 });
    expect(r.rows.map((x) => `${x.summary.ref.folderId}/${x.summary.ref.id}`)).toEqual(truthTop(w, 12));
    expect(r.rows.filter((x) => x.inTrash).map((x) => x.summary.ref.folderId)).toEqual(r.rows.filter((x) => x.summary.ref.folderId === 'Trash').map(() => 'Trash'));
    expect(r.rows.some((x) => x.inTrash)).toBe(true);
    // Drafts is empty: not searched; the largest folders first. Each search asks for sizeDesc and the limit; once
    // 12 are known, only for messages larger than the 12th found so far.
    expect(searches.map((s) => s.q.folderId)).toEqual(['INBOX', 'Trash', 'Sent']);
    expect(searches.every((s) => s.q.sort === 'sizeDesc' && s.o?.limit === 12)).toBe(true);
    expect(searches[0]!.q.largerThan).toBeUndefined();
    const inbox12th = [...w.messages].filter((m) => m.folderId === 'INBOX').sort((a, b) => b.raw.length - a.raw.length)[11]!.raw.length;
    expect(searches[1]!.q.largerThan).toBe(inbox12th - 1);
    expect(searches[2]!.q.largerThan).toBeGreaterThanOrEqual(inbox12th - 1);
    expect(r.calls).toBe(3);
    expect(r.rows.every((x) => x.attachments === null)).toBe(true);
  });

  it('searches a few folders at once where the host keeps no list state (Zimbra): the same rows, at most 3 in flight', async () => {
    const w = mailbox();
    w.folderIds.push('Patients', 'Archives');
    for (let i = 0; i < 8; i++) {
      for (const f of ['Patients', 'Archives']) {
        w.add({ folderId: f, raw: rawMessage({ subject: `${f} ${i}`, text: 'y'.repeat((3 + i * 5 + (f === 'Archives' ? 2 : 0)) * 1024 + i) }), date: OLD, unread: false, flagged: false, hasAttachment: false, subject: `${f} ${i}`, from: 'a' });
      }
    }
    let running = 0;
    let peak = 0;
    const search = w.search.bind(w);
    w.search = async function* (q: SearchQuery, o?: SearchOptions) {
      running++;
      peak = Math.max(peak, running);
      try {
        await new Promise((r) => setTimeout(r, 5));
        yield* search(q, o);
      } finally {
        running--;
      }
    };
    const folders = await w.folders();
    const r = await largestOfMailbox(w, folders, { limit: 12 });
    expect(r.rows.map((x) => `${x.summary.ref.folderId}/${x.summary.ref.id}`)).toEqual(truthTop(w, 12));
    expect(peak).toBe(3);
    expect(r.calls).toBe(5);
  });

  it('runs the whole view as one of the adapter’s request sequences where it has them (Roundcube’s list state put back once)', async () => {
    const w = mailbox();
    const folders = await w.folders();
    const events: string[] = [];
    const search = w.search.bind(w);
    w.search = (q, o) => {
      events.push(`search ${q.folderId}`);
      return search(q, o);
    };
    (w as { together?: <T>(fn: () => Promise<T>) => Promise<T> }).together = async (fn) => {
      events.push('begin');
      try {
        return await fn();
      } finally {
        events.push('end');
      }
    };
    await largestOfMailbox(w, folders, { limit: 12 });
    expect(events).toEqual(['begin', 'search INBOX', 'search Trash', 'search Sent', 'end']);
  });

  it('asks the adapter for attachments once per folder among the N, and keeps the list when that fails', async () => {
    const w = mailbox();
    const asked: [string, string[]][] = [];
    (w as FakeWebmail & { attachments: (f: string, ids: string[]) => Promise<Map<string, AttachmentInfo[]>> }).attachments = async (folderId, ids) => {
      asked.push([folderId, ids]);
      if (folderId === 'Sent') throw new Error('no');
      return new Map(ids.map((id) => [id, [{ name: `${id}.pdf`, size: 10, type: 'application/pdf' }]]));
    };
    const r = await largestOfMailbox(w, await w.folders(), { limit: 20 });
    expect(new Set(asked.map((a) => a[0])).size).toBe(asked.length);
    expect(asked.flatMap((a) => a[1]).length).toBe(20);
    for (const row of r.rows) {
      if (row.summary.ref.folderId === 'Sent') expect(row.attachments).toBeNull();
      else expect(row.attachments).toEqual([{ name: `${row.summary.ref.id}.pdf`, size: 10, type: 'application/pdf' }]);
    }
  });
});

describe('the largest-messages view in the panel', () => {
  it('moves exactly the chosen rows through the runner; a chosen row of the trash goes to the deletion step', async () => {
    const w = mailbox();
    const starts: StartRequest[] = [];
    const report = (req: StartRequest): Report => ({
      jobId: 'job1',
      action: req.action,
      state: 'done',
      movedCount: req.items.length,
      failedCount: 0,
      lines: req.items.map((i) => ({ ref: i.ref, outcome: 'moved', now: { folderId: 'Trash', id: i.ref.id } })),
      predictedFreed: 0,
      actualFreed: 0,
      quotaAfter: null,
      startedAt: 0,
      endedAt: 0,
    });
    const deps: PanelDeps = {
      settings: async () => defaultSettings().cleanup,
      cache: () => undefined,
      startJob: async (_w, req) => {
        starts.push(req);
        return report(req);
      },
      resumeJob: async () => {
        throw new Error('not used');
      },
      abandonJob: async () => {
        throw new Error('not used');
      },
      undoLastJob: async () => {
        throw new Error('not used');
      },
      findUndoableJob: async () => null,
      trashedItems: async () => [],
      cleanupStatus: async () => ({ running: null, resumable: null, undoable: null }),
      exportMessages: async () => {
        throw new Error('not used');
      },
      pickFile: () => null,
      saveRuleDefaults: async () => undefined,
      now: () => OLD,
    };
    const c = new CleanupController(w, deps, { origin: 'https://webmail.test' });
    await c.open('largest-mailbox');
    expect(c.state.stage.kind).toBe('largest');
    expect(c.state.snapshot).toBeNull(); // no preview was prepared
    const rows = c.state.largest!.rows;
    expect(rows.length).toBe(45);
    const inbox = rows.find((r) => r.summary.ref.folderId === 'INBOX')!;
    const trash = rows.find((r) => r.inTrash)!;
    c.setLargestSelected(refKey(inbox.summary.ref), true);
    c.setLargestSelected(refKey(trash.summary.ref), true);
    await c.applyLargest();
    expect(starts).toHaveLength(1);
    expect(starts[0]!.action).toBe('trash');
    expect(starts[0]!.items.map((i) => i.ref)).toEqual([inbox.summary.ref]);
    // The plan handed over holds exactly the two chosen rows.
    expect(starts[0]!.plan!.groups.flatMap((g) => g.messages.map((m) => refKey(m.summary.ref))).sort()).toEqual([refKey(inbox.summary.ref), refKey(trash.summary.ref)].sort());
    expect(c.state.stage.kind).toBe('report');
    // "Delete for good" then lists the chosen trash row (this stand-in runner records nothing as moved).
    await c.deleteForever();
    expect(c.state.stage.kind).toBe('confirm-delete');
    expect(c.state.deleteItems.map((i) => refKey(i.ref))).toEqual([refKey(trash.summary.ref)]);
  });
});
