/**
 * The simulator on the shared seeder's realistic mailbox: paging, sort orders, the query grammar, REST bytes
 * and archive export, checked against the seed and the simulator's own truth.
 */
import { gunzipSync, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMailbox } from '../seed/profile.ts';
import { type ZimbraSim, startZimbraSim } from './index.ts';
import { ID_INBOX, ID_JUNK, ID_TRASH, type SimMessage } from './mailbox.ts';
import { type SimClient, faultCode, login } from './testkit.ts';
import { buildQuery } from '../../../lib/webmail/zimbra/query';
import { attachmentsFromParts } from '../../../lib/webmail/zimbra/parts';
import { classifyRaw } from '../../../lib/features/cleanup/classify';
import { HPRIM_MARKERS } from '../../../lib/features/cleanup/plan';
import { DOCUMENT_SIGNS, verdictFromParts } from '../../../lib/features/cleanup/triage';

const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const SEED = 7;
let sim: ZimbraSim;
let c: SimClient;
let startMs = 0;

beforeAll(async () => {
  const t = performance.now();
  sim = await startZimbraSim({ profile: 'realistic', seed: SEED, now: NOW });
  startMs = performance.now() - t;
  c = await login(sim);
}, 60_000);
afterAll(async () => {
  await sim.stop();
});

const all = () => [...sim.mailbox.messages.values()];
async function search(query: string, extra: Record<string, unknown> = {}) {
  const r = await c.soap('SearchRequest', { query, types: 'message', limit: 1000, ...extra });
  if (r.status !== 200) throw new Error(JSON.stringify(r.json.Body.Fault));
  return r.json.Body.SearchResponse;
}
async function searchAll(query: string, sortBy = 'dateDesc'): Promise<string[]> {
  const out: string[] = [];
  for (let offset = 0; ; offset += 1000) {
    const r = await search(query, { sortBy, offset });
    out.push(...(r.m ?? []).map((m: any) => m.id));
    if (!r.more) return out;
  }
}
const idsOf = (ms: SimMessage[]) => ms.map((m) => String(m.id)).sort();

describe('the realistic mailbox', () => {
  it('loads the whole seed with exact sizes and starts quickly', () => {
    const seed = [...generateMailbox({ profile: 'realistic', seed: SEED, now: new Date(NOW) })];
    expect(sim.mailbox.messages.size).toBe(seed.length);
    expect(sim.mailbox.used).toBe(seed.reduce((a, m) => a + m.raw.length, 0));
    expect(sim.mailbox.quotaBytes).toBe(200 * 1024 * 1024);
    expect(startMs).toBeLessThan(20_000);
    console.log(`realistic profile: ${seed.length} messages, ${sim.mailbox.used} bytes, started in ${Math.round(startMs)} ms`);
  });
});

