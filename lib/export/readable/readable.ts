/**
 * The readable part of an export, message by message: the export calls begin() for each message, push()es every
 * piece of its raw bytes as it writes them to the .eml entry, then finish() gives the entries to add for that
 * message (its folder: message.html, its attachments, the documents extracted from an IHE_XDM.ZIP) and keeps a small
 * record of it; after the last message, indexPieces() gives index.html, built from those records only.
 *
 * Memory: parsing (postal-mime) needs the whole message, so a message is held only up to `maxParseBytes` (25 MiB
 * by default, the largest MSSanté message to a patient); past that its bytes are dropped as they come and its
 * page says it was too large to be shown, with a link to its .eml (always kept whole in the export). The raw bytes
 * are released once parsed; what finish() returns (the attachments' decoded bytes and the pages) is about the
 * message's size and is the caller's to write and drop. Everything happens in the page: nothing leaves it.
 */
import PostalMime, { type Address, type Attachment } from 'postal-mime';
import { isXdmZip, looksLikeHprim } from '../../features/cleanup/classify';
import { readHeaders } from '../headers';
import { docType, type ClinicalKind } from '../../mssante/doc-type';
import { buildIndexPage, indexPagePieces, type IndexHeader, type IndexRecord } from './index-page';
import { buildMessagePage, type PageAttachment, type PageBody } from './message-page';
import { attachmentFileName, cleanSubject, fitSegment, messageFolderName, senderLabel, UniqueNames } from './names';
import { sanitizeMailHtml } from './sanitize';
import type { ReadableTexts } from './texts';
import { extractXdm, MAX_XDM_BYTES } from './xdm';

/**
 * postal-mime, keeping every attachment as it was sent. Its collectAttachment() rewrites calendar attachments
 * (text/calendar, application/ics: decoded to text, LF line ends, UTF-8, exactly one final newline), so an
 * invitation in the archive would differ from the server's file; every other attachment it keeps as decoded from
 * its transfer encoding. This puts those decoded bytes back. collectAttachment is postal-mime's own (internal, not
 * in its types): if a later version renames it, this override is simply never called and the calendar rewrite
 * comes back, which tests/unit/export/readable/readable.test.ts ("calendar invitation byte for byte") catches.
 */
class ExactAttachments extends PostalMime {
  collectAttachment(...args: unknown[]): void {
    const self = this as unknown as { attachments: Attachment[] };
    const before = self.attachments.length;
    (PostalMime.prototype as unknown as { collectAttachment: (...a: unknown[]) => void }).collectAttachment.apply(this, args);
    const added = self.attachments[before];
    const content = args[1];
    // Not instanceof: in a Firefox content script the buffer may belong to the page's realm (see toBytes()).
    if (added && content && typeof (content as ArrayBuffer).byteLength === 'number') added.content = content as ArrayBuffer;
  }
}

export const MAX_PARSE_BYTES = 25 * 1024 * 1024;
/** The header block is read from these first bytes of a message too large to parse. */
const LEAD_BYTES = 256 * 1024;
const MAX_TEXT_SCAN = 4 * 1024 * 1024;
export const PAGE_NAME = 'message.html';
export const INDEX_NAME = 'index.html';

export interface ReadableEntry {
  /** Path inside the zip. */
  path: string;
  bytes: Uint8Array;
  /** Modification time for the zip entry (the message's date), or null. */
  mtime: number | null;
}

export interface ReadableOptions {
  texts: ReadableTexts;
  /** Folder at the root of the zip that holds the message folders (claim it in the export's names first). */
  rootDir: string;
  /** Path of index.html in the zip (default "index.html"). */
  indexPath?: string;
  /** The window whose DOMPurify and DOMParser are used (default: globalThis). */
  window?: Window;
  maxParseBytes?: number;
  maxXdmBytes?: number;
  /**
   * The message folders' names already taken, shared by every ReadableExport of one export: in parts, each part
   * is a zip of its own but all are meant to be unzipped into one folder, so two parts must not both hold
   * "Messages/2025-03-04 …" (default: this archive's own).
   */
  folders?: UniqueNames;
}

