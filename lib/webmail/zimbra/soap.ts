/**
 * Zimbra's SOAP API in its JSON form, as the classic web client speaks it (Zimbra/zm-ajax
 * `ZmCsfeCommand.js`, `AjxRpcRequest.js`; server Zimbra/zm-mailbox `SoapEngine.java`, `SoapJSProtocol.java`):
 *
 *   POST <origin>/service/soap/<Name>Request   (cookie ZM_AUTH_TOKEN sent by the browser; HttpOnly, never read)
 *   X-Zimbra-Csrf-Token: <token>              (and the same token in Header.context.csrfToken)
 *   {"Header":{"context":{"_jsns":"urn:zimbra","nosession":{},"csrfToken":…}},"Body":{"<Name>Request":{"_jsns":…}}}
 *
 * A fault comes back with HTTP 500 and `Body.Fault {Code.Value, Reason.Text, Detail.Error{Code, a[]}}`.
 * Everything received is parsed with zod (mini) before use; every failure becomes a WebmailError.
 * `nosession`: Balise never takes the page's SOAP session (that would steal the page's change notifications).
 */
import * as z from 'zod/mini';
import { WebmailError, isWebmailError, type WebmailErrorCode } from '../types';
import { createRequester, Pacer, type Requester } from '../kit/request';
import { ZIMBRA_SERVER_WINDOW } from '../kit/pacing-policy';

export type Namespace = 'urn:zimbraMail' | 'urn:zimbraAccount';

// ---- schemas of everything the adapter reads ------------------------------------------------------------------

/** A count or size: Zimbra's JSON sends numbers, attributes are strings of digits. */
export const NumLike = z.pipe(
  z.union([z.number().check(z.gte(0)), z.string().check(z.regex(/^\d{1,18}$/))]),
  z.transform((v: number | string) => Number(v)),
);
/** A local item id ("257"). Ids of other mailboxes ("<accountId>:257") are never used by Balise. */
export const ItemId = z.string().check(z.regex(/^\d{1,10}$/));

const FaultArg = z.object({
  n: z.optional(z.string()),
  t: z.optional(z.string()),
  _content: z.optional(z.union([z.string(), z.number()])),
});
export const Fault = z.object({
  Code: z.optional(z.object({ Value: z.optional(z.string()) })),
  Reason: z.optional(z.object({ Text: z.optional(z.string()) })),
  Detail: z.optional(
    z.object({
      Error: z.optional(z.object({ Code: z.optional(z.string()), a: z.optional(z.array(FaultArg)) })),
    }),
  ),
});
export type Fault = z.infer<typeof Fault>;

const Envelope = z.object({
  Body: z.record(z.string(), z.unknown()),
});

const Attrs = z.optional(z.object({ _attrs: z.optional(z.record(z.string(), z.unknown())) }));
const SignatureContent = z.object({ type: z.optional(z.string()), _content: z.optional(z.string()) });
export const Signature = z.object({
  id: z.string().check(z.maxLength(200)),
  name: z.optional(z.string()),
  content: z.optional(z.array(SignatureContent)),
});

/** GetInfoResponse (urn:zimbraAccount; `GetInfo.java`). `used` only when the mailbox lives on this server. */
export const GetInfoResponse = z.object({
  name: z.string().check(z.minLength(3), z.maxLength(320)),
  used: z.optional(NumLike),
  attrs: Attrs,
  prefs: Attrs,
  signatures: z.optional(z.object({ signature: z.optional(z.array(Signature)) })),
});
export type GetInfoResponse = z.infer<typeof GetInfoResponse>;

/** One level of GetFolderResponse (`ToXML.encodeFolder`); children are parsed level by level. */
export const FolderNode = z.object({
  id: ItemId,
  name: z.optional(z.string()),
  absFolderPath: z.optional(z.string()),
  l: z.optional(z.string()),
  view: z.optional(z.string()),
  n: z.optional(NumLike),
  s: z.optional(NumLike),
  u: z.optional(NumLike),
  folder: z.optional(z.array(z.unknown())),
});
export type FolderNode = z.infer<typeof FolderNode>;
export const GetFolderResponse = z.object({ folder: z.array(z.unknown()).check(z.minLength(1)) });

