import { beforeAll, describe, expect, it } from 'vitest';
import { buildPlan, plannedMessages, takeSnapshot, unclassified, MB, type Snapshot } from '../../../lib/features/cleanup/plan';
import { daysAgo, defaultRules, monthsAgo } from '../../../lib/features/cleanup/rules';
import { refKey, type CachedVerdict, type VerdictCache } from '../../../lib/features/cleanup/classify';
import type { CleanupRules, Plan } from '../../../lib/features/cleanup/types';
import { defaultSettings } from '../../../lib/store/settings';
import { FakeWebmail, rawMessage, type FakeMessage } from './fake-webmail';

const NOW = new Date('2026-03-15T10:30:00Z');
const now = NOW.getTime();
const settings = defaultSettings().cleanup;

class MemoryCache implements VerdictCache {
  rows = new Map<string, CachedVerdict>();
  async get(refs: { folderId: string; id: string }[]) {
    return refs.map((r) => this.rows.get(refKey(r))).filter((r): r is CachedVerdict => !!r);
  }
  async put(rows: CachedVerdict[]) {
    for (const r of rows) this.rows.set(refKey(r), r);
  }
}

/** What the plan must be, computed directly from the seeder's truth with the documented rules. */
function oracle(w: FakeWebmail, rules: CleanupRules) {
  const oldBefore = monthsAgo(now, rules.old.months);
  const largeBefore = monthsAgo(now, rules.large.olderThanMonths);
  const recentSince = daysAgo(now, rules.protect.recentDays);
  const groups: Record<string, Set<string>> = { trash: new Set(), junk: new Set(), folder: new Set(), old: new Set(), large: new Set(), protected: new Set() };
  for (const m of w.messages) {
    let g: string | null = null;
    if (m.folderId === 'Trash') g = rules.emptyTrash ? 'trash' : null;
    else if (m.folderId === 'Junk') g = rules.emptyJunk ? 'junk' : null;
    else if (rules.folder.enabled && rules.folder.folderId === m.folderId) g = 'folder';
    else if (rules.old.enabled && rules.old.folderIds.includes(m.folderId) && m.date < oldBefore) g = 'old';
    else if (rules.large.enabled && rules.large.folderIds.includes(m.folderId) && m.date < largeBefore && m.raw.length > rules.large.minMB * MB) g = 'large';
    if (!g) continue;
    const special = m.folderId === 'Trash' || m.folderId === 'Junk';
    const kept =
      (rules.protect.flagged && m.flagged) ||
      (!special && rules.protect.unread && m.unread) ||
      (!special && m.date >= recentSince) ||
      (rules.protect.clinical && !rules.includeClinical && m.clinical !== null);
    groups[kept ? 'protected' : g]!.add(refKey(m));
  }
  return groups;
}

function ids(plan: Plan, kind: string): Set<string> {
  return new Set(plan.groups.find((g) => g.kind === kind)?.messages.map((m) => refKey(m.summary.ref)) ?? []);
}

