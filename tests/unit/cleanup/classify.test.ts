import { describe, expect, it } from 'vitest';
import { zipSync } from 'fflate';
import { splitHead } from '../../../lib/webmail/raw';
import {
  classifyMessages,
  classifyRaw,
  isXdmZip,
  looksLikeHprim,
  readAll,
  refKey,
  type CachedVerdict,
  type VerdictCache,
} from '../../../lib/features/cleanup/classify';
import { generateMailbox } from '../../servers/seed/profile.ts';
import { FakeWebmail, rawMessage } from './fake-webmail';

const NOW = new Date('2026-03-15T10:30:00Z');

const HEADER = ['M', 'DUPONT', 'Jean', '12 rue des Lilas', '', '35000 RENNES', '01/02/1960', '160023512345678', '24A1234567', '03/03/2025', 'LABO DU PARC', 'DR MARTIN DURAND'];
const hprimText = (lines = HEADER, end = '****FIN****') => [...lines, '', 'Hémoglobine ..... 13,2 g/dL', '', end, ''].join('\r\n');

describe('HPRIM by content', () => {
  it('recognises the 12-line header followed by the end marker', () => {
    expect(looksLikeHprim(hprimText())).toBe(true);
    expect(looksLikeHprim(hprimText(HEADER, '****FINFICHIER****'))).toBe(true);
    expect(looksLikeHprim(hprimText(HEADER, '  ****fin****  '))).toBe(true);
  });
  it('accepts a 13-line header and a short preamble', () => {
    expect(looksLikeHprim(hprimText(['HPRIM', ...HEADER]))).toBe(true);
    expect(looksLikeHprim(`Bonjour,\n\nci-dessous les résultats\n\n${hprimText()}`)).toBe(true);
  });
  it('refuses the marker without a header, or a header without the marker', () => {
    expect(looksLikeHprim('Fin du message\n****FIN****\n')).toBe(false);
    expect(looksLikeHprim(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', '****FIN****'].join('\n'))).toBe(false);
    expect(looksLikeHprim(HEADER.join('\n'))).toBe(false);
    expect(looksLikeHprim('')).toBe(false);
  });
});

describe('clinical documents in hand-made messages', () => {
  const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n', 'latin1');
  const xdm = zipSync({ 'INDEX.HTM': Buffer.from('<html></html>'), 'IHE_XDM/SUBSET01/METADATA.XML': Buffer.from('<SubmitObjectsRequest/>'), 'IHE_XDM/SUBSET01/DOC0001.PDF': pdf });
  const docx = zipSync({ '[Content_Types].xml': Buffer.from('<Types/>'), 'word/document.xml': Buffer.from('<w:document/>') });

  it('finds HPRIM in the body, and in attachments whatever their type and name', async () => {
    expect(await classifyRaw(rawMessage({ text: hprimText(), textCharset: 'ISO-8859-1' }))).toBe('hprim');
    for (const [filename, contentType] of [
      ['12345.hpr', 'application/octet-stream'],
      ['resultats.dat', 'application/octet-stream'],
      ['RES.txt', 'text/plain'],
      [undefined, 'application/x-hprim'],
    ] as const) {
      expect(await classifyRaw(rawMessage({ attachments: [{ filename, contentType, data: hprimText() }] })), filename).toBe('hprim');
    }
  });
  it('finds XDM zips by their content, not only by their name', async () => {
    expect(isXdmZip(xdm)).toBe(true);
    expect(isXdmZip(docx)).toBe(false);
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: xdm }] }))).toBe('xdm');
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'envoi.zip', contentType: 'application/octet-stream', data: xdm }] }))).toBe('xdm');
    // Named IHE_XDM.ZIP but unreadable: kept all the same.
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: Buffer.from('PK\x03\x04broken', 'latin1') }] }))).toBe('xdm');
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'lettre.docx', contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', data: docx }] }))).toBeNull();
  });
  it('finds PDFs by type, name or signature; XDM wins over PDF, HPRIM over PDF', async () => {
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }))).toBe('pdf');
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'scan', contentType: 'application/octet-stream', data: pdf }] }))).toBe('pdf');
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'CR.PDF', contentType: 'application/octet-stream', data: Buffer.from('xx') }] }))).toBe('pdf');
    expect(
      await classifyRaw(rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }, { filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: xdm }] })),
    ).toBe('xdm');
    expect(await classifyRaw(rawMessage({ text: hprimText(), attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }))).toBe('hprim');
  });
  it('looks into forwarded messages', async () => {
    const inner = rawMessage({ subject: 'Résultats', attachments: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: xdm }] });
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'fwd.eml', contentType: 'message/rfc822', data: inner, encoding: '8bit' }] }))).toBe('xdm');
  });
  it('says nothing clinical for ordinary messages', async () => {
    expect(await classifyRaw(rawMessage({ text: 'Réunion jeudi.\n****FIN****' }))).toBeNull();
    expect(await classifyRaw(rawMessage({ attachments: [{ filename: 'photo.jpg', contentType: 'image/jpeg', data: Buffer.from([0xff, 0xd8, 0, 0, 0xff, 0xd9]) }] }))).toBeNull();
  });
});

