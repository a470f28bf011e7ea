/**
 * Roundcube 1.6, requests: the same requests the page's own rcmail.http_request/http_post make, from the content
 * script, to the page's own origin only.
 *
 * - Same-origin `fetch` with the session cookie the browser already holds (never read or stored by us), the
 *   header `X-Roundcube-Request: <request token>` and `_remote=1` for AJAX actions; the token comes from the
 *   page's inline `rcmail.set_env` (read as text, never evaluated).
 * - Every answer is parsed (zod / JSON arguments of the exec commands) before use; failures become
 *   WebmailError codes.
 * - Nothing here changes the user's preferences: no `_sort`, `_cols`, `_layout`, `_threads`, `_headers`, no
 *   save-prefs. Searches use `_filter` only (search_mods untouched). What does change is session state (the
 *   stored search, the current folder and page): callers put the page's folder and page back afterwards
 *   (`restoreListState`).
 *
 * Why one file a little past 400 lines: it is the catalogue of every Roundcube request Balise sends (one method
 * each, with the fact it relies on); parsing lives in parse/, errors in errors.ts, the pacing in kit/request.ts.
 */
import { WebmailError, type WebmailErrorCode } from '../types';
import { createRequester, type Expect, type Pacer, type Requester } from '../kit/request';
import { codeForMessage, codeForStatus, isImapAuthFailure, looksLoggedOut } from './errors';

export { codeForMessage } from './errors';
import {
  AjaxResponseSchema,
  displayedMessages,
  folderSizeFromExec,
  isSessionError,
  parseExec,
  parseFolderInfoPage,
  parseRows,
  parseSetEnv,
  quotaFromExec,
  quotaFromScript,
  type ExecCall,
  type RcRow,
} from './parse';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RcApiOptions {
  /** URL of the page the adapter runs on (location.href). */
  pageUrl: string;
  /** rcmail.env.comm_path, e.g. "/?_task=mail" (keeps installs under a sub-path and secure-URL tokens). */
  commPath?: string;
  token: string;
  fetch?: FetchLike;
  /** The page's request pacing (lib/webmail/kit/request.ts); a new default one when absent. */
  pacer?: Pacer;
  /** Local clock (tests). */
  now?: () => number;
}

export interface AjaxResult {
  calls: ExecCall[];
  env: Record<string, unknown>;
  action?: string;
}

type Params = Record<string, string | number | undefined>;

/** Pages of one stored search fetched at once (small hosts run a handful of PHP workers). */
const PAGE_CONCURRENCY = 3;

export class RcApi {
  private readonly base: URL;
  private readonly requester: Requester;
  private readonly now: () => number;
  /** Bounds on (server clock − local clock), in ms, narrowed by every response's Date header. */
  private offsetLow = -Infinity;
  private offsetHigh = Infinity;
  private tz: string | null = null;
  /** edit-folder reads in flight, by folder (see folderInfo). */
  private readonly folderReads = new Map<string, Promise<ReturnType<typeof parseFolderInfoPage>>>();

