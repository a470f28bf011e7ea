/**
 * File names inside an export zip: readable, safe on Windows, macOS and Linux, and unique.
 *
 *   Boîte de réception/2025-03-02 CR hospitalisation – M. X (1234).eml
 *
 * Every path segment is cleaned on its own: NFC (macOS stores NFD; zip tools compare bytes), no control or
 * invisible characters (bidi overrides could disguise a name), none of < > : " / \ | ? *, no leading dots (no
 * hidden files, no "." or ".." so no path traversal), no trailing dots or spaces (Windows drops them), no reserved
 * Windows device names (CON, NUL, COM1…), and at most a given number of UTF-8 bytes (file systems allow 255 per
 * name). Unique ignoring case (Windows and macOS do), suffixing " (2)", " (3)"…
 * Pure functions: no DOM, no browser API.
 */

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
/** Zero-width, bidi controls and other invisible format characters. */
const INVISIBLE = /[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9\u00b9\u00b2\u00b3]|lpt[0-9\u00b9\u00b2\u00b3])(\..*)?$/i;

/** UTF-8 length of a string. */
export function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}

/** The longest prefix of `s` (whole code points) that fits in `maxBytes` UTF-8 bytes. */
export function truncateUtf8(s: string, maxBytes: number): string {
  let n = 0;
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    if (n + len > maxBytes) break;
    n += len;
    out += ch;
  }
  return out;
}

/** Characters and length only (no check of reserved names): for pieces of a name. */
function cleanPiece(input: string, maxBytes: number): string {
  const s = (input ?? '')
    .normalize('NFC')
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/[\\/:]/g, '-')
    .replace(/[<>"|?*]/g, '_')
    .replace(/\s+/gu, ' ')
    .trim();
  return truncateUtf8(s, maxBytes).trim();
}

/** One safe path segment (a folder or a file name without its extension). Never empty. */
export function safeSegment(input: string, maxBytes = 100): string {
  let s = cleanPiece(input, maxBytes);
  // Leading dots: hidden files, "." and "..". Trailing dots and spaces: Windows silently drops them.
  s = s.replace(/^[\s.]+/u, '').replace(/[\s.]+$/u, '');
  if (!s) s = '_';
  if (RESERVED.test(s)) s = `_${s}`;
  return s;
}

/** Local calendar date YYYY-MM-DD (what the user sees in the webmail), or null. */
export function localDay(ms: number | null): string | null {
  if (ms === null || !Number.isFinite(ms)) return null;
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return null;
  const y = d.getFullYear();
  if (y < 1 || y > 9999) return null;
  return `${String(y).padStart(4, '0')}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export interface NameParts {
  folderPath: string;
  date: number | null;
  subject: string;
  id: string;
}

export interface NameTexts {
  noSubject: string;
  noDate: string;
}

const SUBJECT_BYTES = 120;
const FOLDER_BYTES = 80;
const ID_BYTES = 40;

/** A file name (no folder) for one message: "<date> <subject> (<id>).eml". */
export function messageFileName(p: Omit<NameParts, 'folderPath'>, texts: NameTexts): string {
  const day = localDay(p.date) ?? texts.noDate;
  const subject = (p.subject ?? '').trim() ? p.subject : texts.noSubject;
  const id = safeSegment(p.id, ID_BYTES);
  return `${safeSegment(`${day} ${cleanPiece(subject, SUBJECT_BYTES)}`, SUBJECT_BYTES + 12)} (${id}).eml`;
}

const key = (s: string) => s.normalize('NFC').toLowerCase();

function withSuffix(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

/**
 * Hands out unique paths inside one zip. Folders of the mailbox keep one directory each (two folders whose names
 * only differ by case or by forbidden characters get " (2)"); file names never collide with each other, with a
 * directory, or with the files at the root (manifests, read-me), ignoring case.
 */
export class NameRegistry {
  /** key(path) → what claimed it: 'file' or the source folder path of a directory. */
  private taken = new Map<string, string>();
  private dirs = new Map<string, string>();

  constructor(rootFiles: string[] = []) {
    for (const f of rootFiles) this.taken.set(key(f), '\u0000file');
  }

  /** The zip directory ("A/B") for a mailbox folder path ("A/B", "/"-separated). */
  dirFor(folderPath: string): string {
    const cached = this.dirs.get(folderPath);
    if (cached !== undefined) return cached;
    const parts = folderPath.split('/').filter((s) => s.trim() !== '');
    if (!parts.length) parts.push('_');
    let dir = '';
    let source = '';
    for (const raw of parts) {
      source = source ? `${source}/${raw}` : raw;
      const base = safeSegment(raw, FOLDER_BYTES);
      let candidate = dir ? `${dir}/${base}` : base;
      for (let n = 2; ; n++) {
        const owner = this.taken.get(key(candidate));
        if (owner === undefined || owner === source) break;
        candidate = dir ? `${dir}/${base} (${n})` : `${base} (${n})`;
      }
      this.taken.set(key(candidate), source);
      dir = candidate;
    }
    this.dirs.set(folderPath, dir);
    return dir;
  }

  /** Claim a unique path for a file in a directory ('' = the root). */
  claim(dir: string, fileName: string): string {
    const prefix = dir ? `${dir}/` : '';
    let candidate = `${prefix}${fileName}`;
    for (let n = 2; this.taken.has(key(candidate)); n++) candidate = `${prefix}${withSuffix(fileName, n)}`;
    this.taken.set(key(candidate), '\u0000file');
    return candidate;
  }

  /** The full path for a message: its folder's directory, then its file name. */
  messagePath(p: NameParts, texts: NameTexts): string {
    return this.claim(this.dirFor(p.folderPath), messageFileName(p, texts));
  }
}

/** A safe file name for the zip itself (or one of its parts), without extension. */
export function safeBaseName(base: string): string {
  return safeSegment(base, 150);
}
