/**
 * Subject, sender and date of a raw message, for the export's file names and manifest. Only the header block is
 * read (up to the first empty line, at most 256 KiB); encoded words (RFC 2047) are decoded with postal-mime's
 * decoder. The result is plain text: never HTML, control characters removed.
 */
import { decodeWords } from 'postal-mime';

export interface MessageHeaders {
  subject: string | null;
  from: string | null;
  /** The Date header (epoch ms), or null when absent or unreadable. */
  date: number | null;
}

const MAX_HEADER_BYTES = 256 * 1024;

/** Offset of the empty line ending the header block (or the scanned length when there is none). */
function headerEnd(raw: Uint8Array, limit: number): number {
  const n = Math.min(raw.length, limit);
  for (let i = 0; i < n; i++) {
    if (raw[i] !== 0x0a) continue;
    if (raw[i + 1] === 0x0a) return i;
    if (raw[i + 1] === 0x0d && raw[i + 2] === 0x0a) return i;
  }
  return n;
}

function decodeBlock(bytes: Uint8Array): string {
  try {
    // RFC 6532 allows raw UTF-8 in headers.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export function cleanText(s: string): string {
  return s.replace(/\r?\n|\r|\t/g, ' ').replace(CONTROL, '').replace(/\s+/g, ' ').trim();
}

function decodeValue(v: string): string {
  let out: string;
  try {
    out = decodeWords(v);
  } catch {
    out = v;
  }
  return cleanText(out);
}

/** Parse an RFC 5322 date ("Sun, 2 Mar 2025 10:15:00 +0100 (CET)"), or null. */
export function parseMailDate(value: string): number | null {
  const v = value.replace(/\([^)]*\)/g, ' ').replace(/\s+/g, ' ').trim();
  if (!v) return null;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : null;
}

export function readHeaders(raw: Uint8Array): MessageHeaders {
  const text = decodeBlock(raw.subarray(0, headerEnd(raw, MAX_HEADER_BYTES)));
  // Unfold continuation lines.
  const lines = text
    .replace(/\r?\n[ \t]+/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.replace(/\r$/, ''));
  const found: Record<string, string> = {};
  for (const line of lines) {
    const m = /^([!-9;-~]+):[ \t]*(.*)$/.exec(line);
    if (!m) continue;
    const name = m[1]!.toLowerCase();
    if ((name === 'subject' || name === 'from' || name === 'date') && !(name in found)) found[name] = m[2]!;
  }
  return {
    subject: found.subject !== undefined ? decodeValue(found.subject) : null,
    from: found.from !== undefined ? decodeValue(found.from) : null,
    date: found.date !== undefined ? parseMailDate(found.date) : null,
  };
}
