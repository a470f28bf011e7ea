/**
 * SOAP/JSON request handlers. Each handler cites the Zimbra source it follows (Zimbra/zm-mailbox unless noted).
 */
import { ZimbraFault } from './faults.ts';
import {
  ID_DRAFTS,
  ID_INBOX,
  ID_JUNK,
  ID_ROOT,
  ID_SENT,
  ID_TRASH,
  flagString,
  type SimFolder,
  type SimMailbox,
  type SimMessage,
} from './mailbox.ts';
import { type MimePart, decodeText, isAttachmentPart, zimbraPartSize } from './mime.ts';
import { runQuery } from './query.ts';

export type Json = Record<string, unknown>;

export interface AuthSession {
  token: string;
  csrf: string;
  createdAt: number;
  expiresAt: number;
  /** False once logged out or expired by the fault switch: requests then get AUTH_EXPIRED. */
  valid: boolean;
}

export interface SimConfig {
  version: '8.8.15' | '10.1';
  /** 8.8.15 patch level (launchZCS.jsp writes localStorage.csrfToken from p4 on). */
  patch: number;
  ui: 'classic' | 'modern';
  locale: string;
  user: string;
  password: string;
  itemActionBatchSize: number;
  emptyFolderOpTimeoutMs: number;
  authLifetimeMs: number;
  /** Hosts allowed in Referer besides the request host (zimbraCsrfAllowedRefererHosts). */
  allowedRefererHosts: string[];
  pollMs: number;
  now: () => number;
}

export interface SimState {
  mbox: SimMailbox;
  config: SimConfig;
  emptyLock: { busy: boolean };
  faults: { emptyDelayMs: number; emptyBatchSize: number };
  login(name: string, password: string): AuthSession | null;
  logout(token: string): void;
  setCookie: ((name: string, value: string, maxAgeSec: number | null) => void) | null;
}

export interface HandlerCtx {
  state: SimState;
  auth: AuthSession | null;
  req: Json;
  name: string;
  /** Number of ids the request carried (for the request log). */
  idsCount?: number;
}

type Handler = { ns: string; needsAuth: boolean; run: (ctx: HandlerCtx) => Promise<Json> | Json };

// ---- small readers (Element.getAttribute semantics for the JSON form) ------------------------------------------

function attr(el: Json | undefined, name: string): string | undefined {
  if (!el) return undefined;
  const v = el[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'object') {
    const c = (Array.isArray(v) ? v[0] : v) as Json | undefined;
    if (c && typeof c === 'object' && '_content' in c) return String(c._content);
    return undefined;
  }
  return String(v);
}

function reqAttr(el: Json | undefined, name: string): string {
  const v = attr(el, name);
  if (v === undefined) throw ZimbraFault.invalidRequest(`missing required attribute: ${name}`);
  return v;
}

function boolAttr(el: Json | undefined, name: string, dflt: boolean): boolean {
  const v = attr(el, name);
  if (v === undefined) return dflt;
  if (v === '1' || v.toLowerCase() === 'true') return true;
  if (v === '0' || v.toLowerCase() === 'false') return false;
  throw ZimbraFault.invalidRequest(`invalid boolean value for attribute: ${name}`);
}

function intAttr(el: Json | undefined, name: string, dflt: number): number {
  const v = attr(el, name);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || !/^-?\d+$/.test(v.trim())) throw ZimbraFault.invalidRequest(`invalid long value '${v}' for attribute: ${name}`);
  return n;
}

function child(el: Json | undefined, name: string): Json | undefined {
  const v = el?.[name];
  if (v === undefined || v === null) return undefined;
  if (Array.isArray(v)) return v[0] as Json;
  if (typeof v === 'object') return v as Json;
  return undefined;
}

function reqChild(el: Json | undefined, name: string): Json {
  const c = child(el, name);
  if (!c) throw ZimbraFault.invalidRequest(`missing required element: ${name}`);
  return c;
}

function children(el: Json | undefined, name: string): Json[] {
  const v = el?.[name];
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).filter((x) => x && typeof x === 'object') as Json[];
}

function parseItemIds(list: string): number[] {
  // ItemAction.partitionItems / ItemId: comma-separated, each an integer (account-qualified ids not simulated).
  return list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      if (!/^-?\d+$/.test(s)) throw ZimbraFault.invalidRequest(`malformed item ID: ${s}`);
      return Number(s);
    });
}

// ---- encoders (ToXML) ----------------------------------------------------------------------------------------

function emailEl(a: { address: string; personal?: string }, t: string): Json {
  const local = a.address.split('@')[0] ?? a.address;
  const display = a.personal ? a.personal.split(/\s+/)[0]! : local;
  const el: Json = { a: a.address, d: display };
  if (a.personal) el.p = a.personal;
  el.t = t;
  return el;
}

export function fragment(mbox: SimMailbox, m: SimMessage): string {
  const root = mbox.parsed(m).root;
  let body: MimePart | null = null;
  const visit = (p: MimePart) => {
    if (body) return;
    if (!p.children.length && p.contentType.startsWith('text/') && !isAttachmentPart(p, root)) body = p;
    p.children.forEach(visit);
  };
  visit(root);
  if (!body) return '';
  let t = decodeText(m.raw, body);
  if ((body as MimePart).contentType === 'text/html') t = t.replace(/<[^>]*>/g, ' ');
  t = t.replace(/\s+/g, ' ').trim();
  return t.length > 150 ? t.slice(0, 150) : t;
}

