/**
 * Zimbra simulator for Balise's tests: a plain Node HTTP server on 127.0.0.1 that answers like a Zimbra
 * Collaboration server (classic Ajax web client, SOAP/JSON API, REST downloads) for one mailbox.
 * It is built from Zimbra's public code and documentation; it is not Zimbra. See README.md.
 */
import { createHash } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultBox, type FaultSwitch, ZimbraFault } from './faults.ts';
import { ID_DRAFTS, ID_INBOX, ID_JUNK, ID_ROOT, ID_SENT, ID_TRASH, SimMailbox, type MailboxChange } from './mailbox.ts';
import { ASSETS, classicPage, loginPage, modernPage } from './pages.ts';
import { handleRest } from './rest.ts';
import { loadSeed, type SeedFolderName } from './seed.ts';
import { type AuthSession, HANDLERS, type HandlerCtx, type Json, type SimConfig, type SimState, encodeMsgSummary } from './soap.ts';

export { SimMailbox } from './mailbox.ts';
export type { MailboxSnapshot, SimMessage, SimFolder } from './mailbox.ts';
export type { FaultSwitch, FaultCode, FaultRule } from './faults.ts';

export interface RequestLogEntry {
  seq: number;
  at: number;
  method: string;
  path: string;
  /** SOAP request name (e.g. "MsgActionRequest"), "REST", "page", "login" or "asset". */
  request: string;
  /** Ids carried by an action (MsgAction/ItemAction `id` list, REST `list`/`id`). */
  ids: number;
  status: number;
  fault?: string;
  session?: string;
}

export interface ZimbraSim {
  url: string;
  user: string;
  password: string;
  address: string;
  mailbox: SimMailbox;
  faults: FaultSwitch;
  /** Every request received, oldest first (test-only; also GET /__sim/log). */
  readonly requestLog: readonly RequestLogEntry[];
  clearLog(): void;
  /** The CSRF token of the most recent login (what the page gets in window.csrfToken). */
  readonly csrfToken: string | null;
  stop(): Promise<void>;
}

export interface ZimbraSimOptions {
  profile?: 'realistic' | 'bench' | 'empty';
  seed?: number;
  /** zimbraMailQuota in bytes; 0 = unlimited. Default: the seeder's QUOTA_BYTES (200 MiB), 1 GiB for bench. */
  quotaBytes?: number;
  port?: number;
  version?: '8.8.15' | '10.1';
  /** 8.8.15 only: patch level. Below 4, launchZCS.jsp does not write localStorage.csrfToken. Default 41. */
  patch?: number;
  ui?: 'classic' | 'modern';
  /** zimbraPrefLocale: 'fr' (default) or 'en'. Drives the page's texts and dd/mm vs mm/dd search dates. */
  locale?: 'fr' | 'en';
  /** zimbraPrefMailSignatureStyle. Default 'outlook'. */
  signatureStyle?: 'outlook' | 'internet';
  /** zimbraPrefComposeFormat. Default 'html'. */
  composeFormat?: 'html' | 'text';
  /** Clock for the seed and relative search dates (epoch ms). Default Date.now(). */
  now?: number;
  /** How often the page polls NoOpRequest for notifications (ms). Default 1000. */
  pollMs?: number;
  /** zimbraItemActionBatchSize. Default 1000. */
  itemActionBatchSize?: number;
  /** zimbraEmptyFolderOpTimeout in ms. Default 3000. */
  emptyFolderOpTimeoutMs?: number;
  /**
   * The mailbox server's DoSFilter: zimbraHttpDosFilterMaxRequestsPerSec (a real server's default is 30, with
   * zimbraHttpDosFilterDelayMillis = -1: every request to /service/ beyond that many within one second from one client
   * address is rejected with HTTP 429, rejected ones counted too, as Jetty's rate tracker does). Default 0 = off here:
   * the harness's own SOAP reads come from the same address; the tests and benches that check Balise's pace turn it on.
   */
  dosFilterMaxRequestsPerSec?: number;
}

