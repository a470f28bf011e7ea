/**
 * One buffer for every message of an export, filled in place.
 *
 * Why: a message must be whole in memory once (to hash it: WebCrypto has no streaming digest). Allocating a fresh
 * buffer per message, or keeping the stream's own chunks, leaves garbage the engine frees only at its next
 * collection; ArrayBuffer contents live outside the JS heap and V8 lets tens of MiB of them pile up first. Measured
 * on 1,000 messages (bench/export.ts): +126 MiB peak with fresh buffers, for a 9 MiB largest message.
 * So streams are read with a BYOB ("bring your own buffer") reader straight into this buffer, which only grows
 * (to the largest message) and is reused. A view it returns is valid until the next read: callers must have
 * finished with it (written, hashed) by then.
 *
 * Streams that are not byte streams (or refuse our buffer) are read chunk by chunk and copied in.
 */
export class Scratch {
  private buf: ArrayBuffer = new ArrayBuffer(0);

  /** A buffer of at least n bytes (the current one if big enough; a detached one has byteLength 0). */
  take(n: number): ArrayBuffer {
    if (this.buf.byteLength < n) this.buf = new ArrayBuffer(n);
    return this.buf;
  }

  /** Give back the buffer a BYOB read transferred. */
  put(buf: ArrayBuffer): void {
    this.buf = buf;
  }

  get capacity(): number {
    return this.buf.byteLength;
  }
}

function grown(buf: ArrayBuffer, used: number, need: number): ArrayBuffer {
  const bigger = new ArrayBuffer(Math.max(need, Math.ceil(buf.byteLength * 1.5), 64 * 1024));
  new Uint8Array(bigger).set(new Uint8Array(buf, 0, used));
  return bigger;
}

/**
 * Read a whole stream into the scratch buffer. `hint`: the expected size (the buffer is made this big first).
 * Returns a view of the scratch buffer.
 */
export async function readStreamInto(stream: ReadableStream<Uint8Array>, scratch: Scratch, hint: number, signal?: AbortSignal): Promise<Uint8Array> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    byob = null; // not a byte stream
  }
  if (byob) {
    let buf = scratch.take(Math.max(hint, 64 * 1024));
    let n = 0;
    let first = true;
    try {
      for (;;) {
        signal?.throwIfAborted();
        if (n === buf.byteLength) buf = grown(buf, n, n + 64 * 1024);
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await byob.read(new Uint8Array(buf, n, buf.byteLength - n));
        } catch (e) {
          // A stream of another realm may refuse our buffer (Firefox Xrays): fall back to plain reads.
          if (first && e instanceof TypeError && buf.byteLength > 0) {
            byob.releaseLock();
            byob = null;
            break;
          }
          throw e;
        }
        first = false;
        if (r.value) buf = r.value.buffer as ArrayBuffer;
        if (r.done) break;
        n += r.value!.byteLength;
      }
    } catch (e) {
      byob?.cancel().catch(() => undefined);
      throw e;
    }
    if (byob) {
      scratch.put(buf);
      return new Uint8Array(buf, 0, n);
    }
  }
  const reader = stream.getReader();
  let buf = scratch.take(Math.max(hint, 64 * 1024));
  let n = 0;
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      if (!value?.length) continue;
      if (n + value.length > buf.byteLength) buf = grown(buf, n, n + value.length);
      new Uint8Array(buf).set(value, n);
      n += value.length;
    }
  } catch (e) {
    reader.cancel().catch(() => undefined);
    throw e;
  }
  scratch.put(buf);
  return new Uint8Array(buf, 0, n);
}