describe('planning the realistic seeded mailbox', () => {
  let w: FakeWebmail;
  let rules: CleanupRules;
  let snapshot: Snapshot;
  let plan: Plan;
  const cache = new MemoryCache();

  beforeAll(async () => {
    w = FakeWebmail.fromSeed({ profile: 'realistic', seed: 1, now: NOW });
    rules = defaultRules(settings, await w.folders());
    snapshot = await takeSnapshot({ webmail: w, bal: 'martin.durand@medecin.mssante.fr', origin: 'https://mail.example', now: () => now, cache }, rules);
    plan = buildPlan(snapshot, rules);
  }, 120_000);

  it('uses the documented defaults: inbox, sent and user folders; 12 months; 5 MB older than 3 months', () => {
    expect(rules.old).toEqual({ enabled: true, months: 12, folderIds: ['INBOX', 'Sent', 'Patients', 'Patients/Archives'] });
    expect(rules.large).toMatchObject({ minMB: 5, olderThanMonths: 3 });
    expect(rules.protect).toEqual({ unread: true, flagged: true, recentDays: 30, clinical: true });
    expect(rules.includeClinical).toBe(false);
  });

  it('plans exactly what the rules select, and keeps exactly the unread, flagged, recent and clinical ones', () => {
    const want = oracle(w, rules);
    for (const kind of ['trash', 'junk', 'old', 'large', 'protected']) {
      expect(ids(plan, kind), kind).toEqual(want[kind]);
    }
    // Figures worth having in front of you when reading this test.
    expect(want.old!.size).toBeGreaterThan(50);
    expect(want.protected!.size).toBeGreaterThan(300);
    expect(want.trash!.size).toBeGreaterThan(50);
  });

  it('gives each protected message its reasons', () => {
    const prot = plan.groups.find((g) => g.kind === 'protected')!;
    for (const pm of prot.messages) {
      const m = w.byRef(pm.summary.ref)!;
      expect(pm.protections.length).toBeGreaterThan(0);
      if (pm.protections.includes('clinical-xdm')) expect(m.clinical).toBe('xdm');
      if (pm.protections.includes('clinical-hprim')) expect(m.clinical).toBe('hprim');
      if (pm.protections.includes('clinical-pdf')) expect(m.clinical).toBe('pdf');
      if (pm.protections.includes('unread')) expect(m.unread).toBe(true);
      if (pm.protections.includes('flagged')) expect(m.flagged).toBe(true);
      expect(pm.protections).not.toContain('unverified');
    }
  });

  it('adds up: group figures are the sums of their members, the freed space the sum of what is planned', () => {
    for (const g of plan.groups) {
      expect(g.count).toBe(g.messages.length);
      expect(g.bytes).toBe(g.messages.reduce((a, m) => a + m.summary.size, 0));
      expect(g.bytesPrecision).toBe(g.messages.reduce((a, m) => a + m.summary.sizePrecision, 0));
    }
    expect(plan.freedByMove).toBe(0);
    const planned = plannedMessages(plan);
    expect(plan.freedByEmptyTrash).toBe(planned.reduce((a, m) => a + m.summary.size, 0));
    expect(plan.freedByEmptyTrash).toBe(planned.reduce((a, m) => a + w.byRef(m.summary.ref)!.raw.length, 0));
    expect(plan.projectedUsed).toBe(plan.quotaBefore!.usedBytes - plan.freedByEmptyTrash);
  });

  it('downloads only the messages whose verdict matters, and nothing the second time', async () => {
    const needed = snapshot.candidates.filter((c) => {
      const m = w.byRef(c.summary.ref)!;
      const special = c.role === 'trash' || c.role === 'junk';
      const keptAnyway = m.flagged || (!special && (m.unread || c.recent));
      return !keptAnyway && (m.hasAttachment || c.contentHit);
    });
    expect(snapshot.stats.classify.downloaded).toBe(needed.length);
    expect(w.rawCalls).toBe(needed.length);
    expect(snapshot.stats.classify.downloadedBytes).toBe(needed.reduce((a, c) => a + w.byRef(c.summary.ref)!.raw.length, 0));
    // Never a message that is kept anyway (an unread or recent message is not downloaded to be kept twice).
    const calls = w.rawCalls;
    const again = await takeSnapshot({ webmail: w, bal: snapshot.bal, origin: snapshot.origin, now: () => now, cache }, rules);
    expect(w.rawCalls).toBe(calls);
    expect(again.stats.classify.cached).toBe(needed.length);
    expect(buildPlan(again, rules).groups.map((g) => [g.kind, g.count, g.bytes])).toEqual(plan.groups.map((g) => [g.kind, g.count, g.bytes]));
  }, 60_000);

  it('includes the clinical messages in one step once the user confirms they are filed, and only them', () => {
    const included = buildPlan(snapshot, { ...rules, includeClinical: true });
    const want = oracle(w, { ...rules, includeClinical: true });
    for (const kind of ['trash', 'junk', 'old', 'large', 'protected']) expect(ids(included, kind), kind).toEqual(want[kind]);
    // Unread, flagged and recent clinical messages stay kept.
    for (const pm of included.groups.find((g) => g.kind === 'protected')!.messages) {
      expect(pm.protections.every((p) => !p.startsWith('clinical-'))).toBe(true);
      expect(pm.protections.length).toBeGreaterThan(0);
    }
    expect(included.freedByEmptyTrash).toBeGreaterThan(plan.freedByEmptyTrash);
  });

  it('keeps a message the user unticks, and lists it with the reason', () => {
    const victim = plannedMessages(plan)[0]!;
    const kept = new Set([refKey(victim.summary.ref)]);
    const p2 = buildPlan(snapshot, rules, kept);
    expect(plannedMessages(p2).some((m) => refKey(m.summary.ref) === refKey(victim.summary.ref))).toBe(false);
    const listed = p2.groups.find((g) => g.kind === 'protected')!.messages.find((m) => refKey(m.summary.ref) === refKey(victim.summary.ref))!;
    expect(listed.protections).toEqual(['kept']);
    expect(p2.freedByEmptyTrash).toBe(plan.freedByEmptyTrash - victim.summary.size);
  });

  it('a whole chosen folder: every page of it, not only what a page shows', async () => {
    const r2: CleanupRules = { ...rules, emptyTrash: false, emptyJunk: false, old: { ...rules.old, enabled: false }, large: { ...rules.large, enabled: false }, folder: { enabled: true, folderId: 'Patients/Archives' } };
    const s2 = await takeSnapshot({ webmail: w, bal: snapshot.bal, origin: snapshot.origin, now: () => now, cache }, r2);
    const p2 = buildPlan(s2, r2);
    const all = w.messages.filter((m) => m.folderId === 'Patients/Archives');
    expect(all.length).toBe(240);
    expect(ids(p2, 'folder').size + ids(p2, 'protected').size).toBe(240);
    const want = oracle(w, r2);
    expect(ids(p2, 'folder')).toEqual(want.folder);
    expect(ids(p2, 'protected')).toEqual(want.protected);
    expect(p2.groups.map((g) => g.kind)).toEqual(['folder', 'protected']);
  }, 60_000);
});