/** ToXML.encodeMessageSummary (+ encodeMessageCommon). */
export function encodeMsgSummary(mbox: SimMailbox, m: SimMessage, recip: 0 | 1 | 2 = 0, sortField?: string): Json {
  const el: Json = { s: m.size, d: m.date, l: String(m.folderId), cid: String(-m.id) };
  const f = flagString(m.flags);
  if (f) el.f = f;
  el.rev = m.modSeq;
  el.id = String(m.id);
  const e: Json[] = [];
  if (recip === 1 || recip === 2) for (const a of m.to) e.push(emailEl(a, 't'));
  if ((recip === 0 || recip === 2) && m.from) e.push(emailEl(m.from, 'f'));
  if (e.length) el.e = e;
  el.su = m.subject;
  const fr = fragment(mbox, m);
  if (fr) el.fr = fr;
  if (sortField !== undefined) el.sf = sortField;
  return el;
}

function encodeMimeTree(mbox: SimMailbox, m: SimMessage, p: MimePart, root: MimePart, bodyPart: MimePart | null, max: number): Json {
  const el: Json = { part: p.partName, ct: p.contentType };
  if (p.contentType.startsWith('multipart/')) {
    if (p.children.length) el.mp = p.children.map((c) => encodeMimeTree(mbox, m, c, root, bodyPart, max));
    return el;
  }
  el.s = zimbraPartSize(p);
  if (p.disposition) el.cd = p.disposition;
  if (p.filename) el.filename = p.filename;
  if (p.contentId) el.ci = p.contentId;
  if (p === bodyPart) {
    el.body = true;
    let text = decodeText(m.raw, p);
    if (max > 0 && Buffer.byteLength(text) > max) {
      text = Buffer.from(text).subarray(0, max).toString('utf8');
      el.truncated = true;
    }
    el.content = text;
  }
  if (p.contentType === 'message/rfc822' && p.children.length) el.mp = p.children.map((c) => encodeMimeTree(mbox, m, c, root, bodyPart, max));
  return el;
}

function findBodyPart(root: MimePart, wantHtml: boolean): MimePart | null {
  let plain: MimePart | null = null;
  let html: MimePart | null = null;
  const visit = (p: MimePart) => {
    if (p.contentType === 'message/rfc822') return;
    if (!p.children.length && !isAttachmentPart(p, root)) {
      if (p.contentType === 'text/plain' && !plain) plain = p;
      if (p.contentType === 'text/html' && !html) html = p;
    }
    p.children.forEach(visit);
  };
  visit(root);
  return wantHtml ? (html ?? plain) : (plain ?? html);
}

/** ToXML.encodeFolder / encodeFolderCommon. */
function encodeFolder(mbox: SimMailbox, f: SimFolder): Json {
  const parent = mbox.folders.get(f.parentId);
  const el: Json = { id: String(f.id), uuid: f.uuid, deletable: !f.system };
  if (f.id !== ID_ROOT) {
    el.name = f.name;
    el.absFolderPath = mbox.folderPath(f.id);
    el.l = String(f.parentId);
    if (parent) el.luuid = parent.uuid;
  } else {
    el.name = 'USER_ROOT';
    el.absFolderPath = '/';
    el.l = '11';
  }
  if (f.flags) el.f = f.flags;
  const st = mbox.folderStats(f.id);
  el.u = st.u;
  if (f.view) el.view = f.view;
  el.rev = f.modSeq;
  el.ms = f.modSeq;
  el.webOfflineSyncDays = 0;
  el.activesyncdisabled = false;
  el.n = st.n;
  el.s = st.s;
  el.i4ms = mbox.changeId;
  el.i4next = 0;
  return el;
}

function signatureEl(s: { id: string; name: string; html: string; text: string }): Json {
  const content: Json[] = [];
  if (s.html) content.push({ type: 'text/html', _content: s.html });
  if (s.text) content.push({ type: 'text/plain', _content: s.text });
  return { name: s.name, id: s.id, content };
}

function identityEl(i: { id: string; name: string; attrs: Record<string, string> }): Json {
  return { name: i.name, id: i.id, _attrs: { ...i.attrs } };
}

// ---- handlers ------------------------------------------------------------------------------------------------

const ACCOUNT = 'urn:zimbraAccount';
const MAIL = 'urn:zimbraMail';

function versionString(c: SimConfig): string {
  return c.version === '8.8.15'
    ? `8.8.15_GA_${3800 + c.patch} 20230425094201 20230425-0942 FOSS`
    : '10.1.0_GA_4633 20240610093316 20240610-0933 NETWORK';
}

