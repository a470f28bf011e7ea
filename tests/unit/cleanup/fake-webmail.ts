/**
 * An in-memory Webmail for the planner's unit tests, filled from the shared seeder (or by hand). It answers
 * search() exactly for dates, sizes and flags, and like a server for content criteria: a superset built from the
 * raw bytes as they are (so, like Dovecot, it misses text hidden in base64 parts). It can list sizes rounded like
 * Roundcube (±512 B, KiB) and hide dates, count what was downloaded, fail downloads, and take new arrivals.
 */
import PostalMime from 'postal-mime';
import type {
  AttachmentInfo,
  BatchResult,
  Folder,
  FolderRole,
  MailboxPart,
  QuotaPart,
  MessageRef,
  MessageSummary,
  Quota,
  SearchOptions,
  SearchQuery,
  Webmail,
} from '../../../lib/webmail/types';
import { WebmailError } from '../../../lib/webmail/types';
import { splitHead, type RawMessage } from '../../../lib/webmail/raw';
import { generateMailbox, type SeedMessage } from '../../servers/seed/profile.ts';

export interface FakeMessage {
  folderId: string;
  id: string;
  raw: Uint8Array;
  date: number;
  unread: boolean;
  flagged: boolean;
  hasAttachment: boolean;
  subject: string;
  from: string;
  /** Seeder ground truth, when it came from the seeder. */
  clinical?: SeedMessage['clinical'];
}

export interface FakeOptions {
  /** 'rounded': sizes listed like Roundcube (nearest KiB, ±512 B); 'exact': like Zimbra. */
  sizes?: 'exact' | 'rounded';
  /** Hide dates in listings (date: null), as a host that only gives labels. */
  hideDates?: boolean;
  /** Say "unknown" for attachments (hasAttachment: null). */
  unknownAttachments?: boolean;
  pageSize?: number;
  quotaLimit?: number | null;
  /** Content criteria answer 'unsupported'. */
  noContentSearch?: boolean;
  /** List attachments like Zimbra (Webmail.attachments, parts read by postal-mime); absent otherwise, like Roundcube. */
  partsListing?: boolean;
  /** Say that listed dates are the searched ones (Capabilities.exactDates, like Zimbra): they are, in this fake. */
  exactDates?: boolean;
}

const ROLES: Record<string, FolderRole> = { INBOX: 'inbox', Sent: 'sent', Drafts: 'drafts', Trash: 'trash', Junk: 'junk' };

export class FakeWebmail implements Webmail {
  readonly detection = { kind: 'zimbra' as const, page: 'mail' as const, supported: true };
  readonly capabilities = {
    folders: true,
    search: true,
    rawDownload: true,
    compose: false,
    maxBatch: 100,
    exactSizes: true,
    exactDates: false,
  };
  messages: FakeMessage[] = [];
  folderIds: string[] = [];
  rawCalls = 0;
  rawBytes = 0;
  searches: SearchQuery[] = [];
  failRaw = new Set<string>();
  private nextId = 1;

  attachments?: (folderId: string, ids: string[]) => Promise<Map<string, AttachmentInfo[]>>;
  attachmentCalls = 0;
  failAttachments = false;

  constructor(readonly opts: FakeOptions = {}) {
    if (opts.sizes === 'rounded') this.capabilities.exactSizes = false;
    if (opts.exactDates) this.capabilities.exactDates = true;
    if (opts.partsListing) this.attachments = (folderId, ids) => this.listParts(folderId, ids);
  }

  private async listParts(folderId: string, ids: string[]): Promise<Map<string, AttachmentInfo[]>> {
    this.attachmentCalls++;
    if (this.failAttachments) throw new WebmailError('network', 'cut');
    const out = new Map<string, AttachmentInfo[]>();
    for (const id of ids) {
      const m = this.byRef({ folderId, id });
      if (!m) continue;
      const email = await PostalMime.parse(m.raw, { attachmentEncoding: 'arraybuffer' });
      out.set(
        id,
        email.attachments.map((a) => ({ name: a.filename ?? '', type: (a.mimeType ?? '').toLowerCase(), size: (a.content as ArrayBuffer).byteLength })),
      );
    }
    return out;
  }

  static fromSeed(seed: { profile: 'realistic' | 'bench'; seed?: number; now: Date }, opts: FakeOptions = {}): FakeWebmail {
    const w = new FakeWebmail(opts);
    w.folderIds = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Patients', 'Patients/Archives'];
    for (const m of generateMailbox(seed)) {
      w.add({
        folderId: m.folder,
        raw: m.raw,
        date: m.internalDate.getTime(),
        unread: !m.seen,
        flagged: m.flagged,
        hasAttachment: m.attachments.length > 0,
        subject: m.subject,
        from: `${m.from.name} <${m.from.address}>`,
        clinical: m.clinical,
      });
    }
    return w;
  }

