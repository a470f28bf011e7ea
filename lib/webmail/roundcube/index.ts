/**
 * The Roundcube adapter (1.4–1.6; tested on Debian's 1.6.5 with Dovecot 2.3): detection from the page's own
 * markup, quota, folders, whole-folder searches, batch moves with the new UIDs in the target, permanent
 * deletes, emptying a folder, raw messages and the compose editors' signatures.
 *
 * Facts it relies on (tests/servers/roundcube/FINDINGS.md, each checked against the real server):
 * - list rows give formatted sizes and dates only: summaries carry size ± precision and the host's date label;
 * - a search is only sorted by the session's sort, and changing it saves the user's preference: results are
 *   collected over every page and sorted here (no preference is ever written);
 * - a move's answer has no new UIDs and reports success even for a UID that does not exist: what left the
 *   source and what arrived in the target are checked with searches; Dovecot's MOVE numbers the new messages
 *   in ascending order of their old UIDs.
 */
import {
  WebmailError,
  isWebmailError,
  type Account,
  type BatchResult,
  type Capabilities,
  type ComposeEditor,
  type Detection,
  type Folder,
  type MailboxPart,
  type QuotaPart,
  type MessageRef,
  type MessageSummary,
  type Quota,
  type SearchOptions,
  type SearchQuery,
  type Webmail,
  type WebmailAdapterFactory,
  type WebmailErrorCode,
} from '../types';
import { splitHead, type RawMessage } from '../raw';
import { RcApi, codeForMessage } from './api';
import { buildFilter, envMailboxes, folderRole, parseSizeLabel, parseUid, rowToSummary, sortSummaries, uidSet } from './parse';
import {
  RcComposeEditor,
  accountFromDom,
  accountFromHtml,
  detectRoundcube,
  findAnchor,
  foldersFromDom,
  listState,
  observeQuotaDisplay,
  readPageEnv,
  readToken,
} from './page';

/**
 * Ids per move/delete/mark request, and the longest UID set one request may carry. Measured (bench/roundcube-batch.ts,
 * BENCHMARKS.md; Roundcube 1.6.5 + Dovecot 2.3, 12,000-message inbox): a moveToTrash call costs ~300 ms of checks
 * around the move whatever its size (which ids are there, the trash's highest UID, what left, the new UIDs), while
 * Roundcube's bare move takes ~100 ms for 500 UIDs and ~330 ms for 4,000: big requests are what makes a cleanup fast.
 * The checks send the UIDs as an IMAP set in a GET request line (`_search` of `UID 1:500,502,…`), which common front
 * servers cap at 8 KB (Apache's LimitRequestLine, nginx's large_client_header_buffers): consecutive UIDs (old mail,
 * a whole folder) fold into ranges and fill a request up to ROUNDCUBE_MAX_BATCH; scattered 7-digit UIDs stop near
 * 500 (see cutBatches). A failed batch reports its messages together, with the server's reason.
 */
export const ROUNDCUBE_MAX_BATCH = 5000;
/** Longest UID set, URL-encoded, in one request's checks (500 scattered 7-digit UIDs: a 5.1 KB request line). */
export const ROUNDCUBE_MAX_SET_CHARS = 5000;

/** Length of uidSet(uids) once URL-encoded (',' and ':' take 3 characters). `uids` sorted ascending, no repeats. */
export function encodedSetLength(uids: number[]): number {
  let n = 0;
  for (let i = 0; i < uids.length; ) {
    let j = i;
    while (j + 1 < uids.length && uids[j + 1] === uids[j]! + 1) j++;
    n += (i ? 3 : 0) + String(uids[i]).length + (i === j ? 0 : 3 + String(uids[j]).length);
    i = j + 1;
  }
  return n;
}

/**
 * Cuts ids into requests: ascending UIDs (so runs fold into ranges), at most `max` a request and at most
 * ROUNDCUBE_MAX_SET_CHARS of encoded set. Ids that are not UIDs, and repeats, ride with the first request (they
 * fail there as 'not-found', as splitIds says).
 */