function seededUuid(seed: number): () => string {
  let n = 0;
  return () => {
    const h = createHash('sha1').update(`${seed}:${n++}`).digest('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  };
}

function parseCookies(h: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (h ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface SoapSession {
  id: string;
  seq: number;
  deleted: Set<number>;
  created: Set<number>;
  modified: Set<number>;
  folders: Set<number>;
  lastUsed: number;
  lastSeenAt: number;
}

export async function startZimbraSim(opts: ZimbraSimOptions = {}): Promise<ZimbraSim> {
  const seed = opts.seed ?? 1;
  const now0 = opts.now ?? Date.now();
  const fixedClock = opts.now !== undefined;
  const startedAt = Date.now();
  const now = () => (fixedClock ? now0 + (Date.now() - startedAt) : Date.now());
  const uuid = seededUuid(seed);
  const loaded = loadSeed(opts.profile ?? 'realistic', seed, now0);
  const address = loaded.address.toLowerCase();
  const user = address.split('@')[0]!;
  const password = 'balise-sim';
  const locale = opts.locale ?? 'fr';
  const config: SimConfig = {
    version: opts.version ?? '10.1',
    patch: opts.patch ?? 41,
    ui: opts.ui ?? 'classic',
    locale,
    user,
    password,
    itemActionBatchSize: opts.itemActionBatchSize ?? 1000,
    emptyFolderOpTimeoutMs: opts.emptyFolderOpTimeoutMs ?? 3000,
    authLifetimeMs: 2 * 86_400_000,
    allowedRefererHosts: [],
    pollMs: opts.pollMs ?? 1000,
    now,
  };
  const mbox = new SimMailbox({ address, displayName: loaded.displayName, quotaBytes: opts.quotaBytes ?? loaded.defaultQuota, uuid });

  // Folders of the seed: Patients (257) and Patients/Archives (258) are created first, like a real account.
  const patients = mbox.createFolder('Patients', ID_ROOT);
  const archives = mbox.createFolder('Archives', patients.id);
  const folderOf: Record<SeedFolderName, number> = {
    INBOX: ID_INBOX,
    Sent: ID_SENT,
    Drafts: ID_DRAFTS,
    Trash: ID_TRASH,
    Junk: ID_JUNK,
    Patients: patients.id,
    'Patients/Archives': archives.id,
  };
  const ordered = [...loaded.messages].sort((a, b) => a.internalDate - b.internalDate);
  for (const m of ordered) {
    const fid = folderOf[m.folder];
    if (fid === undefined) throw new Error(`seed: unknown folder ${m.folder}`);
    mbox.addMessage(fid, m.raw, {
      date: m.internalDate,
      flags: { unread: !m.seen, flagged: m.flagged, replied: m.answered, draft: m.draft || fid === ID_DRAFTS, fromMe: fid === ID_SENT || fid === ID_DRAFTS },
    });
  }

  // Account attributes and preferences (names and defaults from zm-mailbox store/conf/attrs/zimbra-attrs.xml).
  Object.assign(mbox.attrs, {
    displayName: mbox.displayName,
    zimbraMailTrashLifetime: '30d',
    zimbraMailSpamLifetime: '30d',
    zimbraMailMessageLifetime: '0',
    zimbraMailDumpsterLifetime: '30d',
    zimbraDumpsterEnabled: 'FALSE',
    zimbraSignatureMaxNumEntries: '20',
    zimbraMailSignatureMaxLength: '10240',
    zimbraExportMaxDays: '0',
    zimbraFeatureMailEnabled: 'TRUE',
    zimbraFeatureConversationsEnabled: 'TRUE',
    zimbraFeatureSignaturesEnabled: 'TRUE',
    zimbraFeatureIdentitiesEnabled: 'TRUE',
    zimbraFeatureHtmlComposeEnabled: 'TRUE',
    zimbraAttachmentsBlocked: 'FALSE',
    zimbraIsAdminAccount: 'FALSE',
    zimbraMailAlias: [],
    zimbraAllowFromAddress: ['secretariat.cabinet-durand@medecin.mssante.fr'],
  });
  const sigHtml = `<div><strong>${loaded.displayName}</strong></div><div>Médecin généraliste – RPPS 10003456789</div><div>Messagerie sécurisée de santé</div>`;
  const sigText = `${loaded.displayName}\nMédecin généraliste – RPPS 10003456789\nMessagerie sécurisée de santé`;
  const sig = { id: uuid(), name: 'Signature MSSanté', html: sigHtml, text: sigText };
  mbox.signatures.push(sig);
  Object.assign(mbox.prefs, {
    zimbraPrefTrashLifetime: '0',
    zimbraPrefJunkLifetime: '0',
    zimbraPrefInboxReadLifetime: '0',
    zimbraPrefInboxUnreadLifetime: '0',
    zimbraPrefSentLifetime: '0',
    zimbraPrefMailSignatureStyle: opts.signatureStyle ?? 'outlook',
    zimbraPrefMailSignatureEnabled: 'TRUE',
    zimbraPrefComposeFormat: opts.composeFormat ?? 'html',
    zimbraPrefLocale: locale,
    zimbraPrefTimeZoneId: 'UTC',
    zimbraPrefIncludeTrashInSearch: 'FALSE',
    zimbraPrefIncludeSpamInSearch: 'FALSE',
    zimbraPrefMailInitialSearch: 'in:inbox',
    zimbraPrefGroupMailBy: 'message',
    zimbraPrefSkin: 'harmony',
    zimbraPrefFromAddress: address,
    zimbraPrefFromDisplay: mbox.displayName,
    zimbraPrefDefaultSignatureId: sig.id,
    zimbraPrefMailPollingInterval: '500s',
  });
  mbox.identities.push(
    {
      id: mbox.accountId,
      name: 'DEFAULT',
      attrs: {
        zimbraPrefIdentityId: mbox.accountId,
        zimbraPrefIdentityName: 'DEFAULT',
        zimbraPrefFromAddress: address,
        zimbraPrefFromDisplay: mbox.displayName,
        zimbraPrefFromAddressType: 'sendAs',
        zimbraPrefReplyToEnabled: 'FALSE',
        zimbraPrefDefaultSignatureId: sig.id,
        zimbraPrefForwardReplySignatureId: sig.id,
      },
    },
    {
      id: uuid(),
      name: 'Secrétariat',
      attrs: {
        zimbraPrefIdentityName: 'Secrétariat',
        zimbraPrefFromAddress: 'secretariat.cabinet-durand@medecin.mssante.fr',
        zimbraPrefFromDisplay: 'Secrétariat du cabinet Durand',
        zimbraPrefFromAddressType: 'sendAs',
        zimbraPrefReplyToEnabled: 'FALSE',
      },
    },
  );
  mbox.identities[1]!.attrs.zimbraPrefIdentityId = mbox.identities[1]!.id;

  // ---- auth tokens and SOAP sessions --------------------------------------------------------------------------
  const tokens = new Map<string, AuthSession>();
  let tokenNo = 0;
  let lastCsrf: string | null = null;
  const login = (name: string, pw: string): AuthSession | null => {
    const n = name.trim().toLowerCase();
    if ((n !== user && n !== address) || pw !== password) return null;
    const h = (s: string) => createHash('sha256').update(`${seed}:${s}:${tokenNo}`).digest('hex');
    tokenNo++;
    const t = now();
    const s: AuthSession = {
      token: `0_${h('tok').slice(0, 40)}_${h('sig').slice(0, 64)}`,
      csrf: `0_${h('csrf').slice(0, 40)}`,
      createdAt: t,
      expiresAt: t + config.authLifetimeMs,
      valid: true,
    };
    tokens.set(s.token, s);
    lastCsrf = s.csrf;
    return s;
  };
  const logout = (token: string) => {
    const s = tokens.get(token);
    if (s) s.valid = false;
  };
  const sessions = new Map<string, SoapSession>();
  let sessionNo = 0;
  let notifySeq = 0;
  mbox.onChange((c: MailboxChange) => {
    for (const s of sessions.values()) {
      switch (c.kind) {
        case 'deleted':
          for (const id of c.ids) {
            s.deleted.add(id);
            s.created.delete(id);
            s.modified.delete(id);
          }
          break;
        case 'createdMsg':
          for (const id of c.ids) s.created.add(id);
          break;
        case 'modifiedMsg':
          for (const id of c.ids) if (!s.created.has(id)) s.modified.add(id);
          break;
        case 'folders':
          for (const id of c.ids) s.folders.add(id);
          break;
        case 'deletedFolders':
          for (const id of c.ids) {
            s.deleted.add(id);
            s.folders.delete(id);
          }
          break;
      }
    }
  });

  const faults = new FaultBox({
    expire: () => {
      for (const s of tokens.values()) s.valid = false;
    },
    vanish: (ids) => mbox.deleteMessages(ids),
  });

  const emptyLock = { busy: false };
  const log: RequestLogEntry[] = [];
  let logSeq = 0;

  const state: SimState = { mbox, config, emptyLock, faults, login, logout, setCookie: null };

  // ---- SOAP ------------------------------------------------------------------------------------------------
  const soapHeader = (ctxEl: Json | undefined, sess: SoapSession | null): Json => {
    const hdr: Json = { _jsns: 'urn:zimbra' };
    hdr.change = { token: mbox.changeId };
    if (sess) {
      hdr.session = { id: sess.id, _content: sess.id };
      const notify: Json = { seq: 0 };
      let any = false;
      if (sess.deleted.size) {
        notify.deleted = { id: [...sess.deleted].join(',') };
        any = true;
      }
      const created = [...sess.created].map((id) => mbox.messages.get(id)).filter((m) => m !== undefined);
      if (created.length) {
        notify.created = { m: created.map((m) => encodeMsgSummary(mbox, m!, 2)) };
        any = true;
      }
      const modified: Json = {};
      if (mbox.used !== sess.lastUsed) {
        modified.mbx = [{ s: mbox.used }];
        sess.lastUsed = mbox.used;
      }
      const mods = [...sess.modified].map((id) => mbox.messages.get(id)).filter((m) => m !== undefined);
      if (mods.length) modified.m = mods.map((m) => ({ id: String(m!.id), l: String(m!.folderId), f: (m!.flags.unread ? 'u' : '') + (m!.flags.flagged ? 'f' : '') }));
      const fl = [...sess.folders].filter((id) => mbox.folders.has(id));
      if (fl.length) modified.folder = fl.map((id) => ({ id: String(id), ...mbox.folderStats(id) }));
      if (Object.keys(modified).length) {
        notify.modified = modified;
        any = true;
      }
      if (any) {
        notify.seq = ++notifySeq;
        hdr.notify = [notify];
      }
      sess.deleted.clear();
      sess.created.clear();
      sess.modified.clear();
      sess.folders.clear();
    }
    void ctxEl;
    return hdr;
  };

  const sendJson = (res: ServerResponse, status: number, body: Json) => {
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json;charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store' });
    res.end(data);
  };

  const faultEnvelope = (f: ZimbraFault, hdr?: Json): Json => ({
    ...(hdr ? { Header: { context: hdr } } : {}),
    Body: { Fault: f.toJson() },
    _jsns: 'urn:zimbraSoap',
  });

  const xmlFault = (code: string, text: string): string =>
    `<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text>${text}</soap:Text></soap:Reason><soap:Detail><Error xmlns="urn:zimbra"><Code>${code}</Code><Trace>qtp-sim:${Date.now()}:sim</Trace></Error></soap:Detail></soap:Fault></soap:Body></soap:Envelope>`;

  const handleSoap = async (req: IncomingMessage, res: ServerResponse, url: URL, entry: RequestLogEntry) => {
    const body = await readBody(req);
    if (body.length === 0) {
      entry.request = '(empty)';
      entry.status = 500;
      entry.fault = 'service.PARSE_ERROR';
      res.writeHead(500, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
      res.end(xmlFault('service.PARSE_ERROR', 'parse error: empty request payload'));
      return;
    }
    if (body[0] === 0x3c) {
      // SoapEngine.dispatch: '<' means XML. The simulator answers in XML, like the server would, but only to say
      // that it speaks the JSON form.
      entry.request = '(xml)';
      entry.status = 500;
      entry.fault = 'service.FAILURE';
      res.writeHead(500, { 'Content-Type': 'application/soap+xml; charset=utf-8' });
      res.end(xmlFault('service.FAILURE', 'system failure: this Zimbra simulator speaks SOAP in its JSON form only'));
      return;
    }
    let env: Json;
    try {
      env = JSON.parse(body.toString('utf8')) as Json;
      if (!env || typeof env !== 'object' || Array.isArray(env)) throw new Error('not an object');
    } catch (e) {
      const f = ZimbraFault.parseError((e as Error).message);
      entry.request = '(unparsable)';
      entry.status = 500;
      entry.fault = f.code;
      return sendJson(res, 500, faultEnvelope(f));
    }
    const header = (env.Header as Json | undefined)?.context as Json | undefined;
    const envBody = env.Body as Json | undefined;
    const names = envBody ? Object.keys(envBody).filter((k) => k !== '_jsns') : [];
    const name = names[0] ?? '';
    entry.request = name || '(none)';
    const fail = (f: ZimbraFault, hdr?: Json) => {
      entry.status = 500;
      entry.fault = f.code;
      sendJson(res, 500, faultEnvelope(f, hdr));
    };
    const decision = faults.decide(name || '*');
    if (decision.delayMs) await sleep(decision.delayMs);
    if (decision.action === 'drop') {
      entry.status = 0;
      entry.fault = '(dropped)';
      req.socket.destroy();
      return;
    }
    if (!name) return fail(ZimbraFault.invalidRequest('no document specified'));
    const reqEl = (envBody![name] ?? {}) as Json;
    const handler = HANDLERS[name];

    // ZimbraSoapContext: auth token from the context, else the cookie; expired/logged out -> AUTH_EXPIRED
    // unless authTokenControl.voidOnExpired.
    const cookies = parseCookies(req.headers.cookie);
    const ctxToken = header?.authToken;
    const rawToken =
      (typeof ctxToken === 'string' ? ctxToken : (ctxToken as Json | undefined)?._content as string | undefined) ?? cookies.ZM_AUTH_TOKEN;
    let auth: AuthSession | null = rawToken ? (tokens.get(rawToken) ?? null) : null;
    if (auth && (!auth.valid || auth.expiresAt <= now())) {
      const control = header?.authTokenControl as Json | undefined;
      const voidOnExpired = control && (control.voidOnExpired === true || control.voidOnExpired === '1' || control.voidOnExpired === 'true');
      if (!voidOnExpired) return fail(ZimbraFault.authExpired());
      auth = null;
    }
    // SoapEngine.dispatch: CSRF check for authenticated, non-Auth requests of handlers that need auth.
    if (auth && handler && name !== 'AuthRequest' && handler.needsAuth) {
      const hdrTok = req.headers['x-zimbra-csrf-token'];
      const csrf = (typeof hdrTok === 'string' && hdrTok) || (header?.csrfToken as string | undefined) || '';
      if (csrf !== auth.csrf) return fail(ZimbraFault.authRequired());
    }
    if (!handler || reqEl._jsns !== handler.ns) {
      return fail(ZimbraFault.unknownDocument(`${String(reqEl._jsns ?? '')}:${name}`.replace(/^urn:/, '')));
    }
    if (handler.needsAuth && !auth) return fail(ZimbraFault.authRequired());
    if (decision.action instanceof ZimbraFault) return fail(decision.action);

    // SOAP session for notifications: `session` (with or without id) -> one; `nosession` or neither -> none.
    let sess: SoapSession | null = null;
    const sessEl = header?.session as Json | string | undefined;
    if (auth && sessEl !== undefined && header?.nosession === undefined) {
      const sid = typeof sessEl === 'string' ? sessEl : ((sessEl.id ?? sessEl._content) as string | undefined);
      sess = (sid && sessions.get(String(sid))) || null;
      if (!sess) {
        sess = {
          id: String(++sessionNo + 100),
          seq: 0,
          deleted: new Set(),
          created: new Set(),
          modified: new Set(),
          folders: new Set(),
          lastUsed: mbox.used,
          lastSeenAt: Date.now(),
        };
        sessions.set(sess.id, sess);
      }
      sess.lastSeenAt = Date.now();
      entry.session = sess.id;
    }
    const ctx: HandlerCtx = { state, auth, req: reqEl, name };
    const cookiesOut: string[] = [];
    state.setCookie = (n, v, maxAge) => {
      cookiesOut.push(`${n}=${v}; Path=/; HttpOnly${maxAge !== null ? `; Max-Age=${maxAge}` : ''}`);
    };
    try {
      const result = await handler.run(ctx);
      if (ctx.idsCount !== undefined) entry.ids = ctx.idsCount;
      const respName = name.replace(/Request$/, 'Response');
      entry.status = 200;
      if (cookiesOut.length) res.setHeader('Set-Cookie', cookiesOut);
      sendJson(res, 200, {
        Header: { context: soapHeader(header, sess) },
        Body: { [respName]: { ...result, _jsns: handler.ns } },
        _jsns: 'urn:zimbraSoap',
      });
    } catch (e) {
      if (ctx.idsCount !== undefined) entry.ids = ctx.idsCount;
      if (e instanceof ZimbraFault) return fail(e, auth ? soapHeader(header, sess) : undefined);
      return fail(ZimbraFault.failure(`simulator error: ${(e as Error).message}`));
    } finally {
      state.setCookie = null;
    }
    void url;
  };

  // ---- HTTP routing ---------------------------------------------------------------------------------------
  const currentAuth = (req: IncomingMessage): AuthSession | null => {
    const t = parseCookies(req.headers.cookie).ZM_AUTH_TOKEN;
    const s = t ? tokens.get(t) : undefined;
    return s && s.valid && s.expiresAt > now() ? s : null;
  };

  const refererRejected = (req: IncomingMessage): boolean => {
    // CsrfUtil.isCsrfRequestBasedOnReferrer: POST with a Referer whose host differs from the request host.
    if (req.method !== 'POST') return false;
    const ref = req.headers.referer;
    if (!ref) return false;
    let refHost: string;
    try {
      refHost = new URL(ref.includes('http') ? ref : `http://${ref}`).hostname.toLowerCase();
    } catch {
      return true;
    }
    const host = (req.headers.host ?? '').split(':')[0]!.toLowerCase();
    return refHost !== host && !config.allowedRefererHosts.includes(refHost);
  };

  const html = (res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}) => {
    const data = Buffer.from(body);
    res.writeHead(status, { 'Content-Type': 'text/html;charset=utf-8', 'Content-Length': data.length, 'Cache-Control': 'no-store', ...headers });
    res.end(data);
  };

  const testOnly = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const route = url.pathname.slice('/__sim/'.length);
    if (req.method === 'GET' && route === 'state') return sendJson(res, 200, { ...mbox.snapshot(), faults: faults.rules } as unknown as Json);
    if (req.method === 'GET' && route === 'log') return sendJson(res, 200, { log } as unknown as Json);
    if (req.method === 'POST' && route === 'log/clear') {
      log.length = 0;
      return sendJson(res, 200, { ok: true });
    }
    if (req.method === 'POST' && (route === 'faults' || route === 'deliver')) {
      let body: Json;
      try {
        body = JSON.parse((await readBody(req)).toString('utf8') || '{}') as Json;
      } catch {
        return sendJson(res, 400, { error: 'body must be JSON' });
      }
      try {
        if (route === 'deliver') {
          const raw = Buffer.from(String(body.raw ?? ''), body.encoding === 'base64' ? 'base64' : 'utf8');
          const m = mbox.addMessage(Number(body.folderId ?? ID_INBOX), raw, { date: now(), flags: { unread: true }, checkQuota: body.checkQuota !== false });
          return sendJson(res, 200, { id: m.id, size: m.size, used: mbox.used });
        }
        switch (body.action) {
          case 'failNext':
            faults.failNext(String(body.request ?? '*'), body.code as never, {
              ...(body.nth !== undefined ? { nth: Number(body.nth) } : {}),
              ...(body.times !== undefined ? { times: Number(body.times) } : {}),
              ...(body.reason !== undefined ? { reason: String(body.reason) } : {}),
            });
            break;
          case 'dropConnection':
            faults.dropConnection(String(body.request ?? '*'), {
              ...(body.nth !== undefined ? { nth: Number(body.nth) } : {}),
              ...(body.times !== undefined ? { times: Number(body.times) } : {}),
            });
            break;
          case 'latency':
            faults.latency(Number(body.ms ?? 0), String(body.request ?? '*'));
            break;
          case 'expireSession':
            faults.expireSession();
            break;
          case 'vanish':
            return sendJson(res, 200, { vanished: faults.vanish((body.ids as (string | number)[]) ?? []) });
          case 'slowEmpty':
            faults.slowEmpty(Number(body.ms ?? 0), body.batchSize !== undefined ? Number(body.batchSize) : undefined);
            break;
          case 'setQuota':
            mbox.quotaBytes = Number(body.bytes ?? 0);
            break;
          case 'reset':
            faults.reset();
            break;
          default:
            return sendJson(res, 400, { error: `unknown action ${String(body.action)}` });
        }
      } catch (e) {
        if (e instanceof ZimbraFault) return sendJson(res, 409, { error: e.code, message: e.message });
        return sendJson(res, 400, { error: (e as Error).message });
      }
      return sendJson(res, 200, { ok: true, rules: faults.rules } as unknown as Json);
    }
    return sendJson(res, 404, { error: 'unknown test-only route' });
  };

  /** DoSFilter: each client address's request times within the last second (see dosFilterMaxRequestsPerSec). */
  const dosMax = opts.dosFilterMaxRequestsPerSec ?? 0;
  const dosSeen = new Map<string, number[]>();
  const dosRejected = (req: IncomingMessage): boolean => {
    if (!(dosMax > 0)) return false;
    const ip = req.socket.remoteAddress ?? '';
    const t = Date.now();
    const times = (dosSeen.get(ip) ?? []).filter((x) => t - x < 1000);
    times.push(t);
    dosSeen.set(ip, times);
    return times.length > dosMax;
  };

  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: RequestLogEntry = { seq: ++logSeq, at: Date.now(), method: req.method ?? 'GET', path: url.pathname + url.search, request: '', ids: 0, status: 0 };
    const isTestOnly = url.pathname.startsWith('/__sim/');
    if (!isTestOnly) log.push(entry);
    const finish = () => {
      if (!entry.status) entry.status = res.statusCode;
    };
    res.on('finish', finish);
    void (async () => {
      try {
        if (isTestOnly) return await testOnly(req, res, url);
        if (refererRejected(req)) {
          entry.request = 'referer-check';
          return html(res, 403, '<html><body><h2>HTTP ERROR 403</h2><p>Forbidden</p></body></html>');
        }
        const p = url.pathname;
        if (p.startsWith('/service/') && dosRejected(req)) {
          entry.request = 'dos-filter';
          return html(res, 429, '<html><body><h2>HTTP ERROR 429 Too Many Requests</h2></body></html>');
        }
        if (p === '/service/soap' || p.startsWith('/service/soap/')) {
          if (req.method !== 'POST') {
            entry.request = 'soap-get';
            return html(res, 405, 'HTTP method GET is not supported by this URL');
          }
          return await handleSoap(req, res, url, entry);
        }
        if (p.startsWith('/service/home/') || p.startsWith('/home/')) {
          entry.request = 'REST';
          const decision = faults.decide('REST');
          if (decision.delayMs) await sleep(decision.delayMs);
          if (decision.action === 'drop') {
            entry.fault = '(dropped)';
            req.socket.destroy();
            return;
          }
          if (decision.action instanceof ZimbraFault) {
            entry.fault = decision.action.code;
            return html(res, 500, `<html><body><h2>HTTP ERROR 500</h2><p>${decision.action.message}</p></body></html>`);
          }
          // UserServlet auth=co: the cookie; an expired or logged-out token is refused.
          const r = handleRest(mbox, url, { now: now(), locale, authed: currentAuth(req) !== null });
          entry.ids = r.ids;
          res.writeHead(r.status, r.headers);
          res.end(r.body);
          return;
        }
        const asset = ASSETS[p];
        if (asset) {
          entry.request = 'asset';
          res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-store' });
          res.end(asset.body());
          return;
        }
        if (p === '/' && req.method === 'POST') {
          entry.request = 'login';
          const form = new URLSearchParams((await readBody(req)).toString('utf8'));
          const cookies = parseCookies(req.headers.cookie);
          const csrfOk = !!form.get('login_csrf') && form.get('login_csrf') === cookies.ZM_LOGIN_CSRF;
          const s = form.get('loginOp') === 'login' && csrfOk ? login(form.get('username') ?? '', form.get('password') ?? '') : null;
          if (!s) {
            const lc = newLoginCsrf();
            return html(res, 200, loginPage(config, csrfOk ? 'auth' : 'csrf', lc.value), { 'Set-Cookie': [lc.cookie] });
          }
          res.writeHead(302, {
            Location: '/',
            'Set-Cookie': [`ZM_AUTH_TOKEN=${s.token}; Path=/; HttpOnly`, 'ZM_LOGIN_CSRF=; Path=/; Max-Age=0'],
          });
          res.end();
          return;
        }
        if (p === '/' && req.method === 'GET') {
          if (url.searchParams.get('loginOp') === 'logout') {
            const t = parseCookies(req.headers.cookie).ZM_AUTH_TOKEN;
            if (t) logout(t);
            entry.request = 'logout';
            const lc = newLoginCsrf();
            return html(res, 200, loginPage(config, null, lc.value), { 'Set-Cookie': ['ZM_AUTH_TOKEN=; Path=/; Max-Age=0', lc.cookie] });
          }
          const a = currentAuth(req);
          if (!a) {
            entry.request = 'login-page';
            const lc = newLoginCsrf();
            return html(res, 200, loginPage(config, null, lc.value), { 'Set-Cookie': [lc.cookie] });
          }
          entry.request = 'page';
          if (config.ui === 'modern') {
            res.writeHead(302, { Location: '/modern/' });
            res.end();
            return;
          }
          return html(res, 200, classicPage(config, a));
        }
        if (p === '/modern' || p.startsWith('/modern/')) {
          entry.request = 'page';
          const a = currentAuth(req);
          if (!a) {
            res.writeHead(302, { Location: '/' });
            res.end();
            return;
          }
          return html(res, 200, modernPage(config, a));
        }
        entry.request = 'not-found';
        html(res, 404, '<html><body><h2>HTTP ERROR 404</h2></body></html>');
      } catch (e) {
        if (!res.headersSent) html(res, 500, `<pre>${String((e as Error).stack)}</pre>`);
      }
    })();
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let loginCsrfNo = 0;
  function newLoginCsrf(): { value: string; cookie: string } {
    const v = createHash('sha1').update(`login:${seed}:${loginCsrfNo++}`).digest('hex');
    return { value: v, cookie: `ZM_LOGIN_CSRF=${v}; Path=/; HttpOnly` };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/`,
    user,
    password,
    address,
    mailbox: mbox,
    faults,
    get requestLog() {
      return log;
    },
    clearLog() {
      log.length = 0;
    },
    get csrfToken() {
      return lastCsrf;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
