/**
 * The Roundcube adapter (1.4–1.6; tested on Debian's 1.6.5 with Dovecot 2.3): detection from the page's own
 * markup, quota, folders, whole-folder searches, batch moves with the new UIDs in the target, permanent
 * deletes, emptying a folder, raw messages and the compose editors' signatures.
 *
 * Split like the Zimbra adapter: detect.ts (detection, tiny), page.ts (what the page shows), api.ts (requests),
 * parse/ (answers), actions.ts (the mailbox part), batches.ts (ids per request), compose.ts (editors and
 * signatures), selectors.ts (what the page must contain), context.ts (what the parts share).
 *
 * Facts it relies on (tests/servers/roundcube/FINDINGS.md, each checked against the real server):
 * - list rows give formatted sizes and dates only: summaries carry size ± precision and the host's date label;
 * - a search is only sorted by the session's sort, and changing it saves the user's preference: results are
 *   collected over every page and sorted here (no preference is ever written); the N largest are narrowed first
 *   with IMAP LARGER (largest.ts) so that only a few pages are listed;
 * - a move's answer has no new UIDs and reports success even for a UID that does not exist: what left the
 *   source and what arrived in the target are checked with searches; Dovecot's MOVE numbers the new messages
 *   in ascending order of their old UIDs.
 */
import {
  WebmailError,
  pacingControl,
  type PacingControl,
  type Account,
  type Capabilities,
  type ComposeEditor,
  type Detection,
  type Folder,
  type MailboxPart,
  type MessageRef,
  type MessageSummary,
  type PartQuery,
  type Quota,
  type QuotaPart,
  type Recognition,
  type SearchOptions,
  type SearchQuery,
  type Webmail,
  type WebmailAdapterFactory,
} from '../types';
import { splitHead, type RawMessage } from '../raw';
import { mapLimit, throwIfAborted } from '../kit/async';
import { OPERATION_CONCURRENCY } from '../kit/pacing-policy';
import type { Pacer } from '../kit/request';
import { recognise } from '../kit/selectors';
import { RcApi, type FetchLike } from './api';
import { RcMailbox } from './actions';
import { ROUNDCUBE_MAX_BATCH, cutUidBatches, splitIds } from './batches';
import { RcComposeEditor } from './compose';
import { keepingListState, requireApi, type RcContext } from './context';
import { detectRoundcube, readPageEnv, readToken } from './detect';
import { accountFromDom, accountFromHtml, findAnchor, foldersFromDom, observeQuotaDisplay } from './page';
import { buildFilter, envMailboxes, folderRole, parseSizeLabel, parseUid, partFilter, rowToSummary, sortSummaries, uidSet } from './parse';
import { ROUNDCUBE_SELECTORS } from './selectors';
import { largestRows } from './largest';
import { offersZipDownload, zipMessages } from './zip-batch';

export { ROUNDCUBE_MAX_BATCH, ROUNDCUBE_MAX_SET_CHARS, cutUidBatches, encodedSetLength } from './batches';

/** Summaries per yielded batch of a search. */
const YIELD_SIZE = 200;
/** Folder info requests in flight at once (php workers are few on small hosts; the pacing policy's figure). */
const FOLDER_CONCURRENCY = OPERATION_CONCURRENCY;

export class RoundcubeWebmail implements Webmail {
  readonly capabilities: Capabilities;
  readonly quota: QuotaPart | null;
  readonly mailbox: MailboxPart | null;
  readonly pacing?: PacingControl;
  private readonly ctx: RcContext;
  private readonly env: Record<string, unknown>;
  private readonly quotaListeners = new Set<() => void>();
  private stopQuotaObserver: (() => void) | null = null;
  private editor: RcComposeEditor | null = null;
  private accountCache: Account | null = null;
  private disposed = false;

  constructor(
    private readonly doc: Document,
    readonly detection: Detection,
    opts: { fetch?: FetchLike; pacer?: Pacer } = {},
  ) {
    this.env = readPageEnv(doc) ?? {};
    const token = readToken(doc, this.env);
    const usable = detection.supported && detection.page !== 'login' && !!token;
    const api = usable
      ? new RcApi({
          pageUrl: doc.location.href,
          commPath: typeof this.env.comm_path === 'string' ? this.env.comm_path : undefined,
          token: token!,
          ...(opts.fetch ? { fetch: opts.fetch } : {}),
          ...(opts.pacer ? { pacer: opts.pacer } : {}),
        })
      : null;
    this.ctx = { doc, env: this.env, detection, api };
    if (api) this.pacing = pacingControl(api.pacer);
    this.capabilities = {
      folders: usable,
      search: usable,
      rawDownload: usable,
      compose: detection.page === 'compose',
      maxBatch: ROUNDCUBE_MAX_BATCH,
      exactSizes: false,
    };
    this.quota =
      usable && this.env.quota !== false ? { read: () => this.readQuota(), onHostChange: (cb) => this.onHostQuotaChange(cb) } : null;
    // Without a trash folder Balise cannot delete in two steps: no mailbox part at all.
    this.mailbox = usable && typeof this.env.trash_mailbox === 'string' ? new RcMailbox(this.ctx) : null;
  }

