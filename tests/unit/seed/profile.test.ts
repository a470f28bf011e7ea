import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { unzipSync } from 'fflate';
import PostalMime, { type Attachment, type Email } from 'postal-mime';
import { generateMailbox, QUOTA_BYTES, type SeedFolder, type SeedMessage } from '../../servers/seed/profile.ts';

const NOW = new Date('2026-03-15T10:30:00Z');
const FOLDERS: SeedFolder[] = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Patients', 'Patients/Archives'];
const DAY = 86_400_000;
const MiB = 1024 * 1024;

function digest(msgs: Iterable<SeedMessage>): string {
  const h = createHash('sha256');
  for (const m of msgs) {
    h.update(m.raw);
    h.update(JSON.stringify({ ...m, raw: m.raw.length }));
  }
  return h.digest('hex');
}

const bytesOf = (c: ArrayBuffer | Uint8Array | string): Uint8Array =>
  typeof c === 'string' ? Buffer.from(c, 'utf8') : c instanceof Uint8Array ? c : new Uint8Array(c);

/** Decoded size; postal-mime hands text/calendar parts back with LF line ends, the seeder sent (and counts) CRLF. */
function decodedSize(a: Attachment): number {
  const b = bytesOf(a.content);
  if (a.mimeType !== 'text/calendar') return b.length;
  return Buffer.from(b).toString('latin1').replace(/\r?\n/g, '\r\n').length;
}

/** Ground truth recomputed from the parsed message only: xdm > hprim > pdf > null. */
function classify(parsed: Email): { label: SeedMessage['clinical']; problems: string[] } {
  const problems: string[] = [];
  let xdm = false;
  let hprim = false;
  let pdf = false;
  const isHprim = (text: string) => {
    if (!text.includes('****FIN****')) return false;
    // 12-line header: line 7 a date of birth, line 8 a 15-digit NIR, line 10 a date.
    const lines = text.replace(/\r\n/g, '\n').split('\n');
    if (!/^\d{2}\/\d{2}\/\d{4}$/.test(lines[6] ?? '') || !/^\d{15}$/.test(lines[7] ?? '') || !/^\d{2}\/\d{2}\/\d{4}$/.test(lines[9] ?? '')) {
      problems.push('FIN marker without an HPRIM header');
      return false;
    }
    return true;
  };
  if (isHprim(parsed.text ?? '')) hprim = true;
  for (const a of parsed.attachments) {
    const data = bytesOf(a.content);
    if (a.filename === 'IHE_XDM.ZIP') {
      const files = unzipSync(data);
      const meta = files['IHE_XDM/SUBSET01/METADATA.XML'];
      const doc = files['IHE_XDM/SUBSET01/DOC0001.PDF'];
      if (!meta || !doc || !files['INDEX.HTM'] || !files['README.TXT']) problems.push('incomplete XDM zip');
      else {
        const xml = Buffer.from(meta).toString('utf8');
        if (!xml.includes('SubmitObjectsRequest')) problems.push('METADATA.XML is not an ebXML submission');
        if (!Buffer.from(doc.subarray(0, 8)).equals(Buffer.from('%PDF-1.4'))) problems.push('XDM document is not a PDF');
        const sha1 = createHash('sha1').update(doc).digest('hex');
        if (!xml.includes(`<rim:Value>${sha1}</rim:Value>`)) problems.push('METADATA.XML hash does not match the document');
        if (!xml.includes(`<rim:Value>${doc.length}</rim:Value>`)) problems.push('METADATA.XML size does not match the document');
        xdm = true;
      }
    }
    const head = Buffer.from(data.subarray(0, 8)).toString('latin1');
    if (head === '%PDF-1.4') {
      if (a.mimeType !== 'application/pdf') problems.push('PDF bytes under another content type');
      pdf = true;
    } else if (a.mimeType === 'application/pdf') problems.push('application/pdf that does not start with %PDF-1.4');
    if (a.mimeType.startsWith('text/') || /\.(hpr|txt)$/i.test(a.filename ?? '')) {
      if (isHprim(Buffer.from(data).toString('latin1'))) hprim = true;
    }
  }
  return { label: xdm ? 'xdm' : hprim ? 'hprim' : pdf ? 'pdf' : null, problems };
}

