/**
 * The export's downloads through archives of several messages (lib/export/archive-source.ts): the same zip, byte
 * for byte and hash for hash, in far fewer requests; runs that stay consecutive, small and bounded; and every
 * shortfall of an archive (a message left out, a wrong size, a failed request) made good by a download alone.
 */
import { describe, expect, it } from 'vitest';
import { exportMessages, type ExportItem } from '../../../lib/export';
import { EXPORT_RUN_BYTES, RUNS_AHEAD, cutRuns } from '../../../lib/export/archive-source';
import { ARCHIVE_MAX_MESSAGES as BATCH_MAX_MESSAGES } from '../../../lib/webmail/kit/archive';
import { WebmailError, type MessageRef } from '../../../lib/webmail/types';
import { MemoryFile, makeMessage, mapStore, rawWebmail, readableDeps, sha256, textsFor, unzip } from './fakes';

const texts = textsFor('fr');
const fileDeps = (file: MemoryFile) => ({ texts, ...readableDeps, canPickFile: () => true, pickFile: async () => file });

function sample(n: number) {
  const msgs = Array.from({ length: n }, (_, i) => ({
    ref: { folderId: i < n / 2 ? 'INBOX' : 'Archives', id: String(100 + i) },
    folderPath: i < n / 2 ? 'INBOX' : 'Archives',
    raw: makeMessage({ subject: `m${i}`, from: 'a@b.fr', date: 'Mon, 3 Mar 2025 08:00:00 +0100', body: i === 7 ? new Uint8Array(1_500_000).fill(65) : `corps ${i}\r\n`.repeat(200) }),
  }));
  const store = mapStore(msgs);
  const items: ExportItem[] = msgs.map((m) => ({ ref: m.ref, folderPath: m.folderPath, size: m.raw.length }));
  return { msgs, store, items };
}

/** The fake webmail offering archives, with what each archive request asked and a hook to spoil answers. */
function withArchives(store: ReturnType<typeof mapStore>, spoil: (ids: string[], got: Map<string, Uint8Array>) => Map<string, Uint8Array> = (_i, g) => g) {
  const w = rawWebmail(store);
  const archives: string[][] = [];
  const webmail = Object.assign(w, {
    async rawMessages(folderId: string, ids: string[], o: { maxBytes: number; signal?: AbortSignal }) {
      o.signal?.throwIfAborted();
      archives.push(ids);
      const got = new Map<string, Uint8Array>();
      let total = 0;
      for (const id of ids) {
        const raw = store.get({ folderId, id } as MessageRef);
        if (raw) got.set(id, new Uint8Array(raw));
        total += raw?.length ?? 0;
      }
      expect(total).toBeLessThanOrEqual(o.maxBytes);
      return spoil(ids, got);
    },
  });
  return { webmail, archives };
}

describe('cutRuns', () => {
  it('makes consecutive runs of one folder, bounded in count and bytes; large, unsized and lone messages go alone', () => {
    const it = (folderId: string, size: number | undefined): ExportItem => ({ ref: { folderId, id: String(Math.random()) }, folderPath: folderId, ...(size ? { size } : {}) });
    const items = [
      ...Array.from({ length: BATCH_MAX_MESSAGES + 5 }, () => it('A', 10_000)),
      it('A', 3_000_000),
      it('A', 10_000),
      it('A', 10_000),
      it('B', undefined),
      it('B', 10_000),
      ...Array.from({ length: 400 }, () => it('C', 900_000)),
    ];
    const runOf = cutRuns(items);
    const members = new Map<number, number[]>();
    for (const [i, r] of runOf.entries()) if (r >= 0) members.set(r, [...(members.get(r) ?? []), i]);
    for (const idx of members.values()) {
      expect(idx.length).toBeGreaterThan(1);
      expect(idx.length).toBeLessThanOrEqual(BATCH_MAX_MESSAGES);
      expect(idx.every((v, k) => k === 0 || v === idx[k - 1]! + 1)).toBe(true); // consecutive
      expect(new Set(idx.map((i) => items[i]!.ref.folderId)).size).toBe(1);
      expect(idx.reduce((n, i) => n + items[i]!.size!, 0)).toBeLessThanOrEqual(EXPORT_RUN_BYTES);
    }
    const alone = [...runOf.keys()].filter((i) => runOf[i]! < 0);
    expect(alone).toEqual([BATCH_MAX_MESSAGES + 5, BATCH_MAX_MESSAGES + 8, BATCH_MAX_MESSAGES + 9]);
  });
});

describe('export through archives', () => {
  it('writes the same zip entries, byte for byte, in a few archive requests', async () => {
    const { msgs, store, items } = sample(60);
    const plainFile = new MemoryFile('a.zip');
    const plain = await exportMessages(rawWebmail(store), items, { filenameBase: 'x', readable: false }, fileDeps(plainFile));
    const { webmail, archives } = withArchives(store);
    const file = new MemoryFile('b.zip');
    const r = await exportMessages(webmail, items, { filenameBase: 'x', readable: false }, fileDeps(file));
    expect(r.verified).toBe(true);
    expect(r.messages.map((m) => [m.path, m.sha256])).toEqual(plain.messages.map((m) => [m.path, m.sha256]));
    const zip = unzip(file.content!);
    for (const [i, m] of msgs.entries()) expect(sha256(zip[r.messages[i]!.path]!)).toBe(sha256(m.raw));
    expect(r.archiveRequests).toBe(archives.length);
    expect(archives.length).toBeLessThanOrEqual(4);
    expect(webmail.requests.map((x) => x.id)).toEqual(['107']); // the 1.5 MB one, alone
  });

  it('downloads alone what an archive left out or brought with another size, and stops asking archives after a failure', async () => {
    const { msgs, store, items } = sample(120);
    let n = 0;
    const { webmail, archives } = withArchives(store, (ids, got) => {
      n++;
      if (n === 1) {
        got.delete(ids[0]!);
        got.set(ids[1]!, new Uint8Array(100_000));
        return got;
      }
      throw new WebmailError('server', 'HTTP 500 for the archive');
    });
    const file = new MemoryFile('c.zip');
    const r = await exportMessages(webmail, items, { filenameBase: 'x', readable: false }, fileDeps(file));
    expect(r.verified).toBe(true);
    const zip = unzip(file.content!);
    for (const [i, m] of msgs.entries()) expect(sha256(zip[r.messages[i]!.path]!)).toBe(sha256(m.raw));
    // The first run's two, then after the failed second run everything but the first run one by one (the runs asked
    // ahead when the failure came included); no archive asked after the failure.
    expect(archives.length).toBe(1 + RUNS_AHEAD);
    const alone = new Set(webmail.requests.map((x) => x.id));
    expect(alone.has(archives[0]![0]!) && alone.has(archives[0]![1]!)).toBe(true);
    for (const a of archives.slice(1)) for (const id of a) expect(alone.has(id)).toBe(true);
    expect(webmail.requests.length).toBe(msgs.length - (archives[0]!.length - 2));
  });
});