async function handleGetInfo(ctx: HandlerCtx): Promise<Json> {
  // service/account/GetInfo.java
  const { mbox, config } = ctx.state;
  const secRaw = attr(ctx.req, 'sections');
  const all = ['mbox', 'prefs', 'attrs', 'zimlets', 'props', 'idents', 'sigs', 'dsrcs', 'children'];
  const sections = new Set<string>();
  if (secRaw === undefined) all.forEach((s) => sections.add(s));
  else
    for (const s of secRaw.split(',')) {
      const t = s.trim().toLowerCase();
      if (!t) continue;
      if (!all.includes(t)) throw ZimbraFault.invalidRequest(`unknown GetInfo section: ${s.trim()}`);
      sections.add(t);
    }
  const auth = ctx.auth!;
  const res: Json = {
    version: versionString(config),
    id: mbox.accountId,
    name: mbox.address,
    crumb: auth.csrf.slice(2, 34),
    lifetime: Math.max(0, auth.expiresAt - config.now()),
    docSizeLimit: 10485760,
    attSizeLimit: 10240000,
    spellCheckAvailable: false,
  };
  if (sections.has('mbox')) {
    res.rest = `${'http://127.0.0.1'}/home/${mbox.address}`;
    res.used = mbox.used;
    res.isTrackingIMAP = false;
    res.prevSession = auth.createdAt;
    res.accessed = auth.createdAt;
    res.recent = 0;
  }
  if (sections.has('prefs')) res.prefs = { _attrs: { ...mbox.prefs } };
  if (sections.has('attrs')) {
    // zimbraMailQuota: the effective quota as a string (ZBUG-1869 in GetInfo.doAttrs), "0" = unlimited.
    res.attrs = { _attrs: { ...mbox.attrs, zimbraMailQuota: String(mbox.quotaBytes) } };
  }
  if (sections.has('zimlets')) res.zimlets = {};
  if (sections.has('props')) res.props = {};
  if (sections.has('idents')) res.identities = { identity: mbox.identities.map(identityEl) };
  if (sections.has('sigs')) res.signatures = { signature: mbox.signatures.map(signatureEl) };
  if (sections.has('dsrcs')) res.dataSources = {};
  if (sections.has('children')) res.childAccounts = {};
  res.soapURL = '/service/soap/';
  res.publicURL = `http://127.0.0.1`;
  res.cos = { id: 'e00428a1-0c00-11d9-836a-000d93afea2a', name: 'default' };
  return res;
}

function handleGetFolder(ctx: HandlerCtx): Json {
  // service/mail/GetFolder.java + ToXML.encodeFolder
  const { mbox } = ctx.state;
  const spec = child(ctx.req, 'folder');
  let base = mbox.getFolder(ID_ROOT);
  if (spec) {
    const l = attr(spec, 'l');
    const path = attr(spec, 'path');
    const uuid = attr(spec, 'uuid');
    if (l !== undefined) {
      if (!/^\d+$/.test(l)) throw ZimbraFault.invalidRequest(`malformed item ID: ${l}`);
      base = mbox.getFolder(Number(l));
    } else if (path !== undefined) {
      const r = mbox.folderByPathLongest(path);
      if (r.unmatched !== null) throw ZimbraFault.noSuchFolderPath(path);
      base = r.folder;
    } else if (uuid !== undefined) {
      const f = [...mbox.folders.values()].find((x) => x.uuid === uuid);
      if (!f) throw ZimbraFault.noSuchFolder(uuid);
      base = f;
    }
  }
  const view = attr(ctx.req, 'view');
  const depth = intAttr(ctx.req, 'depth', -1);
  const keep = (f: SimFolder): boolean => {
    if (!view) return true;
    if (f.view === view || f.id === ID_TRASH || f.id === ID_ROOT) return true;
    return mbox.children(f.id).some(keep);
  };
  const enc = (f: SimFolder, level: number): Json => {
    const el = encodeFolder(mbox, f);
    if (depth < 0 || level < depth) {
      const kids = mbox.children(f.id).filter(keep).map((c) => enc(c, level + 1));
      if (kids.length) el.folder = kids;
    }
    return el;
  };
  return { folder: [enc(base, 0)] };
}

const SORTS = new Set([
  'none', 'dateAsc', 'dateDesc', 'subjAsc', 'subjDesc', 'nameAsc', 'nameDesc', 'rcptAsc', 'rcptDesc', 'sizeAsc', 'sizeDesc',
  'attachAsc', 'attachDesc', 'flagAsc', 'flagDesc', 'priorityAsc', 'priorityDesc', 'idAsc', 'idDesc', 'readAsc', 'readDesc',
]);