  constructor(private readonly o: RcApiOptions) {
    const base = new URL(o.commPath || './', o.pageUrl);
    base.search = '';
    base.hash = '';
    if (base.origin !== new URL(o.pageUrl).origin) throw new WebmailError('forbidden', 'comm_path points to another origin');
    this.base = base;
    this.requester = createRequester({
      origin: base.origin,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.pacer ? { pacer: o.pacer } : {}),
      // Roundcube answers an AJAX request with its login page when the session is over: its own page, not a firewall's.
      ownPage: (html) => looksLoggedOut(html) || /\brcmail\b|roundcube/i.test(html),
    });
    this.now = o.now ?? (() => Date.now());
  }

  get token(): string {
    return this.o.token;
  }

  /** The pacing every request of this API goes through (its block stops them all until a person resets it). */
  get pacer(): Pacer {
    return this.requester.pacer;
  }

  url(params: Params): string {
    const u = new URL(this.base.href);
    for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.append(k, String(v));
    return u.href;
  }

  /** The server's current time in whole seconds (its Date headers; the local clock until one was seen). */
  serverNowSec(): number {
    const local = this.now();
    if (!Number.isFinite(this.offsetLow) || !Number.isFinite(this.offsetHigh)) return Math.floor(local / 1000);
    return Math.floor((local + (this.offsetLow + this.offsetHigh) / 2) / 1000);
  }

  serverNowMs(): number {
    const local = this.now();
    if (!Number.isFinite(this.offsetLow) || !Number.isFinite(this.offsetHigh)) return local;
    return local + (this.offsetLow + this.offsetHigh) / 2;
  }

  private noteDate(res: Response, sentAt: number, receivedAt: number): void {
    const d = Date.parse(res.headers.get('date') ?? '');
    if (!Number.isFinite(d)) return;
    // The server stamped a time in [d, d + 1 s) somewhere between sending and receiving.
    const low = d - receivedAt;
    const high = d + 1000 - sentAt;
    if (low > this.offsetHigh || high < this.offsetLow) {
      // The clock moved (or the server changed): start over from this sample.
      this.offsetLow = low;
      this.offsetHigh = high;
    } else {
      this.offsetLow = Math.max(this.offsetLow, low);
      this.offsetHigh = Math.min(this.offsetHigh, high);
    }
  }

  /** One exchange with the webmail's origin. Throws WebmailError on no answer or an aborted signal. */
  async send(method: 'GET' | 'POST', params: Params, opts: { body?: Params; ajax?: boolean; signal?: AbortSignal; expect?: Expect } = {}): Promise<Response> {
    if (opts.signal?.aborted) throw new WebmailError('aborted', 'aborted');
    const headers: Record<string, string> = {};
    if (opts.ajax) headers['X-Roundcube-Request'] = this.o.token;
    let body: string | undefined;
    if (opts.body) {
      const b = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.body)) if (v !== undefined) b.append(k, String(v));
      body = b.toString();
      headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=UTF-8';
    }
    const sentAt = this.now();
    // Paced, same origin, redirects not followed (a redirect means the session is over): lib/webmail/kit/request.ts.
    const res = await this.requester.fetch(
      this.url(params),
      { method, headers, ...(body !== undefined ? { body } : {}), cache: 'no-store', ...(opts.signal ? { signal: opts.signal } : {}) },
      opts.expect ?? (opts.ajax ? 'json' : 'html'),
    );
    this.noteDate(res, sentAt, this.now());
    return res;
  }

  private async readText(res: Response, signal?: AbortSignal): Promise<string> {
    try {
      return await res.text();
    } catch (e) {
      if (signal?.aborted) throw new WebmailError('aborted', 'aborted', e);
      throw new WebmailError('network', 'the answer was cut', e);
    }
  }

  /** An AJAX action (`_remote=1`, token header), parsed; GET puts params in the URL, POST in the body. */
  async ajax(action: string, params: Params, opts: { method?: 'GET' | 'POST'; task?: string; signal?: AbortSignal } = {}): Promise<AjaxResult> {
    const method = opts.method ?? 'GET';
    const q: Params = { _task: opts.task ?? 'mail', _action: action };
    const res =
      method === 'GET'
        ? await this.send('GET', { ...q, ...params, _remote: 1 }, { ajax: true, signal: opts.signal })
        : await this.send('POST', q, { ajax: true, body: { ...params, _remote: 1 }, signal: opts.signal });
    const text = await this.readText(res, opts.signal);
    if (!res.ok) {
      if (/Invalid Request/i.test(text) && res.status === 403) throw new WebmailError('forbidden', 'the webmail refused the request token', { status: res.status });
      throw new WebmailError(codeForStatus(res.status), `HTTP ${res.status} for ${action}`, { status: res.status });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      if (looksLoggedOut(text)) throw new WebmailError('auth-expired', 'the session is over');
      throw new WebmailError('invalid-response', `${action}: the answer is not JSON`);
    }
    const parsed = AjaxResponseSchema.safeParse(json);
    if (!parsed.success) throw new WebmailError('invalid-response', `${action}: unexpected answer`, parsed.error.issues);
    const calls = parseExec(parsed.data.exec ?? '');
    if (isSessionError(calls)) throw new WebmailError('auth-expired', 'the session is over');
    // The request that found the OpenID Connect tokens expired: Roundcube's IMAP login failed, it killed the session and
    // answered anyway (an empty folder, an unknown quota). Whatever else it says is not the mailbox.
    if (displayedMessages(calls).some((m) => m.type === 'error' && isImapAuthFailure(m.text))) throw new WebmailError('auth-expired', `${action}: the webmail could not log in to the mailbox (session over)`);
    return { calls, env: parsed.data.env ?? {}, action: parsed.data.action };
  }

  /** A full (or framed) HTML page. Throws auth-expired when it is the login page. */
  async page(params: Params, signal?: AbortSignal): Promise<string> {
    const res = await this.send('GET', params, { signal });
    const text = await this.readText(res, signal);
    if (!res.ok) throw new WebmailError(codeForStatus(res.status), `HTTP ${res.status}`, { status: res.status });
    if (looksLoggedOut(text)) throw new WebmailError('auth-expired', 'the session is over');
    return text;
  }

  // -------------------------------------------------------------------------------------------------------
  // Reading

  /** The mail view's environment (set_env) and quota, as a page load would show them. No session change. */
  async mailPage(signal?: AbortSignal): Promise<{ env: Record<string, unknown>; html: string }> {
    // No _mbox and no _page: the session keeps its folder and page (actions/mail/index.php init_env).
    const html = await this.page({ _task: 'mail' }, signal);
    const env = parseSetEnv(html);
    if (!env) throw new WebmailError('invalid-response', 'the mail page has no environment');
    // A mail page without even INBOX: Roundcube could not log in to IMAP (the request that ended an OpenID Connect
    // session gets such a page, tests/fixtures/roundcube/mailiz/auth-expired-mail-page.html).
    if (Array.isArray(env.mailboxes) && env.mailboxes.length === 0) throw new WebmailError('auth-expired', 'the mail page lists no folder at all: the webmail could not log in to the mailbox');
    return { env, html };
  }

  /**
   * settings/edit-folder for one folder: exact count, formatted size (servers with STATUS=SIZE) and the quota.
   * A read-only form page of the settings task: no session or preference change.
   */
  folderInfo(folder: string, signal?: AbortSignal): Promise<ReturnType<typeof parseFolderInfoPage>> {
    // The quota is read from INBOX's page, and so are INBOX's figures: two readers asking at the same time (a report
    // reading the quota and the folders) share one request. Not after it is answered: a read after the session ended
    // must say so (e2e: roundcube/adapter.e2e.ts). Only reads without a signal are shared (one caller's abort must not
    // fail the other).
    if (signal) return this.readFolderInfo(folder, signal);
    let p = this.folderReads.get(folder);
    if (!p) {
      p = this.readFolderInfo(folder).finally(() => this.folderReads.delete(folder));
      this.folderReads.set(folder, p);
    }
    return p;
  }

  private async readFolderInfo(folder: string, signal?: AbortSignal) {
    const html = await this.page({ _task: 'settings', _action: 'edit-folder', _mbox: folder, _framed: 1 }, signal);
    const info = parseFolderInfoPage(html);
    // An empty folder and no quota is also what the request that ended an OpenID Connect session gets (IMAP login failed,
    // no error shown in this framed page: tests/fixtures/roundcube/mailiz/auth-expired-edit-folder.html). Before
    // anyone believes the folder empty, one more request: on an ended session Roundcube answers it with session_error.
    if (info.count === 0 && !info.quota) await this.confirmSession(folder, signal);
    return info;
  }

  /**
   * One cheap request that throws 'auth-expired' when the session is over (settings/folder-size of a folder: read-only,
   * no session state changed). For answers that an ended session and a true one cannot be told apart by.
   */
  async confirmSession(folder: string, signal?: AbortSignal): Promise<void> {
    await this.ajax('folder-size', { _mbox: folder }, { method: 'POST', task: 'settings', signal });
  }

  /** settings/folder-size: the folder's size as Roundcube formats it ("76 Mo"). */
  async folderSize(folder: string, signal?: AbortSignal): Promise<string | null> {
    const r = await this.ajax('folder-size', { _mbox: folder }, { method: 'POST', task: 'settings', signal });
    return folderSizeFromExec(r.calls);
  }

  async quota(signal?: AbortSignal): Promise<{ usedBytes: number; limitBytes: number | null } | null> {
    const info = await this.folderInfo('INBOX', signal);
    if (info.quota) return info.quota;
    const { html } = await this.mailPage(signal);
    return quotaFromScript(html);
  }

  /**
   * The user's Roundcube time zone (list dates are formatted in it): the General preferences form shows it;
   * "auto" means the browser's, sent at login.
   */
  async timeZone(signal?: AbortSignal): Promise<string> {
    if (this.tz) return this.tz;
    let tz = 'auto';
    try {
      const html = await this.page({ _task: 'settings', _action: 'edit-prefs', _section: 'general', _framed: 1 }, signal);
      const select = /<select\b[^>]*name="_timezone"[^>]*>([\s\S]*?)<\/select>/.exec(html)?.[1] ?? '';
      const sel = /<option\b[^>]*value="([^"]*)"[^>]*\bselected\b/.exec(select) ?? /<option\b[^>]*\bselected\b[^>]*value="([^"]*)"/.exec(select);
      if (sel?.[1]) tz = sel[1];
    } catch (e) {
      if (e instanceof WebmailError && (e.code === 'auth-expired' || e.code === 'aborted')) throw e;
    }
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    this.tz = tz === 'auto' || !tz ? local : tz;
    return this.tz;
  }

  // -------------------------------------------------------------------------------------------------------
  // Searching

  /**
   * One search (page 1): rows, how many match, the stored search's id. An empty result has no id.
   * Only `_filter` (raw IMAP criteria): no `_q`/`_headers`, so the user's search_mods stay as they are.
   */
  async searchFirst(folder: string, filter: string, signal?: AbortSignal): Promise<{ rows: RcRow[]; total: number; pages: number; request: string | null; threaded: boolean; now: number }> {
    const r = await this.ajax('search', { _mbox: folder, _q: '', _scope: 'base', _filter: filter }, { signal });
    const failed = displayedMessages(r.calls).find((m) => m.type === 'error');
    if (failed) throw new WebmailError(codeForMessage(failed.text), failed.text);
    const { rows, invalid } = parseRows(r.calls);
    if (invalid) throw new WebmailError('invalid-response', `${invalid} unreadable rows`);
    const total = typeof r.env.messagecount === 'number' ? r.env.messagecount : rows.length;
    const pages = typeof r.env.pagecount === 'number' ? r.env.pagecount : 1;
    const request = typeof r.env.search_request === 'string' && r.env.search_request ? r.env.search_request : null;
    return { rows, total, pages, request, threaded: r.env.threading === true, now: this.serverNowMs() };
  }

  /** Page `page` (2…) of a stored search. Null when the session no longer holds that search. */
  async searchPage(folder: string, request: string, page: number, signal?: AbortSignal): Promise<{ rows: RcRow[]; now: number } | null> {
    const r = await this.ajax('list', { _mbox: folder, _search: request, _page: page }, { signal });
    if (r.env.search_request !== request) return null;
    const { rows, invalid } = parseRows(r.calls);
    if (invalid) throw new WebmailError('invalid-response', `${invalid} unreadable rows`);
    return { rows, now: this.serverNowMs() };
  }

  /**
   * Every row of a search whose first answer is `first`: its other pages, a few at a time (pages of a stored search
   * are independent; the page size is the user's, often 50), each row with its page's server time. Null when
   * something else (the user's own search, or a late session write) replaced the stored search meanwhile.
   */
  async allRows(folder: string, first: Awaited<ReturnType<RcApi['searchFirst']>>, signal?: AbortSignal): Promise<{ row: RcRow; now: number }[] | null> {
    const out = new Map<number, { row: RcRow; now: number }>();
    for (const row of first.rows) out.set(row.uid, { row, now: first.now });
    if (!first.request || first.total <= first.rows.length) return [...out.values()];
    let lost = false;
    let nextPage = 2;
    const request = first.request;
    const worker = async () => {
      while (!lost && nextPage <= first.pages) {
        if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
        const page = await this.searchPage(folder, request, nextPage++, signal);
        if (!page) {
          lost = true;
          return;
        }
        for (const row of page.rows) if (!out.has(row.uid)) out.set(row.uid, { row, now: page.now });
      }
    };
    await Promise.all(Array.from({ length: Math.min(PAGE_CONCURRENCY, Math.max(0, first.pages - 1)) }, worker));
    return lost ? null : [...out.values()];
  }

  /**
   * Every row matching `filter` in `folder` (all pages), each with the server time of its page. Searches again
   * (at most 3 times) when something else replaced the stored search meanwhile.
   */
  async searchAll(folder: string, filter: string, signal?: AbortSignal): Promise<{ row: RcRow; now: number }[]> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rows = await this.allRows(folder, await this.searchFirst(folder, filter, signal), signal);
      if (rows) return rows;
    }
    throw new WebmailError('busy', 'another search kept replacing ours');
  }

  /** UIDs in `folder` matching `filter`; pages only when the first page does not hold them all. */
  async uidsMatching(folder: string, filter: string, signal?: AbortSignal): Promise<{ uids: number[]; total: number }> {
    const first = await this.searchFirst(folder, filter, signal);
    return { uids: await this.uidsOf(folder, filter, first, signal), total: first.total };
  }

  /**
   * Every UID of a search whose first page is `first`: its own pages (the search stored by `first`; it was asked
   * again before its pages, one search too many per call), or the search again if something replaced it meanwhile.
   */
  async uidsOf(folder: string, filter: string, first: Awaited<ReturnType<RcApi['searchFirst']>>, signal?: AbortSignal): Promise<number[]> {
    if (first.rows.length >= first.total || !first.request) return first.rows.map((r) => r.uid);
    const rows = (await this.allRows(folder, first, signal)) ?? (await this.searchAll(folder, filter, signal));
    return rows.map((x) => x.row.uid);
  }

  /** How many messages of `folder` match `filter` (one request). */
  async countMatching(folder: string, filter: string, signal?: AbortSignal): Promise<{ total: number; sample: number[] }> {
    const first = await this.searchFirst(folder, filter, signal);
    return { total: first.total, sample: first.rows.map((r) => r.uid) };
  }

  /** The highest UID in a folder (0 when it is empty). `UID *` is the message with the highest UID. */
  async maxUid(folder: string, signal?: AbortSignal): Promise<number> {
    const first = await this.searchFirst(folder, 'UID *', signal);
    return first.rows.reduce((m, r) => Math.max(m, r.uid), 0);
  }

  // -------------------------------------------------------------------------------------------------------
  // Changing

  /** POST mail/move. `_from=show` skips the list refill and page bookkeeping (we list nothing). */
  async moveUids(folder: string, uids: number[], target: string, signal?: AbortSignal): Promise<{ ok: boolean; message?: string }> {
    // A move of no UID at all would be refused; a move of many is one request (the caller batches).
    const r = await this.ajax('move', { _uid: uids.join(','), _mbox: folder, _target_mbox: target, _from: 'show' }, { method: 'POST', signal });
    const err = displayedMessages(r.calls).find((m) => m.type === 'error');
    return err ? { ok: false, message: err.text } : { ok: true };
  }

  /** POST mail/delete: flag \Deleted + expunge of exactly these UIDs (permanent, in any folder). */
  async deleteUids(folder: string, uids: number[], signal?: AbortSignal): Promise<{ ok: boolean; message?: string }> {
    const r = await this.ajax('delete', { _uid: uids.join(','), _mbox: folder, _from: 'show' }, { method: 'POST', signal });
    const err = displayedMessages(r.calls).find((m) => m.type === 'error');
    return err ? { ok: false, message: err.text } : { ok: true };
  }

  /**
   * POST mail/mark with `_flag=unread` (program/actions/mail/mark.php: 'unread' → IMAP -FLAGS \Seen on exactly
   * these UIDs of `_mbox`), as the page's "mark as unread" does. `_quiet=1`: no confirmation message queued for the
   * page; `_from=show`: no list refill when the server refuses.
   */
  async markUnreadUids(folder: string, uids: number[], signal?: AbortSignal): Promise<{ ok: boolean; message?: string }> {
    const r = await this.ajax('mark', { _uid: uids.join(','), _mbox: folder, _flag: 'unread', _quiet: 1, _from: 'show' }, { method: 'POST', signal });
    const err = displayedMessages(r.calls).find((m) => m.type === 'error');
    return err ? { ok: false, message: err.text } : { ok: true };
  }

  /** POST mail/purge: the trash (and its subfolders) is deleted for good, any other folder goes to the trash. */
  async purge(folder: string, signal?: AbortSignal): Promise<{ ok: boolean; message?: string; quota: ReturnType<typeof quotaFromExec> }> {
    const r = await this.ajax('purge', { _mbox: folder }, { method: 'POST', signal });
    const err = displayedMessages(r.calls).find((m) => m.type === 'error');
    return err ? { ok: false, message: err.text, quota: null } : { ok: true, quota: quotaFromExec(r.calls) };
  }

  /**
   * Puts the session's current folder and page back to what the page shows (our searches and actions moved
   * them; the page's next list without `_page` would otherwise open on our page). getunread reads `_mbox`
   * and `_page` like list does, and changes nothing else.
   */
  async restoreListState(folder: string, page: number, signal?: AbortSignal): Promise<void> {
    await this.ajax('getunread', { _mbox: folder, _page: Math.max(1, Math.floor(page)) }, { signal });
  }

  // -------------------------------------------------------------------------------------------------------
  // Raw message

  /**
   * viewsource with `_save=1` and `_token` (as the page's own "download" link does): the exact RFC 822 bytes
   * (BODY.PEEK: never marks the message read).
   */
  async rawMessage(folder: string, uid: number, signal?: AbortSignal): Promise<Response> {
    const res = await this.send('GET', { _task: 'mail', _action: 'viewsource', _uid: uid, _mbox: folder, _save: 1, _token: this.o.token }, { signal, expect: 'raw' });
    if (!res.ok) throw new WebmailError(res.status === 404 ? 'not-found' : codeForStatus(res.status), `HTTP ${res.status} for the raw message`);
    const disposition = res.headers.get('content-disposition') ?? '';
    const type = res.headers.get('content-type') ?? '';
    if (!/attachment/i.test(disposition)) {
      const text = /html/i.test(type) || !type ? await this.readText(res, signal) : '';
      if (looksLoggedOut(text)) throw new WebmailError('auth-expired', 'the session is over');
      // Roundcube answers an unknown UID with an error page (status 200).
      throw new WebmailError(/html/i.test(type) ? 'not-found' : 'invalid-response', 'the webmail did not send the message source');
    }
    return res;
  }
}
