/**
 * Records the extra Roundcube 1.6.5 answers the Roundcube adapter reads (lib/webmail/roundcube) into
 * tests/fixtures/roundcube/adapter/, for its unit tests:
 *
 *   npx tsx tests/servers/roundcube/record-adapter-fixtures.ts [--out DIR]
 *
 * Its own environment (profile realistic, seed 1, fictitious data). The session token is replaced by the same
 * fake value as record-fixtures.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startRoundcube } from './index.ts';
import { RoundcubeClient } from './http.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE_TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';

async function main() {
  const outArg = process.argv.indexOf('--out');
  const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]!) : path.resolve(here, '../../fixtures/roundcube/adapter');
  mkdirSync(out, { recursive: true });
  const env = await startRoundcube({ profile: 'realistic', seed: 1 });
  const rows: string[] = [];
  try {
    const c = new RoundcubeClient(env.url);
    await c.login(env.user, env.password);
    const token = c.token;
    const redact = (s: string) => s.split(token).join(FAKE_TOKEN).replace(/"session_id":"[^"]*"/g, '"session_id":"sessSESSsessSESS"');
    const save = (file: string, what: string, text: string) => {
      writeFileSync(path.join(out, file), redact(text));
      rows.push(`| ${file} | ${what} |`);
    };
    const page = async (file: string, what: string, params: Record<string, string>) => {
      const r = await c.raw('GET', params);
      save(file, what, r.text());
    };
    const ajax = async (file: string, what: string, action: string, params: Record<string, string>, o: { method?: 'GET' | 'POST'; task?: string } = {}) => {
      const r = await c.ajaxRaw(action, params, o);
      save(file, what, JSON.stringify({ request: { action, ...o, params }, status: r.status, json: JSON.parse(r.text()) }, null, 2) + '\n');
    };

    await page('edit-folder-inbox.html', 'settings/edit-folder for INBOX (framed): messagecount in set_env, size row, parent.set_quota.', { _task: 'settings', _action: 'edit-folder', _mbox: 'INBOX', _framed: '1' });
    await page('edit-folder-archives.html', 'settings/edit-folder for the subfolder Patients/Archives.', { _task: 'settings', _action: 'edit-folder', _mbox: 'Patients/Archives', _framed: '1' });
    await page('edit-prefs-general.html', 'settings/edit-prefs, section general (framed): the time zone select (Europe/Paris here).', { _task: 'settings', _action: 'edit-prefs', _section: 'general', _framed: '1' });
    await ajax('search-missing-folder.json', 'search in a folder that does not exist: display_message(error) with "Mailbox doesn\'t exist".', 'search', { _mbox: 'NoSuchFolder', _q: '', _scope: 'base', _filter: 'UID 1:*' });
    await ajax('search-within.json', 'search INBOX with WITHIN criteria: OLDER 15552000 (older than 180 days) LARGER 100000.', 'search', { _mbox: 'INBOX', _q: '', _scope: 'base', _filter: 'OLDER 15552000 LARGER 100000' });
    await ajax('search-uid-max.json', 'search Trash for UID * (the message with the highest UID).', 'search', { _mbox: 'Trash', _q: '', _scope: 'base', _filter: 'UID *' });
    await ajax('search-empty.json', 'search Drafts with nothing matching: the empty answer (no rows, messagecount 0).', 'search', { _mbox: 'Drafts', _q: '', _scope: 'base', _filter: 'UID 1:* LARGER 999999999' });
    const vs = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: '999999', _mbox: 'INBOX', _save: '1', _token: c.token });
    save(
      'viewsource-missing-uid.json',
      'viewsource&_save=1 of a UID that does not exist: 200, attachment, no Content-Length, PHP warnings (display_errors on) instead of a message.',
      JSON.stringify({ status: vs.status, headers: Object.fromEntries([...vs.headers].filter(([k]) => /^content-/.test(k))), body: vs.text() }, null, 2) + '\n',
    );
    await c.logout();
    await page('edit-folder-no-session.html', 'settings/edit-folder (framed) after logout: session_error for the parent window.', { _task: 'settings', _action: 'edit-folder', _mbox: 'INBOX', _framed: '1' });
    await page('mail-no-session.html', 'the mail view after logout: the login page.', { _task: 'mail' });
  } finally {
    await env.stop();
  }
  writeFileSync(
    path.join(out, 'README.md'),
    `# Roundcube 1.6.5 answers read by the Roundcube adapter\n\nRecorded by \`npx tsx tests/servers/roundcube/record-adapter-fixtures.ts\` (realistic seed 1, fictitious data),\n${new Date().toISOString()}. Token replaced by \`${FAKE_TOKEN}\`.\n\n| File | What |\n|---|---|\n${rows.join('\n')}\n`,
  );
  console.log(`wrote ${rows.length} fixtures to ${out}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