  private async readQuota(): Promise<Quota | null> {
    const q = await requireApi(this.ctx).quota();
    return q ? { usedBytes: q.usedBytes, limitBytes: q.limitBytes, at: Date.now() } : null;
  }

  async account(): Promise<Account> {
    if (this.accountCache) return this.accountCache;
    // The header's user name is the login (the mailbox); identities may be other addresses (a secretary's).
    let address = accountFromDom(this.doc);
    if (!address) address = accountFromHtml((await requireApi(this.ctx).mailPage()).html);
    if (!address) throw new WebmailError('invalid-response', 'the page does not show the mailbox address');
    this.accountCache = { address };
    return this.accountCache;
  }

  private onHostQuotaChange(cb: () => void): () => void {
    this.quotaListeners.add(cb);
    if (!this.stopQuotaObserver && !this.disposed) {
      this.stopQuotaObserver = observeQuotaDisplay(this.doc, () => {
        for (const l of [...this.quotaListeners]) l();
      });
    }
    return () => {
      this.quotaListeners.delete(cb);
      if (!this.quotaListeners.size && this.stopQuotaObserver) {
        this.stopQuotaObserver();
        this.stopQuotaObserver = null;
      }
    };
  }

  async folders(opts?: { figures?: boolean; only?: readonly string[] } | null): Promise<Folder[]> {
    const api = requireApi(this.ctx);
    const figures = opts?.figures !== false;
    let env = this.env;
    let boxes = envMailboxes(env);
    if (!boxes.length) {
      env = (await api.mailPage()).env;
      boxes = envMailboxes(env);
    }
    if (!boxes.length) throw new WebmailError('invalid-response', 'no folder list');
    const delimiter = typeof env.delimiter === 'string' && env.delimiter ? env.delimiter : '/';
    const dom = new Map(foldersFromDom(this.doc).map((f) => [f.id, f]));
    const names = new Map(boxes.map((b) => [b.id, b.name]));
    const only = opts?.only ? new Set(opts.only) : null;
    const real = boxes.filter((b) => !b.virtual && (!only || only.has(b.id) || folderRole(b.id, b.class ?? dom.get(b.id)?.cls, env) === 'trash'));
    return mapLimit(real, FOLDER_CONCURRENCY, async (b) => {
      // Counts and sizes cost one settings page per folder: only when asked for.
      const info = figures ? await api.folderInfo(b.id) : { count: 0, sizeLabel: null };
      let label = info.sizeLabel;
      if (!label && info.count) label = await api.folderSize(b.id);
      const size = label ? parseSizeLabel(label) : null;
      // "0 o" for a folder that holds messages: what folder-size answers on the request that ended the session.
      if (size && size.bytes === 0 && info.count) await api.confirmSession(b.id);
      const parts = b.id.split(delimiter);
      const path = parts.map((_, i) => names.get(parts.slice(0, i + 1).join(delimiter)) ?? parts[i]).join('/');
      return {
        id: b.id,
        name: b.name,
        path,
        role: folderRole(b.id, b.class ?? dom.get(b.id)?.cls, env),
        count: info.count ?? 0,
        bytes: size ? size.bytes : null,
        bytesPrecision: size ? size.precision : 0,
        depth: dom.get(b.id)?.depth ?? parts.length - 1,
      };
    });
  }

  /** Several reads as one sequence: the session's folder and list are put back once, when `fn` ends (context.ts). */
  together<T>(fn: () => Promise<T>): Promise<T> {
    return keepingListState(this.ctx, fn);
  }

