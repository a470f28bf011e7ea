/**
 * Downloads for the classifier in few requests: where the webmail offers several raw messages in one answer
 * (Webmail.rawMessages: Roundcube's zipdownload archives), the messages to classify go by folder in batches of a
 * few MiB, one request each, instead of one request per message (the preview's cost on a paced connection is its
 * request count: issue 14, and the firewall's rule counts requests).
 *
 * Safe direction: a message comes from a batch only when the archive holds it once, under its own uid, with as many
 * bytes as the listing said (within the listing's precision); anything else, and every message of a batch that
 * failed, is left to the one-by-one downloads, which mark what they cannot read 'unverified' (kept). After one
 * failed batch no further batch is asked (no retry loop: the one-by-one path takes over, paced).
 */
import type { MessageSummary, Webmail } from '../../webmail/types';
// Messages per request and the size past which one goes alone: the kit's, shared with the export.
import { ARCHIVE_MAX_MESSAGES, ARCHIVE_MESSAGE_MAX_BYTES } from '../../webmail/kit/archive';
import { isWebmailError } from '../../webmail/types';

/** Listed bytes per request (Roundcube's plugin allows 50 MB by default; ours keeps memory and a slow link in mind). */
export const BATCH_MAX_BYTES = 4 * 1024 * 1024;

/**
 * Batch requests out at once. One: two made no difference the test host could measure (bench/cleanup-plan.ts,
 * Roundcube, Chromium, runs interleaved: classification 3.8 and 3.0 s with one out, 2.9 and 3.1 s with two), and a
 * host builds each archive with its own CPU. What helps for certain is asking the next one as soon as one arrives.
 */
export const BATCHES_OUT = 1;

const upper = (m: MessageSummary) => m.size + m.sizePrecision;

/** The batches (one folder each, in the given order) and the messages that go alone. */
export function cutRawBatches(messages: readonly MessageSummary[]): { batches: MessageSummary[][]; alone: MessageSummary[] } {
  const alone: MessageSummary[] = [];
  const byFolder = new Map<string, MessageSummary[]>();
  for (const m of messages) {
    if (upper(m) > ARCHIVE_MESSAGE_MAX_BYTES) alone.push(m);
    else byFolder.set(m.ref.folderId, [...(byFolder.get(m.ref.folderId) ?? []), m]);
  }
  const batches: MessageSummary[][] = [];
  for (const list of byFolder.values()) {
    let cur: MessageSummary[] = [];
    let bytes = 0;
    for (const m of list) {
      if (cur.length && (cur.length >= ARCHIVE_MAX_MESSAGES || bytes + upper(m) > BATCH_MAX_BYTES)) {
        batches.push(cur);
        cur = [];
        bytes = 0;
      }
      cur.push(m);
      bytes += upper(m);
    }
    if (cur.length) batches.push(cur);
  }
  // A batch of one is a plain download.
  return { batches: batches.filter((b) => b.length > 1), alone: [...alone, ...batches.filter((b) => b.length === 1).flat()] };
}

export interface BatchOutcome {
  /** Messages still to download one by one. */
  left: MessageSummary[];
  requests: number;
  /** Why batches stopped (an error code), for diagnosis; null when they all went through or none was asked. */
  stoppedBy: string | null;
}

/**
 * Fetch what batches can fetch, handing each message's bytes to `take` as its batch arrives. BATCHES_OUT requests are
 * out at once and the next is asked as soon as one has arrived, so the host builds an archive while the last one is
 * classified (it was asked only after the last message was classified). Memory: BATCHES_OUT + 1 batches at most.
 * After a failed batch no other is asked; one already out is still used if it arrives. `take` refuses bytes that
 * cannot be the listed message (their size), which then go one by one. Throws only when `signal` aborts.
 */
export async function downloadInBatches(
  webmail: Pick<Webmail, 'rawMessages'>,
  messages: readonly MessageSummary[],
  take: (m: MessageSummary, bytes: Uint8Array) => Promise<boolean>,
  opts: { signal?: AbortSignal } = {},
): Promise<BatchOutcome> {
  const fetchMany = webmail.rawMessages?.bind(webmail);
  if (!fetchMany || messages.length < 2) return { left: [...messages], requests: 0, stoppedBy: null };
  const { batches, alone } = cutRawBatches(messages);
  const left = [...alone];
  let requests = 0;
  let stoppedBy: string | null = null;
  const ask = (batch: MessageSummary[]) => {
    requests++;
    const maxBytes = batch.reduce((n, m) => n + upper(m), 0);
    const p = fetchMany(batch[0]!.ref.folderId, batch.map((m) => m.ref.id), { maxBytes, ...(opts.signal ? { signal: opts.signal } : {}) });
    p.catch(() => undefined); // handled when its turn comes
    return p;
  };
  const out = new Map<number, Promise<Map<string, Uint8Array>>>();
  for (let i = 0; i < Math.min(BATCHES_OUT, batches.length); i++) out.set(i, ask(batches[i]!));
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i]!;
    const asked = out.get(i);
    out.delete(i);
    if (!asked) {
      left.push(...batch);
      continue;
    }
    let got: Map<string, Uint8Array>;
    try {
      got = await asked;
    } catch (e) {
      if (opts.signal?.aborted) throw e;
      stoppedBy = isWebmailError(e) ? e.code : 'error';
      if (isWebmailError(e) && (e.detail as { asked?: boolean } | undefined)?.asked === false) requests--; // said without a request
      left.push(...batch);
      continue;
    }
    if (stoppedBy === null && i + BATCHES_OUT < batches.length) out.set(i + BATCHES_OUT, ask(batches[i + BATCHES_OUT]!));
    for (const m of batch) {
      const bytes = got.get(m.ref.id);
      if (!bytes || !(await take(m, bytes))) left.push(m);
    }
  }
  return { left, requests, stoppedBy };
}