function bareLineEnds(raw: Buffer): number {
  let bad = 0;
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === 10 && (i === 0 || raw[i - 1] !== 13)) bad++;
    else if (c === 13 && raw[i + 1] !== 10) bad++;
  }
  return bad;
}

function longestLine(raw: Buffer): number {
  let max = 0;
  let start = 0;
  for (let i = raw.indexOf(10); i !== -1; i = raw.indexOf(10, i + 1)) {
    max = Math.max(max, i - 1 - start);
    start = i + 1;
  }
  return Math.max(max, raw.length - start);
}

describe('seed profile "realistic"', () => {
  const msgs = [...generateMailbox({ profile: 'realistic', seed: 7, now: NOW })];

  it('is deterministic for (profile, seed, now) and varies with the seed', () => {
    const again = digest(generateMailbox({ profile: 'realistic', seed: 7, now: NOW }));
    expect(digest(msgs)).toBe(again);
    expect(digest(generateMailbox({ profile: 'realistic', seed: 8, now: NOW }))).not.toBe(again);
    // Same seed, another day: same mailbox shifted in time (dates move with `now`, content does not).
    const later = [...generateMailbox({ profile: 'realistic', seed: 7, now: new Date(NOW.getTime() + 40 * DAY) })];
    expect(later.map((m) => m.internalDate.getTime() - 40 * DAY)).toEqual(msgs.map((m) => m.internalDate.getTime()));
    const shape = (m: SeedMessage) => [m.folder, m.from, m.to, m.seen, m.flagged, m.answered, m.draft, m.clinical, m.attachments.map((a) => a.contentType)];
    expect(later.map(shape)).toEqual(msgs.map(shape));
  }, 60_000);

  it('fills every folder, with at least 2,000 messages over 24 months', () => {
    expect(msgs.length).toBeGreaterThanOrEqual(2000);
    const per = new Map<SeedFolder, SeedMessage[]>();
    for (const m of msgs) per.set(m.folder, [...(per.get(m.folder) ?? []), m]);
    expect([...per.keys()].sort()).toEqual([...FOLDERS].sort());
    // The counts documented in profile.ts.
    expect(Object.fromEntries(FOLDERS.map((f) => [f, per.get(f)!.length]))).toEqual({
      INBOX: 1150, Sent: 330, Drafts: 12, Trash: 160, Junk: 70, Patients: 260, 'Patients/Archives': 240,
    });
    for (const f of ['INBOX', 'Sent', 'Trash', 'Junk', 'Patients'] as const) {
      const recent = per.get(f)!.filter((m) => NOW.getTime() - m.internalDate.getTime() < 30 * DAY);
      expect(recent.length, `${f} has mail from the last 30 days`).toBeGreaterThan(0);
    }
    const ages = msgs.map((m) => NOW.getTime() - m.internalDate.getTime());
    expect(Math.min(...ages)).toBeGreaterThan(0);
    expect(Math.max(...ages)).toBeLessThanOrEqual(731 * DAY);
    expect(Math.max(...ages)).toBeGreaterThan(650 * DAY);
    // Yielded oldest first, so a consumer's UIDs follow the date.
    for (let i = 1; i < msgs.length; i++) expect(msgs[i]!.internalDate >= msgs[i - 1]!.internalDate).toBe(true);
    expect(new Set(msgs.map((m) => m.messageId)).size).toBe(msgs.length);
  });

  it('has flags and clinical documents of every kind', () => {
    const inbox = msgs.filter((m) => m.folder === 'INBOX');
    expect(inbox.filter((m) => !m.seen).length).toBeGreaterThan(20);
    expect(inbox.filter((m) => m.flagged).length).toBeGreaterThan(10);
    expect(inbox.filter((m) => m.answered).length).toBeGreaterThan(10);
    expect(msgs.filter((m) => m.folder === 'Drafts').every((m) => m.draft)).toBe(true);
    expect(msgs.filter((m) => m.folder !== 'Drafts').some((m) => m.draft)).toBe(false);
    for (const c of ['xdm', 'hprim', 'pdf'] as const) expect(msgs.filter((m) => m.clinical === c).length, c).toBeGreaterThan(30);
    // HPRIM both as the body and as a text attachment.
    expect(msgs.some((m) => m.clinical === 'hprim' && m.attachments.length === 0)).toBe(true);
    expect(msgs.some((m) => m.clinical === 'hprim' && m.attachments.some((a) => /\.(hpr|txt)$/.test(a.filename)))).toBe(true);
    // Accents in subjects and senders; mostly MSSanté domains.
    expect(msgs.filter((m) => /[éèêàçôÉ]/.test(m.subject)).length).toBeGreaterThan(500);
    expect(msgs.some((m) => m.subject.startsWith("CR d'hospitalisation – "))).toBe(true);
    const received = msgs.filter((m) => m.folder !== 'Sent' && m.folder !== 'Drafts');
    const mss = received.filter((m) => m.from.address.endsWith('.mssante.fr')).length;
    expect(mss / received.length).toBeGreaterThan(0.6);
    expect(mss).toBeLessThan(received.length);
  });

  it('weighs about 80 % of the quota, with a few attachments of several MB', () => {
    const total = msgs.reduce((a, m) => a + m.raw.length, 0);
    expect(total / QUOTA_BYTES).toBeGreaterThan(0.75);
    expect(total).toBeGreaterThanOrEqual(155 * MiB);
    expect(total).toBeLessThanOrEqual(165 * MiB);
    expect(msgs.filter((m) => m.attachments.some((a) => a.size > 2_000_000)).length).toBeGreaterThanOrEqual(5);
    const sizes = msgs.map((m) => m.raw.length).sort((a, b) => a - b);
    expect(sizes[Math.floor(sizes.length / 2)]!).toBeLessThan(50_000);
  });

  it('writes strict CRLF RFC 822 that parses, and whose ground truth matches the content', async () => {
    const mismatches: string[] = [];
    for (const m of msgs) {
      const where = `${m.folder} ${m.messageId}`;
      expect(bareLineEnds(m.raw), where).toBe(0);
      expect(longestLine(m.raw), where).toBeLessThanOrEqual(998);
      const p = await PostalMime.parse(m.raw);
      expect(p.messageId).toBe(`<${m.messageId}>`);
      expect(p.subject).toBe(m.subject);
      expect(p.from).toEqual({ name: m.from.name, address: m.from.address });
      expect(p.to).toEqual(m.to);
      expect(new Date(p.date!).getTime(), where).toBe(m.internalDate.getTime());
      expect(
        p.attachments.map((a) => ({ filename: a.filename, contentType: a.mimeType, size: decodedSize(a) })),
        where,
      ).toEqual(m.attachments);
      const { label, problems } = classify(p);
      if (label !== m.clinical || problems.length) mismatches.push(`${where}: declared ${m.clinical}, found ${label} ${problems.join('; ')}`);
    }
    expect(mismatches).toEqual([]);
  }, 120_000);
});