export interface MessageInput {
  /** The mailbox folder, as the webmail shows it. */
  mailboxFolder: string;
  /** Path of the message's .eml in the zip, or null. */
  emlPath: string | null;
  /** What the webmail's list said, for a message whose headers cannot be read. */
  fallback?: { date?: number | null; from?: string | null; subject?: string | null };
  /** Expected size, to allocate once. */
  sizeHint?: number;
}

export interface MessageSink {
  /** One piece of the raw message (copied: the caller may reuse its buffer). */
  push(piece: Uint8Array): void;
  /** The entries for this message's folder; its record is kept for the index. */
  finish(): Promise<{ entries: ReadableEntry[]; record: IndexRecord }>;
}

const encoder = new TextEncoder();
const latin1 = new TextDecoder('latin1');
const PDF_SIG = [0x25, 0x50, 0x44, 0x46, 0x2d];

/**
 * An attachment's bytes as a Uint8Array of this realm. postal-mime decodes through the window's Blob: in a Firefox
 * content script the ArrayBuffer that gives back belongs to the page's compartment, and code that checks
 * `instanceof Uint8Array` then reads `.constructor` (@noble/hashes, when the export hashes the entry) is denied
 * access to it. Such a buffer is copied once; one of this realm is used as it is.
 */
export function toBytes(content: Attachment['content']): Uint8Array {
  if (typeof content === 'string') return encoder.encode(content);
  if (content instanceof Uint8Array) return content;
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  const foreign = new Uint8Array(content as ArrayBuffer);
  const own = new Uint8Array(foreign.length);
  own.set(foreign);
  return own;
}

function formatAddress(a: Address): string[] {
  if (a.group) return a.group.flatMap(formatAddress);
  if (!a.address) return a.name ? [a.name] : [];
  return [a.name ? `${a.name} <${a.address}>` : a.address];
}

function looksTextual(bytes: Uint8Array): boolean {
  const n = Math.min(bytes.length, 4096);
  for (let i = 0; i < n; i++) if (bytes[i] === 0) return false;
  return true;
}

function kindOf(name: string, type: string, bytes: Uint8Array): ClinicalKind | null {
  const n = name.toLowerCase();
  if (n.endsWith('ihe_xdm.zip') || isXdmZip(bytes)) return 'xdm';
  if (type === 'application/pdf' || type === 'application/x-pdf' || n.endsWith('.pdf') || PDF_SIG.every((b, i) => bytes[i] === b)) return 'pdf';
  if (bytes.length <= MAX_TEXT_SCAN && looksTextual(bytes) && looksLikeHprim(latin1.decode(bytes))) return 'hprim';
  return null;
}

/** Holds a message's bytes up to a cap (one buffer, grown by doubling); past the cap keeps only its header block. */
class Collector {
  private buf: Uint8Array;
  size = 0;
  over = false;

  constructor(
    private readonly cap: number,
    hint: number,
  ) {
    this.buf = new Uint8Array(Math.min(Math.max(hint, 64 * 1024), cap));
  }

  push(piece: Uint8Array): void {
    const end = this.size + piece.length;
    this.size = end;
    if (this.over) return;
    if (end > this.cap) {
      this.over = true;
      this.buf = this.buf.slice(0, Math.min(LEAD_BYTES, end - piece.length));
      return;
    }
    if (end > this.buf.length) {
      const bigger = new Uint8Array(Math.min(this.cap, Math.max(end, this.buf.length * 2)));
      bigger.set(this.buf.subarray(0, end - piece.length));
      this.buf = bigger;
    }
    this.buf.set(piece, end - piece.length);
  }

  /** The whole message (not over the cap), or its first bytes. */
  bytes(): Uint8Array {
    return this.over ? this.buf : this.buf.subarray(0, this.size);
  }

  release(): void {
    this.buf = new Uint8Array(0);
  }
}

export class ReadableExport {
  readonly records: IndexRecord[] = [];
  private readonly folders: UniqueNames;
  private readonly win: Window;
  readonly indexPath: string;

  constructor(private readonly opts: ReadableOptions) {
    this.folders = opts.folders ?? new UniqueNames();
    this.win = opts.window ?? (globalThis as unknown as Window);
    this.indexPath = opts.indexPath ?? INDEX_NAME;
  }