describe('snapshot semantics', () => {
  const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(2000), 'latin1');
  const old = Date.UTC(2024, 0, 10);
  function small(): FakeWebmail {
    const w = new FakeWebmail();
    w.folderIds = ['INBOX', 'Trash', 'Junk'];
    const mk = (folderId: string, i: number, extra: Partial<FakeMessage> = {}) =>
      w.add({ folderId, raw: rawMessage({ subject: `s${i}` }), date: old + i * 1000, unread: false, flagged: false, hasAttachment: false, subject: `s${i}`, from: 'a', ...extra });
    for (let i = 0; i < 30; i++) mk('INBOX', i);
    for (let i = 0; i < 5; i++) mk('Trash', i);
    mk('INBOX', 99, { raw: rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }), hasAttachment: true });
    return w;
  }

  it('never plans a message that arrived after the snapshot, even one the rules would select', async () => {
    const w = small();
    const rules = defaultRules(settings, await w.folders());
    const s = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules);
    const before = buildPlan(s, rules);
    const late = [
      w.add({ folderId: 'INBOX', raw: rawMessage({ subject: 'late' }), date: old, unread: false, flagged: false, hasAttachment: false, subject: 'late', from: 'a' }),
      w.add({ folderId: 'Trash', raw: rawMessage({ subject: 'late2' }), date: old, unread: false, flagged: false, hasAttachment: false, subject: 'late2', from: 'a' }),
    ];
    // Any later rebuild of the same snapshot (protections toggled, ticks) keeps to the snapshot's ids.
    for (const p of [buildPlan(s, rules), buildPlan(s, { ...rules, includeClinical: true }), buildPlan(s, { ...rules, protect: { ...rules.protect, unread: false } })]) {
      const all = new Set(p.groups.flatMap((g) => g.messages.map((m) => refKey(m.summary.ref))));
      for (const m of late) expect(all.has(refKey(m))).toBe(false);
      expect(all.size).toBe(before.groups.reduce((a, g) => a + g.count, 0));
    }
    expect(plannedMessages(before)).toHaveLength(35);
    expect(before.createdAt).toBe(now);
  });

  it('keeps a message it could not check (unverified), and lists why', async () => {
    const w = small();
    const withPdf = w.messages.find((m) => m.hasAttachment)!;
    w.failRaw.add(withPdf.id);
    const rules = defaultRules(settings, await w.folders());
    const s = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules);
    const p = buildPlan(s, { ...rules, includeClinical: true });
    const prot = p.groups.find((g) => g.kind === 'protected')!;
    expect(prot.messages.map((m) => [m.summary.ref.id, m.protections])).toEqual([[withPdf.id, ['unverified']]]);
    expect(s.failures.get(refKey(withPdf))).toBe('network');
  });

  it('looks at messages without attachments when the server cannot search content', async () => {
    const w = small();
    (w.opts as { noContentSearch?: boolean }).noContentSearch = true;
    const rules = defaultRules(settings, await w.folders());
    const s = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules);
    expect(s.stats.classify.downloaded).toBe(36);
    expect(plannedMessages(buildPlan(s, rules))).toHaveLength(35);
  });

  it('classifies more when a protection is turned off, before building the plan', async () => {
    const w = small();
    w.messages.find((m) => m.hasAttachment)!.unread = true;
    const rules = defaultRules(settings, await w.folders());
    const s = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => now }, rules);
    expect(s.stats.classify.downloaded).toBe(0);
    const off = { ...rules, protect: { ...rules.protect, unread: false } };
    expect(unclassified(s, off)).toHaveLength(1);
    // Without a verdict it stays kept ('unverified'), never planned by mistake.
    expect(buildPlan(s, off).groups.find((g) => g.kind === 'protected')!.messages[0]!.protections).toEqual(['unverified']);
  });

  it('rounds cut-offs to local midnight, calendar months', () => {
    const t = new Date(2026, 2, 31, 15, 20).getTime();
    expect(new Date(monthsAgo(t, 1))).toEqual(new Date(2026, 1, 28));
    expect(new Date(monthsAgo(t, 12))).toEqual(new Date(2025, 2, 31));
    expect(new Date(daysAgo(t, 30))).toEqual(new Date(2026, 2, 1));
  });
});

