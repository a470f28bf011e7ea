/**
 * Records real Roundcube 1.6.5 responses into tests/fixtures/roundcube/ for the Roundcube adapter's unit tests.
 *
 *   npx tsx tests/servers/roundcube/record-fixtures.ts [--out DIR]
 *
 * Starts its own environment (profile realistic, seed 1, all data fictitious), logs in over HTTP, performs the
 * requests an adapter makes, and saves each exchange. The session token is replaced by a fixed fake value so
 * that re-recording only changes what Roundcube really changed. Dates in list rows depend on the recording day.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deliver, startRoundcube } from './index.ts';
import { RoundcubeClient, listRows, parseSetEnv, type RawResponse } from './http.ts';
import { listMessages, readManifest } from './truth.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const FAKE_TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';

interface Exchange {
  name: string;
  description: string;
  request: { method: 'GET' | 'POST'; path: string; headers?: Record<string, string>; body?: Record<string, string | string[]> };
  response: { status: number; headers: Record<string, string>; json?: unknown; text?: string; bodyBytes?: number; bodyStartsWith?: string };
}

async function main() {
  const outArg = process.argv.indexOf('--out');
  const out = outArg > 0 ? path.resolve(process.argv[outArg + 1]!) : path.resolve(here, '../../fixtures/roundcube');
  mkdirSync(out, { recursive: true });

  const t0 = performance.now();
  const env = await startRoundcube({ profile: 'realistic', seed: 1 });
  console.log(`environment ready in ${((performance.now() - t0) / 1000).toFixed(1)} s at ${env.url}`);
  const written: { file: string; description: string }[] = [];
  try {
    const c = new RoundcubeClient(env.url);
    const base = new URL(env.url);
    const redact = (s: string) => (c.token ? s.split(c.token).join(FAKE_TOKEN) : s);
    const redactDeep = (v: unknown): unknown => JSON.parse(redact(JSON.stringify(v)));
    const keepHeaders = (h: Headers) => {
      const o: Record<string, string> = {};
      for (const k of ['content-type', 'content-disposition', 'content-length', 'location', 'x-frame-options']) {
        const v = h.get(k);
        if (v !== null) o[k] = redact(v);
      }
      return o;
    };
    const save = (file: string, description: string, data: string) => {
      writeFileSync(path.join(out, file), data);
      written.push({ file, description });
    };
    const record = (
      file: string,
      description: string,
      req: Exchange['request'],
      r: RawResponse,
      mode: 'json' | 'text' | 'head' = 'json',
    ): void => {
      const ex: Exchange = {
        name: file.replace(/\.json$/, ''),
        description,
        request: {
          ...req,
          path: redact(req.path.replace(base.origin, '')),
          headers: req.headers ? (redactDeep(req.headers) as Record<string, string>) : undefined,
          body: req.body ? (redactDeep(req.body) as Record<string, string>) : undefined,
        },
        response: { status: r.status, headers: keepHeaders(r.headers) },
      };
      if (mode === 'json') ex.response.json = redactDeep(JSON.parse(r.text()));
      else if (mode === 'text') ex.response.text = redact(r.text());
      else {
        ex.response.bodyBytes = r.body.length;
        ex.response.bodyStartsWith = r.body.subarray(0, 200).toString('latin1');
      }
      save(file, description, JSON.stringify(ex, null, 2) + '\n');
    };
    const ajaxHeaders = () => ({ 'X-Roundcube-Request': c.token });
    const get = async (file: string, description: string, params: Record<string, string>, mode: 'json' | 'text' | 'head' = 'json') => {
      const r = await c.ajaxRaw(String(params._action), Object.fromEntries(Object.entries(params).filter(([k]) => k !== '_action' && k !== '_task')), { task: params._task ?? 'mail' });
      const q = new URLSearchParams({ _task: params._task ?? 'mail', ...params, _remote: '1' });
      record(file, description, { method: 'GET', path: `/?${q}`, headers: ajaxHeaders() }, r, mode);
      return JSON.parse(r.text()) as { env?: Record<string, unknown>; exec?: string };
    };
    const post = async (file: string, description: string, task: string, action: string, body: Record<string, string | string[]>) => {
      const r = await c.ajaxRaw(action, body, { method: 'POST', task });
      record(file, description, { method: 'POST', path: `/?_task=${task}&_action=${action}`, headers: ajaxHeaders(), body: { ...body, _remote: '1' } }, r);
      return JSON.parse(r.text()) as { env?: Record<string, unknown>; exec?: string };
    };

    // --- pages -------------------------------------------------------------------------------------------
    const loginPage = await c.raw('GET', {});
    save('login-page.html', 'The login page (task-login): form#login-form, #rcmloginuser, #rcmloginpwd, #rcmloginsubmit.', loginPage.text());
    // A request without a session: what an adapter sees when the session has expired.
    const expired = await new RoundcubeClient(env.url).ajaxRaw('list', { _mbox: 'INBOX', _page: '1' }, { token: false });
    record('session-expired-list.json', 'AJAX list without a valid session.', { method: 'GET', path: '/?_task=mail&_action=list&_mbox=INBOX&_page=1&_remote=1' }, expired, /^application\/json/.test(expired.headers.get('content-type') ?? '') ? 'json' : 'text');

    await c.login(env.user, env.password);
    const mail = await c.page({ _task: 'mail', _mbox: 'INBOX' });
    save('mail-page.html', 'The mail view after login (INBOX), with its inline rcmail.set_env block.', redact(mail.text()));
    save('mail-set-env.json', 'The rcmail.set_env({...}) object of mail-page.html (user preferences: sort_col, sort_order, pagesize, listcols, search_mods…).', JSON.stringify(redactDeep(parseSetEnv(mail.text())), null, 2) + '\n');

    // --- listing -----------------------------------------------------------------------------------------
    await get('list-inbox-page1.json', 'list INBOX page 1, default sort (none, DESC = highest UIDs first), with set_quota.', { _action: 'list', _mbox: 'INBOX', _page: '1' });
    await get('list-inbox-size-desc.json', 'list INBOX page 1 sorted by size (_sort=size_DESC; saves message_sort_col/order).', { _action: 'list', _mbox: 'INBOX', _page: '1', _sort: 'size_DESC' });
    await get('list-inbox-size-desc-page2.json', 'list INBOX page 2 with the session sort (no set_quota after page 1).', { _action: 'list', _mbox: 'INBOX', _page: '2' });
    await get('list-restore-sort.json', 'list with _sort=_DESC: restores "no sort column" (the default).', { _action: 'list', _mbox: 'INBOX', _page: '1', _sort: '_DESC' });
    await get('list-patients-archives.json', 'list of the subfolder Patients/Archives.', { _action: 'list', _mbox: 'Patients/Archives', _page: '1' });

    // --- searching ---------------------------------------------------------------------------------------
    const s1 = await get('search-interval-filter.json', 'search INBOX: older than 6 months (_interval=-6M) with an attachment (_filter=HEADER Content-Type multipart/mixed).', {
      _action: 'search', _mbox: 'INBOX', _scope: 'base', _q: '', _interval: '-6M', _filter: 'HEADER Content-Type multipart/mixed',
    });
    await get('search-page2.json', 'page 2 of search-interval-filter through list&_search=<search_request>.', { _action: 'list', _mbox: 'INBOX', _search: String(s1.env?.search_request), _page: '2' });
    await get('search-larger-unseen.json', 'search INBOX with raw IMAP criteria in _filter: LARGER 1000000 UNSEEN.', { _action: 'search', _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'LARGER 1000000 UNSEEN' });
    await get('search-body-hprim.json', 'search INBOX for HPRIM results: _filter=BODY "****FIN****" (bodies and text/* attachments).', { _action: 'search', _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'BODY "****FIN****"' });
    await get('search-text-xdm.json', 'search INBOX for IHE_XDM.ZIP attachments: _filter=TEXT "IHE_XDM.ZIP" (TEXT reaches MIME part headers, BODY does not).', { _action: 'search', _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'TEXT "IHE_XDM.ZIP"' });
    await get('search-scope-all.json', 'search all folders (_scope=all): multi-folder result, rows carry mbox and the folder column.', { _action: 'search', _mbox: 'INBOX', _scope: 'all', _q: 'hospitalisation', _headers: 'subject' });
    await get('search-no-match.json', 'search without any match.', { _action: 'search', _mbox: 'INBOX', _scope: 'base', _q: 'zzzz-aucun-resultat', _headers: 'subject' });
    await get('list-after-search.json', 'list without _search: drops the stored search.', { _action: 'list', _mbox: 'INBOX', _page: '1' });

    // --- counts, sizes, sources --------------------------------------------------------------------------
    await get('getunread.json', 'getunread: set_unread_count per folder + set_trash_count.', { _action: 'getunread', _page: '1' });
    await post('folder-size.json', 'settings/folder-size for INBOX: a formatted size only.', 'settings', 'folder-size', { _mbox: 'INBOX' });
    const inbox = await listMessages(env, 'INBOX');
    const man = readManifest(env).messages;
    const withPdf = man.find((m) => m.folder === 'INBOX' && m.clinical === 'pdf')!;
    await get('headers.json', '_action=headers (AJAX): the raw header block as HTML in set_headers(); does not set \\Seen.', { _action: 'headers', _uid: String(withPdf.uid), _mbox: 'INBOX' });
    const vs = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(withPdf.uid), _mbox: 'INBOX', _save: '1', _token: c.token });
    record('viewsource-save.json', 'viewsource&_save=1&_token=…: the exact .eml (CRLF); headers and first bytes only.', { method: 'GET', path: `/?_task=mail&_action=viewsource&_uid=${withPdf.uid}&_mbox=INBOX&_save=1&_token=${c.token}` }, vs, 'head');
    const vsNoTok = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(withPdf.uid), _mbox: 'INBOX', _save: '1' });
    record('viewsource-save-no-token.json', 'viewsource&_save=1 without _token: an HTML error page with status 200, not the message.', { method: 'GET', path: `/?_task=mail&_action=viewsource&_uid=${withPdf.uid}&_mbox=INBOX&_save=1` }, vsNoTok, 'head');
    const vsInline = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(withPdf.uid), _mbox: 'INBOX' });
    record('viewsource-inline.json', 'viewsource without _save: inline, LF line ends (not byte-exact).', { method: 'GET', path: `/?_task=mail&_action=viewsource&_uid=${withPdf.uid}&_mbox=INBOX` }, vsInline, 'head');

    // --- state changes -----------------------------------------------------------------------------------
    const noHeader = await c.raw('POST', { _task: 'mail', _action: 'move' }, { body: { _uid: String(inbox[0]!.uid), _mbox: 'INBOX', _target_mbox: 'Trash', _remote: '1' } });
    record('post-without-token.json', 'A POST action without X-Roundcube-Request nor _token: 403 "Invalid Request".', { method: 'POST', path: '/?_task=mail&_action=move', body: { _uid: String(inbox[0]!.uid), _mbox: 'INBOX', _target_mbox: 'Trash', _remote: '1' } }, noHeader, 'text');
    const unseen = inbox.filter((m) => !m.flags.seen).slice(0, 2).map((m) => String(m.uid));
    await post('mark-read.json', 'mark two INBOX messages read.', 'mail', 'mark', { _uid: unseen.join(','), _mbox: 'INBOX', _flag: 'read' });
    await post('mark-unread.json', 'mark them unread again.', 'mail', 'mark', { _uid: unseen.join(','), _mbox: 'INBOX', _flag: 'unread' });
    const toMove = inbox.slice(10, 13).map((m) => String(m.uid));
    await post('move-to-trash.json', 'move three INBOX messages to Trash (refill row, set_quota, set_trash_count; no new UIDs).', 'mail', 'move', { _uid: toMove.join(','), _mbox: 'INBOX', _target_mbox: 'Trash' });
    const trash = await listMessages(env, 'Trash');
    const moved = trash.slice(-3).map((m) => String(m.uid));
    await get('search-uid-range.json', 'search Trash with _filter=UID <first new uid>:* right after the move (finds the moved messages).', { _action: 'search', _mbox: 'Trash', _scope: 'base', _q: '', _filter: `UID ${moved[0]}:*` });
    await post('move-nonexistent-uid.json', 'move a UID that does not exist.', 'mail', 'move', { _uid: '999999', _mbox: 'INBOX', _target_mbox: 'Trash' });
    await post('move-range-uids.json', 'move with an IMAP range in _uid (40:45): refused.', 'mail', 'move', { _uid: '40:45', _mbox: 'INBOX', _target_mbox: 'Trash' });
    await post('move-back.json', 'move one of them back from Trash to INBOX (undo).', 'mail', 'move', { _uid: moved.slice(0, 1).join(','), _mbox: 'Trash', _target_mbox: 'INBOX' });
    await post('delete-forever.json', 'delete (permanent) two messages in Trash.', 'mail', 'delete', { _uid: moved.slice(1).join(','), _mbox: 'Trash' });
    await post('purge-junk.json', 'purge Junk: not Trash, so every message is moved to Trash.', 'mail', 'purge', { _mbox: 'Junk' });
    await post('purge-trash-reload.json', 'purge Trash with _reload=1: everything deleted for good, plus set_quota and list reset.', 'mail', 'purge', { _mbox: 'Trash', _reload: '1' });
    // What the refresh timer posts when refresh_interval > 0 (rcmail.refresh + check_recent_params).
    const refreshBody = async () => ({
      _mbox: 'INBOX', _folderlist: '1', _quota: '1', _list: '1',
      _uids: listRows((await c.ajax('list', { _mbox: 'INBOX', _page: '1' })).exec).map((r) => r.uid).join(','),
      _last: String(Math.floor(Date.now() / 1000) - 60),
    });
    await post('refresh-no-change.json', 'refresh with _quota=1 when nothing changed in the current folder: unread counts only, no set_quota.', 'mail', 'refresh', await refreshBody());
    const body = await refreshBody();
    const newUid = await deliver(env, 'INBOX', Buffer.from(
      'Date: ' + new Date().toUTCString().replace('GMT', '+0000') + '\r\nFrom: "Laboratoire Exemple" <resultats@labo-exemple.mssante.fr>\r\n' +
      'To: ' + env.address + '\r\nSubject: Nouveau message\r\nMessage-ID: <refresh-fixture@labo-exemple.mssante.fr>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=UTF-8\r\n\r\nMessage de test (fictif).\r\n', 'utf8'));
    await post('refresh-new-mail.json', `refresh after a new message arrived in INBOX (UID ${newUid}): set_quota, counts, the new row.`, 'mail', 'refresh', body);

    // --- compose -----------------------------------------------------------------------------------------
    const compose = await c.raw('GET', { _task: 'mail', _action: 'compose' });
    save('compose-page.html', 'The compose page (task-mail action-compose), plain-text editor, identity with signature.', redact(compose.text()));
    const composeEnv = parseSetEnv(compose.text());
    save('compose-set-env.json', 'The rcmail.set_env({...}) object of compose-page.html (compose_id, identity, signatures…).', JSON.stringify(redactDeep(composeEnv), null, 2) + '\n');
    const block = /<script[^>]*>\s*(?:\/\/ <!\[CDATA\[\s*)?[^<]*?rcmail\.set_env\([\s\S]*?<\/script>/.exec(compose.text())?.[0];
    if (block) save('compose-set-env-block.html', 'The inline <script> block of compose-page.html that calls rcmail.set_env.', redact(block) + '\n');

    // --- index -------------------------------------------------------------------------------------------
    const readme = `# Roundcube 1.6.5 fixtures (recorded)

Recorded by \`npx tsx tests/servers/roundcube/record-fixtures.ts\` against the real test environment
(Debian roundcube-core 1.6.5, Dovecot 2.3.19, fr_FR, elastic, quota 200 MiB, seed profile "realistic", seed 1).
All people, patients and organisations are fictitious (generated by tests/servers/seed).
The session token is replaced by \`${FAKE_TOKEN}\`. Row dates ("Aujourd’hui 10:32", "Lun 14:05",
"2025-06-01 11:32") depend on the day of recording. Each .json holds \`request\` (method, path, headers, body)
and \`response\` (status, a few headers, and \`json\`, \`text\` or the first bytes).

Recorded on ${new Date().toISOString()}.

| File | What |
|---|---|
${written.map((w) => `| ${w.file} | ${w.description.replace(/\|/g, '\\|')} |`).join('\n')}
`;
    writeFileSync(path.join(out, 'README.md'), readme);
    console.log(`wrote ${written.length} fixtures + README.md to ${path.relative(process.cwd(), out) || out}`);
  } finally {
    await env.stop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