const EmailEl = z.object({
  a: z.optional(z.string()),
  p: z.optional(z.string()),
  d: z.optional(z.string()),
  t: z.optional(z.string()),
});
/** A message hit (`ToXML.encodeMessageSummary`): s = RFC 822 size in bytes, d = date in ms, f = flag letters. */
export const MessageHit = z.object({
  id: ItemId,
  l: z.optional(z.string()),
  s: NumLike,
  d: NumLike,
  f: z.optional(z.string()),
  su: z.optional(z.string()),
  e: z.optional(z.array(EmailEl)),
});
export type MessageHit = z.infer<typeof MessageHit>;
export const SearchResponse = z.object({
  m: z.optional(z.array(MessageHit)),
  more: z.optional(z.boolean()),
});
export type SearchResponse = z.infer<typeof SearchResponse>;

/** One level of a MIME part tree (`ToXML.addPart`): children are parsed level by level (./parts.ts). */
export const MimePartNode = z.object({
  ct: z.optional(z.string()),
  s: z.optional(NumLike),
  cd: z.optional(z.string()),
  filename: z.optional(z.string()),
  body: z.optional(z.boolean()),
  mp: z.optional(z.array(z.unknown())),
});
/** SearchRequest with `fetch`: each hit carries its part tree (`ToXML.encodeMessageAsMP`). */
export const SearchPartsResponse = z.object({
  m: z.optional(z.array(z.object({ id: ItemId, mp: z.optional(z.array(z.unknown())) }))),
});

/** MsgActionResponse / FolderActionResponse: `action.id` = the ids the server reports as done. */
export const ActionResponse = z.object({
  action: z.object({ id: z.optional(z.string()), op: z.optional(z.string()) }),
});

// ---- faults -------------------------------------------------------------------------------------------------------

export interface FaultDetail {
  /** Zimbra's own code, e.g. "mail.NO_SUCH_MSG". */
  zimbraCode: string;
  reason: string;
  /** The `itemId` argument of NO_SUCH_* faults: which id was missing. */
  itemId?: string;
  httpStatus?: number;
}

/** Zimbra fault code → what a feature can explain (ServiceException / MailServiceException codes). */
export function faultCode(zimbraCode: string): WebmailErrorCode {
  switch (zimbraCode) {
    case 'service.AUTH_EXPIRED':
    case 'service.AUTH_REQUIRED':
    case 'account.AUTH_FAILED':
    case 'account.CHANGE_PASSWORD':
    case 'account.PASSWORD_EXPIRED':
      return 'auth-expired';
    case 'service.PERM_DENIED':
    case 'account.ACCOUNT_INACTIVE':
    case 'account.MAINTENANCE_MODE':
      return 'forbidden';
    case 'mail.NO_SUCH_MSG':
    case 'mail.NO_SUCH_ITEM':
    case 'mail.NO_SUCH_FOLDER':
    case 'mail.NO_SUCH_CONV':
    case 'mail.NO_SUCH_BLOB':
    case 'account.NO_SUCH_SIGNATURE':
      return 'not-found';
    case 'mail.QUOTA_EXCEEDED':
      return 'quota-exceeded';
    case 'service.ALREADY_IN_PROGRESS':
    case 'mail.MAINTENANCE':
    case 'mail.TRY_AGAIN':
      return 'busy';
    case 'service.UNKNOWN_DOCUMENT':
      return 'unsupported';
    default:
      return 'server';
  }
}

export function faultToError(raw: unknown, httpStatus?: number): WebmailError {
  const parsed = Fault.safeParse(raw);
  if (!parsed.success) return new WebmailError('invalid-response', 'Zimbra answered with an unreadable fault', { httpStatus });
  const f = parsed.data;
  const zimbraCode = f.Detail?.Error?.Code ?? 'service.FAILURE';
  const reason = (f.Reason?.Text ?? zimbraCode).slice(0, 500);
  const detail: FaultDetail = { zimbraCode, reason };
  if (httpStatus !== undefined) detail.httpStatus = httpStatus;
  const itemArg = f.Detail?.Error?.a?.find((a) => a.n === 'itemId');
  if (itemArg?._content !== undefined && /^\d{1,10}$/.test(String(itemArg._content))) detail.itemId = String(itemArg._content);
  return new WebmailError(faultCode(zimbraCode), `Zimbra: ${reason}`, detail);
}

