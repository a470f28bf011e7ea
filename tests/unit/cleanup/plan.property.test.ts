/**
 * Properties of the planner on random mailboxes, random rules and random host precision (fast-check):
 * - nothing is both kept and planned, and no message is in two groups;
 * - every planned id comes from a search of its own folder;
 * - group figures are the sums of their members; the freed space is the sum of what is planned;
 * - the plan is exactly what the rules select on the truth (dates, sizes, flags, clinical content), minus what is
 *   kept, whatever the host's precision (rounded sizes, hidden dates, unknown attachments).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { zipSync } from 'fflate';
import { buildPlan, plannedMessages, takeSnapshot, MB, classifySnapshot } from '../../../lib/features/cleanup/plan';
import { daysAgo, monthsAgo } from '../../../lib/features/cleanup/rules';
import { refKey } from '../../../lib/features/cleanup/classify';
import type { CleanupRules } from '../../../lib/features/cleanup/types';
import type { MessageSummary, SearchOptions, SearchQuery } from '../../../lib/webmail/types';
import { FakeWebmail, rawMessage } from './fake-webmail';

const NOW = Date.UTC(2026, 2, 15, 10, 30);
const DAY = 86_400_000;
const FOLDERS = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Perso'];
const KINDS = ['none', 'pdf', 'hprimBody', 'hprimOctet', 'xdm', 'txt'] as const;
type Kind = (typeof KINDS)[number];
const TRUTH: Record<Kind, 'xdm' | 'hprim' | 'pdf' | null> = { none: null, pdf: 'pdf', hprimBody: 'hprim', hprimOctet: 'hprim', xdm: 'xdm', txt: null };

const HPRIM = ['MME', 'MARTIN', 'Anne', '3 rue Haute', '', '29200 BREST', '02/03/1971', '271032912345612', '25B7654321', '01/02/2025', 'LABO', 'DR DURAND', '', 'Glycémie 5,1', '****FIN****', ''].join('\r\n');
const PDF = Buffer.from('%PDF-1.4\n%%EOF\n', 'latin1');
const XDM = zipSync({ 'IHE_XDM/SUBSET01/METADATA.XML': Buffer.from('<SubmitObjectsRequest/>') });

function build(kind: Kind, pad: number): Uint8Array {
  const filler = 'x'.repeat(70) + '\n';
  const text = kind === 'hprimBody' ? HPRIM : 'Bonjour\n' + filler.repeat(Math.ceil(pad / 71));
  const atts =
    kind === 'pdf'
      ? [{ filename: 'cr.pdf', contentType: 'application/pdf', data: PDF }]
      : kind === 'hprimOctet'
        ? [{ filename: 'R.hpr', contentType: 'application/octet-stream', data: HPRIM }]
        : kind === 'xdm'
          ? [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: XDM }]
          : kind === 'txt'
            ? [{ filename: 'note.txt', contentType: 'text/plain', data: 'Note' }]
            : [];
  return rawMessage({ text, textCharset: 'ISO-8859-1', attachments: atts });
}

const message = fc.record({
  folder: fc.constantFrom(...FOLDERS),
  ageDays: fc.integer({ min: 0, max: 800 }),
  pad: fc.integer({ min: 0, max: 40_000 }),
  unread: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
  flagged: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  kind: fc.oneof({ arbitrary: fc.constant<Kind>('none'), weight: 3 }, { arbitrary: fc.constantFrom(...KINDS), weight: 2 }),
});

const folderSubset = fc.subarray(['INBOX', 'Sent', 'Drafts', 'Perso']);
const rules: fc.Arbitrary<CleanupRules> = fc.record({
  emptyTrash: fc.boolean(),
  emptyJunk: fc.boolean(),
  old: fc.record({ enabled: fc.boolean(), months: fc.integer({ min: 1, max: 24 }), folderIds: folderSubset }),
  large: fc.record({
    enabled: fc.boolean(),
    minMB: fc.double({ min: 0.001, max: 0.04, noNaN: true }),
    olderThanMonths: fc.integer({ min: 0, max: 12 }),
    folderIds: folderSubset,
  }),
  folder: fc.record({ enabled: fc.boolean(), folderId: fc.constantFrom<string | null>(null, 'INBOX', 'Sent', 'Perso', 'Drafts') }),
  protect: fc.record({ unread: fc.boolean(), flagged: fc.boolean(), recentDays: fc.integer({ min: 0, max: 60 }), clinical: fc.boolean() }),
  includeClinical: fc.boolean(),
});

const host = fc.record({ sizes: fc.constantFrom<'exact' | 'rounded'>('exact', 'rounded'), hideDates: fc.boolean(), unknownAttachments: fc.boolean(), pageSize: fc.integer({ min: 1, max: 20 }) });

/** Records which ids each folder's searches returned. */
class RecordingWebmail extends FakeWebmail {
  returned = new Set<string>();
  override async *search(q: SearchQuery, opts: SearchOptions = {}): AsyncIterable<MessageSummary[]> {
    for await (const page of super.search(q, opts)) {
      for (const m of page) if (m.ref.folderId === q.folderId) this.returned.add(refKey(m.ref));
      yield page;
    }
  }
}

