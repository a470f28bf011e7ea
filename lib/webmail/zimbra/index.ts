/**
 * The Zimbra classic (Ajax) web client adapter. Talks only to the page's own origin, with the page's cookie (never
 * read) and CSRF token (see page.ts), in SOAP/JSON (soap.ts). The Modern UI is recognised and reported as not
 * supported (detection.supported = false, 'zimbra-modern').
 */
import type {
  Account,
  AttachmentInfo,
  Capabilities,
  ComposeEditor,
  Detection,
  Folder,
  FolderRole,
  MailboxPart,
  QuotaPart,
  Recognition,
  MessageRef,
  MessageSummary,
  Quota,
  SearchOptions,
  SearchQuery,
  Webmail,
  WebmailAdapterFactory,
} from '../types';
import { WebmailError, pacingControl, type PacingControl } from '../types';
import { splitHead, type RawMessage } from '../raw';
import { CHUNK_SIZE, TRASH_ID } from './actions';
import { MAX_PAGE, ZimbraMailbox } from './mailbox';

export { MAX_PAGE } from './mailbox';
import { findComposeEditors } from './compose';
import {
  csrfTokenSource,
  detectZimbra,
  hostFolderLabel,
  observeHostQuota,
  quotaAnchor,
  toolbarAnchor,
} from './page';
import { buildQuery, isFolderId } from './query';
import { retentionFromInfo } from './retention';
import {
  FolderNode,
  GetFolderResponse,
  GetInfoResponse,
  NumLike,
  SearchPartsResponse,
  SearchResponse,
  ZimbraSoap,
  type FetchLike,
  type MessageHit,
} from './soap';
import type { SigStyle } from './signature';
import { attachmentsFromParts } from './parts';
import { archiveMessages } from './archive';
import type { Pacer } from '../kit/request';
import { recognise } from '../kit/selectors';
import { ZIMBRA_SELECTORS } from './selectors';

const MAIL = 'urn:zimbraMail';
const ACCOUNT = 'urn:zimbraAccount';

const ROLES: Record<string, FolderRole> = { '2': 'inbox', '3': 'trash', '4': 'junk', '5': 'sent', '6': 'drafts' };
/** Views of folders that hold mail; Trash has no view of its own (`FolderConstants`). */
const MAIL_VIEWS = new Set(['', 'message', 'conversation']);

const NONE: Capabilities = {
  folders: false,
  search: false,
  rawDownload: false,
  compose: false,
  maxBatch: CHUNK_SIZE,
  exactSizes: true,
  exactDates: true,
};
const ALL: Capabilities = {
  folders: true,
  search: true,
  rawDownload: true,
  compose: true,
  maxBatch: CHUNK_SIZE,
  exactSizes: true,
  exactDates: true,
};

function fromText(hit: MessageHit): string {
  const f = hit.e?.find((e) => e.t === 'f');
  if (!f) return '';
  const name = (f.p ?? '').trim();
  const addr = (f.a ?? '').trim();
  if (name && addr) return `${name} <${addr}>`;
  return name || addr;
}

export function toSummary(hit: MessageHit, folderId: string): MessageSummary {
  const flags = hit.f ?? '';
  return {
    ref: { folderId: hit.l && isFolderId(hit.l) ? hit.l : folderId, id: hit.id },
    date: hit.d,
    size: hit.s,
    sizePrecision: 0,
    from: fromText(hit),
    subject: hit.su ?? '',
    unread: flags.includes('u'),
    flagged: flags.includes('f'),
    hasAttachment: flags.includes('a'),
  };
}

/**
 * Flattens GetFolderResponse (parsed level by level) into Balise folders, in tree order.
 * With `view: "message"` the server keeps a non-mail folder that has mail subfolders as a bare placeholder
 * (`GetFolder.filterByView`: id and name only, no view, no n/s); Trash has no view of its own but is real.
 * Placeholders and non-mail folders are not listed; their mail subfolders are, under their path.
 */