describe('SearchRequest paging and sort orders', () => {
  it('defaults to 10 hits, clamps limit to 1000, and pages with offset/more', async () => {
    const d = (await c.soap('SearchRequest', { query: 'in:inbox', types: 'message' })).json.Body.SearchResponse;
    expect(d.m).toHaveLength(10);
    expect(d.more).toBe(true);
    expect(d.sortBy).toBe('dateDesc');
    expect(d.offset).toBe(0);
    const big = await search('in:inbox', { limit: 5000 });
    expect(big.m).toHaveLength(1000);
    const inbox = all().filter((m) => m.folderId === ID_INBOX);
    const paged = await searchAll('in:inbox');
    expect(paged).toHaveLength(inbox.length);
    expect(new Set(paged).size).toBe(inbox.length);
    const last = await search('in:inbox', { offset: inbox.length - 3, limit: 10 });
    expect(last.m).toHaveLength(3);
    expect(last.more).toBe(false);
  });

  it('sorts by size and date both ways, hits carrying s, d, l, f, su, e', async () => {
    const inbox = all().filter((m) => m.folderId === ID_INBOX);
    const sizeDesc = (await search('in:inbox', { sortBy: 'sizeDesc', limit: 50 })).m;
    expect(sizeDesc.map((m: any) => m.s)).toEqual([...inbox].map((m) => m.size).sort((a, b) => b - a).slice(0, 50));
    const sizeAsc = (await search('in:inbox', { sortBy: 'sizeAsc', limit: 20 })).m;
    expect(sizeAsc.map((m: any) => m.s)).toEqual([...inbox].map((m) => m.size).sort((a, b) => a - b).slice(0, 20));
    const dateAsc = (await search('in:inbox', { sortBy: 'dateAsc', limit: 20 })).m;
    expect(dateAsc.map((m: any) => m.d)).toEqual([...inbox].map((m) => m.date).sort((a, b) => a - b).slice(0, 20));
    const hit = sizeDesc[0];
    const truth = sim.mailbox.getMessage(Number(hit.id));
    expect(hit).toMatchObject({ s: truth.raw.length, d: truth.date, l: '2', su: truth.subject, cid: String(-truth.id) });
    expect(hit.d % 1000).toBe(0);
    expect(hit.f ?? '').toContain('a');
    expect(hit.e[0].t).toBe('f');
    expect(hit.sf).toBe(String(truth.size));
    const none = await search('in:inbox', { sortBy: 'none', limit: 5 });
    expect(none.m.map((m: any) => Number(m.id))).toEqual(inbox.map((m) => m.id).sort((a, b) => a - b).slice(0, 5));
  });
});

describe('query grammar', () => {
  const cases: [string, (m: SimMessage) => boolean][] = [
    ['in:inbox', (m) => m.folderId === ID_INBOX],
    ['in:"/Patients/Archives"', (m) => m.folderId === 258],
    ['under:"/Patients"', (m) => m.folderId === 257 || m.folderId === 258],
    ['inid:257', (m) => m.folderId === 257],
    ['in:trash', (m) => m.folderId === ID_TRASH],
    ['in:inbox larger:1mb', (m) => m.folderId === ID_INBOX && m.size > 1024 * 1024],
    ['in:inbox smaller:20kb', (m) => m.folderId === ID_INBOX && m.size < 20 * 1024],
    ['in:inbox has:attachment', (m) => m.folderId === ID_INBOX && m.flags.attached],
    ['in:inbox is:unread', (m) => m.folderId === ID_INBOX && m.flags.unread],
    ['in:inbox is:flagged', (m) => m.folderId === ID_INBOX && m.flags.flagged],
    ['in:inbox -is:read', (m) => m.folderId === ID_INBOX && m.flags.unread],
    ['in:inbox NOT has:attachment', (m) => m.folderId === ID_INBOX && !m.flags.attached],
    ['in:sent OR in:drafts', (m) => m.folderId === 5 || m.folderId === 6],
    ['(in:sent OR in:drafts) is:flagged', (m) => (m.folderId === 5 || m.folderId === 6) && m.flags.flagged],
    ['in:inbox OR in:sent larger:1mb', (m) => m.folderId === ID_INBOX || (m.folderId === 5 && m.size > 1024 * 1024)],
    ['-in:inbox', (m) => m.folderId !== ID_INBOX && m.folderId !== ID_TRASH && m.folderId !== ID_JUNK],
    [`before:${NOW - 365 * 86_400_000}`, (m) => m.date < NOW - 365 * 86_400_000 && m.folderId !== ID_TRASH && m.folderId !== ID_JUNK],
    [`in:inbox after:${NOW - 30 * 86_400_000}`, (m) => m.folderId === ID_INBOX && m.date >= NOW - 30 * 86_400_000 + 1000],
    ['larger:2mb', (m) => m.size > 2 * 1024 * 1024 && m.folderId !== ID_TRASH && m.folderId !== ID_JUNK],
    ['in:trash OR in:junk', (m) => m.folderId === ID_TRASH || m.folderId === ID_JUNK],
  ];
  it.each(cases)('%s', async (q, pred) => {
    expect((await searchAll(q)).sort()).toEqual(idsOf(all().filter(pred)));
  });

  it('reads before:-6months relative to now, at midnight on the 1st (DateQuery)', async () => {
    const d = new Date(NOW);
    const cut = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 6, 1, 0, 0, 0) + d.getUTCMilliseconds();
    const got = (await searchAll('in:inbox before:-6months')).sort();
    expect(got).toEqual(idsOf(all().filter((m) => m.folderId === ID_INBOX && m.date < cut)));
    expect(got.length).toBeGreaterThan(0);
  });

  it('finds attachments by file-name token, by type and by content word', async () => {
    const xdm = all().filter((m) => sim.mailbox.attachmentsOf(m).some((a) => /ihe_xdm\.zip/i.test(a.filename ?? '')));
    expect(xdm.length).toBeGreaterThan(0);
    const viaName = (await searchAll('filename:IHE_XDM.ZIP is:anywhere')).sort();
    expect(viaName).toEqual(idsOf(xdm.filter((m) => m.folderId !== ID_TRASH && m.folderId !== ID_JUNK)));
    const pdf = (await searchAll('attachment:pdf')).sort();
    expect(pdf).toEqual(idsOf(all().filter((m) => m.folderId !== ID_TRASH && m.folderId !== ID_JUNK && sim.mailbox.attachmentsOf(m).some((a) => a.contentType === 'application/pdf'))));
    const fin = await searchAll('content:"****FIN****"');
    expect(fin.length).toBeGreaterThan(0);
    for (const id of fin.slice(0, 20)) expect(sim.mailbox.searchText(sim.mailbox.getMessage(Number(id))).toLowerCase()).toMatch(/\bfin/);
  });

  it('answers grammar errors with mail.QUERY_PARSE_ERROR and missing folders with mail.NO_SUCH_FOLDER', async () => {
    for (const q of ['foo:bar', 'is:bogus', 'larger:abc', 'before:notadate', '(in:inbox', 'in:inbox AND']) {
      const r = await c.soap('SearchRequest', { query: q, types: 'message' });
      expect(faultCode(r), q).toBe('mail.QUERY_PARSE_ERROR');
      expect(r.json.Body.Fault.Reason.Text).toBe(`Couldn't parse query: ${q}`);
    }
    const nf = await c.soap('SearchRequest', { query: 'in:"/Nope"', types: 'message' });
    expect(faultCode(nf)).toBe('mail.NO_SUCH_FOLDER');
    const missingId = await search('inid:9999');
    expect(missingId.m).toBeUndefined();
  });
});

