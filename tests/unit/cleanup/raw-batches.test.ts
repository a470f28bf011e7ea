/**
 * The classifier's downloads in batches (lib/features/cleanup/raw-batches.ts through classifyMessages): fewer
 * requests for the same verdicts, and every way a batch can fall short ends in one-by-one downloads (or
 * 'unverified'), never in a verdict for bytes that may not be the message.
 */
import { describe, expect, it } from 'vitest';
import { classifyMessages, refKey } from '../../../lib/features/cleanup/classify';
import { BATCHES_OUT, BATCH_MAX_BYTES, cutRawBatches } from '../../../lib/features/cleanup/raw-batches';
import { ARCHIVE_MAX_MESSAGES as BATCH_MAX_MESSAGES } from '../../../lib/webmail/kit/archive';
import { WebmailError, type MessageSummary } from '../../../lib/webmail/types';
import { FakeWebmail, rawMessage } from './fake-webmail';

const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(3000), 'latin1');

function build(n: number, folders = ['INBOX']) {
  const w = new FakeWebmail({ sizes: 'rounded' });
  for (let i = 0; i < n; i++) {
    w.add({
      folderId: folders[i % folders.length]!,
      raw: rawMessage({ subject: `m${i}`, attachments: i % 3 === 0 ? [{ filename: 'a.pdf', contentType: 'application/pdf', data: pdf }] : [{ filename: 'a.bin', contentType: 'application/octet-stream', data: 'bonjour' }] }),
      date: Date.UTC(2024, 0, 1 + (i % 28)),
      unread: false,
      flagged: false,
      hasAttachment: true,
      subject: `m${i}`,
      from: 'x',
    });
  }
  return w;
}

/** The fake as a webmail offering archives: what each call asked, and a hook to spoil an answer. */
function withBatches(w: FakeWebmail, spoil: (folderId: string, ids: string[], got: Map<string, Uint8Array>) => Map<string, Uint8Array> = (_f, _i, g) => g) {
  const calls: { folderId: string; ids: string[]; maxBytes: number }[] = [];
  const webmail = {
    rawMessage: w.rawMessage.bind(w),
    rawMessages: async (folderId: string, ids: string[], opts: { maxBytes: number }) => {
      calls.push({ folderId, ids, maxBytes: opts.maxBytes });
      const got = new Map<string, Uint8Array>();
      for (const id of ids) {
        const m = w.byRef({ folderId, id });
        if (m) got.set(id, new Uint8Array(m.raw));
      }
      return spoil(folderId, ids, got);
    },
  };
  return { webmail, calls };
}

const verdictsOf = (r: { verdicts: Map<string, unknown> }) => [...r.verdicts.entries()].sort();

describe('cutRawBatches', () => {
  const s = (folderId: string, id: number, size: number): MessageSummary =>
    ({ ref: { folderId, id: String(id) }, size, sizePrecision: 512, date: 0, from: '', subject: '', unread: false, flagged: false, hasAttachment: false }) as MessageSummary;
  it('cuts by folder, message count and listed bytes; large messages and lone ones go alone', () => {
    const list = [
      ...Array.from({ length: BATCH_MAX_MESSAGES + 3 }, (_, i) => s('A', i, 10_000)),
      s('B', 1, 10_000),
      s('A', 999, 2 * 1024 * 1024),
      ...Array.from({ length: 10 }, (_, i) => s('C', i, 900_000)),
    ];
    const { batches, alone } = cutRawBatches(list);
    for (const b of batches) {
      expect(new Set(b.map((m) => m.ref.folderId)).size).toBe(1);
      expect(b.length).toBeLessThanOrEqual(BATCH_MAX_MESSAGES);
      expect(b.reduce((n, m) => n + m.size + m.sizePrecision, 0)).toBeLessThanOrEqual(BATCH_MAX_BYTES);
    }
    expect(alone.map((m) => `${m.ref.folderId}/${m.ref.id}`).sort()).toEqual(['A/999', 'B/1']);
    expect(batches.flat().length + alone.length).toBe(list.length);
  });
});

