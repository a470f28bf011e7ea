/**
 * The preview's searches side by side (plan.ts) where the host's searches keep no session state (no
 * Webmail.together: Zimbra), one after the other where they do (Roundcube): the same snapshot either way, at most
 * OPERATION_CONCURRENCY requests of the preview at once, and nothing started after a failure.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, takeSnapshot, type PlanProgress, type Snapshot } from '../../../lib/features/cleanup/plan';
import { defaultRules } from '../../../lib/features/cleanup/rules';
import { OPERATION_CONCURRENCY } from '../../../lib/webmail/kit/pacing-policy';
import { WebmailError, type SearchOptions, type SearchQuery } from '../../../lib/webmail/types';
import type { CleanupRules } from '../../../lib/features/cleanup/types';
import { defaultSettings } from '../../../lib/store/settings';
import { FakeWebmail } from './fake-webmail';

const NOW = new Date('2026-03-15T10:30:00Z');
const now = NOW.getTime();
const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Watch {
  running: number;
  peak: number;
  /** Requests sent (a call whose signal was already aborted sends nothing, as the adapters' pacer does). */
  sent: { folderId: string; at: number }[];
  attachPeak: number;
  /** When the failing folder's request failed. */
  failedAt: number | null;
}

/** Searches and attachment lists that take a few ms, counted while they run. */
function watched(opts: { failFolder?: string } = {}): { w: FakeWebmail; watch: Watch } {
  const w = FakeWebmail.fromSeed({ profile: 'realistic', seed: 1, now: NOW }, { partsListing: true });
  const watch: Watch = { running: 0, peak: 0, sent: [], attachPeak: 0, failedAt: null };
  const search = w.search.bind(w);
  w.search = async function* (q: SearchQuery, o: SearchOptions = {}) {
    if (o.signal?.aborted) throw new WebmailError('aborted', 'aborted');
    watch.sent.push({ folderId: q.folderId, at: performance.now() });
    watch.running++;
    watch.peak = Math.max(watch.peak, watch.running);
    try {
      await tick(4);
      if (q.folderId === opts.failFolder) {
        watch.failedAt = performance.now();
        throw new WebmailError('blocked', 'the firewall answered its block page');
      }
      yield* search(q, o);
    } finally {
      watch.running--;
    }
  };
  const list = w.attachments!;
  let inList = 0;
  w.attachments = async (folderId, ids) => {
    inList++;
    watch.attachPeak = Math.max(watch.attachPeak, inList);
    try {
      await tick(4);
      return await list(folderId, ids);
    } finally {
      inList--;
    }
  };
  return { w, watch };
}

/** What a snapshot says, without its ids and timings. */
function facts(s: Snapshot) {
  return {
    candidates: s.candidates.map((c) => [c.summary.ref.folderId, c.summary.ref.id, c.group, c.recent, c.contentHit, c.signs?.hprim, c.signs?.document]),
    verdicts: [...s.verdicts].sort(([a], [b]) => (a < b ? -1 : 1)),
    searches: s.stats.searches,
  };
}

describe('the preview searches folders side by side where the host keeps no list state', () => {
  let rules: CleanupRules;
  let side: { s: Snapshot; watch: Watch };
  let inTurn: { s: Snapshot; watch: Watch };

  beforeAll(async () => {
    const a = watched();
    rules = defaultRules(defaultSettings().cleanup, await a.w.folders());
    side = { s: await takeSnapshot({ webmail: a.w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules), watch: a.watch };
    const b = watched();
    // A host with per-session list state says so with together(): its searches go one after the other.
    Object.assign(b.w, { together: <T>(fn: () => Promise<T>) => fn() });
    inTurn = { s: await takeSnapshot({ webmail: b.w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules), watch: b.watch };
  }, 120_000);

  it('keeps at most OPERATION_CONCURRENCY searches and attachment lists in flight, and really runs several', () => {
    expect(side.watch.peak).toBe(OPERATION_CONCURRENCY);
    expect(side.watch.attachPeak).toBe(OPERATION_CONCURRENCY);
    expect(inTurn.watch.peak).toBe(1);
  });

  it('takes the same snapshot as one folder after the other: candidates in folder order, verdicts, searches', () => {
    expect(facts(side.s)).toEqual(facts(inTurn.s));
    expect(side.s.candidates.length).toBeGreaterThan(900);
    expect(side.s.stats.classify.fromParts).toBeGreaterThan(500);
    // Candidates grouped by folder, in the folder list's order.
    const order = [...new Set(side.s.candidates.map((c) => c.summary.ref.folderId))];
    const listed = side.s.folders.map((f) => f.id).filter((id) => order.includes(id));
    expect(order).toEqual(listed);
  });

  it('shows the groups as soon as the rules\' searches are done, before the content searches of the clinical check', async () => {
    const { w } = watched();
    const events: { contentAsked: number; preliminary: NonNullable<PlanProgress['preliminary']> }[] = [];
    const s = await takeSnapshot(
      {
        webmail: w,
        bal: 'a@b.fr',
        origin: 'https://x.fr',
        now: () => now,
        onProgress: (p) => {
          if (p.preliminary) events.push({ contentAsked: w.searches.filter((q) => q.bodyContainsAny).length, preliminary: p.preliminary });
        },
      },
      rules,
    );
    expect(events.length).toBeGreaterThan(1);
    expect(events[0]!.contentAsked).toBe(0);
    expect(w.searches.filter((q) => q.bodyContainsAny).length).toBeGreaterThan(0);
    // What they show: the groups with the clinical check off (it can only move messages to 'protected').
    const off = buildPlan(s, { ...rules, protect: { ...rules.protect, clinical: false } });
    expect(events[0]!.preliminary).toEqual(off.groups.map((g) => ({ kind: g.kind, count: g.count, bytes: g.bytes })));
    expect(s.stats.groupsMs).toBeLessThanOrEqual(s.stats.totalMs);
  });

  it('stops at the first failure: the snapshot fails with it and no folder sends another request after it', async () => {
    const { w, watch } = watched({ failFolder: 'Sent' });
    const e = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(WebmailError);
    expect((e as WebmailError).code).toBe('blocked');
    // Other folders' requests in flight at that moment may end; none is sent after it, now or later.
    expect(watch.failedAt).not.toBeNull();
    expect(watch.sent.filter((r) => r.at > watch.failedAt!)).toEqual([]);
    expect(watch.running).toBe(0);
    const sent = watch.sent.length;
    await tick(30);
    expect(watch.sent.length).toBe(sent);
    expect(sent).toBeGreaterThan(1);
  });
});