describe('seed profile "bench"', () => {
  it('has 20,000+ mostly small messages, a few large, deterministic', () => {
    let n = 0;
    let total = 0;
    let large = 0;
    const sizes: number[] = [];
    const h = createHash('sha256');
    for (const m of generateMailbox({ profile: 'bench', seed: 3, now: NOW })) {
      n++;
      total += m.raw.length;
      sizes.push(m.raw.length);
      if (m.raw.length > 1_000_000) large++;
      h.update(m.raw);
    }
    sizes.sort((a, b) => a - b);
    expect(n).toBeGreaterThanOrEqual(20_000);
    expect(n).toBe(20_500);
    expect(sizes[Math.floor(n / 2)]!).toBeLessThan(8_000);
    expect(sizes[Math.floor(n * 0.75)]!).toBeLessThan(12_000);
    expect(large).toBeGreaterThanOrEqual(5);
    // Documented in profile.ts: about 314 MiB, for a bench quota of at least 1 GiB.
    expect(total).toBeGreaterThan(290 * MiB);
    expect(total).toBeLessThan(350 * MiB);
    const h2 = createHash('sha256');
    for (const m of generateMailbox({ profile: 'bench', seed: 3, now: NOW })) h2.update(m.raw);
    expect(h2.digest('hex')).toBe(h.digest('hex'));
  }, 120_000);
});
