/**
 * A small RFC 822 / MIME reader for the simulator: enough to number parts like Zimbra, report their
 * sizes like Zimbra, decode text parts for content search, and serve one part over REST.
 *
 * Zimbra behaviours reproduced (sources in Zimbra/zm-mailbox):
 * - part numbering: `store/src/java/com/zimbra/cs/mime/Mime.java` listParts/generateMPartInfo: the top-level
 *   multipart of a message is "TEXT", its children "1", "2", nested "2.1"; a non-multipart message is "1".
 * - part size `s`: `Mime.getSize(MimePart)`: the encoded content length, except for base64 where it is the
 *   estimate `(int)(0.75 * (size - 2 * ((size + 77) / 78)))`.
 * - file name: Content-Disposition `filename`, else Content-Type `name` (RFC 2231 and RFC 2047 decoded).
 */

export interface MimePart {
  /** Zimbra part name: "TEXT", "1", "2.1" … ("" never appears: the root multipart is "TEXT"). */
  partName: string;
  headers: Map<string, string[]>;
  /** Lower-cased "type/subtype". */
  contentType: string;
  ctParams: Record<string, string>;
  /** Lower-cased disposition ("attachment", "inline") or "". */
  disposition: string;
  filename: string | null;
  /** Lower-cased Content-Transfer-Encoding ("7bit" when absent). */
  encoding: string;
  contentId: string | null;
  /** Byte range of the (still encoded) content inside the raw message. */
  start: number;
  end: number;
  children: MimePart[];
}

const CRLF = Buffer.from('\r\n');

function findHeaderEnd(buf: Buffer, from: number, to: number): { headerEnd: number; bodyStart: number } {
  // The header block ends at the first empty line (CRLF CRLF, or LF LF for sloppy input).
  let i = from;
  while (i < to) {
    const nl = buf.indexOf(0x0a, i);
    if (nl < 0 || nl >= to) return { headerEnd: to, bodyStart: to };
    const next = nl + 1;
    if (next < to && buf[next] === 0x0a) return { headerEnd: next, bodyStart: next + 1 };
    if (next + 1 < to && buf[next] === 0x0d && buf[next + 1] === 0x0a) return { headerEnd: next, bodyStart: next + 2 };
    i = next;
  }
  return { headerEnd: to, bodyStart: to };
}

export function parseHeaderBlock(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  let current: string | null = null;
  const flush = () => {
    if (current === null) return;
    const colon = current.indexOf(':');
    if (colon > 0) {
      const name = current.slice(0, colon).trim().toLowerCase();
      const value = current.slice(colon + 1).trim();
      const list = headers.get(name) ?? [];
      list.push(value);
      headers.set(name, list);
    }
    current = null;
  };
  for (const line of lines) {
    if (/^[ \t]/.test(line) && current !== null) {
      current += ' ' + line.trim();
    } else {
      flush();
      current = line;
    }
  }
  flush();
  return headers;
}