export function zimbraCodeOf(e: unknown): string | undefined {
  const d = (e as { detail?: unknown })?.detail;
  return d && typeof d === 'object' && 'zimbraCode' in d ? String((d as FaultDetail).zimbraCode) : undefined;
}

export function missingItemOf(e: unknown): string | undefined {
  const d = (e as { detail?: unknown })?.detail;
  return d && typeof d === 'object' && 'itemId' in d ? (d as FaultDetail).itemId : undefined;
}

// ---- transport ----------------------------------------------------------------------------------------------------

export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Give up after this long (the request may still be processed by the server). Default 60 s. */
  timeoutMs?: number;
}

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

const DEFAULT_TIMEOUT = 60_000;

/** One AbortSignal for the caller's signal and our timeout; tells which one fired. */
function linkSignals(outer: AbortSignal | undefined, timeoutMs: number) {
  const ctl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctl.abort();
  }, timeoutMs);
  const onAbort = () => ctl.abort();
  if (outer) {
    if (outer.aborted) ctl.abort();
    else outer.addEventListener('abort', onAbort, { once: true });
  }
  return {
    signal: ctl.signal,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    },
  };
}

function transportError(e: unknown, outer: AbortSignal | undefined, timedOut: boolean): WebmailError {
  // The paced request's own verdicts (a redirect, a block page, another origin) stand as they are.
  if (isWebmailError(e) && (e.code === 'blocked' || e.code === 'auth-expired' || e.code === 'forbidden')) return e;
  if (outer?.aborted) return new WebmailError('aborted', 'Cancelled');
  if (timedOut) return new WebmailError('network', 'No answer from the webmail in time', { timeout: true });
  return new WebmailError('network', 'The webmail could not be reached', { cause: e instanceof Error ? e.message : String(e) });
}

export class ZimbraSoap {
  /**
   * @param origin the webmail's origin ("https://host"); every request goes there and nowhere else.
   * @param csrfTokens the page's CSRF token(s), best first, read on every request (a new login in another tab
   *   writes a new one to localStorage).
   */
  constructor(
    private readonly origin: string,
    private readonly csrfTokens: () => readonly string[],
    fetchImpl?: FetchLike,
    pacer?: Pacer,
  ) {
    // Paced, same origin, redirects not followed: lib/webmail/kit/request.ts; within the DoSFilter's default rate
    // (ZIMBRA_SERVER_WINDOW) unless the caller gives its own pacer.
    this.requester = createRequester({ origin, ...(fetchImpl ? { fetch: fetchImpl } : {}), pacer: pacer ?? new Pacer({ serverWindow: ZIMBRA_SERVER_WINDOW }) });
  }

  private readonly requester: Requester;

  /** The pacing every request goes through (a firewall's block stops them all until a person resets it). */
  get pacer(): Pacer {
    return this.requester.pacer;
  }

  /** Sends one request and returns its parsed response element; throws WebmailError. */
  async call<S extends z.ZodMiniType>(
    name: string,
    ns: Namespace,
    body: Record<string, unknown>,
    schema: S,
    opts: CallOptions = {},
  ): Promise<z.infer<S>> {
    if (!/^[A-Z][A-Za-z]{1,60}Request$/.test(name)) throw new WebmailError('unsupported', `bad request name ${name}`);
    const sent = this.csrfTokens()[0] ?? null;
    try {
      return await this.once(name, ns, body, schema, sent, opts);
    } catch (e) {
      // The token was refused (service.AUTH_REQUIRED: checked before anything is done, so a retry is safe). A new
      // login in another tab wrote a new one, or localStorage and the page disagree: try each other token once.
      if (zimbraCodeOf(e) !== 'service.AUTH_REQUIRED') throw e;
      const tried = new Set([sent]);
      for (const token of this.csrfTokens()) {
        if (tried.has(token)) continue;
        tried.add(token);
        try {
          return await this.once(name, ns, body, schema, token, opts);
        } catch (again) {
          if (zimbraCodeOf(again) !== 'service.AUTH_REQUIRED') throw again;
        }
      }
      throw e;
    }
  }