function sortMessages(hits: SimMessage[], sortBy: string): { list: SimMessage[]; sf: (m: SimMessage) => string | undefined } {
  const dir = sortBy.endsWith('Desc') ? -1 : 1;
  const key = sortBy.replace(/(Asc|Desc)$/, '');
  const byId = (a: SimMessage, b: SimMessage) => a.id - b.id;
  let cmp: (a: SimMessage, b: SimMessage) => number;
  let sf: (m: SimMessage) => string | undefined;
  switch (key) {
    case 'date':
      cmp = (a, b) => a.date - b.date || byId(a, b);
      sf = (m) => String(m.date);
      break;
    case 'size':
      cmp = (a, b) => a.size - b.size || byId(a, b);
      sf = (m) => String(m.size);
      break;
    case 'subj':
      cmp = (a, b) => a.subject.toUpperCase().localeCompare(b.subject.toUpperCase()) || byId(a, b);
      sf = (m) => m.subject.toUpperCase();
      break;
    case 'name':
      cmp = (a, b) => (a.from?.personal ?? a.from?.address ?? '').localeCompare(b.from?.personal ?? b.from?.address ?? '') || byId(a, b);
      sf = (m) => (m.from?.personal ?? m.from?.address ?? '').toLowerCase();
      break;
    case 'attach':
      cmp = (a, b) => Number(a.flags.attached) - Number(b.flags.attached) || byId(a, b);
      sf = (m) => String(Number(m.flags.attached));
      break;
    case 'flag':
      cmp = (a, b) => Number(a.flags.flagged) - Number(b.flags.flagged) || byId(a, b);
      sf = (m) => String(Number(m.flags.flagged));
      break;
    case 'read':
      cmp = (a, b) => Number(b.flags.unread) - Number(a.flags.unread) || byId(a, b);
      sf = (m) => String(Number(!m.flags.unread));
      break;
    case 'id':
      cmp = byId;
      sf = (m) => String(m.id);
      break;
    default:
      // none: storage order (ascending id); no sort field
      return { list: [...hits].sort(byId), sf: () => undefined };
  }
  return { list: [...hits].sort((a, b) => dir * cmp(a, b)), sf };
}

function handleSearch(ctx: HandlerCtx): Json {
  // service/mail/Search.java, index/SearchParams.java, index/SortBy.java
  const { mbox, config } = ctx.state;
  const query = attr(ctx.req, 'query') ?? String(mbox.prefs.zimbraPrefMailInitialSearch ?? 'in:inbox');
  const types = (attr(ctx.req, 'types') ?? attr(ctx.req, 'groupBy') ?? 'conversation').toLowerCase();
  let sortBy = attr(ctx.req, 'sortBy') ?? 'dateDesc';
  if (!SORTS.has(sortBy)) sortBy = 'dateDesc';
  const rawLimit = intAttr(ctx.req, 'limit', -1);
  const limit = rawLimit <= 0 ? 10 : Math.min(rawLimit, 1000);
  const offset = Math.min(Math.max(0, intAttr(ctx.req, 'offset', 0)), 10_000_000);
  const recip = Number(attr(ctx.req, 'recip') ?? 0) as 0 | 1 | 2;
  const { hits, sortBy: inQuerySort } = runQuery(query, {
    mbox,
    now: config.now(),
    locale: String(mbox.prefs.zimbraPrefLocale ?? config.locale),
    includeTrash: mbox.prefs.zimbraPrefIncludeTrashInSearch === 'TRUE',
    includeJunk: mbox.prefs.zimbraPrefIncludeSpamInSearch === 'TRUE',
  });
  if (inQuerySort && SORTS.has(inQuerySort)) sortBy = inQuerySort;
  const typeList = types.split(',').map((t) => t.trim());
  const res: Json = { sortBy, offset };
  const wantsMsg = typeList.includes('message');
  const wantsConv = !wantsMsg && typeList.includes('conversation');
  if (!wantsMsg && !wantsConv) {
    res.more = false;
    return res;
  }
  const { list, sf } = sortMessages(hits, sortBy);
  const page = list.slice(offset, offset + limit);
  // `fetch` (Search.java / SearchParams.setInlineRule): "all" or "!" expands every message hit, "1" / "first" the
  // first one, with its MIME part tree as GetMsg encodes it (ToXML.encodeMessageAsMP); `max` truncates the inlined body.
  const fetch = (attr(ctx.req, 'fetch') ?? '').toLowerCase();
  const expand = (i: number) => fetch === 'all' || fetch === '!' || ((fetch === '1' || fetch === 'first') && i === 0);
  const max = intAttr(ctx.req, 'max', 0);
  if (wantsMsg) {
    if (page.length)
      res.m = page.map((m, i) => {
        const el = encodeMsgSummary(mbox, m, recip, sf(m));
        if (expand(i)) {
          const root = mbox.parsed(m).root;
          el.mp = [encodeMimeTree(mbox, m, root, root, findBodyPart(root, false), max)];
        }
        return el;
      });
  } else if (page.length) {
    // Every simulated message is its own (virtual) conversation, id = -messageId.
    res.c = page.map((m) => {
      const el: Json = { id: String(-m.id), u: m.flags.unread ? 1 : 0, n: 1 };
      const f = flagString(m.flags);
      if (f) el.f = f;
      el.d = m.date;
      el.su = m.subject;
      const fr = fragment(mbox, m);
      if (fr) el.fr = fr;
      el.m = [{ id: String(m.id), l: String(m.folderId) }];
      if (m.from) el.e = [emailEl(m.from, 'f')];
      const s = sf(m);
      if (s !== undefined) el.sf = s;
      return el;
    });
  }
  res.more = offset + limit < list.length;
  return res;
}