  async *search(q: SearchQuery, options?: SearchOptions | null): AsyncIterable<MessageSummary[]> {
    const api = requireApi(this.ctx);
    // Callers across a message boundary may send null for "no options".
    const opts = options ?? {};
    const { signal } = opts;
    throwIfAborted(signal);
    if (!q.folderId) throw new WebmailError('not-found', 'no folder');
    // The user's time zone (dates in rows) and, on the way, a Date header for the server's clock.
    const timeZone = await api.timeZone(signal);
    const built = buildFilter(q, api.serverNowSec());
    if ('nothing' in built) return;
    // The N largest: narrowed with LARGER (./largest.ts) rather than every page of the folder.
    const limit = opts.limit;
    const rows = await keepingListState(this.ctx, async () =>
      q.sort === 'sizeDesc' && limit !== undefined && limit > 0
        ? (await largestRows(api, q.folderId, built.filter, limit, signal)).rows
        : api.searchAll(q.folderId, built.filter, signal),
    );
    const dateFormat = typeof this.env.date_format === 'string' ? this.env.date_format : undefined;
    let list = sortSummaries(
      rows.map(({ row, now }) => rowToSummary(row, { folderId: q.folderId, now, timeZone, dateFormat })),
      q.sort,
    );
    if (opts.limit !== undefined) list = list.slice(0, Math.max(0, opts.limit));
    for (let i = 0; i < list.length; i += YIELD_SIZE) {
      throwIfAborted(signal);
      yield list.slice(i, i + YIELD_SIZE);
    }
  }

  /**
   * IMAP SEARCH MIMEPART (Dovecot 2.3) through `_filter`, on exactly these UIDs, one search per request-sized part:
   * the messages' structure without a download. An IMAP server without MIMEPART answers BAD, which Roundcube shows
   * as an error or as no match: either way nothing is listed.
   */
  async partSearch(folderId: string, ids: string[], q: PartQuery, opts?: { signal?: AbortSignal } | null): Promise<Set<string>> {
    const api = requireApi(this.ctx);
    const signal = opts?.signal ?? undefined;
    throwIfAborted(signal);
    const out = new Set<string>();
    const criteria = partFilter(q);
    const { byUid } = splitIds(ids);
    if (criteria === null || !byUid.size) return out;
    await keepingListState(this.ctx, async () => {
      for (const part of cutUidBatches([...byUid.values()], ROUNDCUBE_MAX_BATCH)) {
        const uids = part.map((id) => parseUid(id)!);
        const found = await api.uidsMatching(folderId, `UID ${uidSet(uids)} ${criteria}`, signal);
        for (const u of found.uids) if (byUid.has(u)) out.add(byUid.get(u)!);
      }
    });
    return out;
  }

  /** Several raw messages in one request where the page offers zipdownload's archives (zip-batch.ts). */
  async rawMessages(folderId: string, ids: string[], opts: { signal?: AbortSignal; maxBytes: number }): Promise<Map<string, Uint8Array>> {
    if (this.disposed || !offersZipDownload(this.doc)) throw new WebmailError('unsupported', 'this page offers no archive of a selection', { asked: false });
    return zipMessages(requireApi(this.ctx), folderId, ids, opts);
  }

  async rawMessage(ref: MessageRef, opts?: { signal?: AbortSignal } | null): Promise<RawMessage> {
    const uid = parseUid(ref.id);
    if (uid === null) throw new WebmailError('not-found', `not a message id: ${ref.id}`);
    const res = await requireApi(this.ctx).rawMessage(ref.folderId, uid, opts?.signal);
    // Roundcube answers a UID that is not there with an "attachment" too (empty, or PHP's warnings when they are
    // displayed): splitHead refuses what does not start like a message. A download cut short errors the stream by
    // itself (the browser checks Content-Length and chunked framing).
    if (!res.body) throw new WebmailError('not-found', 'the webmail sent no message (it is no longer there)');
    return splitHead(res.body);
  }

  composeEditors(): ComposeEditor[] {
    if (this.disposed || !this.doc.getElementById('composebody')) return [];
    if (!this.editor) this.editor = new RcComposeEditor(this.doc, this.env);
    return [this.editor];
  }

  uiAnchor(kind: 'quota' | 'toolbar') {
    return findAnchor(this.doc, kind);
  }

  dispose(): void {
    this.disposed = true;
    this.stopQuotaObserver?.();
    this.stopQuotaObserver = null;
    this.quotaListeners.clear();
    this.editor?.dispose();
    this.editor = null;
  }

  /** The page parts Balise needs on this page (selectors.ts), and which of them are missing. */
  recognition(): Recognition {
    return recognise(this.doc, ROUNDCUBE_SELECTORS, this.detection.page);
  }
}

export const roundcubeFactory: WebmailAdapterFactory = {
  kind: 'roundcube',
  detect: (doc) => detectRoundcube(doc),
  create: (doc, detection) => new RoundcubeWebmail(doc, detection),
};

/** What detect.ts's `load` gives (lib/webmail/types.ts WebmailDetector). */
export const adapterFactory = roundcubeFactory;
