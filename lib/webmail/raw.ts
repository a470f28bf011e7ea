/**
 * A message's raw source as adapters hand it over: the first bytes, already read and looked at (a message starts
 * with a header field), and the rest of the download as the browser's own stream.
 *
 * Why not one stream: the adapter must look at the first bytes (Roundcube answers a UID that is not there with an
 * "attachment" too: empty, or PHP's warnings), and a tee() to peek at them makes the browser copy every chunk of the
 * download into fresh buffers that the engine frees only at its next collection (measured in Chromium: +17 MiB peak
 * on a 1,000-message export whose largest message is 9 MiB). Building a stream of our own around the reader is not
 * an option either: in Firefox a content script's ReadableStream constructor is the page's, which may not call back
 * into the content script. So the head travels beside the untouched body, and readers (export, classifier) read
 * the rest with a BYOB reader into their own buffer (see readInto()).
 */
import { WebmailError } from './error';

export interface RawMessage {
  /** The first bytes of the message (at least 256 unless the message is shorter), in a buffer of this script's own. */
  head: Uint8Array;
  /**
   * The rest of the download, after `head`: unread, unlocked. Null when `head` is the whole message (it came whole,
   * in an archive of several: Webmail.rawMessages).
   */
  rest: ReadableStream<Uint8Array> | null;
}

/** An RFC 822 message starts with a header field ("Name:") or an mbox "From " line; PHP warnings or HTML do not. */
export function looksLikeMessageStart(bytes: Uint8Array): boolean {
  let end = 0;
  while (end < bytes.length && bytes[end] !== 10 && bytes[end] !== 13 && end < 1000) end++;
  const line = String.fromCharCode(...bytes.subarray(0, end));
  return /^[!-9;-~]+:/.test(line) || /^From /.test(line);
}

const HEAD_BYTES = 1024;

/**
 * Reads the first bytes of a download (up to HEAD_BYTES through a BYOB reader where the stream allows, else its
 * first chunks, copied) and checks they start a message; then releases the stream for the caller. A download that
 * is empty or does not start like a message is cancelled and fails with 'not-found' (what Roundcube's answer to a
 * missing UID looks like); a network failure with 'network'.
 */
export async function splitHead(body: ReadableStream<Uint8Array>): Promise<RawMessage> {
  let head = new Uint8Array(HEAD_BYTES);
  let n = 0;
  try {
    let byob: ReadableStreamBYOBReader | null = null;
    try {
      byob = body.getReader({ mode: 'byob' });
    } catch {
      byob = null; // not a byte stream
    }
    if (byob) {
      try {
        while (n < 256) {
          const r = await byob.read(new Uint8Array(head.buffer, n, head.byteLength - n));
          if (r.value) head = new Uint8Array(r.value.buffer, 0, HEAD_BYTES);
          if (r.done) break;
          n += r.value!.byteLength;
        }
      } catch (e) {
        // A stream of another realm may refuse our buffer (Firefox Xrays): plain reads below, if nothing was read.
        if (n > 0 || !(e instanceof TypeError)) throw e;
        byob.releaseLock();
        byob = null;
        head = new Uint8Array(HEAD_BYTES);
      }
      byob?.releaseLock();
    }
    if (!byob && n === 0) {
      const reader = body.getReader();
      try {
        while (n < 256) {
          const r = await reader.read();
          if (r.done) break;
          if (n + r.value.length > head.length) {
            const bigger = new Uint8Array(n + r.value.length);
            bigger.set(head.subarray(0, n));
            head = bigger;
          }
          // Copied: in Firefox the chunk belongs to the page's realm (see the export's notes).
          head.set(r.value, n);
          n += r.value.length;
        }
      } finally {
        reader.releaseLock();
      }
    }
  } catch (e) {
    body.cancel().catch(() => undefined);
    if (e instanceof WebmailError) throw e;
    throw new WebmailError('network', 'the message download failed', e);
  }
  const first = head.subarray(0, n);
  if (n === 0 || !looksLikeMessageStart(first)) {
    body.cancel().catch(() => undefined);
    throw new WebmailError('not-found', 'the webmail sent no message (it is no longer there)');
  }
  return { head: first, rest: body };
}

/**
 * Reads a raw message whole, into one buffer of this script's own (the classifier needs it whole). Refuses more
 * than `maxBytes`.
 */
export async function readWhole(raw: RawMessage, opts: { signal?: AbortSignal; maxBytes: number }): Promise<Uint8Array> {
  if (!raw.rest) {
    if (raw.head.length > opts.maxBytes) throw new WebmailError('unsupported', `Message larger than ${opts.maxBytes} bytes`);
    return raw.head;
  }
  let buf = new Uint8Array(Math.max(raw.head.length, 64 * 1024));
  buf.set(raw.head);
  let n = raw.head.length;
  const grow = (need: number) => {
    if (need > opts.maxBytes) throw new WebmailError('unsupported', `Message larger than ${opts.maxBytes} bytes`);
    if (need <= buf.length) return;
    const bigger = new Uint8Array(Math.min(opts.maxBytes, Math.max(need, buf.length * 2)));
    bigger.set(buf.subarray(0, n));
    buf = bigger;
  };
  const reader = raw.rest.getReader();
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new WebmailError('aborted', 'Aborted');
      const { done, value } = await reader.read();
      if (done) break;
      grow(n + value.length);
      buf.set(value, n);
      n += value.length;
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  } finally {
    reader.releaseLock();
  }
  return buf.subarray(0, n);
}