/** Splits `value; a=b; c="d"` into the value and its parameters (RFC 2231 continuations and charsets decoded). */
export function parseParams(header: string): { value: string; params: Record<string, string> } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const ch = header[i]!;
    if (ch === '"' && header[i - 1] !== '\\') quoted = !quoted;
    if (ch === ';' && !quoted) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  const value = (parts.shift() ?? '').trim().toLowerCase();
  const raw: Record<string, string> = {};
  const extended: Record<string, { charset: string; pieces: Map<number, { text: string; encoded: boolean }> }> = {};
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    let name = p.slice(0, eq).trim().toLowerCase();
    let val = p.slice(eq + 1).trim();
    if (val.startsWith('"') && val.endsWith('"') && val.length >= 2) val = val.slice(1, -1).replace(/\\(.)/g, '$1');
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(name);
    if (m && (m[2] !== undefined || m[3] !== undefined)) {
      name = m[1]!;
      const idx = m[2] !== undefined ? Number(m[2]) : 0;
      const encoded = m[3] !== undefined;
      const entry = (extended[name] ??= { charset: 'utf-8', pieces: new Map() });
      let text = val;
      if (encoded && idx === 0) {
        const q = /^([^']*)'[^']*'(.*)$/.exec(val);
        if (q) {
          entry.charset = q[1] || 'utf-8';
          text = q[2]!;
        }
      }
      entry.pieces.set(idx, { text, encoded });
    } else {
      raw[name] = val;
    }
  }
  for (const [name, entry] of Object.entries(extended)) {
    const ordered = [...entry.pieces.entries()].sort((a, b) => a[0] - b[0]);
    const bytes: number[] = [];
    for (const [, piece] of ordered) {
      if (piece.encoded) {
        for (let i = 0; i < piece.text.length; i++) {
          const ch = piece.text[i]!;
          if (ch === '%' && /^[0-9a-fA-F]{2}$/.test(piece.text.slice(i + 1, i + 3))) {
            bytes.push(parseInt(piece.text.slice(i + 1, i + 3), 16));
            i += 2;
          } else bytes.push(...Buffer.from(ch, 'utf8'));
        }
      } else bytes.push(...Buffer.from(piece.text, 'utf8'));
    }
    raw[name] = decodeCharset(Buffer.from(bytes), entry.charset);
  }
  return { value, params: raw };
}

export function decodeCharset(bytes: Uint8Array, charset: string): string {
  try {
    return new TextDecoder(charset.trim().toLowerCase() || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

/** RFC 2047 encoded words (B and Q). */
export function decodeWords(text: string): string {
  return text
    .replace(/(=\?[^?]+\?[bBqQ]\?[^?]*\?=)\s+(?==\?[^?]+\?[bBqQ]\?[^?]*\?=)/g, '$1')
    .replace(/=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g, (_all, charset: string, enc: string, data: string) => {
      const cs = charset.split('*')[0]!;
      if (enc.toLowerCase() === 'b') return decodeCharset(Buffer.from(data, 'base64'), cs);
      const bytes: number[] = [];
      for (let i = 0; i < data.length; i++) {
        const ch = data[i]!;
        if (ch === '_') bytes.push(0x20);
        else if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(data.slice(i + 1, i + 3))) {
          bytes.push(parseInt(data.slice(i + 1, i + 3), 16));
          i += 2;
        } else bytes.push(ch.charCodeAt(0) & 0xff);
      }
      return decodeCharset(Uint8Array.from(bytes), cs);
    });
}

function firstHeader(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

function buildPart(buf: Buffer, start: number, end: number, partName: string, isMessage: boolean, parentCt: string): MimePart {
  const { headerEnd, bodyStart } = findHeaderEnd(buf, start, end);
  const headers = parseHeaderBlock(buf.toString('latin1', start, headerEnd));
  const defaultCt = parentCt === 'multipart/digest' ? 'message/rfc822' : 'text/plain';
  const ct = parseParams(firstHeader(headers, 'content-type') ?? defaultCt);
  const contentType = ct.value.includes('/') ? ct.value : defaultCt;
  const cd = firstHeader(headers, 'content-disposition');
  const disp = cd ? parseParams(cd) : null;
  // Header values were read as latin1 bytes; re-read them as UTF-8 where they are raw 8-bit.
  const fixup = (s: string | undefined) => (s === undefined ? undefined : Buffer.from(s, 'latin1').toString('utf8'));
  const rawName = fixup(disp?.params.filename) ?? fixup(ct.params.name);
  const filename = rawName !== undefined ? decodeWords(rawName) : null;
  const cid = firstHeader(headers, 'content-id');
  const isMultipart = contentType.startsWith('multipart/');
  let name = partName;
  if (!isMultipart && isMessage) name = partName ? `${partName}.1` : '1';
  const part: MimePart = {
    partName: name,
    headers,
    contentType,
    ctParams: ct.params,
    disposition: disp?.value ?? '',
    filename,
    encoding: (firstHeader(headers, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase(),
    contentId: cid ? cid.trim() : null,
    start: bodyStart,
    end,
    children: [],
  };
  if (isMultipart) {
    if (isMessage) part.partName = partName ? `${partName}.TEXT` : 'TEXT';
    const prefix = partName ? `${partName}.` : '';
    const boundary = ct.params.boundary;
    if (boundary) {
      const ranges = splitMultipart(buf, bodyStart, end, boundary);
      ranges.forEach(([s, e], i) => part.children.push(buildPart(buf, s, e, `${prefix}${i + 1}`, false, contentType)));
    }
  } else if (contentType === 'message/rfc822' && (part.encoding === '7bit' || part.encoding === '8bit' || part.encoding === 'binary')) {
    part.children.push(buildPart(buf, bodyStart, end, name, true, contentType));
  }
  return part;
}

/** Returns the [start, end) ranges of each body part (end excludes the CRLF before the next delimiter). */
function splitMultipart(buf: Buffer, start: number, end: number, boundary: string): [number, number][] {
  const delim = Buffer.from('--' + boundary);
  const ranges: [number, number][] = [];
  let pos = start;
  let partStart = -1;
  while (pos < end) {
    const at = buf.indexOf(delim, pos);
    if (at < 0 || at >= end) break;
    const atLineStart = at === start || buf[at - 1] === 0x0a;
    if (!atLineStart) {
      pos = at + delim.length;
      continue;
    }
    if (partStart >= 0) {
      let partEnd = at;
      if (partEnd > partStart && buf[partEnd - 1] === 0x0a) partEnd--;
      if (partEnd > partStart && buf[partEnd - 1] === 0x0d) partEnd--;
      ranges.push([partStart, Math.max(partStart, partEnd)]);
    }
    const after = at + delim.length;
    const closing = buf[after] === 0x2d && buf[after + 1] === 0x2d;
    if (closing) return ranges;
    const nl = buf.indexOf(0x0a, after);
    if (nl < 0 || nl >= end) return ranges;
    partStart = nl + 1;
    pos = partStart;
  }
  if (partStart >= 0 && partStart < end) ranges.push([partStart, end]);
  return ranges;
}

export function parseMime(raw: Buffer): MimePart {
  return buildPart(raw, 0, raw.length, '', true, '');
}

export function walk(part: MimePart, fn: (p: MimePart) => void): void {
  fn(part);
  for (const c of part.children) walk(c, fn);
}

export function findPart(root: MimePart, name: string): MimePart | null {
  let found: MimePart | null = null;
  walk(root, (p) => {
    if (!found && p.partName === name && !p.contentType.startsWith('multipart/')) found = p;
  });
  if (!found) walk(root, (p) => {
    if (!found && p.partName === name) found = p;
  });
  return found;
}

export function decodeContent(raw: Buffer, part: MimePart): Buffer {
  const body = raw.subarray(part.start, part.end);
  if (part.encoding === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  if (part.encoding === 'quoted-printable') {
    const text = body.toString('latin1').replace(/=\r?\n/g, '');
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '=' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(text.charCodeAt(i) & 0xff);
    }
    return Buffer.from(out);
  }
  return Buffer.from(body);
}

export function decodeText(raw: Buffer, part: MimePart): string {
  return decodeCharset(decodeContent(raw, part), part.ctParams.charset ?? 'utf-8');
}

/** Zimbra `Mime.getSize`: encoded length, or the decoded estimate for base64. */
export function zimbraPartSize(part: MimePart): number {
  let size = part.end - part.start;
  if (size > 0 && part.encoding === 'base64') {
    const lines = Math.floor((size + 77) / 78);
    size = Math.trunc(0.75 * (size - 2 * lines));
  }
  return size;
}

/**
 * Whether a leaf part counts as an attachment for the simulator (flag `a`, `has:attachment`, GetMsg listing):
 * disposition "attachment", or a file name, or a leaf that is neither text nor multipart.
 * This follows the spirit of Zimbra's `Mime.hasAttachment`/`MPartInfo` heuristics, not its every branch.
 */
export function isAttachmentPart(part: MimePart, root: MimePart): boolean {
  if (part === root && !part.contentType.startsWith('multipart/')) return part.disposition === 'attachment';
  if (part.contentType.startsWith('multipart/')) return false;
  if (part.disposition === 'attachment') return true;
  if (part.filename) return true;
  return !part.contentType.startsWith('text/') && part.contentType !== 'message/rfc822';
}

export interface Address {
  address: string;
  personal?: string;
}

/** Parses an address-list header into addresses (display names decoded). */
export function parseAddressList(value: string | undefined): Address[] {
  if (!value) return [];
  const out: Address[] = [];
  const decoded = decodeWords(Buffer.from(value, 'latin1').toString('utf8'));
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  let angle = 0;
  for (const ch of decoded) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && ch === '<') angle++;
    if (!quoted && ch === '>') angle = Math.max(0, angle - 1);
    if (ch === ',' && !quoted && angle === 0) {
      items.push(cur);
      cur = '';
    } else cur += ch;
  }
  items.push(cur);
  for (const item of items) {
    const t = item.trim();
    if (!t) continue;
    const m = /^(.*)<([^>]+)>\s*$/.exec(t);
    if (m) {
      const personal = m[1]!.trim().replace(/^"(.*)"$/, '$1').replace(/\\(.)/g, '$1').trim();
      out.push(personal ? { address: m[2]!.trim(), personal } : { address: m[2]!.trim() });
    } else out.push({ address: t });
  }
  return out;
}

export function headerText(headers: Map<string, string[]>, name: string): string | undefined {
  const v = headers.get(name)?.[0];
  return v === undefined ? undefined : decodeWords(Buffer.from(v, 'latin1').toString('utf8'));
}

export { CRLF };
