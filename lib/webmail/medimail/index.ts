/**
 * The Medimail adapter (Mipih's own webmail; no known API): it reads the pages the user's own session shows, by the
 * documented structure (selectors.ts), and checks every fact it relies on (parse.ts): a page that does not match
 * makes it refuse with the part it missed (recognition(), 'invalid-response'), never guess.
 *
 * What it does: the account (its own address and the MSSanté correspondence, the BAL), the folders, a whole folder
 * paged through, message dates, read marks and paper clips, a message's documents (names, shown sizes) and a raw
 * download rebuilt from the page (eml.ts), since Medimail offers none. What it does not: moving, deleting, the quota
 * (undocumented: `mailbox` and `quota` are null) and searches on size or content (the list shows neither).
 *
 * Reading a message opens it in the webmail as the user would: Medimail may then count it as read.
 */
import type {
  Account,
  ActionOptions,
  Capabilities,
  ComposeEditor,
  Detection,
  Folder,
  MessageRef,
  MessageSummary,
  Recognition,
  SearchOptions,
  SearchQuery,
  Webmail,
  WebmailAdapterFactory,
} from '../types';
import { WebmailError, pacingControl, type PacingControl } from '../types';
import type { RawMessage } from '../raw';
import { createRequester, type Expect, type Requester } from '../kit/request';
import { findComposeEditors } from './compose';
import { detectMedimail } from './detect';
import { checkPage, confirmDetection } from './check';
import { buildEml, partType, type EmlPart } from './eml';
import { Unrecognised, accountBox, isLoginPage, parseAccountBox, parseFolders, parseListPage, parseMessagePage, type AccountBox, type ListPage, type Row } from './parse';
import { LABELS } from './selectors';

const BATCH = 100;
const PAGE_TTL_MS = 10_000;
/** Slack on a document's shown size beyond its label's own rounding (a host may count a header or round oddly). */
const SIZE_SLACK = 1024;

export interface MedimailAccount extends Account {
  /** The account's own Medimail address (Account.address is the MSSanté correspondence when the box shows one). */
  medimailAddress: string | null;
}

function asWebmailError(e: unknown): unknown {
  if (e instanceof Unrecognised) return new WebmailError('invalid-response', e.message, { part: e.part });
  return e;
}

export class MedimailWebmail implements Webmail {
  readonly capabilities: Capabilities = { folders: true, search: true, rawDownload: true, compose: true, maxBatch: 1, exactSizes: false };
  /** Not documented anywhere: no quota figure, no move or delete request. */
  readonly quota = null;
  readonly mailbox = null;
  readonly pacing: PacingControl;
  private readonly rows = new Map<string, Row & { folderId: string }>();
  private readonly missing = new Set<string>();
  private readonly pageCache = new Map<string, { at: number; page: Promise<ListPage> }>();
  private box: AccountBox | null = null;
  private menuDoc: Document | null = null;
  private disposed = new AbortController();
  /** Same origin, paced, redirects not followed: an ended Medimail session redirects to its login page. */
  private readonly requester: Requester;

  constructor(
    private readonly doc: Document,
    readonly detection: Detection,
  ) {
    this.requester = createRequester({ origin: new URL(this.base()).origin, ownPage: (html) => /Medimail/i.test(html) });
    this.pacing = pacingControl(this.requester.pacer);
    const problem = detection.page === 'login' ? null : checkPage(doc, detection.page, doc.location ?? null);
    if (problem) this.missing.add(problem.part);
    try {
      this.box = parseAccountBox(doc);
    } catch {
      this.box = null;
    }
  }

  recognition(): Recognition {
    return { ok: this.missing.size === 0, missing: [...this.missing] };
  }

  // -------------------------------------------------------------------------------------------------------
  // Requests: the kit's paced same-origin requester, with the user's session

  private base(): string {
    return this.doc.location?.href ?? this.doc.URL;
  }

  private url(query: string): string {
    return new URL(query, this.base()).href;
  }

