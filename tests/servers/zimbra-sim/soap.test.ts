/**
 * Protocol, auth, actions and faults of the Zimbra simulator, on a small mailbox whose every message is known.
 * Expected shapes come from Zimbra's code (see README.md for the source of each behaviour).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ZimbraSim, startZimbraSim } from './index.ts';
import { ID_DRAFTS, ID_INBOX, ID_JUNK, ID_SENT, ID_TRASH } from './mailbox.ts';
import { type SimClient, faultCode, login, makeRaw, rawSoap } from './testkit.ts';

const PATIENTS = 257;
const ARCHIVES = 258;
const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);

let sim: ZimbraSim;
let c: SimClient;
const ids: Record<string, number> = {};

function seed(s: ZimbraSim) {
  const add = (key: string, folder: number, raw: Buffer, date: number, flags = {}) => {
    ids[key] = s.mailbox.addMessage(folder, raw, { date, flags }).id;
  };
  add('inboxSmall', ID_INBOX, makeRaw({ subject: 'Petit message', body: 'Bonjour docteur' }), NOW - 2 * DAY, { unread: true });
  add('inboxPdf', ID_INBOX, makeRaw({ subject: 'Compte rendu', body: 'Voir le CR', attachments: [{ filename: 'CR_radio.pdf', contentType: 'application/pdf', data: Buffer.alloc(300_000, 7) }] }), NOW - 400 * DAY);
  add('inboxHprim', ID_INBOX, makeRaw({ subject: 'Résultats', body: 'H|^~\\&|\r\nresultats\r\n****FIN****\r\n' }), NOW - 30 * DAY, { flagged: true });
  add('patients', PATIENTS, makeRaw({ subject: 'Dossier patient', attachments: [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: Buffer.alloc(2_000_000, 1) }] }), NOW - 10 * DAY);
  add('archives', ARCHIVES, makeRaw({ subject: 'Archive ancienne', body: 'fin de traitement' }), NOW - 800 * DAY);
  add('sent', ID_SENT, makeRaw({ subject: 'Réponse', from: '<martin.durand@medecin.mssante.fr>', to: '<labo@test.mssante.fr>' }), NOW - 5 * DAY, { fromMe: true });
  add('trash', ID_TRASH, makeRaw({ subject: 'Vieux bulletin' }), NOW - 50 * DAY);
  add('junk', ID_JUNK, makeRaw({ subject: 'Promo' }), NOW - 3 * DAY, { unread: true });
  add('draft', ID_DRAFTS, makeRaw({ subject: 'Brouillon' }), NOW - 1 * DAY, { draft: true, fromMe: true });
}

async function fresh(opts: Parameters<typeof startZimbraSim>[0] = {}) {
  if (sim) await sim.stop();
  sim = await startZimbraSim({ profile: 'empty', quotaBytes: 50_000_000, now: NOW, ...opts });
  seed(sim);
  c = await login(sim);
}

beforeAll(async () => {
  await fresh();
});
afterAll(async () => {
  await sim.stop();
});

describe('envelope, auth and CSRF', () => {
  it('answers AuthRequest with a token, a CSRF token and the lifetime', async () => {
    const r = await rawSoap(sim, 'AuthRequest', { account: { by: 'name', _content: sim.address }, password: { _content: sim.password }, csrfTokenSecured: '1' });
    expect(r.status).toBe(200);
    expect(r.json._jsns).toBe('urn:zimbraSoap');
    const res = r.json.Body.AuthResponse;
    expect(res._jsns).toBe('urn:zimbraAccount');
    expect(res.authToken[0]._content).toMatch(/^0_/);
    expect(res.csrfToken._content).toMatch(/^0_/);
    expect(res.lifetime).toBeGreaterThan(0);
    expect(r.headers.get('set-cookie')).toBeNull(); // only with persistAuthTokenCookie
  });

  it('sets the HttpOnly ZM_AUTH_TOKEN cookie when persistAuthTokenCookie is asked', async () => {
    const r = await rawSoap(sim, 'AuthRequest', { account: { by: 'name', _content: sim.user }, password: { _content: sim.password }, persistAuthTokenCookie: '1' });
    expect(r.headers.get('set-cookie')).toMatch(/^ZM_AUTH_TOKEN=0_[^;]+; Path=\/; HttpOnly/);
  });

  it('fails a wrong password with account.AUTH_FAILED in the exact Fault shape and HTTP 500', async () => {
    const r = await rawSoap(sim, 'AuthRequest', { account: { by: 'name', _content: sim.address }, password: { _content: 'nope' } });
    expect(r.status).toBe(500);
    expect(Object.keys(r.json)).toEqual(['Body', '_jsns']);
    expect(r.json._jsns).toBe('urn:zimbraSoap');
    const f = r.json.Body.Fault;
    expect(f.Code).toEqual({ Value: 'soap:Sender' });
    expect(f.Reason.Text).toBe(`authentication failed for [${sim.address}]`);
    expect(f.Detail.Error.Code).toBe('account.AUTH_FAILED');
    expect(f.Detail.Error._jsns).toBe('urn:zimbra');
    expect(f.Detail.Error.Trace).toMatch(/^qtp\d+-\d+:\d+:[0-9a-f]+$/);
    expect(f.Detail.Error.a).toEqual([{ n: 'name', t: 'STR', _content: sim.address }]);
  });

  it('requires the cookie: service.AUTH_REQUIRED without it', async () => {
    const r = await rawSoap(sim, 'GetInfoRequest', { sections: 'mbox' });
    expect(r.status).toBe(500);
    expect(faultCode(r)).toBe('service.AUTH_REQUIRED');
    expect(r.json.Body.Fault.Reason.Text).toBe('no valid authtoken present');
  });

  it('requires the CSRF token with the cookie, from the header or from context.csrfToken', async () => {
    const noCsrf = await c.soap('GetInfoRequest', { sections: 'mbox' }, { csrf: false });
    expect(faultCode(noCsrf)).toBe('service.AUTH_REQUIRED');
    const wrong = await c.soap('GetInfoRequest', { sections: 'mbox' }, { csrf: false, headers: { 'X-Zimbra-Csrf-Token': '0_bad' } });
    expect(faultCode(wrong)).toBe('service.AUTH_REQUIRED');
    const inCtx = await c.soap('GetInfoRequest', { sections: 'mbox' }, { csrf: false, ctx: { csrfToken: c.csrf } });
    expect(inCtx.status).toBe(200);
    const inHeader = await c.soap('GetInfoRequest', { sections: 'mbox' });
    expect(inHeader.status).toBe(200);
  });

  it('refuses a POST whose Referer names another host with HTTP 403 (CsrfFilter), accepts its own host', async () => {
    const other = await c.soap('NoOpRequest', {}, { headers: { Referer: 'https://evil.example/' } });
    expect(other.status).toBe(403);
    const own = await c.soap('NoOpRequest', {}, { headers: { Referer: `${sim.url}#1` } });
    expect(own.status).toBe(200);
  }, 10_000);

  it('rejects /service/ requests beyond the DoSFilter rate with HTTP 429 when turned on, counting the rejected ones', async () => {
    await fresh({ dosFilterMaxRequestsPerSec: 5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await c.soap('NoOpRequest', {})).status);
    // The login took one of the five.
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429, 429, 429]);
    expect(sim.requestLog.filter((e) => e.request === 'dos-filter')).toHaveLength(4);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await c.soap('NoOpRequest', {})).status).toBe(200);
    await fresh();
  });

  it('answers an XML request with an XML fault saying it speaks JSON only', async () => {
    const r = await fetch(`${sim.url}service/soap/GetInfoRequest`, { method: 'POST', body: '<soap:Envelope/>', headers: { Cookie: c.cookie } });
    expect(r.status).toBe(500);
    const t = await r.text();
    expect(t).toContain('<soap:Fault>');
    expect(t).toContain('JSON form only');
  });

  it('answers unparsable JSON with service.PARSE_ERROR, unknown documents with service.UNKNOWN_DOCUMENT', async () => {
    const bad = await fetch(`${sim.url}service/soap/SearchRequest`, { method: 'POST', body: '{"Body":', headers: { Cookie: c.cookie, 'X-Zimbra-Csrf-Token': c.csrf } });
    expect(bad.status).toBe(500);
    expect(((await bad.json()) as any).Body.Fault.Detail.Error.Code).toBe('service.PARSE_ERROR');
    expect(faultCode(await c.soap('FrobnicateRequest', {}))).toBe('service.UNKNOWN_DOCUMENT');
    expect(faultCode(await c.soap('SearchRequest', { query: 'in:inbox' }, { ns: 'urn:zimbraAccount' }))).toBe('service.UNKNOWN_DOCUMENT');
  });

  it('returns the change token in Header.context and the response namespace in the body', async () => {
    const r = await c.soap('NoOpRequest', {});
    expect(r.json.Header.context._jsns).toBe('urn:zimbra');
    expect(r.json.Header.context.change.token).toBe(sim.mailbox.changeId);
    expect(r.json.Body.NoOpResponse).toEqual({ _jsns: 'urn:zimbraMail' });
  });
});

describe('GetInfo and GetFolder', () => {
  it('reports used = sum of every item (Trash and Junk included) and the quota as a string', async () => {
    const r = await c.soap('GetInfoRequest', { sections: 'mbox,attrs,prefs' });
    const info = r.json.Body.GetInfoResponse;
    const sum = [...sim.mailbox.messages.values()].reduce((a, m) => a + m.raw.length, 0);
    expect(info.used).toBe(sum);
    expect(info.name).toBe(sim.address);
    expect(info.attrs._attrs.zimbraMailQuota).toBe('50000000');
    expect(info.attrs._attrs.zimbraMailTrashLifetime).toBe('30d');
    expect(info.attrs._attrs.zimbraMailSpamLifetime).toBe('30d');
    expect(info.attrs._attrs.zimbraMailMessageLifetime).toBe('0');
    expect(info.attrs._attrs.zimbraDumpsterEnabled).toBe('FALSE');
    expect(info.prefs._attrs.zimbraPrefTrashLifetime).toBe('0');
    expect(info.prefs._attrs.zimbraPrefJunkLifetime).toBe('0');
    expect(info.prefs._attrs.zimbraPrefMailSignatureStyle).toBe('outlook');
    expect(info.lifetime).toBeGreaterThan(0);
    expect(info.signatures).toBeUndefined();
  });

  it('reports "0" for an unlimited quota and rejects an unknown section', async () => {
    const before = sim.mailbox.quotaBytes;
    sim.mailbox.quotaBytes = 0;
    const r = await c.soap('GetInfoRequest', { sections: 'attrs' });
    expect(r.json.Body.GetInfoResponse.attrs._attrs.zimbraMailQuota).toBe('0');
    expect(r.json.Body.GetInfoResponse.used).toBeUndefined();
    sim.mailbox.quotaBytes = before;
    const bad = await c.soap('GetInfoRequest', { sections: 'mbox,bogus' });
    expect(faultCode(bad)).toBe('service.INVALID_REQUEST');
    expect(bad.json.Body.Fault.Reason.Text).toBe('invalid request: unknown GetInfo section: bogus');
  });

  it('returns the folder tree from USER_ROOT with system ids, a user subfolder, n/s/u and paths', async () => {
    const r = await c.soap('GetFolderRequest', { view: 'message' });
    const root = r.json.Body.GetFolderResponse.folder[0];
    expect(root.id).toBe('1');
    expect(root.name).toBe('USER_ROOT');
    const byId = new Map<string, any>();
    const walk = (f: any) => {
      byId.set(f.id, f);
      (f.folder ?? []).forEach(walk);
    };
    walk(root);
    expect([...byId.keys()].sort()).toEqual(['1', '2', '257', '258', '3', '4', '5', '6']);
    expect(byId.get('2').name).toBe('Inbox');
    expect(byId.get('3').name).toBe('Trash');
    expect(byId.get('4').name).toBe('Junk');
    const archives = byId.get('258');
    expect(archives.absFolderPath).toBe('/Patients/Archives');
    expect(archives.l).toBe('257');
    expect(archives.view).toBe('message');
    const inbox = byId.get('2');
    const truth = sim.mailbox.folderStats(ID_INBOX);
    expect({ n: inbox.n, s: inbox.s, u: inbox.u }).toEqual(truth);
    expect(inbox.u).toBe(1);
    expect(byId.get('257').folder.map((f: any) => f.id)).toEqual(['258']);
    const all = await c.soap('GetFolderRequest', {});
    expect(JSON.stringify(all.json)).toContain('"name":"Contacts"');
    const sub = await c.soap('GetFolderRequest', { folder: { path: '/Patients' } });
    expect(sub.json.Body.GetFolderResponse.folder[0].id).toBe('257');
    expect(faultCode(await c.soap('GetFolderRequest', { folder: { l: '999' } }))).toBe('mail.NO_SUCH_FOLDER');
  });
});

describe('MsgActionRequest', () => {
  beforeEach(async () => {
    await fresh();
  });

  it('trash moves to folder 3, keeps `used`, lists the ids done', async () => {
    const used = sim.mailbox.used;
    const r = await c.soap('MsgActionRequest', { action: { op: 'trash', id: `${ids.inboxSmall},${ids.inboxPdf}` } });
    expect(r.status).toBe(200);
    expect(r.json.Body.MsgActionResponse.action).toEqual({ id: `${ids.inboxSmall},${ids.inboxPdf}`, op: 'trash' });
    expect(sim.mailbox.getMessage(ids.inboxSmall!).folderId).toBe(ID_TRASH);
    expect(sim.mailbox.used).toBe(used);
  });

  it('move needs l and a folder that exists', async () => {
    const r = await c.soap('MsgActionRequest', { action: { op: 'move', id: String(ids.inboxSmall), l: String(PATIENTS) } });
    expect(r.json.Body.MsgActionResponse.action.id).toBe(String(ids.inboxSmall));
    expect(sim.mailbox.getMessage(ids.inboxSmall!).folderId).toBe(PATIENTS);
    expect(faultCode(await c.soap('MsgActionRequest', { action: { op: 'move', id: String(ids.inboxSmall) } }))).toBe('service.INVALID_REQUEST');
    const nf = await c.soap('MsgActionRequest', { action: { op: 'move', id: String(ids.inboxSmall), l: '999' } });
    expect(faultCode(nf)).toBe('mail.NO_SUCH_FOLDER');
    expect(nf.json.Body.Fault.Reason.Text).toBe('no such folder id: 999');
  });

  it('delete removes for good and frees exactly the sizes', async () => {
    const used = sim.mailbox.used;
    const size = sim.mailbox.getMessage(ids.trash!).size + sim.mailbox.getMessage(ids.junk!).size;
    const r = await c.soap('MsgActionRequest', { action: { op: 'delete', id: `${ids.trash},${ids.junk}` } });
    expect(r.json.Body.MsgActionResponse.action.id).toBe(`${ids.trash},${ids.junk}`);
    expect(sim.mailbox.used).toBe(used - size);
    expect(sim.mailbox.used).toBe(sim.mailbox.recomputeUsed());
    const info = await c.soap('GetInfoRequest', { sections: 'mbox' });
    expect(info.json.Body.GetInfoResponse.used).toBe(used - size);
  });

  it('read / !read / flag / !flag change the flags', async () => {
    await c.soap('MsgActionRequest', { action: { op: 'read', id: String(ids.inboxSmall) } });
    expect(sim.mailbox.getMessage(ids.inboxSmall!).flags.unread).toBe(false);
    await c.soap('MsgActionRequest', { action: { op: '!read', id: String(ids.inboxSmall) } });
    expect(sim.mailbox.getMessage(ids.inboxSmall!).flags.unread).toBe(true);
    await c.soap('MsgActionRequest', { action: { op: 'flag', id: String(ids.inboxSmall) } });
    expect(sim.mailbox.getMessage(ids.inboxSmall!).flags.flagged).toBe(true);
    const r = await c.soap('MsgActionRequest', { action: { op: '!flag', id: String(ids.inboxSmall) } });
    expect(r.json.Body.MsgActionResponse.action.op).toBe('!flag');
    expect(sim.mailbox.getMessage(ids.inboxSmall!).flags.flagged).toBe(false);
  });

  it('one missing id fails a whole trash with mail.NO_SUCH_ITEM and moves nothing (ItemAction.handleTrashOperation)', async () => {
    const r = await c.soap('MsgActionRequest', { action: { op: 'trash', id: `${ids.inboxSmall},99999,${ids.inboxPdf}` } });
    expect(r.status).toBe(500);
    expect(faultCode(r)).toBe('mail.NO_SUCH_ITEM');
    expect(r.json.Body.Fault.Reason.Text).toBe('no such item: 99999');
    expect(r.json.Body.Fault.Detail.Error.a).toEqual([{ n: 'itemId', t: 'IID', _content: '99999' }]);
    expect(sim.mailbox.getMessage(ids.inboxSmall!).folderId).toBe(ID_INBOX);
    expect(sim.mailbox.getMessage(ids.inboxPdf!).folderId).toBe(ID_INBOX);
  });

  it('one missing id fails a whole move with mail.NO_SUCH_MSG and moves nothing (Mailbox.moveInternal)', async () => {
    const r = await c.soap('MsgActionRequest', { action: { op: 'move', l: String(PATIENTS), id: `${ids.inboxSmall},99999` } });
    expect(faultCode(r)).toBe('mail.NO_SUCH_MSG');
    expect(r.json.Body.Fault.Reason.Text).toBe('no such message: 99999');
    expect(sim.mailbox.getMessage(ids.inboxSmall!).folderId).toBe(ID_INBOX);
    expect(faultCode(await c.soap('MsgActionRequest', { action: { op: 'read', id: '99999' } }))).toBe('mail.NO_SUCH_MSG');
  });

  it('a missing id in delete is ignored and still listed (Mailbox.delete)', async () => {
    const r = await c.soap('MsgActionRequest', { action: { op: 'delete', id: `${ids.trash},99999` } });
    expect(r.status).toBe(200);
    expect(r.json.Body.MsgActionResponse.action.id).toBe(`${ids.trash},99999`);
    expect(sim.mailbox.messages.has(ids.trash!)).toBe(false);
    const item = await c.soap('ItemActionRequest', { action: { op: 'delete', id: `${ids.junk},88888`, nei: '1' } });
    expect(item.json.Body.ItemActionResponse.action.nei).toBe('88888');
  });

  it('commits earlier batches when a later batch of zimbraItemActionBatchSize fails (ItemActionHelper.executeLocal)', async () => {
    await fresh({ itemActionBatchSize: 2 });
    const r = await c.soap('MsgActionRequest', { action: { op: 'move', l: String(PATIENTS), id: `${ids.inboxSmall},${ids.inboxPdf},99999` } });
    expect(faultCode(r)).toBe('mail.NO_SUCH_MSG');
    expect(sim.mailbox.getMessage(ids.inboxSmall!).folderId).toBe(PATIENTS);
    expect(sim.mailbox.getMessage(ids.inboxPdf!).folderId).toBe(PATIENTS);
  });

  it('honours tcon: -t leaves messages already in Trash alone', async () => {
    await c.soap('MsgActionRequest', { action: { op: 'move', l: String(ID_INBOX), tcon: '-t', id: `${ids.trash},${ids.junk}` } });
    expect(sim.mailbox.getMessage(ids.trash!).folderId).toBe(ID_TRASH);
    expect(sim.mailbox.getMessage(ids.junk!).folderId).toBe(ID_INBOX);
  });

  it('rejects unknown ops and malformed ids with service.INVALID_REQUEST', async () => {
    expect(faultCode(await c.soap('MsgActionRequest', { action: { op: 'frob', id: '1' } }))).toBe('service.INVALID_REQUEST');
    expect(faultCode(await c.soap('MsgActionRequest', { action: { op: 'trash', id: 'abc' } }))).toBe('service.INVALID_REQUEST');
  });
});

describe('FolderActionRequest', () => {
  beforeEach(async () => {
    await fresh();
  });

  it('empty is recursive by default: hard-deletes the items and deletes the subfolders', async () => {
    const used = sim.mailbox.used;
    const freed = sim.mailbox.getMessage(ids.patients!).size + sim.mailbox.getMessage(ids.archives!).size;
    const r = await c.soap('FolderActionRequest', { action: { op: 'empty', id: String(PATIENTS) } });
    expect(r.json.Body.FolderActionResponse.action).toEqual({ id: String(PATIENTS), op: 'empty' });
    expect(sim.mailbox.folders.has(PATIENTS)).toBe(true);
    expect(sim.mailbox.folders.has(ARCHIVES)).toBe(false);
    expect(sim.mailbox.used).toBe(used - freed);
    expect(sim.mailbox.messages.has(ids.patients!)).toBe(false);
  });

  it('empty with recursive=false keeps the subfolders and their items', async () => {
    await c.soap('FolderActionRequest', { action: { op: 'empty', id: String(PATIENTS), recursive: false } });
    expect(sim.mailbox.folders.has(ARCHIVES)).toBe(true);
    expect(sim.mailbox.messages.has(ids.archives!)).toBe(true);
    expect(sim.mailbox.messages.has(ids.patients!)).toBe(false);
  });

  it('a second empty while one runs gets service.ALREADY_IN_PROGRESS after zimbraEmptyFolderOpTimeout', async () => {
    await fresh({ emptyFolderOpTimeoutMs: 200 });
    for (let i = 0; i < 6; i++) sim.mailbox.addMessage(ID_TRASH, makeRaw({ subject: `t${i}` }), { date: NOW });
    sim.faults.slowEmpty(150, 1);
    const first = c.soap('FolderActionRequest', { action: { op: 'empty', id: String(ID_TRASH), recursive: true } });
    await new Promise((r) => setTimeout(r, 30));
    const second = await c.soap('FolderActionRequest', { action: { op: 'empty', id: String(ID_JUNK) } });
    expect(faultCode(second)).toBe('service.ALREADY_IN_PROGRESS');
    expect(second.json.Body.Fault.Reason.Text).toBe('Empty Folder operation is in progress. Please wait for the operation to complete');
    expect((await first).status).toBe(200);
    expect(sim.mailbox.folderStats(ID_TRASH).n).toBe(0);
    sim.faults.reset();
  });

  it('moves, trashes, renames and deletes user folders; refuses system ones', async () => {
    await c.soap('FolderActionRequest', { action: { op: 'move', id: String(ARCHIVES), l: '1' } });
    expect(sim.mailbox.folderPath(ARCHIVES)).toBe('/Archives');
    await c.soap('FolderActionRequest', { action: { op: 'rename', id: String(ARCHIVES), name: 'Vieux' } });
    expect(sim.mailbox.folderPath(ARCHIVES)).toBe('/Vieux');
    await c.soap('FolderActionRequest', { action: { op: 'trash', id: String(ARCHIVES) } });
    expect(sim.mailbox.folderPath(ARCHIVES)).toBe('/Trash/Vieux');
    expect(faultCode(await c.soap('FolderActionRequest', { action: { op: 'delete', id: String(ID_INBOX) } }))).toBe('mail.IMMUTABLE_OBJECT');
    expect(faultCode(await c.soap('FolderActionRequest', { action: { op: 'empty', id: '999' } }))).toBe('mail.NO_SUCH_FOLDER');
  });
});

describe('GetMsg, signatures, identities, drafts', () => {
  beforeAll(async () => {
    await fresh();
  });

  it('lists the MIME parts with Zimbra numbering and sizes', async () => {
    const r = await c.soap('GetMsgRequest', { m: { id: String(ids.inboxPdf) } });
    const m = r.json.Body.GetMsgResponse.m[0];
    expect(m.f).toBe('a');
    const root = m.mp[0];
    expect(root.part).toBe('TEXT');
    expect(root.ct).toBe('multipart/mixed');
    const [body, att] = root.mp;
    expect(body).toMatchObject({ part: '1', ct: 'text/plain', body: true, content: 'Voir le CR' });
    expect(att).toMatchObject({ part: '2', ct: 'application/pdf', cd: 'attachment', filename: 'CR_radio.pdf' });
    // Mime.getSize: base64 estimate from the encoded length, close to the 300,000 decoded bytes.
    expect(Math.abs(att.s - 300_000)).toBeLessThan(10);
    expect(faultCode(await c.soap('GetMsgRequest', { m: { id: '99999' } }))).toBe('mail.NO_SUCH_MSG');
  });

  it('creates, modifies, reads and deletes signatures', async () => {
    const created = await c.soap('CreateSignatureRequest', { signature: { name: 'Courte', content: [{ type: 'text/plain', _content: 'Dr D.' }, { type: 'text/html', _content: '<b>Dr D.</b>' }] } });
    const id = created.json.Body.CreateSignatureResponse.signature[0].id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(faultCode(await c.soap('CreateSignatureRequest', { signature: { name: 'courte', content: { type: 'text/plain', _content: 'x' } } }))).toBe('account.SIGNATURE_EXISTS');
    await c.soap('ModifySignatureRequest', { signature: { id, content: [{ type: 'text/html', _content: '<i>Dr D.</i>' }] } });
    const got = await c.soap('GetSignaturesRequest', {});
    const sig = got.json.Body.GetSignaturesResponse.signature.find((s: any) => s.id === id);
    expect(sig.content).toEqual([{ type: 'text/html', _content: '<i>Dr D.</i>' }, { type: 'text/plain', _content: 'Dr D.' }]);
    await c.soap('DeleteSignatureRequest', { signature: { id } });
    expect(sim.mailbox.signatures.some((s) => s.id === id)).toBe(false);
    expect(faultCode(await c.soap('ModifySignatureRequest', { signature: { id, name: 'x' } }))).toBe('account.NO_SUCH_SIGNATURE');
  });

  it('lists identities with their signature links', async () => {
    const r = await c.soap('GetIdentitiesRequest', {});
    const [def] = r.json.Body.GetIdentitiesResponse.identity;
    expect(def.name).toBe('DEFAULT');
    expect(def._attrs.zimbraPrefFromAddress).toBe(sim.address);
    expect(def._attrs.zimbraPrefDefaultSignatureId).toBe(sim.mailbox.signatures[0]!.id);
  });

  it('refuses a draft over quota with mail.QUOTA_EXCEEDED', async () => {
    const before = sim.mailbox.quotaBytes;
    sim.mailbox.quotaBytes = sim.mailbox.used + 10;
    const r = await c.soap('SaveDraftRequest', { m: { su: 'trop gros', mp: [{ ct: 'text/plain', content: 'x'.repeat(500) }] } });
    expect(faultCode(r)).toBe('mail.QUOTA_EXCEEDED');
    expect(r.json.Body.Fault.Reason.Text).toBe(`mailbox exceeded quota of ${sim.mailbox.quotaBytes} bytes`);
    sim.mailbox.quotaBytes = before;
    const ok = await c.soap('SaveDraftRequest', { m: { su: 'ok', mp: [{ ct: 'text/plain', content: 'x' }] } });
    expect(ok.json.Body.SaveDraftResponse.m[0].l).toBe(String(ID_DRAFTS));
  });
});

describe('notifications', () => {
  beforeAll(async () => {
    await fresh();
  });

  it('tells a session the new mailbox size after another client deletes', async () => {
    const first = await c.soap('NoOpRequest', {}, { ctx: { session: {} } });
    const sid = first.json.Header.context.session.id;
    expect(sid).toBeTruthy();
    await c.soap('MsgActionRequest', { action: { op: 'delete', id: String(ids.junk) } }, { ctx: { nosession: {} } });
    const next = await c.soap('NoOpRequest', {}, { ctx: { session: { id: sid, _content: sid } } });
    const notify = next.json.Header.context.notify[0];
    expect(notify.modified.mbx).toEqual([{ s: sim.mailbox.used }]);
    expect(notify.deleted.id).toBe(String(ids.junk));
    expect(notify.seq).toBeGreaterThan(0);
  });
});

describe('fault switch and request log', () => {
  beforeEach(async () => {
    await fresh();
  });
  afterEach(() => sim.faults.reset());

  it('fails the Nth next request of a type with the asked code', async () => {
    sim.faults.failNext('SearchRequest', 'service.FAILURE', { nth: 2 });
    const q = { query: 'in:inbox', types: 'message' };
    expect((await c.soap('SearchRequest', q)).status).toBe(200);
    const second = await c.soap('SearchRequest', q);
    expect(faultCode(second)).toBe('service.FAILURE');
    expect(second.json.Body.Fault.Code.Value).toBe('soap:Receiver');
    expect((await c.soap('SearchRequest', q)).status).toBe(200);
  });

  it('adds latency', async () => {
    sim.faults.latency(250, 'GetInfoRequest');
    const t = Date.now();
    await c.soap('GetInfoRequest', { sections: 'mbox' });
    expect(Date.now() - t).toBeGreaterThanOrEqual(240);
  });

  it('expires the session: AUTH_EXPIRED (and REST 401) until a new login', async () => {
    sim.faults.expireSession();
    const r = await c.soap('GetInfoRequest', { sections: 'mbox' });
    expect(faultCode(r)).toBe('service.AUTH_EXPIRED');
    expect(r.json.Body.Fault.Reason.Text).toBe('auth credentials have expired');
    expect((await c.get(`service/home/~/?auth=co&id=${ids.inboxSmall}`)).status).toBe(401);
    const voided = await c.soap('GetInfoRequest', { sections: 'mbox' }, { ctx: { authTokenControl: { voidOnExpired: true } } });
    expect(faultCode(voided)).toBe('service.AUTH_REQUIRED');
    const again = await login(sim);
    expect((await again.soap('GetInfoRequest', { sections: 'mbox' })).status).toBe(200);
  });

  it('drops the connection', async () => {
    sim.faults.dropConnection('MsgActionRequest');
    await expect(c.soap('MsgActionRequest', { action: { op: 'read', id: String(ids.inboxSmall) } })).rejects.toThrow();
    expect((await c.soap('MsgActionRequest', { action: { op: 'read', id: String(ids.inboxSmall) } })).status).toBe(200);
  });

  it('makes ids vanish so that a batch meets NO_SUCH_MSG', async () => {
    expect(sim.faults.vanish([ids.inboxPdf!])).toEqual([ids.inboxPdf]);
    const r = await c.soap('MsgActionRequest', { action: { op: 'move', l: String(PATIENTS), id: `${ids.inboxSmall},${ids.inboxPdf}` } });
    expect(faultCode(r)).toBe('mail.NO_SUCH_MSG');
  });

  it('is reachable over HTTP on /__sim/faults, and /__sim/state returns the truth', async () => {
    const post = (b: unknown) => fetch(`${sim.url}__sim/faults`, { method: 'POST', body: JSON.stringify(b) });
    expect((await post({ action: 'failNext', request: 'GetInfoRequest', code: 'mail.QUOTA_EXCEEDED', reason: '123' })).status).toBe(200);
    const r = await c.soap('GetInfoRequest', {});
    expect(faultCode(r)).toBe('mail.QUOTA_EXCEEDED');
    expect(((await (await post({ action: 'vanish', ids: [ids.junk] })).json()) as any).vanished).toEqual([ids.junk]);
    const state = (await (await fetch(`${sim.url}__sim/state`)).json()) as any;
    expect(state.used).toBe(sim.mailbox.used);
    expect(state.messages.some((m: any) => m.id === ids.junk)).toBe(false);
    expect(state.folders.find((f: any) => f.id === 258).path).toBe('/Patients/Archives');
    const deliver = await fetch(`${sim.url}__sim/deliver`, { method: 'POST', body: JSON.stringify({ raw: makeRaw({ subject: 'nouveau' }).toString() }) });
    expect(((await deliver.json()) as any).used).toBe(sim.mailbox.used);
  });

  it('logs each request with its name and the number of ids', async () => {
    sim.clearLog();
    const many = Array.from({ length: 5 }, () => ids.inboxSmall).join(',');
    await c.soap('MsgActionRequest', { action: { op: 'read', id: many } });
    await c.get(`service/home/~/?fmt=zip&list=${ids.inboxSmall},${ids.inboxPdf}&meta=0`);
    const [soapEntry, restEntry] = sim.requestLog;
    expect(soapEntry).toMatchObject({ method: 'POST', path: '/service/soap/MsgActionRequest', request: 'MsgActionRequest', ids: 5, status: 200 });
    expect(restEntry).toMatchObject({ method: 'GET', request: 'REST', ids: 2, status: 200 });
    expect(sim.requestLog.every((e) => e.ids <= 100)).toBe(true);
  });
});
