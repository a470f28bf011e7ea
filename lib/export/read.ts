/** Reading the head of one message (its header block) before its entry is written. */
import type { Scratch } from './buffer';

// ---------------------------------------------------------------------------------------------------------------
// Reading one message

/** The header block is read from at most this many first bytes (headers.ts reads no further). */
export const LEAD_MAX = 256 * 1024;

/** True when bytes[0, n) holds the empty line that ends a header block (scanning from `from`). */
function endsHeader(bytes: Uint8Array, from: number, n: number): boolean {
  for (let i = Math.max(0, from - 2); i < n; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a && i + 1 < n) return true;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a && i + 2 < n) return true;
  }
  return false;
}

/**
 * The first pieces of a message, up to the end of its header block (or LEAD_MAX), copied into `lead` (which grows
 * to at most LEAD_MAX + one piece): the file name and manifest need subject, sender and date before the entry is
 * written. `whole`: the entire message (its size must be known before it is written and nobody said it). Returns
 * the bytes gathered and whether the message ended meanwhile.
 */
export async function readLead(pieces: AsyncGenerator<Uint8Array>, lead: Scratch, whole: boolean): Promise<{ bytes: Uint8Array; ended: boolean }> {
  let buf = lead.take(64 * 1024);
  let n = 0;
  for (;;) {
    const r = await pieces.next();
    if (r.done) return { bytes: new Uint8Array(buf, 0, n), ended: true };
    const piece = r.value;
    if (n + piece.length > buf.byteLength) {
      const bigger = new ArrayBuffer(Math.max(n + piece.length, buf.byteLength * 2));
      new Uint8Array(bigger).set(new Uint8Array(buf, 0, n));
      lead.put(bigger);
      buf = bigger;
    }
    const view = new Uint8Array(buf);
    view.set(piece, n);
    const from = n;
    n += piece.length;
    if (!whole && (n >= LEAD_MAX || endsHeader(view, from, n))) return { bytes: new Uint8Array(buf, 0, n), ended: false };
  }
}

