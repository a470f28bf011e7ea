/**
 * Names in the readable part of an export:
 *
 *   Messages/2025-03-02 10h15 - Laboratoire Exemple - Résultats de biologie – M. X/message.html
 *   Messages/2025-03-02 10h15 - Laboratoire Exemple - Résultats de biologie – M. X/RES_25A123.hpr
 *
 * A message's folder sorts by date in any listing (ISO day, then 24-hour time with "h": a colon is forbidden on
 * Windows and shown as "/" by the macOS Finder), then reads as sender and subject. Each segment goes through the
 * export's safeSegment (NFC, no control or invisible characters, none of < > : " / \ | ? *, no leading dots,
 * no trailing dots or spaces, no reserved Windows device names) and is shortened to fit both 255 UTF-8 bytes
 * (Linux) and a budget of UTF-16 units (Windows and macOS count those), so that a whole relative path stays
 * under READABLE_PATH_UNITS: Windows' classic 260-character path limit must also hold the folder the user
 * unzips into. Names are unique ignoring case (Windows and macOS file systems ignore it).
 */
import { localDay, safeSegment, truncateUtf8 } from '../../features/cleanup/export-names';

/** UTF-16 units for a message folder's name, and for a file's name inside it. */
export const FOLDER_UNITS = 96;
export const FILE_UNITS = 64;
/** The longest relative path the readable part writes (root ≤ 24, folder, file, separators). */
export const READABLE_PATH_UNITS = 24 + 1 + FOLDER_UNITS + 1 + FILE_UNITS;
/** Room kept for a " (12)" collision suffix. */
const SUFFIX_ROOM = 6;

/** The longest prefix of `s` (whole code points) within `units` UTF-16 units and `bytes` UTF-8 bytes. */
export function fitUnits(s: string, units: number, bytes = 255): string {
  let out = '';
  for (const ch of s) {
    if (out.length + ch.length > units) break;
    out += ch;
  }
  return truncateUtf8(out, bytes);
}

/** safeSegment shortened to `units`, trimmed again (cutting can leave a trailing space or dot). */
export function fitSegment(input: string, units: number): string {
  return safeSegment(fitUnits(safeSegment(input, 255), units), 255);
}

/** What MSSanté sender software puts before a document's title (hidden, as the Ségur UX rules ask of clients). */
const XDM_PREFIX = /^\s*XDM\/1\.0\/DDM\+\s*/i;

export function cleanSubject(subject: string): string {
  return (subject ?? '').replace(XDM_PREFIX, '').replace(/\s+/g, ' ').trim();
}

/** The sender as a person reads it: the display name, else the address. */
export function senderLabel(from: { name?: string | null; address?: string | null } | null | undefined): string {
  const name = (from?.name ?? '').replace(/^["']+|["']+$/g, '').trim();
  return name || (from?.address ?? '').trim();
}

/** Local "YYYY-MM-DD HHhMM", or null. */
export function sortableStamp(ms: number | null): string | null {
  const day = localDay(ms);
  if (!day || ms === null) return null;
  const d = new Date(ms);
  return `${day} ${String(d.getHours()).padStart(2, '0')}h${String(d.getMinutes()).padStart(2, '0')}`;
}

export interface FolderTexts {
  noSubject: string;
  noDate: string;
  noSender: string;
}

/**
 * A safe segment of at most `units`: whole when it fits, else cut at a word boundary when one is near the end, and
 * marked with "…" (a character every file system accepts).
 */
export function shortenSegment(input: string, units: number): string {
  const whole = fitSegment(input, 255);
  if (whole.length <= units) return whole;
  let cut = fitUnits(whole, units - 1);
  const space = cut.lastIndexOf(' ');
  if (space >= cut.length * 0.6) cut = cut.slice(0, space);
  return fitSegment(`${cut.replace(/[\s.,;–-]+$/u, '')}…`, units);
}

/** "2025-03-02 10h15 - sender - subject", shortened to fit FOLDER_UNITS minus room for a suffix. */
export function messageFolderName(p: { date: number | null; sender: string; subject: string }, texts: FolderTexts): string {
  const stamp = sortableStamp(p.date) ?? `0000-00-00 ${texts.noDate}`;
  const room = FOLDER_UNITS - SUFFIX_ROOM - stamp.length - 6;
  const sender = shortenSegment(p.sender?.trim() ? p.sender : texts.noSender, Math.min(28, Math.floor(room * 0.4)));
  const subjectText = cleanSubject(p.subject) || texts.noSubject;
  const subject = shortenSegment(subjectText, room - sender.length);
  return fitSegment(`${stamp} - ${sender} - ${subject}`, FOLDER_UNITS - SUFFIX_ROOM);
}

const EXT_BY_TYPE: Record<string, string> = {
  'application/pdf': 'pdf',
  'application/zip': 'zip',
  'application/xml': 'xml',
  'text/xml': 'xml',
  'text/plain': 'txt',
  'text/html': 'html',
  'text/calendar': 'ics',
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'message/rfc822': 'eml',
};

/** Splits "name.ext" (a short alphanumeric extension only); the extension lower-cased is not forced. */
function splitExt(name: string): { base: string; ext: string } {
  const m = /^(.*)\.([A-Za-z0-9]{1,8})$/.exec(name);
  return m && m[1]!.trim() ? { base: m[1]!, ext: m[2]! } : { base: name, ext: '' };
}

/**
 * A safe file name for an attachment (before collisions): its own name cleaned, or `fallback` (e.g.
 * "piece-jointe-2") with an extension from its MIME type. Executable-looking names stay as they are: they are
 * files in a folder, never opened by the page.
 */
export function attachmentFileName(name: string | null | undefined, mimeType: string | null | undefined, fallback: string): string {
  const raw = (name ?? '').normalize('NFC').trim();
  const typeExt = EXT_BY_TYPE[(mimeType ?? '').toLowerCase()] ?? 'bin';
  const { base, ext } = splitExt(raw.replace(/^.*[\\/]/, ''));
  const cleanExt = ext ? safeSegment(ext, 16) : typeExt;
  const baseClean = base.trim() ? base : fallback;
  return `${fitSegment(baseClean, FILE_UNITS - SUFFIX_ROOM - cleanExt.length - 1)}.${cleanExt}`;
}

const key = (s: string) => s.normalize('NFC').toLowerCase();

function withSuffix(name: string, n: number): string {
  const { base, ext } = splitExt(name);
  return ext ? `${base} (${n}).${ext}` : `${name} (${n})`;
}

/** Unique names within one folder (ignoring case), " (2)", " (3)"… before the extension. */
export class UniqueNames {
  private taken = new Set<string>();

  constructor(reserved: string[] = []) {
    for (const r of reserved) this.taken.add(key(r));
  }

  claim(name: string): string {
    let candidate = name;
    for (let n = 2; this.taken.has(key(candidate)); n++) candidate = withSuffix(name, n);
    this.taken.add(key(candidate));
    return candidate;
  }

  has(name: string): boolean {
    return this.taken.has(key(name));
  }
}