function handleGetMsg(ctx: HandlerCtx): Json {
  // service/mail/GetMsg.java + ToXML.encodeMessageAsMP / addPart
  const { mbox } = ctx.state;
  const spec = reqChild(ctx.req, 'm');
  const idStr = reqAttr(spec, 'id');
  if (!/^\d+$/.test(idStr)) throw ZimbraFault.invalidRequest(`malformed item ID: ${idStr}`);
  const m = mbox.getMessage(Number(idStr));
  if (boolAttr(spec, 'read', false) && m.flags.unread) mbox.setFlag([m.id], 'unread', false);
  const root = mbox.parsed(m).root;
  const wantHtml = boolAttr(spec, 'html', false);
  const max = intAttr(spec, 'max', 0);
  const el: Json = { s: m.size, d: m.date, l: String(m.folderId), cid: String(-m.id) };
  const f = flagString(m.flags);
  if (f) el.f = f;
  el.rev = m.modSeq;
  el.id = String(m.id);
  const e: Json[] = [];
  if (m.from) e.push(emailEl(m.from, 'f'));
  for (const a of m.to) e.push(emailEl(a, 't'));
  for (const a of m.cc) e.push(emailEl(a, 'c'));
  if (e.length) el.e = e;
  el.su = m.subject;
  const fr = fragment(mbox, m);
  if (fr) el.fr = fr;
  if (m.messageId) el.mid = m.messageId;
  el.sd = m.date;
  el.mp = [encodeMimeTree(mbox, m, root, root, findBodyPart(root, wantHtml), max)];
  return { m: [el] };
}

/** TargetConstraint.parseConstraint: t trash, j junk, s sent, d drafts, o other; leading '-' inverts. */
function tconFilter(mbox: SimMailbox, tcon: string | undefined): (m: SimMessage) => boolean {
  if (!tcon) return () => true;
  const inverted = tcon.startsWith('-');
  const letters = inverted ? tcon.slice(1) : tcon;
  const inSet = (m: SimMessage) => {
    const isT = mbox.isUnder(m.folderId, ID_TRASH);
    const isJ = m.folderId === ID_JUNK;
    const isS = m.folderId === ID_SENT;
    const isD = m.folderId === ID_DRAFTS;
    const isO = !isT && !isJ && !isS && !isD;
    return (letters.includes('t') && isT) || (letters.includes('j') && isJ) || (letters.includes('s') && isS) || (letters.includes('d') && isD) || (letters.includes('o') && isO);
  };
  return inverted ? (m) => !inSet(m) : inSet;
}

/** ItemActionHelper.executeLocal: batches of zimbraItemActionBatchSize; each batch is one transaction. */
function inBatches(ids: number[], size: number, fn: (batch: number[]) => void): void {
  for (let i = 0; i < ids.length; i += size) fn(ids.slice(i, i + size));
}

function requireMessages(mbox: SimMailbox, ids: number[], type: 'MESSAGE' | 'UNKNOWN'): SimMessage[] {
  // Mailbox.getItemById(int[], type): the first missing id (request order) throws MailItem.noSuchItem(id, type).
  const out: SimMessage[] = [];
  for (const id of ids) {
    const m = mbox.messages.get(id);
    if (!m) {
      if (type === 'UNKNOWN' && mbox.folders.has(id)) continue;
      throw type === 'MESSAGE' ? ZimbraFault.noSuchMsg(id) : ZimbraFault.noSuchItem(id);
    }
    out.push(m);
  }
  return out;
}