export function flattenFolders(root: unknown, label: (id: string, serverName: string) => string): Folder[] {
  const out: Folder[] = [];
  const walk = (raw: unknown, depth: number, parentPath: string | null) => {
    if (depth > 64) return;
    const parsed = FolderNode.safeParse(raw);
    if (!parsed.success) throw new WebmailError('invalid-response', 'Unexpected folder in GetFolderResponse');
    const f = parsed.data;
    if (parentPath === null) {
      for (const child of f.folder ?? []) walk(child, 0, '');
      return;
    }
    const name = label(f.id, f.name ?? f.id);
    const path = parentPath ? `${parentPath}/${name}` : name;
    const placeholder = f.id !== TRASH_ID && f.view === undefined && f.n === undefined && f.s === undefined;
    if (!placeholder && MAIL_VIEWS.has(f.view ?? '')) {
      out.push({
        id: f.id,
        name,
        path,
        role: ROLES[f.id] ?? 'other',
        count: f.n ?? 0,
        bytes: f.s ?? 0,
        bytesPrecision: 0,
        unread: f.u ?? 0,
        depth,
      });
    }
    for (const child of f.folder ?? []) walk(child, depth + 1, path);
  };
  walk(root, 0, null);
  return out;
}

function attr(attrs: Record<string, unknown> | undefined, name: string): unknown {
  const v = attrs?.[name];
  return Array.isArray(v) ? v[0] : v;
}

export interface ZimbraAdapterOptions {
  /** For unit tests: the transport. */
  fetch?: FetchLike;
  /** The page's request pacing (lib/webmail/kit/request.ts); a new default one when absent. */
  pacer?: Pacer;
  now?: () => number;
}

export class ZimbraWebmail implements Webmail {
  readonly capabilities: Capabilities;
  readonly quota: QuotaPart | null;
  readonly mailbox: MailboxPart | null;
  readonly pacing: PacingControl;
  private readonly soap: ZimbraSoap;
  private readonly disposers = new Set<() => void>();
  private info: Promise<GetInfoResponse> | null = null;
  private sigStyle: SigStyle = 'outlook';
  private sigIds: string[] = [];
  private readonly now: () => number;

  constructor(
    private readonly doc: Document,
    readonly detection: Detection,
    opts: ZimbraAdapterOptions = {},
  ) {
    const working = detection.supported && detection.page !== 'login';
    this.capabilities = working ? ALL : NONE;
    this.quota = working
      ? { read: () => this.readQuota(), onHostChange: (cb) => this.onHostQuotaChange(cb), retention: () => this.retention() }
      : null;
    const origin = doc.location?.origin ?? '';
    this.soap = new ZimbraSoap(origin, csrfTokenSource(doc), opts.fetch, opts.pacer);
    this.pacing = pacingControl(this.soap.pacer);
    this.mailbox = working ? new ZimbraMailbox(this.soap) : null;
    this.now = opts.now ?? Date.now;
  }

  private ensureWorking(): void {
    if (this.detection.supported && this.detection.page !== 'login') return;
    if (!this.detection.supported) throw new WebmailError('unsupported', `Zimbra ${this.detection.variant ?? ''} is not supported`);
    throw new WebmailError('auth-expired', 'Not logged in');
  }

  /** GetInfo with the sections the account, the signature style and the signature ids need (cached). */
  private accountInfo(): Promise<GetInfoResponse> {
    if (!this.info) {
      this.info = this.soap.call('GetInfoRequest', ACCOUNT, { sections: 'mbox,attrs,prefs,sigs' }, GetInfoResponse).then(
        (info) => {
          const style = attr(info.prefs?._attrs, 'zimbraPrefMailSignatureStyle');
          this.sigStyle = style === 'internet' ? 'internet' : 'outlook';
          this.sigIds = (info.signatures?.signature ?? []).map((s) => s.id).filter((id) => /^[\w-]{1,100}$/.test(id));
          return info;
        },
        (e) => {
          this.info = null; // not cached: try again next time
          throw e;
        },
      );
    }
    return this.info;
  }