describe('classifyMessages with batches', () => {
  it('gives the same verdicts and sizes as one download each, in a request per batch', async () => {
    const one = build(60, ['INBOX', 'Archives']);
    const plain = await classifyMessages(one, one.messages.map((m) => one.summary(m)));
    const w = build(60, ['INBOX', 'Archives']);
    const { webmail, calls } = withBatches(w);
    const r = await classifyMessages(webmail, w.messages.map((m) => w.summary(m)));
    expect(verdictsOf(r)).toEqual(verdictsOf(plain));
    expect([...r.exactSizes.entries()].sort()).toEqual([...plain.exactSizes.entries()].sort());
    expect(w.rawCalls).toBe(0);
    expect(calls).toHaveLength(2);
    expect(r.stats).toMatchObject({ downloaded: 60, batchRequests: 2 });
    for (const c of calls) expect(c.maxBytes).toBeGreaterThanOrEqual(c.ids.reduce((n, id) => n + w.byRef({ folderId: c.folderId, id })!.raw.length, 0));
  });

  it('downloads one by one what a batch left out or brought with the wrong size', async () => {
    const w = build(20);
    const [gone, swapped] = [w.messages[3]!, w.messages[5]!];
    const { webmail } = withBatches(w, (_f, _ids, got) => {
      got.delete(gone.id);
      got.set(swapped.id, new Uint8Array(Buffer.concat([Buffer.from(swapped.raw), Buffer.alloc(4000, 65)])));
      return got;
    });
    const r = await classifyMessages(webmail, w.messages.map((m) => w.summary(m)));
    expect(w.rawCalls).toBe(2);
    expect(r.verdicts.get(refKey(gone))).toBe('pdf');
    expect(r.exactSizes.get(refKey(swapped))).toBe(swapped.raw.length);
    expect(r.stats.downloaded).toBe(20);
  });

  it('keeps BATCHES_OUT requests out: the next is asked as soon as one has arrived, before its messages are classified', async () => {
    const w = build(160);
    const { webmail, calls } = withBatches(w);
    let asked = 0;
    let answered = 0;
    let most = 0;
    const paced = {
      rawMessage: webmail.rawMessage,
      rawMessages: async (folderId: string, ids: string[], opts: { maxBytes: number }) => {
        asked++;
        most = Math.max(most, asked - answered);
        await new Promise((r) => setTimeout(r, 5));
        const got = await webmail.rawMessages(folderId, ids, opts);
        answered++;
        return got;
      },
    };
    // While the messages of batch k are classified, batches up to k + BATCHES_OUT are already asked.
    const askedWhileClassifying = new Map<number, number>();
    const r = await classifyMessages(paced, w.messages.map((m) => w.summary(m)), {
      onProgress: (p) => {
        if (p.done > 0 && !askedWhileClassifying.has(answered)) askedWhileClassifying.set(answered, asked);
      },
    });
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(r.stats.batchRequests).toBe(calls.length);
    expect(most).toBe(BATCHES_OUT);
    for (let k = 1; k <= calls.length; k++) expect(askedWhileClassifying.get(k)).toBe(Math.min(k + BATCHES_OUT, calls.length));
  });

  it('after a failed batch asks no other batch: the rest goes one by one, and what fails there is unverified', async () => {
    const w = build(200);
    let n = 0;
    const { webmail, calls } = withBatches(w, (_f, _ids, got) => {
      // The first fails; the one already out with it when it failed still counts; none is asked after.
      if (++n === 1) throw new WebmailError('server', 'HTTP 500 for the archive');
      return got;
    });
    w.failRaw.add(w.messages[7]!.id);
    const r = await classifyMessages(webmail, w.messages.map((m) => w.summary(m)));
    expect(calls).toHaveLength(BATCHES_OUT);
    expect(cutRawBatches(w.messages.map((m) => w.summary(m))).batches.length).toBeGreaterThan(BATCHES_OUT);
    // One by one: all but what the batches already out brought (the fake does not count the download made to fail).
    expect(w.rawCalls).toBe(200 - calls.slice(1).reduce((n, c) => n + c.ids.length, 0) - 1);
    expect(r.verdicts.get(refKey(w.messages[7]!))).toBe('unverified');
    expect(r.stats.errors.join(' ')).toContain('batches stopped: server');
  });

  it("asks nothing of a page that does not offer archives (the adapter says so without a request)", async () => {
    const w = build(10);
    const webmail = {
      rawMessage: w.rawMessage.bind(w),
      rawMessages: async () => {
        throw new WebmailError('unsupported', 'no menu', { asked: false });
      },
    };
    const r = await classifyMessages(webmail, w.messages.map((m) => w.summary(m)));
    expect(w.rawCalls).toBe(10);
    expect(r.stats.batchRequests).toBe(0);
  });

  it('stops when cancelled during a batch', async () => {
    const w = build(10);
    const ctl = new AbortController();
    const webmail = {
      rawMessage: w.rawMessage.bind(w),
      rawMessages: async () => {
        ctl.abort();
        throw new WebmailError('aborted', 'aborted');
      },
    };
    await expect(classifyMessages(webmail, w.messages.map((m) => w.summary(m)), { signal: ctl.signal })).rejects.toMatchObject({ code: 'aborted' });
    expect(w.rawCalls).toBe(0);
  });
});
