/**
 * Saves pages of the Medimail stand-in into tests/fixtures/medimail/ for the adapter's unit tests, plus altered copies
 * (a row without an id, a list without pagination, an unknown layout, …) that the adapter must refuse plainly.
 *   npx tsx tests/servers/medimail-sim/record-fixtures.ts
 * Deterministic: a fixed clock and seed. Regenerate after changing the stand-in's pages.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { startMedimailSim } from './index.ts';

const out = new URL('../../fixtures/medimail/', import.meta.url);
mkdirSync(out, { recursive: true });
export const FIXTURE_NOW = Date.UTC(2026, 10, 20, 9, 0, 0);
const sim = await startMedimailSim({ seed: 3, now: FIXTURE_NOW, pageSize: 20 });
const cookie = `MEDIMAIL_SESSION=${sim.newSession()}`;
const get = async (path: string) => {
  const r = await fetch(sim.url + path.replace(/^\//, ''), { headers: { Cookie: cookie }, redirect: 'manual' });
  return r.text();
};
const save = (file: string, text: string) => writeFileSync(new URL(file, out), text);
const must = (text: string, from: string | RegExp, to: string) => {
  const next = text.replace(from, to);
  if (next === text) throw new Error(`alteration found nothing to change: ${String(from)}`);
  return next;
};

const inbox = sim.mailbox.inFolder(1);
const list1 = await get('/?m=liste&f=1&o=date&p=1');
save('list-inbox-p1.html', list1);
// The first page as listed (before opening messages marks some read).
const firstPage = inbox.slice(0, 20).map((m) => ({ id: m.id, date: m.date, unread: m.unread, subject: m.subject, attachments: m.attachments.length }));
save('list-inbox-p2.html', await get('/?m=liste&f=1&o=date&p=2'));
save('list-drafts.html', await get('/?m=liste&f=3&o=date&p=1'));
// A message with several documents (XDM and PDF where the seed has one), and one without any.
const withDocs = inbox.find((m) => m.attachments.length > 1)!;
const xdm = inbox.find((m) => m.attachments.some((a) => /IHE_XDM/i.test(a.filename)))!;
const plain = inbox.find((m) => m.attachments.length === 0)!;
const open = await get(`/?m=open&idk=${withDocs.id}`);
save('open-documents.html', open);
save('open-xdm.html', await get(`/?m=open&idk=${xdm.id}`));
save('open-plain.html', await get(`/?m=open&idk=${plain.id}`));
save('compose.html', await get('/?m=nouveau'));
save('login.html', await (await fetch(sim.url + '?m=connexion&expire=1')).text());
// The same account without an MSSanté correspondence in its box.
const bare = await startMedimailSim({ profile: 'empty', now: FIXTURE_NOW, mssante: false });
save('list-empty-no-mssante.html', await (await fetch(bare.url + '?m=liste&f=1&o=date&p=1', { headers: { Cookie: `MEDIMAIL_SESSION=${bare.newSession()}` } })).text());
await bare.stop();

// Altered copies: what a changed Medimail might show.
save('altered-row-without-id.html', must(list1, /onclick="document\.location='\/\?m=open&amp;idk=\d+'"/, 'onclick="ouvrir()"'));
save('altered-no-pagination.html', must(list1, /<div id="pagination">[\s\S]*?<\/div>/, ''));
save('altered-pagination-text.html', must(list1, /Page (\d+) sur (\d+)/, 'Page $1 of $2'));
save('altered-bad-date.html', must(list1, /<td class="right">(\d{4})-(\d{2})-(\d{2}) /, '<td class="right">$3/$2/$1 '));
save('altered-unknown-layout.html', must(must(open, 'id="corps"', 'id="contenu"'), 'id="kvp_content"', 'id="texte"'));
save('altered-open-no-body.html', must(open, 'id="kvp_content"', 'id="kvp_texte"'));
save('altered-document-without-href.html', must(open, /<a href="\/\?m=piece[^"]*"/, '<a'));

writeFileSync(
  new URL('truth.json', out),
  JSON.stringify({ now: FIXTURE_NOW, pageSize: sim.pageSize, inboxCount: inbox.length, withDocs: { id: withDocs.id, subject: withDocs.subject, date: withDocs.date, attachments: withDocs.attachments.map((a) => ({ filename: a.filename, size: a.data.length, contentType: a.contentType })) }, plain: { id: plain.id }, xdm: { id: xdm.id, attachments: xdm.attachments.map((a) => a.filename) }, firstPage }, null, 2) + '\n',
);
await sim.stop();
console.log(`fixtures written to ${out.pathname}`);
