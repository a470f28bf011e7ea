/**
 * Benchmark: how many ids one Roundcube move should carry (the adapter's capabilities.maxBatch), and how fast a
 * whole-folder search pages through a big folder.
 *
 * Real Roundcube 1.6 + Dovecot 2.3 with the "bench" mailbox (INBOX 12,000 messages), the built test extension in
 * one browser. For each batch size, moveToTrash through the adapter (its checks included: which ids are there,
 * the trash's highest UID, the move, what left the inbox, the new UIDs) a few times; then Roundcube's bare move
 * request for larger sizes; then the length of the URL the checks need for sparse 7-digit UIDs.
 *
 *   npm run build:test && npx tsx bench/roundcube-batch.ts [--browser chromium|firefox] [--reps 3]
 */
import { launchWithBalise, type BrowserKind } from '../tests/e2e/harness/browsers';
import { login, seedMailbox, startRoundcube } from '../tests/servers/roundcube';
import { RoundcubeClient } from '../tests/servers/roundcube/http';
import { listMessages } from '../tests/servers/roundcube/truth';
import { uidSet } from '../lib/webmail/roundcube/parse';
import type { BatchResult, MessageSummary } from '../lib/webmail/types';
import { recordBenchmark } from './record';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : def;
};
const kind = arg('browser', 'chromium') as BrowserKind;
const reps = Number(arg('reps', '3'));
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

const t0 = performance.now();
const env = await startRoundcube({ profile: 'bench' });
const lines: string[] = [`environment with the bench mailbox ready in ${((performance.now() - t0) / 1000).toFixed(1)} s`];
const s = await launchWithBalise(kind);
try {
  const page = await s.newPage();
  await login(page, env);
  await s.gotoWithBalise(page, env.url);
  for (let i = 0; i < 100 && !(await s.call<{ detection: unknown }>(page, 'state')).detection; i++) await new Promise((r) => setTimeout(r, 100));

  // A whole-folder search of the 12,000-message inbox (every page of the user's page size).
  let t = performance.now();
  const all = (await s.call<MessageSummary[][]>(page, 'webmail', 'search', { folderId: 'INBOX', sort: 'sizeDesc' })).flat();
  const searchMs = performance.now() - t;
  lines.push(`${kind}: whole-folder search of INBOX (${all.length} messages, 50 per page) ${(searchMs / 1000).toFixed(1)} s, ${((searchMs / all.length) * 1000).toFixed(0)} µs per message`);

  let pool = (await listMessages(env, 'INBOX')).map((m) => m.uid);
  // Consecutive UIDs (old mail, a whole folder): the adapter takes up to ROUNDCUBE_MAX_BATCH in one request.
  for (const n of [50, 100, 250, 500, 1000, 2000, 5000]) {
    const times: number[] = [];
    for (let r = 0; r < (n >= 1000 ? 1 : reps); r++) {
      const ids = pool.splice(0, n).map(String);
      t = performance.now();
      const res = await s.call<BatchResult>(page, 'webmail', 'mailbox.moveToTrash', 'INBOX', ids);
      times.push(performance.now() - t);
      if (res.done.length !== n || Object.keys(res.newRefs ?? {}).length !== n) throw new Error(`batch of ${n}: ${res.done.length} done, ${res.failed.length} failed`);
    }
    const med = median(times);
    lines.push(`${kind}: moveToTrash(${n} consecutive UIDs) through the adapter, ${times.length > 1 ? `median of ${times.length}` : 'once'}: ${med.toFixed(0)} ms (${(med / n).toFixed(2)} ms per message)`);
  }

  // Roundcube's own move request alone, without the adapter's checks (on a fresh copy of the mailbox).
  await seedMailbox(env, { profile: 'bench' });
  const c = new RoundcubeClient(env.url);
  await c.login(env.user, env.password);
  pool = (await listMessages(env, 'INBOX')).map((m) => m.uid);
  for (const n of [500, 1000, 2000, 4000]) {
    const uids = pool.splice(0, n);
    t = performance.now();
    const r = await c.ajax('move', { _uid: uids.join(','), _mbox: 'INBOX', _target_mbox: 'Trash', _from: 'show' }, { method: 'POST' });
    const ms = performance.now() - t;
    lines.push(`Roundcube's bare move request of ${n} UIDs: ${ms.toFixed(0)} ms (HTTP ${r.status}, ${r.exec?.includes('confirmation') ? 'confirmed' : 'not confirmed'})`);
  }
  await c.logout();

  // The checks search with `_filter=UID <set>` in a GET URL: its length for sparse 7-digit UIDs (every other one).
  for (const n of [250, 500, 1000]) {
    const sparse = Array.from({ length: n }, (_, i) => 1_000_000 + 2 * i);
    const url = new URL(env.url);
    url.search = new URLSearchParams({ _task: 'mail', _action: 'search', _mbox: 'Patients/Archives', _q: '', _scope: 'base', _filter: `UID ${uidSet(sparse)}`, _remote: '1' }).toString();
    lines.push(`request line of the check for ${n} sparse 7-digit UIDs: ${url.pathname.length + url.search.length + 'GET  HTTP/1.1'.length} bytes (Apache's default LimitRequestLine is 8190, nginx's large_client_header_buffers 8 KiB)`);
  }
  s.assertNoForeignRequests();
} finally {
  await s.close();
  await env.stop();
}
for (const l of lines) console.log(l);
recordBenchmark(`Roundcube batch size (bench/roundcube-batch.ts, ${kind})`, lines);
