/**
 * Records request/response pairs from the simulator into tests/fixtures/zimbra/ for the adapter's unit tests.
 *   npx tsx tests/servers/zimbra-sim/record-fixtures.ts
 * Each file: { request: {path, headers, body}, response: {status, body} }. Tokens are replaced by placeholders.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startZimbraSim } from './index.ts';
import { ID_INBOX, ID_TRASH } from './mailbox.ts';
import { login, makeRaw } from './testkit.ts';

const out = new URL('../../fixtures/zimbra/', import.meta.url);
mkdirSync(out, { recursive: true });
const NOW = Date.UTC(2026, 5, 1, 12, 0, 0);
const sim = await startZimbraSim({ profile: 'empty', seed: 42, now: NOW, quotaBytes: 209715200 });
const a = sim.mailbox.addMessage(ID_INBOX, makeRaw({ subject: 'Compte rendu', body: 'Voir le CR', attachments: [{ filename: 'CR_radio.pdf', contentType: 'application/pdf', data: Buffer.alloc(2000, 7) }] }), { date: NOW - 86_400_000 });
const b = sim.mailbox.addMessage(ID_INBOX, makeRaw({ subject: 'Résultats HPRIM', body: 'resultats\r\n****FIN****' }), { date: NOW - 2 * 86_400_000, flags: { unread: true } });
sim.mailbox.addMessage(ID_TRASH, makeRaw({ subject: 'Ancien' }), { date: NOW - 90 * 86_400_000 });
const c = await login(sim);

const scrub = (s: string) => s.split(c.csrf).join('<csrf>').split(c.token).join('<authToken>').replace(/"Trace":"[^"]*"/g, '"Trace":"<trace>"').replace(/"lifetime":\d+/g, '"lifetime":172800000');
async function record(file: string, name: string, body: Record<string, unknown>, opts: Parameters<typeof c.soap>[2] = {}) {
  const r = await c.soap(name, body, opts);
  const ns = name.match(/^(GetInfo|GetSignatures|GetIdentities|CreateSignature|ModifySignature|DeleteSignature)Request$/) ? 'urn:zimbraAccount' : 'urn:zimbraMail';
  const pair = {
    request: {
      method: 'POST',
      path: `/service/soap/${name}`,
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', 'X-Zimbra-Csrf-Token': '<csrf>' },
      body: { Header: { context: { _jsns: 'urn:zimbra', ...(opts.ctx ?? {}) } }, Body: { [name]: { _jsns: opts.ns ?? ns, ...body } } },
    },
    response: { status: r.status, body: JSON.parse(scrub(JSON.stringify(r.json))) },
  };
  writeFileSync(new URL(file, out), JSON.stringify(pair, null, 2) + '\n');
}

await record('getinfo.json', 'GetInfoRequest', { sections: 'mbox,attrs,prefs' }, { ctx: { nosession: {} } });
await record('getfolder.json', 'GetFolderRequest', { view: 'message' });
await record('search-sizeDesc.json', 'SearchRequest', { query: 'in:inbox', types: 'message', sortBy: 'sizeDesc', limit: 1, offset: 0 });
await record('search-parse-error.json', 'SearchRequest', { query: 'foo:bar', types: 'message' });
await record('getmsg.json', 'GetMsgRequest', { m: { id: String(a.id) } });
await record('getsignatures.json', 'GetSignaturesRequest', {});
await record('msgaction-trash-missing-id.json', 'MsgActionRequest', { action: { op: 'trash', id: `${b.id},99999` } });
await record('msgaction-move-missing-id.json', 'MsgActionRequest', { action: { op: 'move', l: '257', id: `${b.id},99999` } });
await record('msgaction-trash.json', 'MsgActionRequest', { action: { op: 'trash', id: `${a.id},${b.id}` } });
await record('msgaction-delete-missing-id.json', 'MsgActionRequest', { action: { op: 'delete', id: `${a.id},99999` } });
await record('folderaction-empty.json', 'FolderActionRequest', { action: { op: 'empty', id: '3', recursive: true } });
await record('fault-csrf-missing.json', 'GetInfoRequest', { sections: 'mbox' }, { csrf: false });
sim.faults.expireSession();
await record('fault-auth-expired.json', 'GetInfoRequest', { sections: 'mbox' });
await sim.stop();
console.log(`fixtures written to ${out.pathname}`);