  async account(): Promise<Account> {
    this.ensureWorking();
    const info = await this.accountInfo();
    const address = info.name.trim().toLowerCase();
    const display = attr(info.attrs?._attrs, 'displayName') ?? attr(info.prefs?._attrs, 'zimbraPrefFromDisplay');
    const account: Account = { address };
    if (typeof display === 'string' && display.trim()) account.displayName = display.trim().slice(0, 200);
    return account;
  }

  /** Trash and Junk lifetimes the server's purge applies (admin limit and the user's preference, see retention.ts). */
  private async retention(): Promise<{ trashDays: number | null; junkDays: number | null }> {
    this.ensureWorking();
    const info = await this.accountInfo();
    return retentionFromInfo(info.attrs?._attrs, info.prefs?._attrs);
  }

  private async readQuota(): Promise<Quota | null> {
    this.ensureWorking();
    // Fresh every time: `used` counts everything in the mailbox, trash included (`Mailbox.getSize`).
    const info = await this.soap.call('GetInfoRequest', ACCOUNT, { sections: 'mbox,attrs' }, GetInfoResponse);
    if (info.used === undefined) return null; // the mailbox lives on another server: no figure here
    // zimbraMailQuota: bytes as a string, "0" = unlimited (GetInfo returns the effective quota since ZBUG-1869).
    const raw = attr(info.attrs?._attrs, 'zimbraMailQuota');
    const limit = raw === undefined ? null : NumLike.safeParse(raw);
    if (limit && !limit.success) throw new WebmailError('invalid-response', 'Unreadable zimbraMailQuota');
    const limitBytes = limit && limit.data > 0 ? limit.data : null;
    return { usedBytes: info.used, limitBytes, at: this.now() };
  }

  private onHostQuotaChange(cb: () => void): () => void {
    const stop = observeHostQuota(this.doc, cb);
    this.disposers.add(stop);
    return () => {
      stop();
      this.disposers.delete(stop);
    };
  }

  async folders(): Promise<Folder[]> {
    this.ensureWorking();
    const r = await this.soap.call('GetFolderRequest', MAIL, { view: 'message' }, GetFolderResponse);
    return flattenFolders(r.folder[0], (id, name) => hostFolderLabel(this.doc, id) ?? name);
  }

  async *search(q: SearchQuery, opts: SearchOptions = {}): AsyncIterable<MessageSummary[]> {
    this.ensureWorking();
    let built;
    try {
      built = buildQuery(q);
    } catch (e) {
      // A folder id that is not Zimbra's cannot exist; anything else in the query is a caller's mistake.
      throw new WebmailError(isFolderId(q.folderId) ? 'unsupported' : 'not-found', e instanceof Error ? e.message : 'bad query');
    }
    if (built.query === null) return;
    const limit = opts.limit ?? Number.POSITIVE_INFINITY;
    if (!(limit > 0)) return;
    const seen = new Set<string>();
    let offset = 0;
    let yielded = 0;
    // Offsets move when mail arrives during the walk: a hit seen twice is given once.
    for (;;) {
      if (opts.signal?.aborted) throw new WebmailError('aborted', 'Cancelled');
      const page = Math.min(MAX_PAGE, Math.max(1, limit - yielded));
      const r = await this.soap.call(
        'SearchRequest',
        MAIL,
        { query: built.query, types: 'message', sortBy: built.sortBy, limit: page, offset },
        SearchResponse,
        { signal: opts.signal },
      );
      const hits = r.m ?? [];
      offset += hits.length;
      const batch: MessageSummary[] = [];
      for (const h of hits) {
        if (seen.has(h.id) || yielded + batch.length >= limit) continue;
        seen.add(h.id);
        batch.push(toSummary(h, q.folderId));
      }
      yielded += batch.length;
      if (batch.length) yield batch;
      if (!r.more || hits.length === 0 || yielded >= limit) return;
    }
  }