export function cutUidBatches(ids: string[], max: number): string[][] {
  const { uids, byUid, failed } = splitIds(ids);
  uids.sort((a, b) => a - b);
  const out: string[][] = [];
  let cur: string[] = [];
  let len = 0;
  let prev = -2;
  let runLen = 0;
  for (const u of uids) {
    // What adding u costs: extending a run (from "a" to "a%3Au", or from "a%3Ab" to "a%3Au"), or a new "%2Cu".
    const s = String(u).length;
    const grow = !cur.length ? s : u === prev + 1 ? (runLen === 1 ? 3 + s : s - String(prev).length) : 3 + s;
    if (cur.length && (cur.length >= max || len + grow > ROUNDCUBE_MAX_SET_CHARS)) {
      out.push(cur);
      cur = [];
    }
    if (!cur.length) {
      len = s;
      runLen = 1;
    } else {
      len += grow;
      runLen = u === prev + 1 ? runLen + 1 : 1;
    }
    cur.push(byUid.get(u)!);
    prev = u;
  }
  if (cur.length) out.push(cur);
  if (failed.length) (out[0] ??= []).unshift(...failed.map((f) => f.id));
  return out;
}

/** Summaries per yielded batch of a search. */
const YIELD_SIZE = 200;
/** Folder info requests in flight at once (php workers are few on small hosts). */
const FOLDER_CONCURRENCY = 3;