describe('hosts with rounded sizes and unreadable dates (Roundcube-like)', () => {
  it('plans the same ids, and learns the exact size of what it downloaded', async () => {
    const exact = FakeWebmail.fromSeed({ profile: 'realistic', seed: 2, now: NOW });
    const rough = FakeWebmail.fromSeed({ profile: 'realistic', seed: 2, now: NOW }, { sizes: 'rounded', hideDates: true, unknownAttachments: true });
    const rules = defaultRules(settings, await exact.folders());
    const env = { bal: 'a@b.fr', origin: 'https://x.fr', now: () => now };
    const pe = buildPlan(await takeSnapshot({ ...env, webmail: exact }, rules), rules);
    const sr = await takeSnapshot({ ...env, webmail: rough }, rules);
    const pr = buildPlan(sr, rules);
    for (const g of pe.groups) expect(ids(pr, g.kind), g.kind).toEqual(ids(pe, g.kind));
    // Unknown attachments: every planned message was downloaded, so every planned size is exact.
    for (const m of plannedMessages(pr)) expect(m.summary.sizePrecision).toBe(0);
    expect(pr.freedByEmptyTrash).toBe(pe.freedByEmptyTrash);
    expect(pr.freedPrecision).toBe(0);
    // Kept ones not downloaded keep their listed precision, and the sums say so.
    const prot = pr.groups.find((g) => g.kind === 'protected')!;
    expect(prot.bytesPrecision).toBe(prot.messages.reduce((a, m) => a + m.summary.sizePrecision, 0));
    expect(Math.abs(prot.bytes - pe.groups.find((g) => g.kind === 'protected')!.bytes)).toBeLessThanOrEqual(prot.bytesPrecision);
  }, 120_000);
});

describe('a host whose listed dates are the dates its searches compare (Capabilities.exactDates: Zimbra)', () => {
  const bal = { bal: 'a@b.fr', origin: 'https://x.fr', now: () => now };
  const recentFacts = (s: Snapshot) => s.candidates.map((c) => [refKey(c.summary.ref), c.group, c.recent]);
  const sinceAsked = (w: FakeWebmail) => w.searches.filter((q) => q.since !== undefined).length;

  it('settles "received recently" from the listing, with the same verdicts and one search fewer per folder', async () => {
    const asked = FakeWebmail.fromSeed({ profile: 'realistic', seed: 1, now: NOW });
    const listed = FakeWebmail.fromSeed({ profile: 'realistic', seed: 1, now: NOW }, { exactDates: true });
    // The whole inbox as the chosen folder: its recent messages are candidates the protection must keep.
    const rules = { ...defaultRules(settings, await asked.folders()), folder: { enabled: true, folderId: 'INBOX' } };
    const a = await takeSnapshot({ webmail: asked, ...bal }, rules);
    const b = await takeSnapshot({ webmail: listed, ...bal }, rules);
    expect(recentFacts(b)).toEqual(recentFacts(a));
    expect(b.candidates.filter((c) => c.recent).length).toBeGreaterThan(10);
    // One 'since' search per ordinary folder with candidates (trash and junk keep no recent protection).
    const ordinary = new Set(a.candidates.filter((c) => c.role !== 'trash' && c.role !== 'junk').map((c) => c.summary.ref.folderId));
    expect(sinceAsked(asked)).toBe(ordinary.size);
    expect(sinceAsked(listed)).toBe(0);
    expect(b.stats.searches).toBe(a.stats.searches - ordinary.size);
    expect(ids(buildPlan(b, rules), 'protected')).toEqual(ids(buildPlan(a, rules), 'protected'));
  }, 60_000);

  it('still asks where a listed date is missing (the listing cannot settle it then)', async () => {
    const w = FakeWebmail.fromSeed({ profile: 'realistic', seed: 1, now: NOW }, { exactDates: true, hideDates: true });
    const rules = { ...defaultRules(settings, await w.folders()), folder: { enabled: true, folderId: 'INBOX' } };
    const s = await takeSnapshot({ webmail: w, ...bal }, rules);
    expect(sinceAsked(w)).toBeGreaterThan(0);
    expect(s.candidates.filter((c) => c.recent).length).toBeGreaterThan(10);
  }, 60_000);
});