describe('planner properties', () => {
  it('holds on random mailboxes, rules and hosts', { timeout: 300_000 }, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(message, { minLength: 0, maxLength: 40, size: 'large' }), rules, host, fc.array(fc.nat(), { maxLength: 4 }), async (msgs, r, h, keptPick) => {
        const w = new RecordingWebmail(h);
        w.folderIds = [...FOLDERS];
        const kinds = new Map<string, Kind>();
        for (const m of msgs) {
          const added = w.add({
            folderId: m.folder,
            raw: build(m.kind, m.pad),
            date: Math.floor((NOW - m.ageDays * DAY - 3_600_000) / 1000) * 1000,
            unread: m.unread,
            flagged: m.flagged,
            hasAttachment: !['none', 'hprimBody'].includes(m.kind),
            subject: 's',
            from: 'f',
          });
          kinds.set(refKey(added), m.kind);
        }
        const snapshot = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => NOW }, r);
        const keys = snapshot.candidates.map((c) => refKey(c.summary.ref));
        const kept = new Set(keptPick.filter(() => keys.length).map((i) => keys[i % keys.length]!));
        await classifySnapshot({ webmail: w }, snapshot, r);
        const plan = buildPlan(snapshot, r, kept);

        // One group per message; kept and planned are disjoint.
        const all = plan.groups.flatMap((g) => g.messages.map((m) => refKey(m.summary.ref)));
        expect(new Set(all).size).toBe(all.length);
        const planned = new Set(plannedMessages(plan).map((m) => refKey(m.summary.ref)));
        const protectedIds = new Set(plan.groups.find((g) => g.kind === 'protected')!.messages.map((m) => refKey(m.summary.ref)));
        for (const k of planned) expect(protectedIds.has(k)).toBe(false);

        // From a search of its own folder.
        for (const k of all) expect(w.returned.has(k)).toBe(true);

        // Sums.
        for (const g of plan.groups) {
          expect(g.count).toBe(g.messages.length);
          expect(g.bytes).toBe(g.messages.reduce((a, m) => a + m.summary.size, 0));
          expect(g.bytesPrecision).toBe(g.messages.reduce((a, m) => a + m.summary.sizePrecision, 0));
        }
        expect(plan.freedByEmptyTrash).toBe(plannedMessages(plan).reduce((a, m) => a + m.summary.size, 0));
        // Every planned size is within its precision of the truth.
        for (const m of plannedMessages(plan)) expect(Math.abs(m.summary.size - w.byRef(m.summary.ref)!.raw.length)).toBeLessThanOrEqual(m.summary.sizePrecision);

        // Exactly what the rules select on the truth.
        const oldBefore = monthsAgo(NOW, r.old.months);
        const largeBefore = monthsAgo(NOW, r.large.olderThanMonths);
        const recentSince = daysAgo(NOW, r.protect.recentDays);
        const wantPlanned = new Set<string>();
        const wantProtected = new Set<string>();
        for (const m of w.messages) {
          const k = refKey(m);
          const special = m.folderId === 'Trash' || m.folderId === 'Junk';
          const selected =
            (m.folderId === 'Trash' && r.emptyTrash) ||
            (m.folderId === 'Junk' && r.emptyJunk) ||
            (!special && r.folder.enabled && r.folder.folderId === m.folderId) ||
            (!special && r.old.enabled && r.old.folderIds.includes(m.folderId) && m.date < oldBefore) ||
            (!special && r.large.enabled && r.large.folderIds.includes(m.folderId) && m.date < largeBefore && m.raw.length > Math.round(r.large.minMB * MB));
          if (!selected) continue;
          const clinical = TRUTH[kinds.get(k)!];
          const keep =
            kept.has(k) ||
            (r.protect.flagged && m.flagged) ||
            (!special && r.protect.unread && m.unread) ||
            (!special && r.protect.recentDays > 0 && m.date >= recentSince) ||
            (r.protect.clinical && !r.includeClinical && clinical !== null);
          (keep ? wantProtected : wantPlanned).add(k);
        }
        expect(planned).toEqual(wantPlanned);
        expect(protectedIds).toEqual(wantProtected);
      }),
      { numRuns: 150 },
    );
  });
});