  begin(input: MessageInput): MessageSink {
    const collector = new Collector(this.opts.maxParseBytes ?? MAX_PARSE_BYTES, input.sizeHint ?? 0);
    let finished = false;
    return {
      push: (piece) => {
        if (finished) throw new Error('readable: message already finished');
        collector.push(piece);
      },
      finish: async () => {
        finished = true;
        try {
          return await this.build(input, collector);
        } finally {
          collector.release();
        }
      },
    };
  }

  /** The same, from an async iterable of pieces. */
  async addMessage(input: MessageInput, pieces: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<{ entries: ReadableEntry[]; record: IndexRecord }> {
    const sink = this.begin(input);
    for await (const p of pieces) sink.push(p);
    return sink.finish();
  }

  private claimDir(date: number | null, sender: string, subject: string): string {
    const { tr } = this.opts.texts;
    const name = this.folders.claim(messageFolderName({ date, sender, subject }, { noSubject: tr('readable_noSubject'), noDate: tr('readable_noDate'), noSender: tr('readable_noSender') }));
    return `${this.opts.rootDir}/${name}`;
  }

  private async build(input: MessageInput, collector: Collector): Promise<{ entries: ReadableEntry[]; record: IndexRecord }> {
    const texts = this.opts.texts;
    const { tr } = texts;
    const raw = collector.bytes();
    let email: Awaited<ReturnType<typeof PostalMime.parse>> | null = null;
    if (!collector.over) {
      try {
        email = await new ExactAttachments({ attachmentEncoding: 'arraybuffer', forceRfc822Attachments: true }).parse(raw);
      } catch {
        email = null;
      }
    }
    if (!email) {
      const h = readHeaders(raw);
      collector.release();
      const date = h.date ?? input.fallback?.date ?? null;
      const from = h.from ?? input.fallback?.from ?? '';
      const subject = cleanSubject(h.subject ?? input.fallback?.subject ?? '');
      const body: PageBody = collector.over ? { tooLarge: collector.size } : { unreadable: true };
      return this.finishMessage(input, { date, from, sender: from, to: [], cc: [], subject, kinds: [], attachments: [], entries: [], body, docTexts: [], docCodes: [], names: [] }, collector.over ? 'too-large' : 'unreadable', collector.size);
    }
    collector.release();
    const parsedDate = email.date ? Date.parse(email.date) : NaN;
    const date = Number.isFinite(parsedDate) ? parsedDate : (input.fallback?.date ?? null);
    const fromAddr = email.from && !email.from.group ? email.from : null;
    const from = email.from ? formatAddress(email.from).join(', ') : (input.fallback?.from ?? '');
    const sender = senderLabel(fromAddr) || from;
    const subject = cleanSubject(email.subject ?? input.fallback?.subject ?? '');
    const dir = this.claimDir(date, sender, subject);
    const files = new UniqueNames([PAGE_NAME]);
    const entries: ReadableEntry[] = [];
    const attachments: PageAttachment[] = [];
    const kinds = new Set<ClinicalKind>();
    const cid = new Map<string, string>();
    const docTexts: string[] = [];
    const docCodes: string[] = [];
    const names: string[] = [];
    if (looksLikeHprim(email.text ?? '')) kinds.add('hprim');
    email.attachments.forEach((att, i) => {
      const bytes = toBytes(att.content);
      const file = files.claim(attachmentFileName(att.filename, att.mimeType, tr('readable_attachmentFallback', i + 1)));
      if (att.filename) names.push(att.filename);
      const kind = kindOf(att.filename ?? '', (att.mimeType ?? '').toLowerCase(), bytes);
      if (kind) kinds.add(kind);
      entries.push({ path: `${dir}/${file}`, bytes, mtime: date });
      const item: PageAttachment = { file, size: bytes.length, kind };
      attachments.push(item);
      // A URL, not HTML: DOMPurify's hook sets it with setAttribute (escaping is the serialiser's job there).
      if (att.contentId) cid.set(att.contentId.replace(/^<|>$/g, '').trim().toLowerCase(), encodeURIComponent(file));
      if (kind !== 'xdm') return;
      const xdm = extractXdm(bytes, { parser: new (this.win as unknown as { DOMParser: typeof DOMParser }).DOMParser(), maxBytes: this.opts.maxXdmBytes ?? MAX_XDM_BYTES });
      if (xdm.status === 'too-large') item.note = tr('readable_xdmTooLarge');
      else if (xdm.status === 'unreadable') item.note = tr('readable_xdmUnreadable');
      for (const doc of xdm.documents) {
        const fallback = fitSegment(doc.entry.replace(/^.*\//, '').replace(/\.[^.]*$/, ''), 40);
        const docFile = files.claim(attachmentFileName(doc.name, doc.kind === 'pdf' ? 'application/pdf' : 'text/xml', fallback));
        entries.push({ path: `${dir}/${docFile}`, bytes: doc.bytes, mtime: date });
        attachments.push({ file: docFile, size: doc.bytes.length, kind: doc.kind === 'pdf' ? 'pdf' : null, extractedFrom: file });
        for (const t of [doc.title, doc.classDisplay, doc.typeDisplay]) if (t) docTexts.push(t);
        for (const c of [doc.typeCode, doc.classCode]) if (c) docCodes.push(c);
      }
    });
    let body: PageBody;
    if (email.html?.trim()) {
      const html = sanitizeMailHtml(email.html, { cid, window: this.win, texts: { image: tr('readable_imageBlocked'), imageAlt: tr('readable_imageBlockedAlt', '$1') } });
      body = { html, blocked: /class="(?:img-off|link-off)"/.test(html) };
    } else body = { text: email.text ?? '' };
    const to = (email.to ?? []).flatMap(formatAddress);
    const cc = (email.cc ?? []).flatMap(formatAddress);
    return this.finishMessage(input, { date, from, sender, to, cc, subject, kinds: [...kinds], attachments, entries, body, docTexts, docCodes, names, dir }, 'ok', collector.size);
  }

  private finishMessage(
    input: MessageInput,
    m: {
      date: number | null;
      from: string;
      sender: string;
      to: string[];
      cc: string[];
      subject: string;
      kinds: ClinicalKind[];
      attachments: PageAttachment[];
      entries: ReadableEntry[];
      body: PageBody;
      docTexts: string[];
      docCodes: string[];
      names: string[];
      dir?: string;
    },
    status: IndexRecord['status'],
    size: number,
  ): { entries: ReadableEntry[]; record: IndexRecord } {
    const dir = m.dir ?? this.claimDir(m.date, m.sender.replace(/<[^>]*>/g, '').replace(/"/g, '').trim() || m.sender, m.subject);
    const order: ClinicalKind[] = ['xdm', 'hprim', 'pdf'];
    const kinds = order.filter((k) => m.kinds.includes(k));
    const type = docType({ subject: m.subject, sender: m.sender, attachmentNames: m.names, kinds, xdmTexts: m.docTexts, xdmCodes: m.docCodes });
    const page = buildMessagePage(
      { date: m.date, from: m.from, to: m.to, cc: m.cc, subject: m.subject, folder: input.mailboxFolder, docType: type, kinds, attachments: m.attachments, body: m.body, emlPath: input.emlPath, indexPath: this.indexPath, depth: this.opts.rootDir.split('/').length + 1 },
      this.opts.texts,
    );
    const entries = [...m.entries, { path: `${dir}/${PAGE_NAME}`, bytes: encoder.encode(page), mtime: m.date }];
    const record: IndexRecord = { dir, date: m.date, from: m.from, subject: m.subject, mailboxFolder: input.mailboxFolder, docType: type, kinds, attachments: m.attachments, emlPath: input.emlPath, status, size };
    this.records.push(record);
    return { entries, record };
  }

  /** index.html, in pieces of UTF-8, from the records of every message finished so far. */
  *indexPieces(header: IndexHeader): Generator<Uint8Array> {
    for (const s of indexPagePieces(this.records, header, this.opts.texts)) yield encoder.encode(s);
  }

  indexBytes(header: IndexHeader): Uint8Array {
    return buildIndexPage(this.records, header, this.opts.texts);
  }
}
