/**
 * The Roundcube test environment itself: start, seed, log in over plain HTTP, compare Roundcube's view with
 * doveadm's, then stop and check that nothing of ours is left running.
 *
 *   npx vitest run tests/servers/roundcube
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMailbox } from '../seed/profile.ts';
import { leftovers, login, seedMailbox, startRoundcube, type RoundcubeEnv } from './index.ts';
import { RoundcubeClient, listRows, setQuota } from './http.ts';
import { folderStatus, listMessages, quota, rawMessage, readManifest, search } from './truth.ts';
import { childrenOf, isPortOpen } from './procs.ts';

const NOW = new Date(Date.now() - 60_000);
const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const SEED = 11;
const DAY = 86_400_000;

describe('Roundcube + Dovecot test environment', () => {
  let env: RoundcubeEnv;
  let client: RoundcubeClient;

  beforeAll(async () => {
    env = await startRoundcube({ profile: 'realistic', seed: SEED, now: NOW });
    client = new RoundcubeClient(env.url);
    await client.login(env.user, env.password);
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  }, 30_000);

  it('listens on loopback only', async () => {
    expect(env.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const conf = await env.doveadm(['config', '-h', 'listen']);
    expect(conf.trim()).toBe('127.0.0.1');
  });

  it('lists INBOX through Roundcube with the count doveadm reports', async () => {
    const truth = (await folderStatus(env)).find((f) => f.name === 'INBOX')!;
    const manifest = readManifest(env);
    expect(truth.messages).toBe(manifest.folders.INBOX.messages);
    expect(truth.messages).toBeGreaterThan(1000);

    const r = await client.ajax('list', { _mbox: 'INBOX', _page: '1' });
    expect(r.status).toBe(200);
    expect(r.env?.messagecount).toBe(truth.messages);
    expect(r.env?.pagecount).toBe(Math.ceil(truth.messages / 50));
    const rows = listRows(r.exec);
    expect(rows).toHaveLength(50);
    // Default sort (none, DESC) is by sequence: the highest UIDs first.
    const uids = (await listMessages(env, 'INBOX')).map((m) => m.uid);
    expect(rows.map((x) => x.uid)).toEqual(uids.slice(-50).reverse());
    // Unread rows are exactly the unseen messages.
    const unseen = new Set(await search(env, 'INBOX', { seen: false }));
    for (const row of rows) expect(!row.flags.seen, `uid ${row.uid}`).toBe(unseen.has(row.uid));
  });

  it('reports the quota doveadm reports (KiB)', async () => {
    const q = await quota(env);
    const r = await client.ajax('list', { _mbox: 'INBOX', _page: '1' });
    const rc = setQuota(r.exec);
    expect(rc).not.toBeNull();
    expect(rc!.used).toBe(q.usedKiB);
    expect(rc!.total).toBe(q.limitKiB);
    expect(q.usedKiB).toBe(Math.ceil(q.usedBytes / 1024));
    expect(q.limitBytes).toBe(200 * 1024 * 1024);
    expect(q.usedBytes / q.limitBytes!).toBeGreaterThan(0.75);
    expect(q.usedBytes / q.limitBytes!).toBeLessThan(0.85);
  });

  it('stores every seeded message byte for byte, with its flags and date', async () => {
    const seeded = [...generateMailbox({ profile: 'realistic', seed: SEED, now: NOW })];
    const manifest = readManifest(env);
    expect(manifest.messages.map((m) => m.messageId)).toEqual(seeded.map((m) => m.messageId));
    // A few messages of every kind: raw bytes from doveadm = the seeder's bytes = Roundcube's .eml download.
    const picks = [
      manifest.messages.find((m) => m.folder === 'INBOX' && m.clinical === 'xdm')!,
      manifest.messages.find((m) => m.folder === 'Patients/Archives' && m.clinical === 'hprim')!,
      manifest.messages.find((m) => m.folder === 'INBOX' && m.size > 2_000_000)!,
      manifest.messages.find((m) => m.folder === 'Drafts')!,
    ];
    for (const p of picks) {
      const want = seeded.find((s) => s.messageId === p.messageId)!.raw;
      const got = await rawMessage(env, p.folder, p.uid);
      expect(got.equals(want), `${p.folder}/${p.uid}`).toBe(true);
      const dl = await client.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(p.uid), _mbox: p.folder, _save: '1', _token: client.token });
      expect(dl.status).toBe(200);
      expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename\*=UTF-8''.+\.eml$/);
      expect(dl.body.equals(want), `download ${p.folder}/${p.uid}`).toBe(true);
    }
    const drafts = await listMessages(env, 'Drafts');
    expect(drafts.length).toBeGreaterThan(0);
    expect(drafts.every((m) => m.flags.draft && m.flags.seen)).toBe(true);
  }, 60_000);

  it('answers doveadm searches the way the manifest predicts', async () => {
    const manifest = readManifest(env).messages.filter((m) => m.folder === 'INBOX');
    const since = new Date(NOW.getTime() - 30 * DAY);
    const before = new Date(NOW.getTime() - 365 * DAY);
    const expectUids = (f: (m: (typeof manifest)[number]) => boolean) => manifest.filter(f).map((m) => m.uid).sort((a, b) => a - b);
    expect(await search(env, 'INBOX', { since })).toEqual(expectUids((m) => new Date(m.internalDate) >= since));
    expect(await search(env, 'INBOX', { before })).toEqual(expectUids((m) => new Date(m.internalDate) < before));
    expect(await search(env, 'INBOX', { larger: 1_000_000 })).toEqual(expectUids((m) => m.size > 1_000_000));
    expect(await search(env, 'INBOX', { seen: false, flagged: true })).toEqual(expectUids((m) => !m.seen && m.flagged));
    expect((await search(env, 'INBOX', { since })).length).toBeGreaterThan(0);
  });

  it('reseeds in place (new UIDVALIDITY, counts follow)', async () => {
    const before = (await folderStatus(env)).find((f) => f.name === 'Trash')!;
    const r = await seedMailbox(env, { profile: 'empty' });
    expect(r.count).toBe(0);
    const after = await folderStatus(env);
    expect(after.every((f) => f.messages === 0)).toBe(true);
    expect(after.find((f) => f.name === 'Trash')!.uidvalidity).toBeGreaterThan(before.uidvalidity);
    expect((await quota(env)).usedKiB).toBe(0);
    const list = await client.ajax('list', { _mbox: 'INBOX', _page: '1' });
    expect(list.env?.messagecount).toBe(0);
    const again = await seedMailbox(env, { profile: 'realistic', seed: SEED, now: NOW });
    expect(again.count).toBe(readManifest(env).count);
    expect(again.ms).toBeLessThan(15_000);
  }, 60_000);

  it.skipIf(!CHROMIUM)('logs in through the real form in Chromium (login helper)', async () => {
    const { default: puppeteer } = await import('puppeteer-core');
    const browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      await login(page, env);
      const seen = (await page.evaluate(`({
        body: document.body.className,
        count: rcmail.env.messagecount,
        rows: document.querySelectorAll('#messagelist tbody tr.message').length,
        used: rcmail.env.quota_content && rcmail.env.quota_content.used,
      })`)) as { body: string; count: number; rows: number; used: number };
      expect(seen.body).toContain('task-mail');
      expect(seen.count).toBe((await folderStatus(env)).find((f) => f.name === 'INBOX')!.messages);
      expect(seen.rows).toBe(50);
      expect(seen.used).toBe((await quota(env)).usedKiB);
      await login(page, env); // already logged in: returns once the mail view is there
    } finally {
      await browser.close();
    }
  }, 60_000);

  it('stops completely: ports closed, no process of ours left, workdir removed', async () => {
    const pidsBefore = await leftovers(env);
    expect(pidsBefore.length).toBeGreaterThan(1); // dovecot master + children, php + workers
    await env.stop();
    expect(await leftovers(env)).toEqual([]);
    expect(await isPortOpen(env.httpPort)).toBe(false);
    expect(await isPortOpen(env.imapPort)).toBe(false);
    for (const pid of pidsBefore) expect(() => process.kill(pid, 0), `pid ${pid}`).toThrow();
    expect(existsSync(env.workdir)).toBe(false);
    const ours = (await childrenOf(process.pid)).filter((c) => /php|dovecot/.test(c.comm));
    expect(ours).toEqual([]);
  }, 30_000);
});