function handleItemAction(ctx: HandlerCtx, type: 'MESSAGE' | 'UNKNOWN'): Json {
  // service/mail/ItemAction.java handleCommon, ItemActionHelper.java, Mailbox.move/delete/alterTag
  const { mbox, config } = ctx.state;
  const action = reqChild(ctx.req, 'action');
  const opAttr = reqAttr(action, 'op').toLowerCase();
  const negated = opAttr.startsWith('!');
  const op = negated ? opAttr.slice(1) : opAttr;
  const idList = reqAttr(action, 'id');
  const ids = parseItemIds(idList);
  ctx.idsCount = ids.length;
  const response = (successIds: number[], extra: Json = {}): Json => ({
    action: { id: successIds.join(','), op: opAttr, ...extra },
  });
  if (!ids.length) return response([]);
  const tcon = tconFilter(mbox, attr(action, 'tcon'));
  const batch = config.itemActionBatchSize;
  const missing = type === 'MESSAGE' ? ZimbraFault.noSuchMsg : ZimbraFault.noSuchItem;
  const moveTo = (target: number) => {
    inBatches(ids, batch, (b) => {
      mbox.getFolder(target); // Mailbox.moveInternal: target folder first
      const items = requireMessages(mbox, b, type);
      mbox.moveMessages(items.filter(tcon).map((m) => m.id), target);
    });
  };
  switch (op) {
    case 'trash': {
      // handleTrashOperation: getItemById(local, UNKNOWN) over every id first -> mail.NO_SUCH_ITEM, nothing moved.
      requireMessages(mbox, ids, 'UNKNOWN');
      for (const id of ids) if (!mbox.messages.has(id)) throw missing(id);
      moveTo(ID_TRASH);
      return response(ids);
    }
    case 'move': {
      const l = reqAttr(action, 'l');
      if (!/^-?\d+$/.test(l)) throw ZimbraFault.invalidRequest(`malformed item ID: ${l}`);
      if (Number(l) <= 0) throw ZimbraFault.noSuchFolder(Number(l));
      moveTo(Number(l));
      return response(ids);
    }
    case 'spam': {
      const l = attr(action, 'l') ?? String(negated ? ID_INBOX : ID_JUNK);
      moveTo(Number(l));
      return response(ids);
    }
    case 'delete': {
      // Mailbox.delete: ids with no item are ignored; success ids are every id given (executeLocalBatch).
      const present = ids.filter((id) => {
        const m = mbox.messages.get(id);
        return m ? tcon(m) : false;
      });
      mbox.deleteMessages(present);
      const extra: Json = {};
      if (type === 'UNKNOWN' && boolAttr(action, 'nei', false)) extra.nei = ids.filter((id) => !mbox.messages.has(id) && !present.includes(id)).join(',');
      return response(ids, extra);
    }
    case 'read':
    case 'flag': {
      inBatches(ids, batch, (b) => {
        const items = requireMessages(mbox, b, type).filter(tcon);
        if (op === 'read') mbox.setFlag(items.map((m) => m.id), 'unread', negated);
        else mbox.setFlag(items.map((m) => m.id), 'flagged', !negated);
      });
      return response(ids);
    }
    case 'tag':
    case 'copy':
    case 'update':
    case 'color':
    case 'priority':
    case 'recover':
    case 'dumpsterdelete':
    case 'rename':
    case 'lock':
    case 'unlock':
    case 'inherit':
    case 'mute':
    case 'resetimapuid':
      throw ZimbraFault.failure(`simulator: ${ctx.name} op=${op} is valid Zimbra but not simulated`);
    default:
      throw ZimbraFault.invalidRequest(`unknown operation: ${op}`);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handleFolderAction(ctx: HandlerCtx): Promise<Json> {
  // service/mail/FolderAction.java; Mailbox.emptyFolder (lock with zimbraEmptyFolderOpTimeout, batches of
  // zimbraMailEmptyFolderBatchSize, subfolders deleted when recursive).
  const { mbox, config, emptyLock, faults } = ctx.state;
  const action = reqChild(ctx.req, 'action');
  const op = reqAttr(action, 'op').toLowerCase();
  const idStr = reqAttr(action, 'id');
  if (!/^\d+$/.test(idStr)) throw ZimbraFault.invalidRequest(`malformed item ID: ${idStr}`);
  const id = Number(idStr);
  ctx.idsCount = 1;
  if (op === 'tag' || op === 'flag' || op === '!tag' || op === '!flag') throw ZimbraFault.invalidRequest('cannot tag/flag a folder');
  if (op.endsWith('copy') || op.endsWith('spam')) throw ZimbraFault.invalidRequest(`invalid operation on folder: ${op}`);
  switch (op) {
    case 'empty': {
      const recursive = boolAttr(action, 'recursive', true);
      mbox.getFolder(id);
      const deadline = Date.now() + config.emptyFolderOpTimeoutMs;
      while (emptyLock.busy) {
        if (Date.now() >= deadline) {
          throw ZimbraFault.alreadyInProgress('Empty Folder operation is in progress. Please wait for the operation to complete');
        }
        await sleep(25);
      }
      emptyLock.busy = true;
      try {
        const folderIds = recursive ? mbox.hierarchy(id) : [id];
        const changeBefore = mbox.changeId;
        let first = true;
        for (;;) {
          if (!first && faults.emptyDelayMs > 0) await sleep(faults.emptyDelayMs);
          first = false;
          const batch = [...mbox.messages.values()]
            .filter((m) => folderIds.includes(m.folderId) && m.modSeq <= changeBefore)
            .sort((a, b) => a.id - b.id)
            .slice(0, faults.emptyBatchSize)
            .map((m) => m.id);
          if (!batch.length) break;
          mbox.deleteMessages(batch);
          if (faults.emptyDelayMs > 0) await sleep(0);
        }
        if (recursive) for (const sub of mbox.children(id)) mbox.deleteFolder(sub.id);
      } finally {
        emptyLock.busy = false;
      }
      break;
    }
    case 'move': {
      const l = reqAttr(action, 'l');
      mbox.moveFolder(id, Number(l));
      break;
    }
    case 'trash':
      mbox.moveFolder(id, ID_TRASH);
      break;
    case 'delete':
      mbox.deleteFolder(id);
      break;
    case 'rename':
      mbox.renameFolder(id, reqAttr(action, 'name'));
      break;
    case 'read': {
      const ids = [...mbox.messages.values()].filter((m) => m.folderId === id && m.flags.unread).map((m) => m.id);
      mbox.getFolder(id);
      mbox.setFlag(ids, 'unread', false);
      break;
    }
    default:
      throw ZimbraFault.failure(`simulator: FolderActionRequest op=${op} is not simulated`);
  }
  return { action: { id: String(id), op } };
}

function handleCreateFolder(ctx: HandlerCtx): Json {
  // service/mail/CreateFolder.java
  const { mbox } = ctx.state;
  const spec = reqChild(ctx.req, 'folder');
  const name = reqAttr(spec, 'name');
  const l = attr(spec, 'l') ?? String(ID_ROOT);
  const view = (attr(spec, 'view') ?? 'message') as SimFolder['view'];
  const f = mbox.createFolder(name, Number(l), view);
  return { folder: [encodeFolder(mbox, f)] };
}

function handleSignatures(ctx: HandlerCtx): Json {
  // service/account/{Get,Create,Modify,Delete}Signature.java; limits zimbraSignatureMaxNumEntries,
  // zimbraMailSignatureMaxLength (AccountServiceException.TOO_MANY_SIGNATURES / SIGNATURE_EXISTS / NO_SUCH_SIGNATURE).
  const { mbox } = ctx.state;
  const readContent = (sig: Json) => {
    let html: string | undefined;
    let text: string | undefined;
    for (const c of children(sig, 'content')) {
      const type = String(c.type ?? 'text/plain');
      const body = String(c._content ?? '');
      if (type === 'text/html') html = body;
      else text = body;
    }
    const maxLen = Number(mbox.attrs.zimbraMailSignatureMaxLength ?? 10240);
    for (const v of [html, text]) if (v !== undefined && maxLen > 0 && v.length > maxLen) {
      throw ZimbraFault.invalidRequest(`signature must not exceed ${maxLen} characters`);
    }
    return { html, text };
  };
  switch (ctx.name) {
    case 'GetSignaturesRequest':
      return mbox.signatures.length ? { signature: mbox.signatures.map(signatureEl) } : {};
    case 'CreateSignatureRequest': {
      const sig = reqChild(ctx.req, 'signature');
      const name = reqAttr(sig, 'name');
      if (mbox.signatures.length >= Number(mbox.attrs.zimbraSignatureMaxNumEntries ?? 20)) throw ZimbraFault.tooManySignatures();
      if (mbox.signatures.some((s) => s.name.toLowerCase() === name.toLowerCase())) throw ZimbraFault.signatureExists(name);
      const { html, text } = readContent(sig);
      const s = { id: attr(sig, 'id') ?? mbox.uuid(), name, html: html ?? '', text: text ?? '' };
      mbox.signatures.push(s);
      return { signature: [{ name: s.name, id: s.id }] };
    }
    case 'ModifySignatureRequest': {
      const sig = reqChild(ctx.req, 'signature');
      const id = reqAttr(sig, 'id');
      const s = mbox.signatures.find((x) => x.id === id);
      if (!s) throw ZimbraFault.noSuchSignature(id);
      const name = attr(sig, 'name');
      if (name !== undefined) {
        if (mbox.signatures.some((x) => x !== s && x.name.toLowerCase() === name.toLowerCase())) throw ZimbraFault.signatureExists(name);
        s.name = name;
      }
      const { html, text } = readContent(sig);
      if (html !== undefined) s.html = html;
      if (text !== undefined) s.text = text;
      return {};
    }
    case 'DeleteSignatureRequest': {
      const sig = reqChild(ctx.req, 'signature');
      const id = attr(sig, 'id');
      const name = attr(sig, 'name');
      const idx = mbox.signatures.findIndex((x) => (id !== undefined ? x.id === id : x.name === name));
      if (idx < 0) throw ZimbraFault.noSuchSignature(id ?? name ?? '');
      const [gone] = mbox.signatures.splice(idx, 1);
      for (const ident of mbox.identities) {
        for (const k of ['zimbraPrefDefaultSignatureId', 'zimbraPrefForwardReplySignatureId']) {
          if (ident.attrs[k] === gone!.id) delete ident.attrs[k];
        }
      }
      return {};
    }
  }
  throw ZimbraFault.unknownDocument(ctx.name);
}

function buildRaw(mbox: SimMailbox, m: Json, date: number): Buffer {
  const addrs = children(m, 'e');
  const fmt = (t: string) =>
    addrs
      .filter((e) => e.t === t)
      .map((e) => (e.p ? `"${String(e.p)}" <${String(e.a)}>` : `<${String(e.a)}>`))
      .join(', ');
  const su = attr(m, 'su') ?? '';
  const parts: { ct: string; body: string }[] = [];
  const collect = (mp: Json) => {
    const ct = String(mp.ct ?? 'text/plain');
    const kids = children(mp, 'mp');
    if (kids.length) kids.forEach(collect);
    else parts.push({ ct, body: attr(mp, 'content') ?? '' });
  };
  children(m, 'mp').forEach(collect);
  if (!parts.length) parts.push({ ct: 'text/plain', body: '' });
  const enc = (s: string) => (/^[\x20-\x7e]*$/.test(s) ? s : `=?utf-8?B?${Buffer.from(s).toString('base64')}?=`);
  const head = [
    `Date: ${new Date(date).toUTCString().replace('GMT', '+0000')}`,
    `From: "${mbox.displayName}" <${mbox.address}>`,
    ...(fmt('t') ? [`To: ${fmt('t')}`] : []),
    ...(fmt('c') ? [`Cc: ${fmt('c')}`] : []),
    `Subject: ${enc(su)}`,
    `Message-ID: <${mbox.uuid()}@sim.balise.test>`,
    'MIME-Version: 1.0',
  ];
  const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
  if (parts.length === 1) {
    return Buffer.from([...head, `Content-Type: ${parts[0]!.ct}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', b64(parts[0]!.body), ''].join('\r\n'));
  }
  const boundary = `=_${mbox.uuid()}`;
  const out = [...head, `Content-Type: multipart/alternative; boundary="${boundary}"`, ''];
  for (const p of parts) out.push(`--${boundary}`, `Content-Type: ${p.ct}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', b64(p.body));
  out.push(`--${boundary}--`, '');
  return Buffer.from(out.join('\r\n'));
}

function handleSaveDraft(ctx: HandlerCtx): Json {
  // service/mail/SaveDraft.java (Mailbox.saveDraft checks the quota on the size change)
  const { mbox, config } = ctx.state;
  const m = reqChild(ctx.req, 'm');
  const raw = buildRaw(mbox, m, config.now());
  const idStr = attr(m, 'id');
  let keepId: number | undefined;
  if (idStr !== undefined) {
    const old = mbox.getMessage(Number(idStr));
    if (mbox.quotaBytes > 0 && mbox.used - old.size + raw.length > mbox.quotaBytes) throw ZimbraFault.quotaExceeded(mbox.quotaBytes);
    mbox.deleteMessages([old.id]);
    keepId = old.id;
  }
  const saved = mbox.addMessage(ID_DRAFTS, raw, {
    date: config.now(),
    flags: { draft: true, fromMe: true },
    checkQuota: keepId === undefined,
    ...(keepId !== undefined ? { id: keepId } : {}),
  });
  return { m: [encodeMsgSummary(mbox, saved, 1)] };
}

function handleSendMsg(ctx: HandlerCtx): Json {
  // service/mail/SendMsg.java: a copy is saved to Sent (zimbraPrefSaveToSent), which counts toward the quota.
  const { mbox, config } = ctx.state;
  const m = reqChild(ctx.req, 'm');
  const raw = buildRaw(mbox, m, config.now());
  const sent = mbox.addMessage(ID_SENT, raw, { date: config.now(), flags: { fromMe: true }, checkQuota: true });
  const did = attr(m, 'did');
  if (did !== undefined && mbox.messages.has(Number(did))) mbox.deleteMessages([Number(did)]);
  return { m: [{ id: String(sent.id) }] };
}

function handleAuth(ctx: HandlerCtx): Json {
  // service/account/Auth.java: account by name, password; csrfToken returned when csrfTokenSecured;
  // the cookie is only set when persistAuthTokenCookie is true.
  const { state } = ctx;
  const acct = child(ctx.req, 'account');
  const name = acct ? String(acct._content ?? '') : (attr(ctx.req, 'account') ?? '');
  const password = attr(ctx.req, 'password') ?? '';
  if (!name) throw ZimbraFault.invalidRequest('missing required element: account');
  const session = state.login(name, password);
  if (!session) throw ZimbraFault.authFailed(name);
  if (boolAttr(ctx.req, 'persistAuthTokenCookie', false) && state.setCookie) {
    state.setCookie('ZM_AUTH_TOKEN', session.token, null);
  }
  const res: Json = {
    authToken: [{ _content: session.token }],
    lifetime: session.expiresAt - state.config.now(),
    trustedDevicesEnabled: false,
    skin: [{ _content: 'harmony' }],
  };
  if (boolAttr(ctx.req, 'csrfTokenSecured', false)) res.csrfToken = { _content: session.csrf };
  return res;
}

function handleEndSession(ctx: HandlerCtx): Json {
  // service/account/EndSession.java: logoff=1 also invalidates the auth token.
  if (boolAttr(ctx.req, 'logoff', false) && ctx.auth) {
    ctx.state.logout(ctx.auth.token);
    ctx.state.setCookie?.('ZM_AUTH_TOKEN', '', 0);
  }
  return {};
}

export const HANDLERS: Record<string, Handler> = {
  AuthRequest: { ns: ACCOUNT, needsAuth: false, run: handleAuth },
  EndSessionRequest: { ns: ACCOUNT, needsAuth: true, run: handleEndSession },
  GetInfoRequest: { ns: ACCOUNT, needsAuth: true, run: handleGetInfo },
  GetSignaturesRequest: { ns: ACCOUNT, needsAuth: true, run: handleSignatures },
  CreateSignatureRequest: { ns: ACCOUNT, needsAuth: true, run: handleSignatures },
  ModifySignatureRequest: { ns: ACCOUNT, needsAuth: true, run: handleSignatures },
  DeleteSignatureRequest: { ns: ACCOUNT, needsAuth: true, run: handleSignatures },
  GetIdentitiesRequest: {
    ns: ACCOUNT,
    needsAuth: true,
    run: (ctx) => ({ identity: ctx.state.mbox.identities.map(identityEl) }),
  },
  GetFolderRequest: { ns: MAIL, needsAuth: true, run: handleGetFolder },
  CreateFolderRequest: { ns: MAIL, needsAuth: true, run: handleCreateFolder },
  SearchRequest: { ns: MAIL, needsAuth: true, run: handleSearch },
  GetMsgRequest: { ns: MAIL, needsAuth: true, run: handleGetMsg },
  MsgActionRequest: { ns: MAIL, needsAuth: true, run: (ctx) => handleItemAction(ctx, 'MESSAGE') },
  ItemActionRequest: { ns: MAIL, needsAuth: true, run: (ctx) => handleItemAction(ctx, 'UNKNOWN') },
  FolderActionRequest: { ns: MAIL, needsAuth: true, run: handleFolderAction },
  NoOpRequest: { ns: MAIL, needsAuth: true, run: () => ({}) },
  SaveDraftRequest: { ns: MAIL, needsAuth: true, run: handleSaveDraft },
  SendMsgRequest: { ns: MAIL, needsAuth: true, run: handleSendMsg },
};