  private async request(href: string, expect: Expect, signal?: AbortSignal): Promise<Response> {
    if (this.disposed.signal.aborted) throw new WebmailError('aborted', 'aborted');
    const res = await this.requester.fetch(new URL(href, this.base()).href, { cache: 'no-store', ...(signal ? { signal } : {}) }, expect);
    if (res.status === 401 || res.status === 403) throw new WebmailError('auth-expired', `Medimail answered ${res.status}`);
    if (res.status === 404) throw new WebmailError('not-found', 'Medimail says this is no longer there');
    if (!res.ok) throw new WebmailError('server', `Medimail answered ${res.status}`);
    return res;
  }

  /** A page of the webmail, parsed (inert: nothing in it runs). An ended session's login page → 'auth-expired'. */
  private async page(query: string, signal?: AbortSignal): Promise<Document> {
    const res = await this.request(this.url(query), 'html', signal);
    const doc = new DOMParser().parseFromString(await res.text(), 'text/html');
    if (isLoginPage(doc)) throw new WebmailError('auth-expired', 'Medimail shows its login page (the session is over)');
    return doc;
  }

  /** Runs a parse, turning a missing part into 'invalid-response' and remembering it for recognition(). */
  private check<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      if (e instanceof Unrecognised) this.missing.add(e.part);
      throw asWebmailError(e);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Account and folders

  /** A page with the menu and the account box: the one on screen when it has them, else the inbox's list. */
  private async menuPage(signal?: AbortSignal): Promise<Document> {
    if (this.menuDoc) return this.menuDoc;
    if (accountBox(this.doc) && this.doc.querySelector('a[href*="m=liste"]')) return (this.menuDoc = this.doc);
    return (this.menuDoc = await this.page('?m=liste&o=date&p=1', signal));
  }

  async account(): Promise<MedimailAccount> {
    if (!this.box) {
      const doc = await this.menuPage();
      this.box = this.check(() => parseAccountBox(doc));
    }
    const box = this.box;
    const address = box.mssante ?? box.own!;
    return { address, medimailAddress: box.own, ...(box.name ? { displayName: box.name } : {}) };
  }

  /** A list page, kept a few seconds: folders() then a search read the same first and last pages. */
  private listPage(folderId: string, p: number, signal?: AbortSignal): Promise<ListPage> {
    const key = `${folderId}:${p}`;
    const hit = this.pageCache.get(key);
    if (hit && Date.now() - hit.at < PAGE_TTL_MS) return hit.page;
    const page = this.fetchListPage(folderId, p, signal);
    this.pageCache.set(key, { at: Date.now(), page });
    page.catch(() => this.pageCache.get(key)?.page === page && this.pageCache.delete(key));
    return page;
  }

  private async fetchListPage(folderId: string, p: number, signal?: AbortSignal): Promise<ListPage> {
    const doc = await this.page(`?m=liste&f=${encodeURIComponent(folderId)}&o=date&p=${p}`, signal);
    const page = this.check(() => parseListPage(doc));
    if (page.page !== p && !(page.pages <= 1 && p === 1)) {
      this.missing.add('pagination');
      throw new WebmailError('invalid-response', `Balise ne reconnaît pas cette page Medimail : la page ${p} demandée dit « Page ${page.page} »`, { part: 'pagination' });
    }
    return page;
  }

  async folders(): Promise<Folder[]> {
    const menu = await this.menuPage();
    const found = this.check(() => parseFolders(menu));
    const out: Folder[] = [];
    for (const f of found) {
      const first = await this.listPage(f.id, 1);
      let count = first.rows.length;
      if (first.pages > 1) {
        const last = await this.listPage(f.id, first.pages);
        count = (first.pages - 1) * first.rows.length + last.rows.length;
      }
      const unread = first.pages <= 1 ? first.rows.filter((r) => r.unread).length : undefined;
      out.push({ id: f.id, name: f.name, path: f.path, role: f.role, count, bytes: null, bytesPrecision: 0, depth: f.depth, ...(unread !== undefined ? { unread } : {}) });
    }
    return out;
  }

  // -------------------------------------------------------------------------------------------------------
  // Lists

