/**
 * Reading an export's bytes in pieces, through buffers that are reused, so that memory stays near one piece
 * whatever the size of a message or of the export.
 *
 * Why: a message is never needed whole: its SHA-256 is computed piece by piece (@noble/hashes, streaming), its
 * CRC by fflate, and each piece is written out before the next is read. Fresh buffers per chunk, a whole-message
 * buffer, or WebCrypto's digest (which copies its input) all leave ArrayBuffers the engine frees only at its next
 * collection; V8 lets tens of MiB of them pile up first. Measured in Chromium on 1,000 messages (largest 9 MiB,
 * bench/export.ts and the notes in BENCHMARKS.md): reading each download whole into one reused buffer peaked at
 * 26 MiB for the download alone, reading it in 256 KiB pieces at 11 MiB.
 *
 * Streams are read with a BYOB ("bring your own buffer") reader straight into the piece buffer. Streams that are not
 * byte streams (or refuse our buffer: Firefox's page-realm streams) are read chunk by chunk and each chunk is copied
 * in: bytes handed on are always in a buffer of this script's own realm (in Firefox, a content script's chunks are
 * page-realm objects that libraries cannot slice or wrap).
 */
import type { RawMessage } from '../webmail/raw';

export const PIECE_BYTES = 256 * 1024;

/** One buffer that grows when asked for more, never shrinks, and is reused (for Blob reads of the check). */
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

/**
 * The pieces of a raw message, in order: its head, then the rest of the download, each a view of one reused
 * buffer of `pieceBytes` (valid until the next piece is asked for: the caller must be done with it by then).
 * On an error or an abort the download is cancelled.
 */
export async function* messagePieces(raw: RawMessage, scratch: Scratch, signal?: AbortSignal, pieceBytes = PIECE_BYTES): AsyncGenerator<Uint8Array> {
  if (!raw.rest) {
    // The whole message came at once (an archive of several): its pieces are views of it.
    for (let at = 0; at < raw.head.length; at += pieceBytes) {
      signal?.throwIfAborted();
      yield raw.head.subarray(at, Math.min(raw.head.length, at + pieceBytes));
    }
    return;
  }
  const rest = raw.rest;
  let started = false;
  try {
    if (raw.head.length) yield raw.head;
    started = true;
    yield* streamPieces(rest, scratch, signal, pieceBytes);
  } finally {
    // Stopped at the head: the download is not needed any more (streamPieces cancels it once it has started).
    if (!started) await rest.cancel().catch(() => undefined);
  }
}

/** The pieces of a stream (see messagePieces). */
export async function* streamPieces(stream: ReadableStream<Uint8Array>, scratch: Scratch, signal?: AbortSignal, pieceBytes = PIECE_BYTES): AsyncGenerator<Uint8Array> {
  let byob: ReadableStreamBYOBReader | null = null;
  try {
    byob = stream.getReader({ mode: 'byob' });
  } catch {
    byob = null; // not a byte stream
  }
  let finished = false;
  try {
    if (byob) {
      let first = true;
      for (;;) {
        signal?.throwIfAborted();
        const buf = scratch.take(pieceBytes);
        let r: ReadableStreamReadResult<Uint8Array>;
        try {
          r = await byob.read(new Uint8Array(buf, 0, pieceBytes));
        } catch (e) {
          // A stream of another realm may refuse our buffer (Firefox Xrays): plain reads below.
          if (first && e instanceof TypeError) {
            byob.releaseLock();
            byob = null;
            break;
          }
          throw e;
        }
        first = false;
        if (r.value) scratch.put(r.value.buffer as ArrayBuffer);
        if (r.done) {
          finished = true;
          return;
        }
        if (r.value!.byteLength) yield new Uint8Array(r.value!.buffer, r.value!.byteOffset, r.value!.byteLength);
      }
    }
    const reader = stream.getReader();
    try {
      for (;;) {
        signal?.throwIfAborted();
        const { done, value } = await reader.read();
        if (done) {
          finished = true;
          return;
        }
        if (!value?.length) continue;
        // Copied into our own buffer whole (a page-realm chunk can be copied from, not sliced), handed on in pieces.
        const own = new Uint8Array(scratch.take(Math.max(pieceBytes, value.length)), 0, value.length);
        own.set(value);
        for (let at = 0; at < own.length; at += pieceBytes) {
          yield own.subarray(at, Math.min(own.length, at + pieceBytes));
          signal?.throwIfAborted();
        }
      }
    } finally {
      reader.releaseLock();
    }
  } finally {
    // Stopped by an error, an abort or the consumer (return() on the generator): the download is not needed any more.
    if (!finished) {
      if (byob) await byob.cancel().catch(() => undefined);
      else await stream.cancel().catch(() => undefined);
    }
  }
}
