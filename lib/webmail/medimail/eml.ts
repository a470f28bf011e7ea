/**
 * A message rebuilt from what the Medimail page shows, since Medimail gives no original (.eml) download: From, To,
 * Cc, Subject, Date, the body as text/html and every document as a base64 part with its type. It is a
 * reconstruction, and says so in a header (X-Balise-Reconstructed): the original's other headers (Message-ID,
 * Received, signatures) and its exact MIME layout are not on the page and are not in the file.
 */

export interface EmlPart {
  filename: string;
  contentType: string;
  bytes: Uint8Array;
}

export interface EmlInput {
  from: string;
  to: string[];
  cc: string[];
  subject: string;
  /** Epoch ms. */
  date: number;
  /** The host's own message id, kept so that the file can be traced back. */
  hostId: string;
  bodyHtml: string;
  attachments: EmlPart[];
}

const enc = new TextEncoder();
const CRLF = '\r\n';

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Base64 in 76-character lines, CRLF-terminated. */
export function base64Lines(bytes: Uint8Array): string {
  const out: string[] = [];
  let line = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const c = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    line += B64[a >> 2]! + B64[((a & 3) << 4) | (b >> 4)]! + (i + 1 < bytes.length ? B64[((b & 15) << 2) | (c >> 6)]! : '=') + (i + 2 < bytes.length ? B64[c & 63]! : '=');
    if (line.length === 76) {
      out.push(line);
      line = '';
    }
  }
  if (line) out.push(line);
  return out.map((l) => l + CRLF).join('');
}

const isAscii = (s: string) => /^[\x20-\x7e]*$/.test(s);

/** RFC 2047 encoded word (UTF-8, base64) when the text is not plain ASCII; folded into words of ≤ 45 bytes. */
export function encodeWord(s: string): string {
  if (isAscii(s)) return s;
  const words: string[] = [];
  let cur = '';
  for (const ch of s) {
    if (enc.encode(cur + ch).length > 45) {
      words.push(cur);
      cur = '';
    }
    cur += ch;
  }
  if (cur) words.push(cur);
  return words.map((w) => `=?UTF-8?B?${base64Lines(enc.encode(w)).replace(/\r\n/g, '')}?=`).join(`${CRLF} `);
}

/** "Name <addr>" or "addr" with the name encoded when needed. */
export function encodeAddress(a: string): string {
  const m = /^\s*(.*?)\s*<([^<>\s]+@[^<>\s]+)>\s*$/.exec(a);
  if (!m) return a.trim();
  const name = m[1]!.replace(/^"(.*)"$/, '$1');
  if (!name) return `<${m[2]}>`;
  return isAscii(name) ? `"${name.replace(/(["\\])/g, '\\$1')}" <${m[2]}>` : `${encodeWord(name)} <${m[2]}>`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** RFC 5322 date in UTC ("+0000"): the page gives a local time read into an instant; UTC says no more than we know. */
export function rfc5322(t: number): string {
  const d = new Date(t);
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
}

const TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  zip: 'application/zip',
  xml: 'application/xml',
  txt: 'text/plain',
  hpr: 'text/plain',
  hprim: 'text/plain',
  hpm: 'text/plain',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  ics: 'text/calendar',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  doc: 'application/msword',
  odt: 'application/vnd.oasis.opendocument.text',
  html: 'text/html',
};

/**
 * The part's type: what the server sent, application/octet-stream included (the reconstruction says what Medimail
 * said: the adapter contract compares it with the server's own record, and the clinical checks look at the bytes,
 * not at the type); a guess from the name only when the server sent no type or a download-forcing pseudo-type.
 */
export function partType(serverType: string | null, filename: string): string {
  const t = (serverType ?? '').split(';')[0]!.trim().toLowerCase();
  if (/^[a-z0-9.+-]+\/[a-z0-9.+-]+$/.test(t) && t !== 'application/force-download' && t !== 'application/x-download') return t;
  const ext = /\.([A-Za-z0-9]{1,6})$/.exec(filename)?.[1]?.toLowerCase() ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

function fileParams(name: string): { ct: string; disp: string } {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/(["\\])/g, '\\$1');
  if (isAscii(name)) return { ct: `name="${ascii}"`, disp: `filename="${ascii}"` };
  const ext = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return { ct: `name="${encodeWord(name)}"`, disp: `filename="${ascii}";${CRLF} filename*=UTF-8''${ext}` };
}

function boundaryFor(input: EmlInput): string {
  let h = 2166136261;
  for (const ch of `${input.hostId}:${input.date}:${input.subject}`) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return `----=_Balise_Medimail_${input.hostId}_${h.toString(16)}`;
}

/** The reconstructed message, CRLF line ends, as bytes. */
export function buildEml(input: EmlInput): Uint8Array<ArrayBuffer> {
  const boundary = boundaryFor(input);
  const head = [
    `From: ${encodeAddress(input.from)}`,
    ...(input.to.length ? [`To: ${input.to.map(encodeAddress).join(`,${CRLF} `)}`] : []),
    ...(input.cc.length ? [`Cc: ${input.cc.map(encodeAddress).join(`,${CRLF} `)}`] : []),
    `Subject: ${encodeWord(input.subject)}`,
    `Date: ${rfc5322(input.date)}`,
    'MIME-Version: 1.0',
    `X-Balise-Reconstructed: medimail; id=${input.hostId}; rebuilt from the webmail page (no original message available)`,
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
  ].join(CRLF);
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"></head><body>${input.bodyHtml}</body></html>`;
  const chunks: Uint8Array[] = [
    enc.encode(
      `${head}${CRLF}${CRLF}This is a multi-part message in MIME format.${CRLF}${CRLF}--${boundary}${CRLF}` +
        `Content-Type: text/html; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(enc.encode(html))}`,
    ),
  ];
  for (const a of input.attachments) {
    const p = fileParams(a.filename);
    chunks.push(
      enc.encode(
        `--${boundary}${CRLF}Content-Type: ${a.contentType}; ${p.ct}${CRLF}Content-Disposition: attachment; ${p.disp}${CRLF}` +
          `Content-Transfer-Encoding: base64${CRLF}${CRLF}`,
      ),
      enc.encode(base64Lines(a.bytes)),
    );
  }
  chunks.push(enc.encode(`--${boundary}--${CRLF}`));
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