function errorCode(e: unknown): WebmailErrorCode {
  return isWebmailError(e) ? e.code : 'server';
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Ids → UIDs; anything that is not a UID fails as not-found. */
function splitIds(ids: string[]): { uids: number[]; byUid: Map<number, string>; failed: BatchResult['failed'] } {
  const byUid = new Map<number, string>();
  const failed: BatchResult['failed'] = [];
  for (const id of ids) {
    const uid = parseUid(id);
    if (uid === null || byUid.has(uid)) failed.push({ id, code: 'not-found' });
    else byUid.set(uid, id);
  }
  return { uids: [...byUid.keys()], byUid, failed };
}

export class RoundcubeWebmail implements Webmail, MailboxPart {
  readonly capabilities: Capabilities;
  readonly quota: QuotaPart | null;
  readonly mailbox: MailboxPart | null;
  private readonly env: Record<string, unknown>;
  private readonly api: RcApi | null;
  private readonly quotaListeners = new Set<() => void>();
  private stopQuotaObserver: (() => void) | null = null;
  private editor: RcComposeEditor | null = null;
  private accountCache: Account | null = null;
  private disposed = false;

  constructor(
    private readonly doc: Document,
    readonly detection: Detection,
    opts: { fetch?: (input: string, init: RequestInit) => Promise<Response> } = {},
  ) {
    this.env = readPageEnv(doc) ?? {};
    const token = readToken(doc, this.env);
    const usable = detection.supported && detection.page !== 'login' && !!token;
    this.api = usable
      ? new RcApi({ pageUrl: doc.location.href, commPath: typeof this.env.comm_path === 'string' ? this.env.comm_path : undefined, token: token!, fetch: opts.fetch })
      : null;
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
    this.mailbox = usable && typeof this.env.trash_mailbox === 'string' ? this : null;
  }

  private requireApi(): RcApi {
    if (!this.api) throw new WebmailError('unsupported', 'Balise cannot work on this Roundcube page');
    return this.api;
  }

  // -------------------------------------------------------------------------------------------------------
  // Session state around our own requests

  /**
   * Runs `fn`, then puts the session's folder and page back where the page is (search and actions move
   * them). On the mail view the page's own list tells where; elsewhere the mail view's environment is read first.
   */
  private async keepingListState<T>(fn: () => Promise<T>): Promise<T> {
    const api = this.requireApi();
    let fixed: { folder: string; page: number } | null = null;
    if (this.detection.page !== 'mail') {
      try {
        const { env } = await api.mailPage();
        if (typeof env.mailbox === 'string') fixed = { folder: env.mailbox, page: typeof env.current_page === 'number' ? env.current_page : 1 };
      } catch (e) {
        if (isWebmailError(e) && e.code === 'auth-expired') throw e;
      }
    }
    try {
      return await fn();
    } finally {
      const state = fixed ?? listState(this.doc, this.env);
      if (state) await api.restoreListState(state.folder, state.page).catch(() => undefined);
    }
  }

  // -------------------------------------------------------------------------------------------------------
  // Account and quota

  async account(): Promise<Account> {
    if (this.accountCache) return this.accountCache;
    // The header's user name is the login (the mailbox); identities may be other addresses (a secretary's).
    let address = accountFromDom(this.doc);
    if (!address) address = accountFromHtml((await this.requireApi().mailPage()).html);
    if (!address) throw new WebmailError('invalid-response', 'the page does not show the mailbox address');
    this.accountCache = { address };
    return this.accountCache;
  }

  private async readQuota(): Promise<Quota | null> {
    const q = await this.requireApi().quota();
    return q ? { usedBytes: q.usedBytes, limitBytes: q.limitBytes, at: Date.now() } : null;
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

  // -------------------------------------------------------------------------------------------------------
  // Folders

  async folders(): Promise<Folder[]> {
    const api = this.requireApi();
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
    const real = boxes.filter((b) => !b.virtual);
    return mapLimit(real, FOLDER_CONCURRENCY, async (b) => {
      const info = await api.folderInfo(b.id);
      let label = info.sizeLabel;
      if (!label && info.count) label = await api.folderSize(b.id);
      const size = label ? parseSizeLabel(label) : null;
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

  // -------------------------------------------------------------------------------------------------------
  // Search

  async *search(q: SearchQuery, options?: SearchOptions | null): AsyncIterable<MessageSummary[]> {
    const api = this.requireApi();
    // Callers across a message boundary may send null for "no options".
    const opts = options ?? {};
    const { signal } = opts;
    throwIfAborted(signal);
    if (!q.folderId) throw new WebmailError('not-found', 'no folder');
    // The user's time zone (dates in rows) and, on the way, a Date header for the server's clock.
    const timeZone = await api.timeZone(signal);
    const built = buildFilter(q, api.serverNowSec());
    if ('nothing' in built) return;
    const rows = await this.keepingListState(() => api.searchAll(q.folderId, built.filter, signal));
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

  // -------------------------------------------------------------------------------------------------------
  // Actions

  /** One search on exactly these UIDs per request-sized part (see existing). */
  async stillIn(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<Set<string>> {
    throwIfAborted(opts?.signal);
    const { byUid } = splitIds(ids);
    const out = new Set<string>();
    if (!byUid.size) return out;
    await this.keepingListState(async () => {
      for (const part of cutUidBatches([...byUid.values()], this.capabilities.maxBatch)) {
        const uids = part.map((id) => parseUid(id)!);
        for (const u of await this.existing(folderId, uids, opts?.signal ?? undefined)) out.add(byUid.get(u)!);
      }
    });
    return out;
  }

  cutBatches(ids: string[], max: number): string[][] {
    return cutUidBatches(ids, Math.max(1, Math.min(max, this.capabilities.maxBatch)));
  }

  /** Refuses what cutBatches would not have put in one request. */
  private checkBatch(ids: string[], uids: number[]): void {
    if (ids.length > this.capabilities.maxBatch) throw new WebmailError('unsupported', `at most ${this.capabilities.maxBatch} ids per request`);
    if (encodedSetLength([...uids].sort((a, b) => a - b)) > ROUNDCUBE_MAX_SET_CHARS) {
      throw new WebmailError('unsupported', 'these UIDs are too scattered for one request: cut them with cutBatches()');
    }
  }

  async moveToTrash(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    const trash = this.env.trash_mailbox;
    if (typeof trash !== 'string' || !trash) throw new WebmailError('unsupported', 'this Roundcube has no trash folder');
    return this.move(folderId, ids, trash, opts);
  }

  async move(folderId: string, ids: string[], targetFolderId: string, opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    const api = this.requireApi();
    throwIfAborted(opts?.signal);
    const { uids, byUid, failed } = splitIds(ids);
    this.checkBatch(ids, uids);
    if (!uids.length) return { done: [], failed };
    return this.keepingListState(async () => {
      const existing = await this.existing(folderId, uids, opts?.signal);
      for (const u of uids) if (!existing.has(u)) failed.push({ id: byUid.get(u)!, code: 'not-found' });
      const present = uids.filter((u) => existing.has(u));
      if (!present.length) return { done: [], failed };
      if (folderId === targetFolderId) {
        return { done: present.map((u) => byUid.get(u)!), failed, newRefs: Object.fromEntries(present.map((u) => [byUid.get(u)!, { folderId, id: String(u) }])) };
      }
      const maxBefore = await api.maxUid(targetFolderId, opts?.signal);
      throwIfAborted(opts?.signal);

      // From here the request may have reached the server: no abort, and the outcome is always checked.
      let sendError: unknown = null;
      try {
        const r = await api.moveUids(folderId, present, targetFolderId);
        if (!r.ok) sendError = new WebmailError(codeForMessage(r.message ?? ''), r.message ?? 'move refused');
      } catch (e) {
        sendError = e;
      }
      let remaining: Set<number>;
      try {
        remaining = await this.existing(folderId, present);
      } catch (e) {
        throw sendError ?? e;
      }
      const done = present.filter((u) => !remaining.has(u));
      for (const u of present) if (remaining.has(u)) failed.push({ id: byUid.get(u)!, code: sendError ? errorCode(sendError) : 'server' });
      const result: BatchResult = { done: done.map((u) => byUid.get(u)!), failed };
      if (done.length) {
        const fresh = await this.newUids(targetFolderId, maxBefore).catch(() => null);
        // Only a one-to-one answer is used: anything else arrived meanwhile, or went missing.
        if (fresh && fresh.length === done.length) {
          const sortedOld = [...done].sort((a, b) => a - b);
          result.newRefs = {};
          sortedOld.forEach((u, i) => (result.newRefs![byUid.get(u)!] = { folderId: targetFolderId, id: String(fresh[i]) }));
        }
      }
      return result;
    });
  }

  async deleteForever(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    return this.verifiedAction(folderId, ids, opts, {
      send: (api, present) => api.deleteUids(folderId, present),
      refused: 'delete refused',
      // Done: the ones no longer in the folder.
      succeeded: async (present) => {
        const remaining = await this.existing(folderId, present);
        return new Set(present.filter((u) => !remaining.has(u)));
      },
    });
  }

  /**
   * mail/mark `_flag=unread` on exactly these UIDs, then the server is asked which of them are unread now (mark.php
   * answers success for a UID that does not exist): those are done, the ones gone 'not-found', the rest fail.
   */
  async markUnread(folderId: string, ids: string[], opts?: { signal?: AbortSignal } | null): Promise<BatchResult> {
    return this.verifiedAction(folderId, ids, opts, {
      send: (api, present) => api.markUnreadUids(folderId, present),
      refused: 'mark refused',
      succeeded: (present) => this.existing(folderId, present, undefined, 'UNSEEN '),
    });
  }

  /**
   * One request on exactly the UIDs that are in the folder, then the server is asked what it really did: ids not
   * there fail as 'not-found'; the others are done when `succeeded` finds them so, and fail with the request's
   * error (or 'server') otherwise. If that check cannot be made, the request's error (or the check's) is thrown.
   */
  private async verifiedAction(
    folderId: string,
    ids: string[],
    opts: { signal?: AbortSignal } | null | undefined,
    how: {
      send: (api: RcApi, present: number[]) => Promise<{ ok: boolean; message?: string | undefined }>;
      refused: string;
      succeeded: (present: number[]) => Promise<Set<number>>;
    },
  ): Promise<BatchResult> {
    const api = this.requireApi();
    throwIfAborted(opts?.signal);
    const { uids, byUid, failed } = splitIds(ids);
    this.checkBatch(ids, uids);
    if (!uids.length) return { done: [], failed };
    return this.keepingListState(async () => {
      const existing = await this.existing(folderId, uids, opts?.signal);
      for (const u of uids) if (!existing.has(u)) failed.push({ id: byUid.get(u)!, code: 'not-found' });
      const present = uids.filter((u) => existing.has(u));
      if (!present.length) return { done: [], failed };
      throwIfAborted(opts?.signal);
      let sendError: unknown = null;
      try {
        const r = await how.send(api, present);
        if (!r.ok) sendError = new WebmailError(codeForMessage(r.message ?? ''), r.message ?? how.refused);
      } catch (e) {
        sendError = e;
      }
      let ok: Set<number>;
      try {
        ok = await how.succeeded(present);
      } catch (e) {
        throw sendError ?? e;
      }
      for (const u of present) if (!ok.has(u)) failed.push({ id: byUid.get(u)!, code: sendError ? errorCode(sendError) : 'server' });
      return { done: present.filter((u) => ok.has(u)).map((u) => byUid.get(u)!), failed };
    });
  }

  async emptyFolder(folderId: string, opts?: { signal?: AbortSignal } | null): Promise<void> {
    const api = this.requireApi();
    throwIfAborted(opts?.signal);
    const trash = typeof this.env.trash_mailbox === 'string' ? this.env.trash_mailbox : '';
    const delimiter = typeof this.env.delimiter === 'string' && this.env.delimiter ? this.env.delimiter : '/';
    if (trash && folderId.startsWith(trash + delimiter)) {
      // Roundcube's purge deletes a trash subfolder for good; Balise's contract is "to the trash" for any
      // folder but the trash itself: move every message there, in batches.
      const uids = (await this.keepingListState(() => api.searchAll(folderId, 'UID 1:*', opts?.signal ?? undefined))).map((x) => x.row.uid);
      let moved = 0;
      for (const part of this.cutBatches(uids.map(String), this.capabilities.maxBatch)) {
        const r = await this.move(folderId, part, trash, opts);
        const bad = r.failed.find((f) => f.code !== 'not-found');
        if (bad) throw new WebmailError(bad.code, 'emptying the folder stopped', { moved: moved + r.done.length });
        moved += r.done.length;
      }
      const left = await this.keepingListState(() => api.countMatching(folderId, 'UID 1:*'));
      if (left.total > 0) throw new WebmailError('server', `${left.total} messages are still in the folder`, { left: left.total });
      return;
    }
    await this.keepingListState(async () => {
      let sendError: unknown = null;
      try {
        const r = await api.purge(folderId);
        if (!r.ok) sendError = new WebmailError(codeForMessage(r.message ?? ''), r.message ?? 'the folder was not emptied');
      } catch (e) {
        sendError = e;
      }
      const left = await api.countMatching(folderId, 'UID 1:*').catch((e) => {
        throw sendError ?? e;
      });
      if (left.total > 0) {
        throw isWebmailError(sendError) ? sendError : new WebmailError('server', `${left.total} messages are still in the folder`, { left: left.total });
      }
    });
  }

  /**
   * Which of `uids` are in `folder` (and match `criteria`, IMAP search keys ending with a space, e.g. "UNSEEN "):
   * one search (its count) unless some are missing.
   */
  private async existing(folder: string, uids: number[], signal?: AbortSignal, criteria = ''): Promise<Set<number>> {
    const filter = `${criteria}UID ${uidSet(uids)}`;
    const first = await this.requireApi().countMatching(folder, filter, signal);
    if (first.total === 0) return new Set();
    // The search is limited to these UIDs: as many matches as UIDs means all of them are there.
    if (first.total === uids.length) return new Set(uids);
    const want = new Set(uids);
    const all = await this.requireApi().uidsMatching(folder, filter, signal);
    return new Set(all.uids.filter((u) => want.has(u)));
  }

  /**
   * The UIDs above `maxBefore` in `folder`, ascending (the messages a move just put there). IMAP's `n:*`
   * always includes the highest UID, so anything not above `maxBefore` is dropped.
   */
  private async newUids(folder: string, maxBefore: number): Promise<number[]> {
    const api = this.requireApi();
    const filter = `UID ${maxBefore + 1}:*`;
    const first = await api.searchFirst(folder, filter);
    const seen = first.rows.map((r) => r.uid).filter((u) => u > maxBefore);
    const quirk = first.rows.some((r) => r.uid <= maxBefore) ? 1 : 0;
    const total = first.total - quirk;
    if (total <= 0) return [];
    if (seen.length === total) return seen.sort((a, b) => a - b);
    // A MOVE gives consecutive UIDs: try the range ending at the highest one seen, then the one starting at
    // the lowest; a range holding exactly `total` messages above maxBefore is the whole set.
    const hi = Math.max(...seen);
    const lo = Math.min(...seen);
    for (const start of [hi - total + 1, lo]) {
      if (start <= maxBefore) continue;
      const c = await api.countMatching(folder, `UID ${start}:${start + total - 1}`);
      if (c.total === total) return Array.from({ length: total }, (_, i) => start + i);
    }
    const all = await api.searchAll(folder, filter);
    return all.map((x) => x.row.uid).filter((u) => u > maxBefore).sort((a, b) => a - b);
  }

  // -------------------------------------------------------------------------------------------------------
  // Raw message, compose, anchors

  async rawMessage(ref: MessageRef, opts?: { signal?: AbortSignal } | null): Promise<RawMessage> {
    const uid = parseUid(ref.id);
    if (uid === null) throw new WebmailError('not-found', `not a message id: ${ref.id}`);
    const res = await this.requireApi().rawMessage(ref.folderId, uid, opts?.signal);
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
}

export const roundcubeFactory: WebmailAdapterFactory = {
  kind: 'roundcube',
  detect: (doc) => detectRoundcube(doc),
  create: (doc, detection) => new RoundcubeWebmail(doc, detection),
};