  add(m: Omit<FakeMessage, 'id'>): FakeMessage {
    if (!this.folderIds.includes(m.folderId)) this.folderIds.push(m.folderId);
    const full = { ...m, id: String(this.nextId++) };
    this.messages.push(full);
    return full;
  }

  byRef(ref: MessageRef): FakeMessage | undefined {
    return this.messages.find((m) => m.folderId === ref.folderId && m.id === ref.id);
  }

  summary(m: FakeMessage): MessageSummary {
    const size = m.raw.length;
    const rounded = this.opts.sizes === 'rounded';
    return {
      ref: { folderId: m.folderId, id: m.id },
      date: this.opts.hideDates ? null : m.date,
      ...(this.opts.hideDates ? { dateLabel: new Date(m.date).toISOString().slice(0, 16) } : {}),
      size: rounded && size >= 1024 ? Math.round(size / 1024) * 1024 : size,
      sizePrecision: rounded && size >= 1024 ? 512 : 0,
      from: m.from,
      subject: m.subject,
      unread: m.unread,
      flagged: m.flagged,
      hasAttachment: this.opts.unknownAttachments ? null : m.hasAttachment,
    };
  }

  async account() {
    return { address: 'martin.durand@medecin.mssante.fr' };
  }
  readonly quota: QuotaPart = { read: () => this.readQuota(), onHostChange: () => () => undefined };
  /** The fake acts on its own messages: it is its own mailbox part. */
  readonly mailbox: MailboxPart = this;
  async readQuota(): Promise<Quota> {
    return { usedBytes: this.messages.reduce((a, m) => a + m.raw.length, 0), limitBytes: this.opts.quotaLimit === undefined ? 200 * 1024 * 1024 : this.opts.quotaLimit, at: Date.now() };
  }
  async folders(): Promise<Folder[]> {
    return this.folderIds.map((id) => {
      const inside = this.messages.filter((m) => m.folderId === id);
      return {
        id,
        name: id.split('/').pop()!,
        path: id,
        role: ROLES[id] ?? 'other',
        count: inside.length,
        bytes: inside.reduce((a, m) => a + m.raw.length, 0),
        bytesPrecision: 0,
        unread: inside.filter((m) => m.unread).length,
        depth: id.split('/').length - 1,
      };
    });
  }

  matches(m: FakeMessage, q: SearchQuery): boolean {
    if (m.folderId !== q.folderId) return false;
    if (q.before !== undefined && !(m.date < q.before)) return false;
    if (q.since !== undefined && !(m.date >= q.since)) return false;
    if (q.largerThan !== undefined && !(m.raw.length > q.largerThan)) return false;
    if (q.hasAttachment !== undefined && m.hasAttachment !== q.hasAttachment) return false;
    if (q.unread !== undefined && m.unread !== q.unread) return false;
    if (q.flagged !== undefined && m.flagged !== q.flagged) return false;
    const text = () => Buffer.from(m.raw).toString('latin1').toLowerCase();
    if (q.bodyContainsAny && !q.bodyContainsAny.some((s) => text().includes(s.toLowerCase()))) return false;
    if (q.attachmentNameAny && !q.attachmentNameAny.some((s) => text().includes(s.toLowerCase()))) return false;
    if (q.attachmentTypeAny && !q.attachmentTypeAny.some((s) => text().includes(s.toLowerCase()))) return false;
    return true;
  }

  async *search(q: SearchQuery, opts: SearchOptions = {}): AsyncIterable<MessageSummary[]> {
    this.searches.push(q);
    if (this.opts.noContentSearch && (q.bodyContainsAny || q.attachmentNameAny || q.attachmentTypeAny)) {
      throw new WebmailError('unsupported', 'no content search');
    }
    if (!this.folderIds.includes(q.folderId)) throw new WebmailError('not-found', 'no such folder');
    const hits = this.messages.filter((m) => this.matches(m, q));
    hits.sort((a, b) =>
      q.sort === 'sizeDesc' ? b.raw.length - a.raw.length || Number(a.id) - Number(b.id) : q.sort === 'dateAsc' ? a.date - b.date : b.date - a.date,
    );
    const limited = opts.limit ? hits.slice(0, opts.limit) : hits;
    const size = this.opts.pageSize ?? 50;
    for (let i = 0; i < limited.length; i += size) {
      if (opts.signal?.aborted) throw new WebmailError('aborted', 'aborted');
      await Promise.resolve();
      yield limited.slice(i, i + size).map((m) => this.summary(m));
    }
  }