  /**
   * One SearchRequest on exactly these item ids of the folder with `fetch: 'all'`: every hit comes with its MIME part
   * tree (names, types, sizes), `max: 1` keeping the inlined body to a byte. Nothing is downloaded.
   */
  async attachments(folderId: string, ids: string[], opts: { signal?: AbortSignal } = {}): Promise<Map<string, AttachmentInfo[]>> {
    this.ensureWorking();
    const out = new Map<string, AttachmentInfo[]>();
    const valid = [...new Set(ids.map(String).filter((id) => /^\d{1,10}$/.test(id)))].slice(0, CHUNK_SIZE);
    if (!valid.length || !isFolderId(folderId)) return out;
    const r = await this.soap.call(
      'SearchRequest',
      MAIL,
      { query: `inid:${folderId} item:{${valid.join(',')}}`, types: 'message', sortBy: 'none', limit: valid.length, offset: 0, fetch: 'all', max: 1 },
      SearchPartsResponse,
      { signal: opts.signal },
    );
    for (const m of r.m ?? []) out.set(m.id, attachmentsFromParts(m.mp));
    return out;
  }

  /** Several raw messages in one request: the REST servlet's zip of exactly these ids (archive.ts). */
  async rawMessages(_folderId: string, ids: string[], opts: { signal?: AbortSignal; maxBytes: number }): Promise<Map<string, Uint8Array>> {
    this.ensureWorking();
    return archiveMessages(this.soap, ids, opts);
  }

  async rawMessage(ref: MessageRef, opts: { signal?: AbortSignal } = {}): Promise<RawMessage> {
    this.ensureWorking();
    if (!/^\d{1,10}$/.test(String(ref?.id))) throw new WebmailError('not-found', 'Not a Zimbra message id');
    // NativeFormatter: with no part, the full RFC 822 source, byte for byte (text/plain).
    const res = await this.soap.rest(`/service/home/~/?auth=co&id=${ref.id}`, { signal: opts.signal });
    if (!res.body) throw new WebmailError('invalid-response', 'Empty answer');
    // Its first bytes are checked (a message starts with a header field); the rest stays the browser's own stream:
    // in Firefox it belongs to the content script's sandbox, so the page-realm `new Response(stream)` of the
    // content script's globals could not wrap it.
    return splitHead(res.body);
  }

  composeEditors(): ComposeEditor[] {
    if (!this.capabilities.compose) return [];
    // Signature style and ids come from GetInfo: ask once, in the background (editors work with defaults meanwhile).
    if (!this.info) void this.accountInfo().catch(() => undefined);
    return findComposeEditors(this.doc, { style: () => this.sigStyle, signatureIds: () => this.sigIds });
  }

  uiAnchor(kind: 'quota' | 'toolbar'): { element: Element; placement: 'before' | 'after' | 'prepend' | 'append' } | null {
    if (!this.quota) return null;
    return kind === 'quota' ? quotaAnchor(this.doc) : toolbarAnchor(this.doc);
  }

  /** The page parts Balise needs on this page (selectors.ts), and which of them are missing. */
  recognition(): Recognition {
    return recognise(this.doc, ZIMBRA_SELECTORS, this.detection.page);
  }

  dispose(): void {
    for (const stop of this.disposers) stop();
    this.disposers.clear();
  }
}

export const zimbraAdapter: WebmailAdapterFactory = {
  kind: 'zimbra',
  detect: (doc, loc) => detectZimbra(doc, loc),
  create: (doc, detection) => new ZimbraWebmail(doc, detection),
};

/** What detect.ts's `load` gives (lib/webmail/types.ts WebmailDetector). */
export const adapterFactory = zimbraAdapter;
