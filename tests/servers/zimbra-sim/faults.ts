/**
 * Zimbra faults and the test-only fault switch.
 *
 * Fault shape: Zimbra/zm-mailbox `common/src/java/com/zimbra/common/soap/SoapJSProtocol.java` soapFault(ServiceException):
 *   {"Code":{"Value":"soap:Sender"|"soap:Receiver"},"Reason":{"Text":msg},
 *    "Detail":{"Error":{"Code":code,"Trace":threadName,"a":[{"n","t","_content"}],"_jsns":"urn:zimbra"}}}
 * sent with HTTP 500 (store/src/java/com/zimbra/soap/SoapServlet.java).
 * Messages and arguments: `common/.../service/ServiceException.java`, `store/.../mailbox/MailServiceException.java`,
 * `store/.../account/AccountServiceException.java`. `Trace` is `ServiceException.getThreadName()`:
 * "<thread>:<epoch ms>:<hex key>" (stack traces are off by default: LC.soap_fault_include_stack_trace).
 */

export interface FaultArg {
  n: string;
  t: 'IID' | 'STR' | 'NUM' | 'ACCTID' | 'ITEMID' | 'ACCTNAME';
  _content: string;
}

const TRACE_KEY = 'b5f1c0ffee5e11a7';
let threadNo = 100;

