/**
 * Just enough MIME writing for the seeder: RFC 2047 encoded words, quoted-printable, base64 in 76-column
 * lines, RFC 2231 file names, RFC 5322 dates in the Europe/Paris offset. Every line ends with CRLF.
 */

export const CRLF = '\r\n';

export interface Addr {
  name: string;
  address: string;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

function lastSundayUtc(year: number, month: number): number {
  const d = new Date(Date.UTC(year, month + 1, 0, 1, 0, 0)); // last day of the month, 01:00 UTC
  d.setUTCDate(d.getUTCDate() - d.getUTCDay());
  return d.getTime();
}

/** Europe/Paris UTC offset in minutes (EU rule: summer time from the last Sunday of March to the last of October). */
export function parisOffsetMinutes(t: Date): number {
  const y = t.getUTCFullYear();
  const ms = t.getTime();
  return ms >= lastSundayUtc(y, 2) && ms < lastSundayUtc(y, 9) ? 120 : 60;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** Local (Paris) wall-clock parts of an instant. */
export function parisParts(t: Date): { y: number; mo: number; d: number; h: number; mi: number; s: number; dow: number } {
  const l = new Date(t.getTime() + parisOffsetMinutes(t) * 60_000);
  return {
    y: l.getUTCFullYear(),
    mo: l.getUTCMonth() + 1,
    d: l.getUTCDate(),
    h: l.getUTCHours(),
    mi: l.getUTCMinutes(),
    s: l.getUTCSeconds(),
    dow: l.getUTCDay(),
  };
}

/** "Tue, 4 Mar 2025 09:12:44 +0100" */
export function rfc5322Date(t: Date): string {
  const off = parisOffsetMinutes(t);
  const p = parisParts(t);
  return `${DAYS[p.dow]}, ${p.d} ${MONTHS[p.mo - 1]} ${p.y} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)} +${p2(off / 60)}00`;
}

/** "04/03/2025" (Paris date). */
export function frDate(t: Date): string {
  const p = parisParts(t);
  return `${p2(p.d)}/${p2(p.mo)}/${p.y}`;
}

/** "20250304" (Paris date). */
export function compactDate(t: Date): string {
  const p = parisParts(t);
  return `${p.y}${p2(p.mo)}${p2(p.d)}`;
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** One or more RFC 2047 Q encoded words (UTF-8), separated by folding whitespace. */
function qWords(s: string): string {
  const words: string[] = [];
  let cur = '';
  for (const ch of s) {
    let enc: string;
    if (/^[A-Za-z0-9!*+\-/]$/.test(ch)) enc = ch;
    else if (ch === ' ') enc = '_';
    else
      enc = Array.from(Buffer.from(ch, 'utf8'))
        .map((b) => '=' + b.toString(16).toUpperCase().padStart(2, '0'))
        .join('');
    if (cur.length + enc.length > 60) {
      words.push(cur);
      cur = '';
    }
    cur += enc;
  }
  if (cur) words.push(cur);
  return words.map((w) => `=?UTF-8?Q?${w}?=`).join(CRLF + ' ');
}

/** Fold a plain ASCII header value at spaces so that lines stay under 78 characters. */
function foldAscii(value: string, firstLineUsed: number): string {
  const parts = value.split(' ');
  let out = '';
  let lineLen = firstLineUsed;
  for (let i = 0; i < parts.length; i++) {
    const w = parts[i]!;
    if (i === 0) {
      out = w;
      lineLen += w.length;
    } else if (lineLen + 1 + w.length > 76) {
      out += CRLF + ' ' + w;
      lineLen = 1 + w.length;
    } else {
      out += ' ' + w;
      lineLen += 1 + w.length;
    }
  }
  return out;
}

/** An unstructured header (Subject…): plain when ASCII, else encoded words. */
export function header(name: string, value: string): string {
  if (isAscii(value)) return `${name}: ${foldAscii(value, name.length + 2)}`;
  return `${name}: ${qWords(value)}`;
}

/** A display name + address, quoted or encoded as needed. */
export function formatAddr(a: Addr): string {
  if (!a.name) return a.address;
  if (!isAscii(a.name)) return `${qWords(a.name)} <${a.address}>`;
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/.test(a.name)) return `${a.name} <${a.address}>`;
  return `"${a.name.replace(/(["\\])/g, '\\$1')}" <${a.address}>`;
}

export function addressHeader(name: string, addrs: Addr[]): string {
  return `${name}: ` + addrs.map(formatAddr).join(',' + CRLF + ' ');
}

/** Quoted-printable encoding of already-encoded bytes whose lines are separated by LF or CRLF. */
export function quotedPrintable(bytes: Uint8Array): string {
  const text = Buffer.from(bytes).toString('latin1').replace(/\r\n/g, '\n');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    let cur = '';
    const emit = (tok: string) => {
      if (cur.length + tok.length > 75) {
        out.push(cur + '=');
        cur = '';
      }
      cur += tok;
    };
    for (let i = 0; i < line.length; i++) {
      const c = line.charCodeAt(i);
      const last = i === line.length - 1;
      if ((c === 0x20 || c === 0x09) && !last) emit(line[i]!);
      else if (c >= 33 && c <= 126 && c !== 61) emit(line[i]!);
      else emit('=' + c.toString(16).toUpperCase().padStart(2, '0'));
    }
    out.push(cur);
  }
  return out.join(CRLF);
}

/** Base64 in 76-character lines, each ending with CRLF. */
export function base64Lines(data: Uint8Array): Buffer {
  const b64 = Buffer.from(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'), 'latin1');
  const lines = Math.ceil(b64.length / 76);
  const out = Buffer.allocUnsafe(b64.length + lines * 2);
  let o = 0;
  for (let i = 0; i < b64.length; i += 76) {
    o += b64.copy(out, o, i, Math.min(i + 76, b64.length));
    out[o++] = 13;
    out[o++] = 10;
  }
  return out;
}

/** Size of `base64Lines` output for n decoded bytes. */
export function base64LinesSize(n: number): number {
  const chars = Math.ceil(n / 3) * 4;
  return chars + Math.ceil(chars / 76) * 2;
}

/** `name="…"` / `filename*=UTF-8''…` parameters for a file name. */
export function fileNameParams(filename: string): { ctypeParam: string; dispParam: string } {
  if (isAscii(filename) && !/["\\]/.test(filename)) {
    return { ctypeParam: `name="${filename}"`, dispParam: `filename="${filename}"` };
  }
  const pct = Array.from(Buffer.from(filename, 'utf8'))
    .map((b) =>
      (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x2e || b === 0x5f || b === 0x2d
        ? String.fromCharCode(b)
        : '%' + b.toString(16).toUpperCase().padStart(2, '0'),
    )
    .join('');
  return { ctypeParam: `name="${qWords(filename).replace(/\r\n /g, ' ')}"`, dispParam: `filename*=UTF-8''${pct}` };
}

/** Text as bytes in a charset, CRLF line ends. */
export function encodeText(text: string, charset: 'utf-8' | 'iso-8859-1'): Buffer {
  const crlf = text.replace(/\r?\n/g, CRLF);
  return Buffer.from(crlf, charset === 'utf-8' ? 'utf8' : 'latin1');
}