  /**
   * The rows of a folder, page after page. The list is newest first, so mail arriving (or Medimail's own deletion)
   * while we page shifts rows between pages: when the page count changes the walk starts over (twice at most), and
   * rows seen twice count once.
   *
   * With `before`, only older rows are wanted: the walk starts from the last page (the oldest) and stops at the first
   * page holding nothing older. That relies on the order, so the order is checked on every page read (dates never
   * increase down the list); when it does not hold, the whole folder is read instead.
   */
  async listFolder(folderId: string, signal?: AbortSignal, before?: number): Promise<Row[]> {
    const ordered = (rows: Row[]) => rows.every((r, i) => i === 0 || rows[i - 1]!.date >= r.date);
    for (let attempt = 0; attempt < 3; attempt++) {
      const first = await this.listPage(folderId, 1, signal);
      const all = new Map<string, Row>(first.rows.map((r) => [r.id, r]));
      let stable = true;
      let inOrder = ordered(first.rows);
      const backwards = before !== undefined && inOrder;
      const order = Array.from({ length: Math.max(0, first.pages - 1) }, (_, i) => (backwards ? first.pages - i : i + 2));
      let newerSeen: number | null = null;
      for (const p of order) {
        const page = await this.listPage(folderId, p, signal);
        if (page.pages !== first.pages) {
          stable = false;
          break;
        }
        if (!ordered(page.rows)) inOrder = false;
        for (const r of page.rows) all.set(r.id, r);
        if (backwards) {
          // Pages further up must only hold newer rows than this one.
          if (newerSeen !== null && page.rows.some((r) => r.date > newerSeen!)) inOrder = false;
          const oldest = page.rows.length ? Math.min(...page.rows.map((r) => r.date)) : null;
          newerSeen = page.rows.length ? Math.max(...page.rows.map((r) => r.date)) : newerSeen;
          if (!inOrder) break;
          if (oldest !== null && oldest >= before!) break;
        }
      }
      if (!stable) {
        for (const k of [...this.pageCache.keys()]) if (k.startsWith(`${folderId}:`)) this.pageCache.delete(k);
        continue;
      }
      if (backwards && !inOrder) return this.listFolder(folderId, signal);
      for (const r of all.values()) this.rows.set(`${folderId}:${r.id}`, { ...r, folderId });
      return [...all.values()];
    }
    throw new WebmailError('busy', 'the Medimail folder kept changing while Balise read it');
  }