export class ZimbraFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly args: FaultArg[] = [],
    readonly receivers = false,
  ) {
    super(message);
  }

  toJson(): Record<string, unknown> {
    const error: Record<string, unknown> = {
      Code: this.code,
      Trace: `qtp${1700000000 + (threadNo++ % 500)}-${threadNo}:${Date.now()}:${TRACE_KEY}`,
    };
    if (this.args.length) error.a = this.args;
    error._jsns = 'urn:zimbra';
    return {
      Code: { Value: this.receivers ? 'soap:Receiver' : 'soap:Sender' },
      Reason: { Text: this.message },
      Detail: { Error: error },
    };
  }

  // ServiceException
  static authRequired(): ZimbraFault {
    return new ZimbraFault('service.AUTH_REQUIRED', 'no valid authtoken present');
  }
  static authExpired(): ZimbraFault {
    return new ZimbraFault('service.AUTH_EXPIRED', 'auth credentials have expired');
  }
  static invalidRequest(msg: string): ZimbraFault {
    return new ZimbraFault('service.INVALID_REQUEST', 'invalid request: ' + msg);
  }
  static parseError(msg: string): ZimbraFault {
    return new ZimbraFault('service.PARSE_ERROR', 'parse error: ' + msg);
  }
  static unknownDocument(qname: string): ZimbraFault {
    return new ZimbraFault('service.UNKNOWN_DOCUMENT', 'unknown document: ' + qname);
  }
  static permDenied(msg: string): ZimbraFault {
    return new ZimbraFault('service.PERM_DENIED', 'permission denied: ' + msg);
  }
  static alreadyInProgress(msg: string): ZimbraFault {
    return new ZimbraFault('service.ALREADY_IN_PROGRESS', msg);
  }
  static failure(msg: string): ZimbraFault {
    return new ZimbraFault('service.FAILURE', 'system failure: ' + msg, [], true);
  }
  // MailServiceException
  static noSuchMsg(id: number | string): ZimbraFault {
    return new ZimbraFault('mail.NO_SUCH_MSG', `no such message: ${id}`, [{ n: 'itemId', t: 'IID', _content: String(id) }]);
  }
  static noSuchItem(id: number | string): ZimbraFault {
    return new ZimbraFault('mail.NO_SUCH_ITEM', `no such item: ${id}`, [{ n: 'itemId', t: 'IID', _content: String(id) }]);
  }
  static noSuchFolder(id: number | string): ZimbraFault {
    return new ZimbraFault('mail.NO_SUCH_FOLDER', `no such folder id: ${id}`, [{ n: 'itemId', t: 'IID', _content: String(id) }]);
  }
  static noSuchFolderPath(path: string): ZimbraFault {
    return new ZimbraFault('mail.NO_SUCH_FOLDER', `no such folder path: ${path}`, [{ n: 'path', t: 'STR', _content: path }]);
  }
  static quotaExceeded(limit: number): ZimbraFault {
    return new ZimbraFault('mail.QUOTA_EXCEEDED', `mailbox exceeded quota of ${limit} bytes`, [{ n: 'limit', t: 'NUM', _content: String(limit) }]);
  }
  static queryParseError(query: string, curToken: string, col: number, parserErr: string): ZimbraFault {
    return new ZimbraFault('mail.QUERY_PARSE_ERROR', `Couldn't parse query: ${query}`, [
      { n: 'curTok', t: 'STR', _content: curToken },
      { n: 'colNo', t: 'NUM', _content: String(col) },
      { n: 'parserErr', t: 'STR', _content: parserErr },
    ]);
  }
  static alreadyExists(name: string): ZimbraFault {
    return new ZimbraFault('mail.ALREADY_EXISTS', `object with that name already exists: ${name}`, [{ n: 'name', t: 'STR', _content: name }]);
  }
  static invalidName(name: string): ZimbraFault {
    return new ZimbraFault('mail.INVALID_NAME', `invalid name: ${name}`, [{ n: 'name', t: 'STR', _content: name }]);
  }
  static cannotMoveSystemFolder(id: number): ZimbraFault {
    return new ZimbraFault('mail.IMMUTABLE_OBJECT', `cannot modify immutable object: ${id}`, [{ n: 'itemId', t: 'IID', _content: String(id) }]);
  }
  static cannotRenameSystemFolder(id: number): ZimbraFault {
    return ZimbraFault.cannotMoveSystemFolder(id);
  }
  static cannotDeleteSystemFolder(id: number): ZimbraFault {
    return ZimbraFault.cannotMoveSystemFolder(id);
  }
  // AccountServiceException
  static authFailed(name: string): ZimbraFault {
    return new ZimbraFault('account.AUTH_FAILED', `authentication failed for [${name}]`, [{ n: 'name', t: 'STR', _content: name }]);
  }
  static noSuchSignature(id: string): ZimbraFault {
    return new ZimbraFault('account.NO_SUCH_SIGNATURE', `no such signature: ${id}`);
  }
  static signatureExists(name: string): ZimbraFault {
    return new ZimbraFault('account.SIGNATURE_EXISTS', `signature exists: ${name}`);
  }
  static tooManySignatures(): ZimbraFault {
    return new ZimbraFault('account.TOO_MANY_SIGNATURES', 'number of signatures exceeded the limit');
  }

  /** Builds the fault a test asked for by code, with Zimbra's wording for that code. */
  static byCode(code: FaultCode, reason?: string): ZimbraFault {
    const f = (() => {
      switch (code) {
        case 'service.AUTH_REQUIRED':
          return ZimbraFault.authRequired();
        case 'service.AUTH_EXPIRED':
          return ZimbraFault.authExpired();
        case 'service.INVALID_REQUEST':
          return ZimbraFault.invalidRequest(reason ?? 'injected by the simulator');
        case 'service.PARSE_ERROR':
          return ZimbraFault.parseError(reason ?? 'injected by the simulator');
        case 'service.PERM_DENIED':
          return ZimbraFault.permDenied(reason ?? 'injected by the simulator');
        case 'service.ALREADY_IN_PROGRESS':
          return ZimbraFault.alreadyInProgress('Empty Folder operation is in progress. Please wait for the operation to complete');
        case 'mail.NO_SUCH_MSG':
          return ZimbraFault.noSuchMsg(reason ?? '0');
        case 'mail.NO_SUCH_ITEM':
          return ZimbraFault.noSuchItem(reason ?? '0');
        case 'mail.NO_SUCH_FOLDER':
          return ZimbraFault.noSuchFolder(reason ?? '0');
        case 'mail.QUOTA_EXCEEDED':
          return ZimbraFault.quotaExceeded(Number(reason ?? 0));
        case 'mail.QUERY_PARSE_ERROR':
          return ZimbraFault.queryParseError(reason ?? '', '', -1, 'injected by the simulator');
        case 'service.FAILURE':
          return ZimbraFault.failure(reason ?? 'injected by the simulator');
        default:
          return new ZimbraFault(code, reason ?? code);
      }
    })();
    return f;
  }
}

