/** Shared by the readable export's unit tests: a jsdom window, the catalog's French texts, small MIME messages. */
import { JSDOM } from 'jsdom';
import readableCatalog from '../../../../lib/i18n/catalog/readable';
import { catalogTranslate, type ReadableTexts } from '../../../../lib/export/readable/texts';
import { base64Lines, fileNameParams, header, addressHeader, type Addr } from '../../../servers/seed/mime';

export const win = new JSDOM('<!DOCTYPE html><html><body></body></html>').window as unknown as Window;

export const texts: ReadableTexts = {
  lang: 'fr',
  tr: catalogTranslate(readableCatalog, 'fr'),
  reminder: 'Cet export contient des données de santé de vos patients.',
};

export interface TestPart {
  filename?: string;
  contentType: string;
  data: Uint8Array;
  contentId?: string;
  inline?: boolean;
}

const CRLF = '\r\n';

/** A multipart/mixed (or single-part) RFC 822 message with base64 parts. */
export function mime(opts: { from: Addr; to: Addr[]; cc?: Addr[]; subject: string; date: Date; text?: string; html?: string; textCharset?: string; parts?: TestPart[] }): Uint8Array {
  const boundary = '=_balise_test_boundary';
  const head = [
    addressHeader('From', [opts.from]),
    addressHeader('To', opts.to),
    ...(opts.cc ? [addressHeader('Cc', opts.cc)] : []),
    header('Subject', opts.subject),
    `Date: ${opts.date.toUTCString().replace('GMT', '+0000')}`,
    'Message-ID: <test.' + Math.abs(opts.subject.length * 7919) + '@example.test>',
    'MIME-Version: 1.0',
  ];
  const chunks: Buffer[] = [];
  const bodyPart = (): Buffer[] => {
    if (opts.html !== undefined) {
      return [Buffer.from(`Content-Type: text/html; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`), base64Lines(Buffer.from(opts.html, 'utf8'))];
    }
    const cs = opts.textCharset ?? 'utf-8';
    return [Buffer.from(`Content-Type: text/plain; charset=${cs}${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}`), base64Lines(Buffer.from(opts.text ?? '', cs === 'utf-8' ? 'utf8' : 'latin1'))];
  };
  if (!opts.parts?.length) {
    chunks.push(Buffer.from(head.join(CRLF) + CRLF), ...bodyPart());
    return Buffer.concat(chunks);
  }
  chunks.push(Buffer.from(head.join(CRLF) + CRLF + `Content-Type: multipart/mixed; boundary="${boundary}"${CRLF}${CRLF}This is a multi-part message.${CRLF}`));
  chunks.push(Buffer.from(`--${boundary}${CRLF}`), ...bodyPart());
  for (const p of opts.parts) {
    const params = p.filename ? fileNameParams(p.filename) : null;
    const lines = [
      `Content-Type: ${p.contentType}${params ? `; ${params.ctypeParam}` : ''}`,
      'Content-Transfer-Encoding: base64',
      ...(p.contentId ? [`Content-ID: <${p.contentId}>`] : []),
      `Content-Disposition: ${p.inline ? 'inline' : 'attachment'}${params ? `; ${params.dispParam}` : ''}`,
    ];
    chunks.push(Buffer.from(`--${boundary}${CRLF}${lines.join(CRLF)}${CRLF}${CRLF}`), base64Lines(p.data));
  }
  chunks.push(Buffer.from(`--${boundary}--${CRLF}`));
  return Buffer.concat(chunks);
}

/** Pieces of at most `size` bytes, as the export's reader gives them. */
export function* piecesOf(bytes: Uint8Array, size = 256 * 1024): Generator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, Math.min(bytes.length, i + size));
}