  async *search(q: SearchQuery, opts: SearchOptions = {}): AsyncIterable<MessageSummary[]> {
    if (q.sort === 'sizeDesc' || q.largerThan !== undefined) throw new WebmailError('unsupported', 'Medimail lists no message sizes');
    if (q.bodyContainsAny?.length || q.attachmentNameAny?.length || q.attachmentTypeAny?.length) {
      throw new WebmailError('unsupported', 'Medimail cannot search the content of messages without opening each one');
    }
    if (q.flagged !== undefined) throw new WebmailError('unsupported', 'Medimail lists no flags');
    const rows = await this.listFolder(q.folderId, opts.signal, q.before);
    if (q.hasAttachment !== undefined && rows.length && rows.every((r) => r.hasAttachment === null)) {
      throw new WebmailError('unsupported', 'this Medimail list shows no paper clip to tell attachments');
    }
    const picked = rows
      .filter((r) => (q.before === undefined || r.date < q.before) && (q.since === undefined || r.date >= q.since))
      .filter((r) => q.unread === undefined || r.unread === q.unread)
      .filter((r) => q.hasAttachment === undefined || r.hasAttachment === q.hasAttachment)
      .sort((a, b) => (q.sort === 'dateAsc' ? a.date - b.date : b.date - a.date) || Number(a.id) - Number(b.id))
      .slice(0, opts.limit ?? Infinity)
      .map((r): MessageSummary => ({
        ref: { folderId: q.folderId, id: r.id },
        date: r.date,
        dateLabel: r.dateLabel,
        // Medimail lists no size: 0 with an unbounded uncertainty says "unknown" in the interface's terms.
        size: 0,
        sizePrecision: Number.MAX_SAFE_INTEGER,
        from: r.from,
        subject: r.subject,
        unread: r.unread,
        flagged: false,
        hasAttachment: r.hasAttachment,
      }));
    for (let i = 0; i < picked.length; i += BATCH) {
      if (opts.signal?.aborted) throw new WebmailError('aborted', 'aborted');
      yield picked.slice(i, i + BATCH);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading a message and rebuilding it

  /** One document, downloaded and checked against what the server and the page said of its size. */
  private async document(href: string, name: string, shown: { bytes: number; precision: number } | null, signal?: AbortSignal): Promise<EmlPart> {
    const res = await this.request(href, 'raw', signal);
    const type = res.headers.get('content-type');
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (/^text\/html/i.test(type ?? '') && isLoginPage(new DOMParser().parseFromString(new TextDecoder().decode(bytes), 'text/html'))) {
      throw new WebmailError('auth-expired', 'Medimail answered a document with its login page');
    }
    const declared = res.headers.get('content-length');
    if (declared !== null && /^\d+$/.test(declared) && Number(declared) !== bytes.length && !res.headers.get('content-encoding')) {
      throw new WebmailError('invalid-response', `the document ${name} arrived incomplete (${bytes.length} of ${declared} bytes)`);
    }
    if (shown && Math.abs(bytes.length - shown.bytes) > shown.precision + SIZE_SLACK) {
      throw new WebmailError('invalid-response', `the document ${name} has ${bytes.length} bytes where the page shows about ${shown.bytes}`);
    }
    return { filename: name, contentType: partType(type, name), bytes };
  }

  /** A message as the page shows it, its documents downloaded and checked. */
  async readMessage(ref: MessageRef, opts: ActionOptions = {}) {
    const doc = await this.page(`?m=open&idk=${encodeURIComponent(ref.id)}`, opts.signal);
    const m = this.check(() => parseMessagePage(doc));
    const attachments: EmlPart[] = [];
    for (const a of m.attachments) attachments.push(await this.document(new URL(a.href, this.url(`?m=open&idk=${ref.id}`)).href, a.name, a.shown, opts.signal));
    return { page: m, attachments };
  }

  async rawMessage(ref: MessageRef, opts: ActionOptions = {}): Promise<RawMessage> {
    if (!/^\d{1,12}$/.test(ref.id)) throw new WebmailError('not-found', 'not a Medimail message id');
    const { page, attachments } = await this.readMessage(ref, opts);
    const row = this.rows.get(`${ref.folderId}:${ref.id}`);
    const date = row?.date ?? page.sent;
    const from = page.from ?? row?.from ?? null;
    if (date === null || from === null) {
      this.missing.add('message');
      throw new WebmailError('invalid-response', 'Balise ne reconnaît pas cette page Medimail : le message ne dit ni sa date ni son expéditeur', { part: 'message' });
    }
    const bytes = buildEml({
      from,
      to: page.to,
      cc: page.cc,
      subject: row?.subject ?? page.subject ?? '',
      date,
      hostId: ref.id,
      bodyHtml: page.bodyHtml,
      attachments,
    });
    const cut = Math.min(1024, bytes.length);
    // The rest as a platform stream over our own bytes (Response, not a ReadableStream constructed here: see raw.ts).
    return { head: bytes.slice(0, cut), rest: new Response(bytes.slice(cut)).body! };
  }

  // -------------------------------------------------------------------------------------------------------
  // The page

  composeEditors(): ComposeEditor[] {
    return findComposeEditors(this.doc, () => {
      const box = this.box;
      return box ? (box.mssante ?? box.own) : null;
    });
  }

  uiAnchor(kind: 'quota' | 'toolbar'): { element: Element; placement: 'before' | 'after' | 'prepend' | 'append' } | null {
    const links = Array.from(this.doc.querySelectorAll('a, button'));
    if (kind === 'quota') {
      // Under the folder list of the menu (no quota display exists to stand beside).
      const folder = links.find((a) => /^\s*Bo[iî]te de r[ée]ception\s*$/i.test(a.textContent ?? ''));
      let list = folder?.closest('ul') ?? null;
      while (list?.parentElement?.closest('ul')) list = list.parentElement.closest('ul');
      return list ? { element: list, placement: 'after' } : null;
    }
    const compose = links.find((a) => LABELS.newMessage.test(a.textContent ?? ''));
    return compose?.parentElement ? { element: compose.parentElement, placement: 'append' } : null;
  }

  dispose(): void {
    this.disposed.abort();
  }
}

export const medimailFactory: WebmailAdapterFactory = {
  kind: 'medimail',
  detect: (doc, loc) => detectMedimail(doc, loc),
  confirm: confirmDetection,
  create: (doc, detection) => new MedimailWebmail(doc, detection),
};

/** What the detector's load() hands over. */
export const adapterFactory = medimailFactory;