describe("the seeder's whole realistic mailbox", () => {
  it('classifies every message as its ground truth says', { timeout: 120_000 }, async () => {
    const wrong: string[] = [];
    const counts: Record<string, number> = {};
    for (const m of generateMailbox({ profile: 'realistic', seed: 1, now: NOW })) {
      const got = await classifyRaw(m.raw);
      counts[String(got)] = (counts[String(got)] ?? 0) + 1;
      if (got !== m.clinical) wrong.push(`${m.folder} ${m.messageId}: ${m.clinical} ≠ ${got}`);
    }
    expect(wrong).toEqual([]);
    // Every kind is present (the test would prove little otherwise), including octet-stream .hpr files.
    expect(counts.xdm).toBeGreaterThan(50);
    expect(counts.hprim).toBeGreaterThan(100);
    expect(counts.pdf).toBeGreaterThan(300);
    expect(counts.null).toBeGreaterThan(500);
  });

  it('classifies HPRIM sent as octet-stream (which a server body search cannot see)', async () => {
    let n = 0;
    for (const m of generateMailbox({ profile: 'realistic', seed: 1, now: NOW })) {
      if (!m.attachments.some((a) => a.contentType === 'application/octet-stream' && a.filename.endsWith('.hpr'))) continue;
      expect(Buffer.from(m.raw).toString('latin1')).not.toContain('****FIN****');
      expect(await classifyRaw(m.raw)).toBe('hprim');
      n++;
    }
    expect(n).toBeGreaterThan(5);
  });
});

class MemoryCache implements VerdictCache {
  rows = new Map<string, CachedVerdict>();
  gets = 0;
  async get(refs: { folderId: string; id: string }[]) {
    this.gets++;
    return refs.map((r) => this.rows.get(refKey(r))).filter((r): r is CachedVerdict => !!r);
  }
  async put(rows: CachedVerdict[]) {
    for (const r of rows) this.rows.set(refKey(r), r);
  }
}

describe('classifyMessages', () => {
  const build = () => {
    const w = new FakeWebmail({ sizes: 'rounded' });
    const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(3000), 'latin1');
    for (let i = 0; i < 12; i++) {
      w.add({
        folderId: 'INBOX',
        raw: rawMessage({ subject: `m${i}`, attachments: i % 3 === 0 ? [{ filename: 'a.pdf', contentType: 'application/pdf', data: pdf }] : [{ filename: 'a.txt', contentType: 'text/plain', data: 'bonjour' }] }),
        date: Date.UTC(2024, 0, i + 1),
        unread: false,
        flagged: false,
        hasAttachment: true,
        subject: `m${i}`,
        from: 'x',
      });
    }
    return w;
  };

  it('downloads each message once, caches verdicts with exact sizes, and a second pass downloads nothing', async () => {
    const w = build();
    const cache = new MemoryCache();
    const list = w.messages.map((m) => w.summary(m));
    const first = await classifyMessages(w, list, { cache });
    expect(w.rawCalls).toBe(12);
    expect(first.stats).toMatchObject({ total: 12, cached: 0, downloaded: 12 });
    expect(first.stats.downloadedBytes).toBe(w.messages.reduce((a, m) => a + m.raw.length, 0));
    expect([...first.verdicts.values()].filter((v) => v === 'pdf')).toHaveLength(4);
    for (const m of w.messages) expect(first.exactSizes.get(refKey(m))).toBe(m.raw.length);
    expect(cache.rows.size).toBe(12);

    const second = await classifyMessages(w, list, { cache });
    expect(w.rawCalls).toBe(12);
    expect(second.stats).toMatchObject({ cached: 12, downloaded: 0, downloadedBytes: 0 });
    expect(second.verdicts).toEqual(first.verdicts);
  });

  it('does not trust a cached verdict whose size does not match (an id reused for another message)', async () => {
    const w = build();
    const cache = new MemoryCache();
    const m = w.messages[0]!;
    await cache.put([{ folderId: m.folderId, id: m.id, size: m.raw.length + 5000, clinical: null }]);
    const r = await classifyMessages(w, [w.summary(m)], { cache });
    expect(w.rawCalls).toBe(1);
    expect(r.verdicts.get(refKey(m))).toBe('pdf');
  });

  it('leaves messages it cannot download unverified, with the reason', async () => {
    const w = build();
    w.failRaw.add(w.messages[3]!.id);
    const r = await classifyMessages(w, w.messages.map((m) => w.summary(m)));
    expect(r.verdicts.get(refKey(w.messages[3]!))).toBe('unverified');
    expect(r.failures.get(refKey(w.messages[3]!))).toBe('network');
    expect([...r.verdicts.values()].filter((v) => v === 'unverified')).toHaveLength(1);
  });

  it('keeps at most `concurrency` downloads open', async () => {
    const w = build();
    let open = 0;
    let peak = 0;
    const slow = {
      rawMessage: async (ref: { folderId: string; id: string }) => {
        open++;
        peak = Math.max(peak, open);
        await new Promise((r) => setTimeout(r, 5));
        const s = await w.rawMessage(ref);
        const bytes = await readAll(s);
        open--;
        return splitHead(new Response(new Uint8Array(bytes)).body!);
      },
    };
    await classifyMessages(slow, w.messages.map((m) => w.summary(m)), { concurrency: 3 });
    expect(peak).toBe(3);
  });

  it('stops when cancelled, keeping what it learnt in the cache', async () => {
    const w = build();
    const cache = new MemoryCache();
    const ctl = new AbortController();
    const p = classifyMessages(w, w.messages.map((m) => w.summary(m)), {
      cache,
      signal: ctl.signal,
      onProgress: (pr) => {
        if (pr.done === 4) ctl.abort();
      },
    });
    await expect(p).rejects.toMatchObject({ code: 'aborted' });
    expect(w.rawCalls).toBeLessThan(12);
    expect(cache.rows.size).toBeGreaterThanOrEqual(3);
  });
});
