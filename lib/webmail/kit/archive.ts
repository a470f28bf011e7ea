/**
 * Reading an archive a webmail built of several raw messages (Roundcube's zipdownload plugin), for adapters'
 * Webmail.rawMessages. The archive is untrusted input: its size is bounded while it downloads, every entry's
 * declared size is checked before it is inflated (a small zip can claim gigabytes), and what comes out is checked
 * again against the declaration. fflate (already the export's and the classifier's zip library) does the inflating,
 * synchronously: the batches are small (the caller bounds them to a few MiB) and fflate's asynchronous mode needs
 * workers that a webmail page's content security policy may refuse.
 */
import { unzipSync } from 'fflate';
import { WebmailError } from '../error';
import { looksLikeMessageStart, readWhole } from '../raw';

/** Messages per archive request (the server reads them one after another before it answers). */
export const ARCHIVE_MAX_MESSAGES = 50;
/** Larger messages go alone: their own transfer dwarfs a request's cost. */
export const ARCHIVE_MESSAGE_MAX_BYTES = 1024 * 1024;

/** The body of a download, read whole into one buffer of this script's own, refused past `maxBytes`. */
export async function readBody(body: ReadableStream<Uint8Array> | null, opts: { maxBytes: number; signal?: AbortSignal }): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  return readWhole({ head: new Uint8Array(0), rest: body }, opts);
}

/** A zip's local-file signature (PK\x03\x04): the answer is an archive, not an error page. */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The archive's entries by name (directories left out), none declared or found larger than `maxEntryBytes`, all
 * together at most `maxTotalBytes`. Throws WebmailError('invalid-response') for anything else (not a zip, a
 * damaged one, an entry over the bounds): the caller then falls back to one download per message.
 */
export function unzipBounded(zip: Uint8Array, opts: { maxEntryBytes: number; maxTotalBytes: number }): Map<string, Uint8Array> {
  if (!looksLikeZip(zip)) throw new WebmailError('invalid-response', 'the webmail did not send an archive');
  let declared = 0;
  let tooBig = false;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zip, {
      filter: (f) => {
        if (f.name.endsWith('/')) return false;
        declared += f.originalSize;
        if (f.originalSize > opts.maxEntryBytes || declared > opts.maxTotalBytes) tooBig = true;
        return !tooBig;
      },
    });
  } catch (e) {
    throw new WebmailError('invalid-response', 'the archive could not be read', e);
  }
  if (tooBig) throw new WebmailError('invalid-response', 'the archive holds more than was asked for');
  const out = new Map<string, Uint8Array>();
  let total = 0;
  for (const [name, bytes] of Object.entries(files)) {
    total += bytes.length;
    if (bytes.length > opts.maxEntryBytes || total > opts.maxTotalBytes) throw new WebmailError('invalid-response', 'the archive holds more than was asked for');
    out.set(name, bytes);
  }
  return out;
}

/**
 * The messages of an archive answer, by the caller's id: the body read within `maxBytes` (plus a header and a name
 * per entry), inflated within bounds, and an entry kept only when `idOf(name)` names an id that was asked, once, and
 * its bytes start like a message. What is left out, the caller downloads alone.
 */
export async function messagesFromArchive(
  body: ReadableStream<Uint8Array> | null,
  asked: ReadonlySet<string>,
  idOf: (entryName: string) => string | null,
  opts: { maxBytes: number; signal?: AbortSignal },
): Promise<Map<string, Uint8Array>> {
  const bytes = await readBody(body, { maxBytes: opts.maxBytes + 4096 + asked.size * 512, ...(opts.signal ? { signal: opts.signal } : {}) });
  const entries = unzipBounded(bytes, { maxEntryBytes: opts.maxBytes, maxTotalBytes: opts.maxBytes });
  const out = new Map<string, Uint8Array>();
  const seen = new Set<string>();
  for (const [name, raw] of entries) {
    const id = idOf(name);
    if (id === null || !asked.has(id)) continue;
    if (seen.has(id)) {
      out.delete(id); // twice: neither is trusted
      continue;
    }
    seen.add(id);
    if (raw.length > 0 && looksLikeMessageStart(raw.subarray(0, 1024))) out.set(id, raw);
  }
  return out;
}