  async rawMessage(ref: MessageRef, opts: { signal?: AbortSignal } = {}): Promise<RawMessage> {
    if (opts.signal?.aborted) throw new WebmailError('aborted', 'aborted');
    const m = this.byRef(ref);
    if (!m) throw new WebmailError('not-found', 'no such message');
    if (this.failRaw.has(m.id)) throw new WebmailError('network', 'cut');
    this.rawCalls++;
    this.rawBytes += m.raw.length;
    const bytes = m.raw;
    let at = 0;
    return splitHead(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (at >= bytes.length) return controller.close();
          const end = Math.min(bytes.length, at + 64 * 1024);
          controller.enqueue(bytes.slice(at, end));
          at = end;
        },
      }),
    );
  }

  private act(folderId: string, ids: string[], to: string | null): BatchResult {
    const done: string[] = [];
    const failed: BatchResult['failed'] = [];
    for (const id of ids) {
      const m = this.byRef({ folderId, id });
      if (!m) failed.push({ id, code: 'not-found' });
      else {
        if (to === null) this.messages = this.messages.filter((x) => x !== m);
        else m.folderId = to;
        done.push(id);
      }
    }
    return { done, failed };
  }
  async stillIn(folderId: string, ids: string[]): Promise<Set<string>> {
    return new Set(ids.filter((id) => this.byRef({ folderId, id })));
  }
  async moveToTrash(folderId: string, ids: string[]) {
    return this.act(folderId, ids, 'Trash');
  }
  async move(folderId: string, ids: string[], target: string) {
    return this.act(folderId, ids, target);
  }
  async deleteForever(folderId: string, ids: string[]) {
    return this.act(folderId, ids, null);
  }
  async emptyFolder(): Promise<void> {
    throw new WebmailError('unsupported', 'not in the fake');
  }
  composeEditors() {
    return [];
  }
  uiAnchor() {
    return null;
  }
  dispose() {}
}

/** A message built by hand (CRLF), with optional attachments: the shapes the classifier must recognise. */
export function rawMessage(opts: {
  subject?: string;
  text?: string;
  textCharset?: string;
  attachments?: { filename?: string; contentType: string; data: Uint8Array | string; encoding?: 'base64' | '8bit' }[];
  date?: Date;
}): Uint8Array {
  const CRLF = '\r\n';
  const date = (opts.date ?? new Date('2025-01-01T10:00:00Z')).toUTCString().replace('GMT', '+0000');
  const head = [`Date: ${date}`, 'From: Test <test@example.mssante.fr>', 'To: dr@medecin.mssante.fr', `Subject: ${opts.subject ?? 'Test'}`, 'MIME-Version: 1.0'];
  const textPart = `Content-Type: text/plain; charset=${opts.textCharset ?? 'UTF-8'}${CRLF}Content-Transfer-Encoding: 8bit${CRLF}${CRLF}${(opts.text ?? 'Bonjour').replace(/\r?\n/g, CRLF)}${CRLF}`;
  if (!opts.attachments?.length) {
    const cut = textPart.indexOf(CRLF + CRLF);
    return Buffer.from([...head, textPart.slice(0, cut)].join(CRLF) + textPart.slice(cut), 'latin1');
  }
  const boundary = 'b1_fake_boundary';
  const parts = [textPart];
  for (const a of opts.attachments) {
    const data = typeof a.data === 'string' ? Buffer.from(a.data, 'latin1') : Buffer.from(a.data);
    const enc = a.encoding ?? 'base64';
    const body = enc === 'base64' ? data.toString('base64').replace(/.{76}/g, `$&${CRLF}`) : data.toString('latin1');
    const name = a.filename ? `; name="${a.filename}"` : '';
    const disp = a.filename ? `Content-Disposition: attachment; filename="${a.filename}"${CRLF}` : '';
    parts.push(`Content-Type: ${a.contentType}${name}${CRLF}${disp}Content-Transfer-Encoding: ${enc}${CRLF}${CRLF}${body}${CRLF}`);
  }
  const body = parts.map((p) => `--${boundary}${CRLF}${p}`).join('') + `--${boundary}--${CRLF}`;
  return Buffer.from([...head, `Content-Type: multipart/mixed; boundary="${boundary}"`].join(CRLF) + CRLF + CRLF + body, 'latin1');
}
