/**
 * Records what the Mailiz-like Roundcube (tests/servers/roundcube/mailiz.ts) answers to the request that finds the
 * OpenID Connect session over: the access token has expired and its refresh is refused, so Roundcube kills the session
 * in the middle of that request and still answers it (HTTP 200) as if the folder were empty.
 *
 *   npx tsx tests/servers/roundcube/record-mailiz-fixtures.ts [--out DIR]
 *
 * Each adapter request that can meet the end gets its own session (one request per session meets it: the next ones
 * get session_error). Saved to tests/fixtures/roundcube/mailiz/ with a README (the recording overwrites both). The
 * session token is replaced by the same fake value as record-fixtures.ts; everything else is as Roundcube sent it
 * (the mailbox is the seed's fictitious one).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRoundcube } from './index.ts';
import { RoundcubeClient, parseSetEnv, type RawResponse } from './http.ts';
import { oidcLoginHttp } from './mailiz.ts';
import { listMessages } from './truth.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE_TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';
// Roundcube counts the access token as expired 10 s early: expired from t0 + 2 s; the refresh token ends at t0 + 20 s.
const ACCESS_TTL = 12;
const REFRESH_TTL = 20;

interface Probe {
  file: string;
  description: string;
  method: 'GET' | 'POST';
  params: Record<string, string>;
  body?: Record<string, string>;
  ajax: boolean;
}

async function main() {
  const outArg = process.argv.indexOf('--out');
  const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]!) : path.resolve(here, '../../fixtures/roundcube/mailiz');
  mkdirSync(out, { recursive: true });
  const env = await startRoundcube({ variant: 'mailiz', profile: 'realistic', seed: 1, oidc: { accessTokenTtl: ACCESS_TTL, refreshTokenTtl: REFRESH_TTL } });
  const written: { file: string; description: string }[] = [];
  try {
    const inbox = await listMessages(env, 'INBOX');
    const uids = inbox.slice(0, 3).map((m) => String(m.uid));
    const probes: Probe[] = [
      {
        file: 'auth-expired-search.json',
        description: `search INBOX (_filter=ALL, as the adapter's searchFirst) past the refresh token's end. doveadm: INBOX holds ${inbox.length} messages.`,
        method: 'GET',
        params: { _task: 'mail', _action: 'search', _mbox: 'INBOX', _q: '', _scope: 'base', _filter: 'ALL', _remote: '1' },
        ajax: true,
      },
      {
        file: 'auth-expired-list.json',
        description: 'list INBOX page 1 past the refresh token\'s end.',
        method: 'GET',
        params: { _task: 'mail', _action: 'list', _mbox: 'INBOX', _page: '1', _remote: '1' },
        ajax: true,
      },
      {
        file: 'auth-expired-move.json',
        description: `move three INBOX messages (${uids.join(',')}) to Trash past the refresh token's end (doveadm afterwards: still in INBOX).`,
        method: 'POST',
        params: { _task: 'mail', _action: 'move' },
        body: { _uid: uids.join(','), _mbox: 'INBOX', _target_mbox: 'Trash', _from: 'show', _remote: '1' },
        ajax: true,
      },
      {
        file: 'auth-expired-folder-size.json',
        description: 'settings/folder-size for INBOX past the refresh token\'s end.',
        method: 'POST',
        params: { _task: 'settings', _action: 'folder-size' },
        body: { _mbox: 'INBOX', _remote: '1' },
        ajax: true,
      },
      {
        file: 'auth-expired-getunread.json',
        description: 'getunread (the adapter\'s restoreListState) past the refresh token\'s end.',
        method: 'GET',
        params: { _task: 'mail', _action: 'getunread', _mbox: 'INBOX', _page: '1', _remote: '1' },
        ajax: true,
      },
      {
        file: 'auth-expired-edit-folder.html',
        description: 'settings/edit-folder INBOX, framed (the adapter\'s folderInfo and quota read) past the refresh token\'s end.',
        method: 'GET',
        params: { _task: 'settings', _action: 'edit-folder', _mbox: 'INBOX', _framed: '1' },
        ajax: false,
      },
      {
        file: 'auth-expired-mail-page.html',
        description: 'the mail page (_task=mail, the adapter\'s mailPage) past the refresh token\'s end.',
        method: 'GET',
        params: { _task: 'mail' },
        ajax: false,
      },
    ];
    // One session per probe, all logged in at about the same time.
    const clients = await Promise.all(
      probes.map(async () => {
        const c = new RoundcubeClient(env.url);
        const html = await oidcLoginHttp(c.cookies, env.url, env.user, env.password);
        c.token = String(parseSetEnv(html)!.request_token);
        return { c, at: Date.now() };
      }),
    );
    const last = Math.max(...clients.map((x) => x.at));
    await new Promise((r) => setTimeout(r, Math.max(0, last + (REFRESH_TTL + 2) * 1000 - Date.now())));
    const refreshFailuresBefore = env.oidc!.stats.refreshes;
    for (const [i, p] of probes.entries()) {
      const { c } = clients[i]!;
      const headers: Record<string, string> = p.ajax ? { 'X-Roundcube-Request': c.token } : {};
      const r: RawResponse = await c.raw(p.method, p.params, { headers, follow: false, ...(p.body ? { body: p.body } : {}) });
      // The killed session's page carries a new session's token too (request_token, the form's _token).
      const redact = (s: string) =>
        s
          .split(c.token)
          .join(FAKE_TOKEN)
          .replace(/("request_token":")[^"]+"/g, `$1${FAKE_TOKEN}"`)
          .replace(/(name="_token" value=")[^"]+"/g, `$1${FAKE_TOKEN}"`);
      if (p.file.endsWith('.html')) {
        writeFileSync(path.join(out, p.file), redact(r.text()));
        console.log(`${p.file}: HTTP ${r.status} ${r.headers.get('content-type')} ${r.text().length} chars`);
      } else {
        const q = new URLSearchParams(p.params).toString();
        const ex = {
          name: p.file.replace(/\.json$/, ''),
          description: p.description,
          request: { method: p.method, path: redact(`/?${q}`), ...(p.ajax ? { headers: { 'X-Roundcube-Request': FAKE_TOKEN } } : {}), ...(p.body ? { body: p.body } : {}) },
          response: { status: r.status, headers: { 'content-type': r.headers.get('content-type') ?? '' }, json: JSON.parse(redact(r.text())) as unknown },
        };
        writeFileSync(path.join(out, p.file), JSON.stringify(ex, null, 2) + '\n');
        console.log(`${p.file}: HTTP ${r.status} ${redact(r.text()).slice(0, 400)}`);
      }
      written.push({ file: p.file, description: p.description });
    }
    const after = await listMessages(env, 'INBOX');
    const stillThere = uids.filter((u) => after.some((m) => String(m.uid) === u)).length;
    console.log(`doveadm after: INBOX ${after.length} messages (was ${inbox.length}); ${stillThere}/${uids.length} of the moved UIDs still in INBOX; refresh attempts seen by the provider: ${env.oidc!.stats.refreshes - refreshFailuresBefore}`);
    const readme = `# Mailiz-like Roundcube: the request that finds the session over (recorded)

Recorded by \`npx tsx tests/servers/roundcube/record-mailiz-fixtures.ts\` against the Mailiz-like variant of the test
environment (Debian roundcube-core 1.6.5, Dovecot 2.3 oauth2 passdb, oidc-provider as the OpenID Connect provider,
fr_FR, elastic, seed profile "realistic", seed 1: all data fictitious), access token ${ACCESS_TTL} s, refresh token
${REFRESH_TTL} s. Each file is the answer to the first request of its own session past the refresh token's end:
Roundcube's refresh is refused, it kills the session during that request and still answers it, with HTTP 200, as
if the folder were empty (FINDINGS.md, "OpenID Connect login"). The session token is replaced by \`${FAKE_TOKEN}\`.

Recorded on ${new Date().toISOString()}. doveadm after the recording: INBOX ${after.length} messages (was
${inbox.length}), ${stillThere} of the ${uids.length} UIDs of auth-expired-move.json still in INBOX.

| File | What |
|---|---|
${written.map((w) => `| ${w.file} | ${w.description.replace(/\|/g, '\\|')} |`).join('\n')}
`;
    writeFileSync(path.join(out, 'README.md'), readme);
  } finally {
    await env.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