export type FaultCode =
  | 'service.AUTH_REQUIRED'
  | 'service.AUTH_EXPIRED'
  | 'service.INVALID_REQUEST'
  | 'service.PARSE_ERROR'
  | 'service.PERM_DENIED'
  | 'service.ALREADY_IN_PROGRESS'
  | 'service.FAILURE'
  | 'mail.NO_SUCH_MSG'
  | 'mail.NO_SUCH_ITEM'
  | 'mail.NO_SUCH_FOLDER'
  | 'mail.QUOTA_EXCEEDED'
  | 'mail.QUERY_PARSE_ERROR';

/** What a test can inject. `request` is a SOAP request name (e.g. "MsgActionRequest"), "REST", or "*". */
export type FaultRule =
  | { kind: 'fail'; request: string; nth: number; times: number; code: FaultCode; reason?: string; seen: number }
  | { kind: 'drop'; request: string; nth: number; times: number; seen: number }
  | { kind: 'latency'; request: string; ms: number };

export interface FaultSwitch {
  /**
   * Fail the `nth` next request named `request` (1 = the very next one) with `code`; `times` consecutive
   * matching requests fail from there (default 1).
   */
  failNext(request: string, code: FaultCode, opts?: { nth?: number; times?: number; reason?: string }): void;
  /** Close the socket without answering the `nth` next matching request. */
  dropConnection(request?: string, opts?: { nth?: number; times?: number }): void;
  /** Delay every matching request by `ms` (0 removes it). */
  latency(ms: number, request?: string): void;
  /** The current session token expires: SOAP answers service.AUTH_EXPIRED (REST 401) until a new login. */
  expireSession(): void;
  /** Remove these message ids from the mailbox behind the client's back (as another client would). */
  vanish(ids: (number | string)[]): number[];
  /** Slow down FolderAction empty: wait this long between deletion batches (to observe ALREADY_IN_PROGRESS). */
  slowEmpty(msPerBatch: number, batchSize?: number): void;
  reset(): void;
  readonly rules: readonly FaultRule[];
}

export class FaultBox implements FaultSwitch {
  private list: FaultRule[] = [];
  emptyDelayMs = 0;
  emptyBatchSize = 1000;

  constructor(
    private readonly hooks: { expire: () => void; vanish: (ids: number[]) => number[] },
  ) {}

  get rules(): readonly FaultRule[] {
    return this.list;
  }

  failNext(request: string, code: FaultCode, opts: { nth?: number; times?: number; reason?: string } = {}): void {
    const rule: FaultRule = { kind: 'fail', request, nth: opts.nth ?? 1, times: opts.times ?? 1, code, seen: 0 };
    if (opts.reason !== undefined) rule.reason = opts.reason;
    this.list.push(rule);
  }

  dropConnection(request = '*', opts: { nth?: number; times?: number } = {}): void {
    this.list.push({ kind: 'drop', request, nth: opts.nth ?? 1, times: opts.times ?? 1, seen: 0 });
  }

  latency(ms: number, request = '*'): void {
    this.list = this.list.filter((r) => !(r.kind === 'latency' && r.request === request));
    if (ms > 0) this.list.push({ kind: 'latency', request, ms });
  }

  expireSession(): void {
    this.hooks.expire();
  }

  vanish(ids: (number | string)[]): number[] {
    return this.hooks.vanish(ids.map((x) => Number(x)));
  }

  slowEmpty(msPerBatch: number, batchSize = this.emptyBatchSize): void {
    this.emptyDelayMs = msPerBatch;
    this.emptyBatchSize = batchSize;
  }

  reset(): void {
    this.list = [];
    this.emptyDelayMs = 0;
    this.emptyBatchSize = 1000;
  }

  /** Called once per incoming request; returns what to do with it. */
  decide(request: string): { delayMs: number; action: 'pass' | 'drop' | ZimbraFault } {
    let delayMs = 0;
    let action: 'pass' | 'drop' | ZimbraFault = 'pass';
    const matches = (r: string) => r === '*' || r === request;
    for (const rule of this.list) {
      if (!matches(rule.request)) continue;
      if (rule.kind === 'latency') {
        delayMs = Math.max(delayMs, rule.ms);
        continue;
      }
      rule.seen++;
      if (action === 'pass' && rule.seen >= rule.nth && rule.seen < rule.nth + rule.times) {
        action = rule.kind === 'drop' ? 'drop' : ZimbraFault.byCode(rule.code, rule.reason);
      }
    }
    this.list = this.list.filter((r) => r.kind === 'latency' || r.seen < r.nth + r.times - 1);
    return { delayMs, action };
  }
}
