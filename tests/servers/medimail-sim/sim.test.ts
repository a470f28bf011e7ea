/** The Medimail stand-in's own tests: what it serves follows the facts in its README, and its truth matches its pages. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RETENTION_DAYS, startMedimailSim, truthOf, type MedimailSim } from './index.ts';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 10, 20, 9, 0, 0);
let sim: MedimailSim;
let cookie: string;

const get = (path: string, c = cookie) => fetch(sim.url + path.replace(/^\//, ''), { headers: { Cookie: c }, redirect: 'manual' });

beforeAll(async () => {
  sim = await startMedimailSim({ seed: 3, now: NOW, pageSize: 50 });
  cookie = `MEDIMAIL_SESSION=${sim.newSession()}`;
});
afterAll(() => sim?.stop());

describe('medimail stand-in: seed', () => {
  it('keeps only messages younger than 90 days, crossing the line on different days, with clinical documents', () => {
    const all = [...sim.mailbox.messages.values()];
    expect(all.length).toBeGreaterThan(300);
    expect(all.every((m) => NOW - m.date < RETENTION_DAYS * DAY)).toBe(true);
    // Messages whose age passes 90 days within the next 7 days, on several distinct days.
    const soon = all.filter((m) => NOW - m.date >= (RETENTION_DAYS - 7) * DAY);
    expect(soon.length).toBeGreaterThan(5);
    expect(new Set(soon.map((m) => Math.floor((m.date + RETENTION_DAYS * DAY - NOW) / DAY))).size).toBeGreaterThan(3);
    const names = all.flatMap((m) => m.attachments.map((a) => a.filename));
    expect(names.some((n) => n === 'IHE_XDM.ZIP')).toBe(true);
    expect(names.some((n) => /\.pdf$/i.test(n))).toBe(true);
    expect(all.some((m) => m.html.includes('****FIN****') || m.attachments.some((a) => a.data.toString('latin1').includes('****FIN'))))
      .toBe(true);
    // The four default folders and the sub-folder all hold messages.
    for (const f of sim.mailbox.folders) expect(sim.mailbox.inFolder(f.id).length, f.name).toBeGreaterThan(0);
  });
});

describe('medimail stand-in: pages', () => {
  it('sends a request without a session to the login form, and the one-time code opens one', async () => {
    const r = await fetch(sim.url + '?m=liste&f=1&o=date&p=1', { redirect: 'manual' });
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toMatch(/m=connexion/);
    const bad = await fetch(sim.url + '?m=connexion', { method: 'POST', body: 'code=000000', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(bad.status).toBe(401);
    const ok = await fetch(sim.url + '?m=connexion', { method: 'POST', body: `code=${sim.code}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
    expect(ok.status).toBe(302);
    const set = ok.headers.get('set-cookie')!;
    const page = await get('/?m=liste&f=1&o=date&p=1', set.split(';')[0]!);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Gérer votre compte Medimail');
  });

  it('lists a whole folder over its pages: rows, ids, dates and read marks match the truth', async () => {
    const truth = sim.mailbox.inFolder(1);
    const seen: { id: number; date: string; unread: boolean }[] = [];
    let pages = 0;
    for (let p = 1; ; p++) {
      const html = await (await get(`/?m=liste&f=1&o=date&p=${p}`)).text();
      const pg = /<div id="pagination">[\s\S]*?Page (\d+) sur (\d+)/.exec(html)!;
      expect(Number(pg[1])).toBe(p);
      pages = Number(pg[2]);
      for (const m of html.matchAll(/<tr class="(open|unopen)">[\s\S]*?idk=(\d+)[\s\S]*?<td class="right">([^<]+)<\/td>/g)) {
        seen.push({ id: Number(m[2]), date: m[3]!, unread: m[1] === 'unopen' });
      }
      if (p >= pages) break;
    }
    expect(pages).toBe(Math.ceil(truth.length / 50));
    expect(seen.map((s) => s.id)).toEqual(truth.map((m) => m.id));
    expect(seen.map((s) => s.unread)).toEqual(truth.map((m) => m.unread));
    expect(seen.every((s) => /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(s.date))).toBe(true);
  });

  it('shows a message with its body and documents, serves each document byte for byte, and marks it read', async () => {
    const m = [...sim.mailbox.messages.values()].find((x) => x.unread && x.attachments.length > 0)!;
    const html = await (await get(`/?m=open&idk=${m.id}`)).text();
    expect(html).toMatch(/<div id="corps">[\s\S]*<div id="kvp_content">/);
    expect(html).toMatch(/<div id="kvp_param">[\s\S]*<h3>Document\(s\)<\/h3>/);
    expect(sim.mailbox.messages.get(m.id)!.unread).toBe(false);
    const links = [...html.matchAll(/<a href="(\/\?m=piece[^"]+)"[^>]*>([^<]+)<\/a>/g)];
    expect(links.length).toBe(m.attachments.length);
    const t = truthOf(sim).messages.find((x) => x.id === m.id)!;
    for (const [i, l] of links.entries()) {
      const r = await get(l[1]!.replace(/&amp;/g, '&'));
      const bytes = Buffer.from(await r.arrayBuffer());
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(t.attachments[i]!.sha256);
      expect(Number(r.headers.get('content-length'))).toBe(bytes.length);
    }
  });

  it('serves the compose form with the manual labels', async () => {
    const html = await (await get('/?m=nouveau')).text();
    for (const label of ['>À<', '>Pour information<', '>Objet<', 'Ajouter une pièce jointe', '60 Mo', '>Envoyer<', '>Sauvegarder le message<']) expect(html).toContain(label);
    expect(html).toContain('contenteditable="true"');
  });

  it('ends sessions: after expiry the pages send the browser to the login form saying so', async () => {
    const c = `MEDIMAIL_SESSION=${sim.newSession()}`;
    expect((await get('/?m=liste&f=2&o=date&p=1', c)).status).toBe(200);
    sim.expireSessions();
    const r = await get('/?m=liste&f=2&o=date&p=1', c);
    expect(r.status).toBe(302);
    expect(r.headers.get('location')).toBe('/?m=connexion&expire=1');
    expect(await (await fetch(sim.url + '?m=connexion&expire=1')).text()).toContain('Votre session a expiré');
    cookie = `MEDIMAIL_SESSION=${sim.newSession()}`;
  });

  it('ends an idle session by itself', async () => {
    const short = await startMedimailSim({ profile: 'empty', idleMs: 50 });
    try {
      const c = `MEDIMAIL_SESSION=${short.newSession()}`;
      const at = (p: string) => fetch(short.url + p, { headers: { Cookie: c }, redirect: 'manual' });
      expect((await at('?m=liste&f=1')).status).toBe(200);
      await new Promise((r) => setTimeout(r, 120));
      expect((await at('?m=liste&f=1')).status).toBe(302);
    } finally {
      await short.stop();
    }
  });
});
