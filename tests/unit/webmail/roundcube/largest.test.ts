/**
 * Roundcube's N largest without listing the whole folder (lib/webmail/roundcube/largest.ts), against a stand-in for
 * the searches: exact (the N largest are always among the rows returned, whatever the sample), bounded (a handful of
 * requests for a folder of thousands) and never writing a sort preference (only searchFirst / searchPage are used).
 */
import { describe, expect, it } from 'vitest';
import { largestRows } from '../../../../lib/webmail/roundcube/largest';
import { RcApi } from '../../../../lib/webmail/roundcube/api';
import type { RcRow } from '../../../../lib/webmail/roundcube/parse';

/** Roundcube's show_bytes in English. */
function label(b: number): string {
  if (b < 1024) return `${b} B`;
  if (b < 1024 * 1024) return `${Math.round(b / 1024)} KB`;
  const m = b / (1024 * 1024);
  return m < 10 ? `${m.toFixed(1)} MB` : `${Math.floor(m)} MB`;
}

function fakeApi(sizes: number[], pageSize = 50, lose = 0) {
  const calls: string[] = [];
  const stored = new Map<string, RcRow[]>();
  let n = 0;
  const row = (uid: number): RcRow => ({ uid, cols: { size: label(sizes[uid - 1]!) }, seen: true, flagged: false, answered: false, deleted: false, ctype: '', mbox: null });
  const api = {
    async searchFirst(_folder: string, filter: string) {
      calls.push(filter);
      const larger = /LARGER (\d+)$/.exec(filter);
      const min = larger ? Number(larger[1]) : -1;
      // Session order: by UID descending (arrival), not by size.
      const rows = sizes.map((_, i) => i + 1).filter((uid) => sizes[uid - 1]! > min).reverse().map(row);
      const request = rows.length ? `s${++n}` : null;
      if (request) stored.set(request, rows);
      return { rows: rows.slice(0, pageSize), total: rows.length, pages: Math.max(1, Math.ceil(rows.length / pageSize)), request, threaded: false, now: 0 };
    },
    // The real paging (RcApi.allRows) over this fake's pages.
    allRows(...a: Parameters<RcApi['allRows']>) {
      return RcApi.prototype.allRows.apply(this as unknown as RcApi, a);
    },
    async searchPage(_folder: string, request: string, page: number) {
      calls.push(`page ${page}`);
      const rows = stored.get(request);
      if (lose > 0) {
        lose--;
        return null;
      }
      return rows ? { rows: rows.slice((page - 1) * pageSize, page * pageSize), now: 0 } : null;
    },
  };
  return { api: api as unknown as RcApi, calls };
}

/** A deterministic, heavy-tailed folder (most messages small, a few large). */
function folder(count: number, seed = 1): number[] {
  let x = seed;
  const rnd = () => ((x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  return Array.from({ length: count }, () => Math.round(2000 + 40_000 * Math.exp(4 * rnd() ** 3) * rnd()));
}

describe('largestRows', () => {
  for (const [count, limit] of [
    [12_000, 50],
    [3_000, 100],
    [400, 50],
    [30, 50],
    [0, 50],
  ] as const) {
    it(`holds the ${limit} largest of ${count} messages, in a few requests`, async () => {
      const sizes = folder(count, count + 7);
      const { api, calls } = fakeApi(sizes);
      const { rows, requests } = await largestRows(api, 'INBOX', 'UID 1:*', limit);
      const got = new Set(rows.map((r) => r.row.uid));
      const want = sizes.map((s, i) => ({ s, uid: i + 1 })).sort((a, b) => b.s - a.s).slice(0, limit);
      for (const w of want) expect(got.has(w.uid), `uid ${w.uid} (${w.s} B)`).toBe(true);
      expect(requests).toBe(calls.length);
      expect(calls.length).toBeLessThanOrEqual(10);
      expect(rows.length).toBeLessThanOrEqual(Math.max(100, 4 * limit) + 50);
    });
  }

  it('searches again, after a pause, when another request replaced the stored search', async () => {
    const sizes = folder(5_000, 3);
    const { api, calls } = fakeApi(sizes, 50, 2);
    const waits: number[] = [];
    const { rows, requests } = await largestRows(api, 'INBOX', 'UID 1:*', 50, undefined, async (ms) => void waits.push(ms));
    const want = sizes.map((s, i) => ({ s, uid: i + 1 })).sort((a, b) => b.s - a.s).slice(0, 50);
    const got = new Set(rows.map((r) => r.row.uid));
    for (const w of want) expect(got.has(w.uid)).toBe(true);
    expect(waits.length).toBeGreaterThanOrEqual(1);
    expect(requests).toBe(calls.length);
  });

  it('stays exact when every message has the same size (no narrowing helps)', async () => {
    const sizes = Array.from({ length: 500 }, () => 10_000);
    const { api } = fakeApi(sizes);
    const { rows } = await largestRows(api, 'INBOX', 'UID 1:*', 50);
    expect(rows.length).toBe(500);
  });
});