  private async once<S extends z.ZodMiniType>(
    name: string,
    ns: Namespace,
    body: Record<string, unknown>,
    schema: S,
    token: string | null,
    opts: CallOptions,
  ): Promise<z.infer<S>> {
    const context: Record<string, unknown> = { _jsns: 'urn:zimbra', nosession: {} };
    if (token) context.csrfToken = token;
    const envelope = { Header: { context }, Body: { [name]: { _jsns: ns, ...body } } };
    const headers: Record<string, string> = { 'Content-Type': 'application/soap+xml; charset=utf-8' };
    if (token) headers['X-Zimbra-Csrf-Token'] = token;
    const link = linkSignals(opts.signal, opts.timeoutMs ?? DEFAULT_TIMEOUT);
    let res: Response;
    let text: string;
    try {
      res = await this.requester.fetch(
        `${this.origin}/service/soap/${name}`,
        { method: 'POST', cache: 'no-store', headers, body: JSON.stringify(envelope), signal: link.signal },
        'json',
      );
      text = await res.text();
    } catch (e) {
      throw transportError(e, opts.signal, link.timedOut());
    } finally {
      link.done();
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON: a login page after a redirect (session over behind a portal), a proxy error page…
      if (res.status === 401 || res.redirected) throw new WebmailError('auth-expired', 'The session is over', { httpStatus: res.status });
      if (res.status === 403) throw new WebmailError('forbidden', 'Refused by the webmail', { httpStatus: res.status });
      // The server's DoSFilter: too many requests from this address within a second (the page's own included). The
      // request was not carried out; nothing is sent again here.
      if (res.status === 429) throw new WebmailError('busy', 'The webmail asks to slow down (too many requests)', { httpStatus: res.status });
      // A proxy in front of the mail server (Zimbra's own nginx, a load balancer) saying the server did not answer:
      // like a cut connection, the request may or may not have been carried out.
      if (res.status === 502 || res.status === 503 || res.status === 504) {
        throw new WebmailError('network', `No answer from the mail server (${res.status})`, { httpStatus: res.status });
      }
      if (res.status >= 500) throw new WebmailError('server', `The webmail answered ${res.status}`, { httpStatus: res.status });
      throw new WebmailError('invalid-response', 'The webmail did not answer in SOAP/JSON', { httpStatus: res.status });
    }
    const env = Envelope.safeParse(json);
    if (!env.success) throw new WebmailError('invalid-response', 'Unexpected SOAP envelope', { httpStatus: res.status });
    if (env.data.Body.Fault !== undefined) throw faultToError(env.data.Body.Fault, res.status);
    if (!res.ok) throw new WebmailError('server', `The webmail answered ${res.status}`, { httpStatus: res.status });
    const respName = name.replace(/Request$/, 'Response');
    const parsed = schema.safeParse(env.data.Body[respName]);
    if (!parsed.success) throw new WebmailError('invalid-response', `Unexpected ${respName}`, { issues: parsed.error.issues.slice(0, 5) });
    return parsed.data as z.infer<S>;
  }

  /**
   * GET on the REST servlet (`/service/home/~/…`, cookie auth). Resolves with a 200 response whose body is the
   * content; anything else is a WebmailError.
   */
  async rest(pathAndQuery: string, opts: CallOptions = {}): Promise<Response> {
    if (!pathAndQuery.startsWith('/service/home/~/')) throw new WebmailError('unsupported', 'REST path outside the user home');
    const link = linkSignals(opts.signal, opts.timeoutMs ?? 5 * DEFAULT_TIMEOUT);
    let res: Response;
    try {
      res = await this.requester.fetch(`${this.origin}${pathAndQuery}`, { method: 'GET', cache: 'no-store', signal: link.signal }, 'raw');
    } catch (e) {
      link.done();
      throw transportError(e, opts.signal, link.timedOut());
    }
    // The body is still streaming: the timeout only covers the answer's start.
    link.done();
    const type = res.headers.get('content-type') ?? '';
    if (res.status === 401 || (res.ok && res.redirected && type.startsWith('text/html'))) {
      void res.body?.cancel().catch(() => undefined);
      throw new WebmailError('auth-expired', 'The session is over', { httpStatus: res.status });
    }
    if (!res.ok) {
      void res.body?.cancel().catch(() => undefined);
      const code: WebmailErrorCode = res.status === 404 ? 'not-found' : res.status === 403 ? 'forbidden' : res.status === 429 ? 'busy' : 'server';
      throw new WebmailError(code, `The webmail answered ${res.status}`, { httpStatus: res.status });
    }
    return res;
  }
}