describe('REST downloads', () => {
  it('serves the raw RFC 822 bytes identical to the seed, as text/plain', async () => {
    const seed = [...generateMailbox({ profile: 'realistic', seed: SEED, now: new Date(NOW) })];
    const byMid = new Map(seed.map((m) => [m.messageId, m.raw]));
    const sample = all().filter((_, i) => i % 400 === 0);
    for (const m of sample) {
      const r = await c.get(`service/home/~/?auth=co&id=${m.id}`);
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toBe('text/plain');
      const bytes = Buffer.from(await r.arrayBuffer());
      const mid = (m.messageId ?? '').replace(/^<|>$/g, '');
      expect(bytes.equals(byMid.get(mid)!)).toBe(true);
    }
    expect((await c.get('service/home/~/?auth=co&id=999999')).status).toBe(404);
    expect((await fetch(`${sim.url}service/home/~/?auth=co&id=${sample[0]!.id}`)).status).toBe(401);
  });

  it('serves one attachment with part=', async () => {
    const m = all().find((x) => sim.mailbox.attachmentsOf(x).some((a) => a.contentType === 'application/pdf'))!;
    const att = sim.mailbox.attachmentsOf(m).find((a) => a.contentType === 'application/pdf')!;
    const r = await c.get(`service/home/~/?auth=co&id=${m.id}&part=${att.part.partName}&disp=a`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/pdf');
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''/);
    const bytes = Buffer.from(await r.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('exports a zip of exactly the listed ids, each entry the raw message', async () => {
    const pick = all().filter((m) => m.folderId === ID_INBOX).slice(0, 4);
    const r = await c.get(`service/home/~/?fmt=zip&list=${pick.map((m) => m.id).join(',')}&meta=0&filename=sauvegarde`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/zip');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="sauvegarde.zip"');
    const files = unzipSync(new Uint8Array(await r.arrayBuffer()));
    const names = Object.keys(files);
    expect(names).toHaveLength(4);
    for (const m of pick) {
      const name = names.find((n) => n.startsWith(`Inbox/${String(m.id).padStart(10, '0')}-`))!;
      expect(name).toMatch(/\.eml$/);
      expect(Buffer.from(files[name]!).equals(m.raw)).toBe(true);
    }
    const tgz = await c.get(`service/home/~/?fmt=tgz&list=${pick[0]!.id}&meta=0`);
    const tar = Buffer.from(gunzipSync(new Uint8Array(await tgz.arrayBuffer())));
    const size = parseInt(tar.subarray(124, 135).toString(), 8);
    expect(size).toBe(pick[0]!.size);
    expect(tar.subarray(512, 512 + size).equals(pick[0]!.raw)).toBe(true);
    expect((await c.get('service/home/~/?fmt=zip&list=999999&meta=0')).status).toBe(204);
  });
});

describe("the planner's triage (lib/features/cleanup/triage.ts) on the adapter's own requests", () => {
  it('calls "not clinical" only what the classifier calls so, and decides most messages without a download', { timeout: 180_000 }, async () => {
    // Every message of every folder, as the planner would ask: the adapter's attachment-list request (SearchRequest
    // with fetch, parsed by attachmentsFromParts) and its content searches (buildQuery), against the bytes' verdict.
    const folders = [...new Set(all().map((m) => m.folderId))];
    let fromParts = 0;
    let downloads = 0;
    const unsafe: string[] = [];
    const relabelled: string[] = [];
    const counts: Record<string, number> = {};
    for (const fid of folders) {
      const folderId = String(fid);
      const hitsOf = async (strings: string[]) => {
        const q = buildQuery({ folderId, bodyContainsAny: strings, sort: 'dateDesc' });
        return new Set(await searchAll(q.query!, q.sortBy));
      };
      // One search for every sign, as the planner asks it (plan.ts): a message it names has a sign, which one unknown.
      const signed = await hitsOf([...HPRIM_MARKERS, ...DOCUMENT_SIGNS]);
      const msgs = all().filter((m) => m.folderId === fid);
      for (let i = 0; i < msgs.length; i += 100) {
        const chunk = msgs.slice(i, i + 100);
        const r = await search(`inid:${folderId} item:{${chunk.map((m) => m.id).join(',')}}`, { sortBy: 'none', limit: chunk.length, fetch: 'all', max: 1 });
        const parts = new Map<string, unknown[]>((r.m ?? []).map((m: { id: string; mp?: unknown[] }) => [String(m.id), m.mp ?? []]));
        expect(parts.size).toBe(chunk.length);
        for (const m of chunk) {
          const id = String(m.id);
          const sign = signed.has(id) ? null : false;
          const v = verdictFromParts(attachmentsFromParts(parts.get(id)), { hprim: sign, document: sign });
          const truth = await classifyRaw(m.raw);
          counts[`${truth}→${v}`] = (counts[`${truth}→${v}`] ?? 0) + 1;
          if (v === 'download') {
            downloads++;
            continue;
          }
          fromParts++;
          // The safe direction: "not clinical" only when the bytes say so; "clinical" whenever said.
          if ((v === null) !== (truth === null)) unsafe.push(`${id}: ${truth} → ${v}`);
          else if (v !== truth) relabelled.push(`${id}: ${truth} → ${v}`);
        }
      }
    }
    console.log(`triage of ${fromParts + downloads} messages: ${fromParts} decided without a download, ${downloads} to download; ${JSON.stringify(counts)}`);
    expect(unsafe).toEqual([]);
    // Labels: a PDF message is called 'pdf' only when nothing else could raise it; none differ on the seed.
    expect(relabelled).toEqual([]);
    expect(fromParts).toBeGreaterThan((fromParts + downloads) / 2);
    // Every kind of clinical message the seed holds still reaches a download where the parts cannot tell.
    expect(counts['hprim→download']).toBeGreaterThan(0);
  });
});
