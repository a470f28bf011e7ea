/**
 * Re-checks, with real requests against Roundcube 1.6.5 + Dovecot 2.3, every answer written in FINDINGS.md.
 *
 *   npx vitest run --config vitest.e2e.config.ts tests/servers/roundcube/findings.test.ts
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver, startRoundcube, type RoundcubeEnv } from './index.ts';
import { RoundcubeClient, listRows, setQuota, type ListRow } from './http.ts';
import { folderStatus, listMessages, quota, readManifest, roundcubePrefs, search, type Manifest } from './truth.ts';
import { rcFormatDate, rcShowBytes, rcSizeRange } from './format.ts';
import { classifyRaw } from '../../../lib/features/cleanup/classify';
import { PART_QUERIES } from '../../../lib/features/cleanup/triage';
import { partFilter } from '../../../lib/webmail/roundcube/parse';

type Entry = Manifest['messages'][number];

describe('FINDINGS.md, verified on Roundcube 1.6.5 + Dovecot 2.3', () => {
  let env: RoundcubeEnv;
  let c: RoundcubeClient;
  let man: Entry[];

  /** Every UID of a search result, following its pages with list&_search. */
  async function searchAll(mbox: string, params: Record<string, string>): Promise<{ uids: Set<number>; rows: ListRow[]; env: Record<string, unknown> }> {
    const first = await c.ajax('search', { _mbox: mbox, _scope: 'base', _q: '', ...params });
    expect(first.status).toBe(200);
    const rows = listRows(first.exec);
    const total = Number(first.env?.messagecount ?? 0);
    const req = String(first.env?.search_request ?? '');
    for (let page = 2; rows.length < total; page++) {
      const next = await c.ajax('list', { _mbox: mbox, _search: req, _page: String(page) });
      const got = listRows(next.exec);
      if (!got.length) break;
      rows.push(...got);
    }
    expect(rows.length).toBe(total);
    return { uids: new Set(rows.map((r) => r.uid)), rows, env: first.env ?? {} };
  }

  const uidSet = (f: (m: Entry) => boolean, folder = 'INBOX') => new Set(man.filter((m) => m.folder === folder && f(m)).map((m) => m.uid));
  const freshSessionEnv = async () => {
    const s = new RoundcubeClient(env.url);
    await s.login(env.user, env.password);
    return s.pageEnv;
  };

  beforeAll(async () => {
    env = await startRoundcube({ profile: 'realistic', seed: 5 });
    c = new RoundcubeClient(env.url);
    await c.login(env.user, env.password);
    man = readManifest(env).messages;
  }, 120_000);

  afterAll(async () => {
    await env?.stop();
  }, 30_000);

  it('1. BODY finds HPRIM in bodies and text/* attachments only; BODY ignores MIME part headers, TEXT does not', async () => {
    const isHprimAtt = (m: Entry) => m.attachments.some((a) => /\.(hpr|txt)$/.test(a.filename));
    const hprimBody = uidSet((m) => m.clinical === 'hprim' && !isHprimAtt(m));
    const hprimTextPlain = uidSet((m) => m.attachments.some((a) => /\.(hpr|txt)$/.test(a.filename) && a.contentType === 'text/plain'));
    const hprimOctet = uidSet((m) => m.attachments.some((a) => /\.hpr$/.test(a.filename) && a.contentType === 'application/octet-stream'));
    const xdm = uidSet((m) => m.clinical === 'xdm');
    const withPdf = uidSet((m) => m.attachments.some((a) => a.contentType === 'application/pdf'));
    expect(hprimBody.size && hprimTextPlain.size && hprimOctet.size && xdm.size && withPdf.size).toBeTruthy();

    const fin = await searchAll('INBOX', { _filter: 'BODY "****FIN****"' });
    expect(fin.env.search_filter).toBe('BODY "****FIN****"');
    expect(fin.uids).toEqual(new Set([...hprimBody, ...hprimTextPlain]));
    for (const u of hprimOctet) if (!hprimTextPlain.has(u)) expect(fin.uids.has(u), `octet-stream .hpr uid ${u}`).toBe(false);
    // Same set through the search box (_q + _headers=body, or the "body:" prefix).
    expect((await searchAll('INBOX', { _q: '****FIN****', _headers: 'body' })).uids).toEqual(fin.uids);
    expect((await searchAll('INBOX', { _q: 'body:****FIN****' })).uids).toEqual(fin.uids);
    // Dovecot directly agrees.
    expect(new Set(await search(env, 'INBOX', { body: '****FIN****' }))).toEqual(fin.uids);

    // MIME part headers: not searched by BODY, searched by TEXT.
    expect((await searchAll('INBOX', { _filter: 'BODY "IHE_XDM.ZIP"' })).uids.size).toBe(0);
    expect((await searchAll('INBOX', { _filter: 'BODY "application/pdf"' })).uids.size).toBe(0);
    expect((await searchAll('INBOX', { _filter: 'BODY "%PDF-1.4"' })).uids.size).toBe(0);
    expect((await searchAll('INBOX', { _filter: 'TEXT "IHE_XDM.ZIP"' })).uids).toEqual(xdm);
    expect((await searchAll('INBOX', { _filter: 'TEXT "application/pdf"' })).uids).toEqual(withPdf);
    expect((await searchAll('INBOX', { _q: 'IHE_XDM.ZIP', _headers: 'text' })).uids).toEqual(xdm);
    // Top-level HEADER does not reach part headers.
    expect(await search(env, 'INBOX', ['HEADER', 'Content-Disposition', 'IHE_XDM.ZIP'])).toEqual([]);
    // TEXT matches a non-ASCII file name (the seeder sends both name="=?UTF-8?Q?…?=" and filename*=UTF-8''…).
    const accented = man.find((m) => m.folder === 'INBOX' && m.attachments.some((a) => /[^\x00-\x7f]/.test(a.filename)))!;
    const name = accented.attachments.find((a) => /[^\x00-\x7f]/.test(a.filename))!.filename;
    expect(await search(env, 'INBOX', ['TEXT', name])).toContain(accented.uid);
    const pct = Array.from(Buffer.from(name, 'utf8'), (b) => (/[A-Za-z0-9._-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0'))).join('');
    expect(await search(env, 'INBOX', ['TEXT', pct])).toContain(accented.uid);
    expect(new Set(await search(env, 'INBOX', ['TEXT', 'ihe_xdm.zip']))).toEqual(xdm);
  }, 60_000);

  it('2. viewsource (inline or _save=1) and headers leave \\Seen alone; preview sets it', async () => {
    const unseen = (await listMessages(env, 'INBOX')).filter((m) => !m.flags.seen).map((m) => m.uid);
    expect(unseen.length).toBeGreaterThan(5);
    const seen = async (uid: number) => (await listMessages(env, 'INBOX')).find((m) => m.uid === uid)!.flags.seen;
    const [a, b, d, e, f] = unseen as [number, number, number, number, number];

    const inline = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(a), _mbox: 'INBOX' });
    expect(inline.status).toBe(200);
    expect(inline.headers.get('content-disposition')).toBe('inline');
    expect(inline.body.includes('\r\n')).toBe(false); // "formatted" mode: LF line ends
    expect(await seen(a)).toBe(false);

    const saved = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(b), _mbox: 'INBOX', _save: '1', _token: c.token });
    expect(saved.status).toBe(200);
    expect(saved.headers.get('content-disposition')).toMatch(/^attachment; filename(="[^"]+\.eml"|\*=UTF-8''\S+\.eml)$/);
    expect(Number(saved.headers.get('content-length'))).toBe(saved.body.length);
    expect(saved.body.includes('\r\n')).toBe(true);
    expect(await seen(b)).toBe(false);

    const noToken = await c.raw('GET', { _task: 'mail', _action: 'viewsource', _uid: String(b), _mbox: 'INBOX', _save: '1' });
    expect(noToken.status).toBe(200);
    expect(noToken.headers.get('content-type')).toMatch(/^text\/html/);

    const h = await c.ajax('headers', { _uid: String(d), _mbox: 'INBOX' });
    expect(h.action).toBe('headers');
    expect(h.exec).toMatch(/^this\.set_headers\("/);
    expect(h.exec).toContain('<font class=\\"bold\\">Message-ID:</font>');
    expect(h.exec).toContain('=?UTF-8?'); // raw, undecoded header values
    expect(await seen(d)).toBe(false);
    const hPost = await c.ajax('headers', { _uid: String(d), _mbox: 'INBOX' }, { method: 'POST' });
    expect(hPost.exec).toBe(h.exec);
    const hPage = await c.raw('GET', { _task: 'mail', _action: 'headers', _uid: String(e), _mbox: 'INBOX' });
    expect(hPage.headers.get('content-type')).toMatch(/^text\/html/);
    expect(hPage.text()).toContain('Message-ID:');
    expect(await seen(e)).toBe(false);

    await c.raw('GET', { _task: 'mail', _action: 'preview', _uid: String(f), _mbox: 'INBOX', _framed: '1' });
    expect(await seen(f)).toBe(true);
  }, 60_000);

  it('6. MIMEPART through _filter lists messages by structure; the planner\'s part queries never call a clinical message "not clinical"', async () => {
    // The three positive listings of triage.ts (PART_QUERIES), as the adapter sends them (partFilter), on every
    // message of every folder, against the classifier's verdict on the bytes Dovecot holds (doveadm fetch text).
    const raws = new Map<string, Uint8Array>();
    for (const folder of [...new Set(man.map((m) => m.folder))]) {
      const rows = JSON.parse((await env.doveadmRaw(['-f', 'json', 'fetch', '-u', env.user, 'uid text', 'mailbox', folder, 'all'])).toString('utf8')) as { uid: string; text: string }[];
      for (const r of rows) raws.set(`${folder}\u0000${r.uid}`, Buffer.from(r.text, 'utf8'));
    }
    let decided = 0;
    const unsafe: string[] = [];
    const relabelled: string[] = [];
    const counts: Record<string, number> = {};
    for (const folder of [...new Set(man.map((m) => m.folder))]) {
      const open = new Set(man.filter((m) => m.folder === folder).map((m) => m.uid));
      for (const { verdict, q } of PART_QUERIES) {
        const filter = partFilter(q);
        expect(filter).not.toBeNull();
        const { uids } = await searchAll(folder, { _filter: `UID 1:* ${filter}` });
        for (const uid of uids) {
          if (!open.delete(uid)) continue;
          const raw = raws.get(`${folder}\u0000${uid}`);
          expect(raw, `${folder} ${uid}`).toBeDefined();
          const truth = await classifyRaw(raw!);
          counts[`${truth}→${verdict}`] = (counts[`${truth}→${verdict}`] ?? 0) + 1;
          decided++;
          if ((truth === null) !== (verdict === null)) unsafe.push(`${folder} ${uid}: ${truth} → ${verdict}`);
          else if (truth !== verdict) relabelled.push(`${folder} ${uid}: ${truth} → ${verdict}`);
        }
      }
    }
    console.log(`MIMEPART triage: ${decided} of ${man.length} messages decided without a download; ${JSON.stringify(counts)}`);
    expect(unsafe).toEqual([]);
    expect(relabelled).toEqual([]);
    expect(decided).toBeGreaterThan(man.length / 2);
    // A server without MIMEPART: Dovecot answers BAD, Roundcube lists nothing (a positive listing stays safe).
    const bad = await c.ajax('search', { _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'UID 1:* MIMEPART (NOSUCHKEY "x")' });
    expect(Number(bad.env?.messagecount ?? 0)).toBe(0);
  }, 180_000);

  it('5. list rows format sizes with show_bytes and dates with format_date (fr_FR, Europe/Paris)', async () => {
    const truth = new Map((await listMessages(env, 'INBOX')).map((m) => [m.uid, m]));
    const rows: ListRow[] = [];
    const first = await c.ajax('list', { _mbox: 'INBOX', _page: '1' });
    const pages = Number(first.env?.pagecount);
    rows.push(...listRows(first.exec));
    for (let p = 2; p <= pages; p++) rows.push(...listRows((await c.ajax('list', { _mbox: 'INBOX', _page: String(p) })).exec));
    expect(rows.length).toBe(truth.size);
    const now = new Date();
    const labels = { today: 0, week: 0, long: 0 };
    const bad: string[] = [];
    for (const r of rows) {
      const t = truth.get(r.uid)!;
      if (r.cols.size !== rcShowBytes(t.vsize)) bad.push(`uid ${r.uid}: size "${r.cols.size}" for ${t.vsize} bytes`);
      const range = rcSizeRange(r.cols.size!);
      if (!range || t.vsize < range.min || t.vsize > range.max) bad.push(`uid ${r.uid}: ${t.vsize} outside ${JSON.stringify(range)}`);
      if (r.cols.date !== rcFormatDate(t.internalDate, now)) bad.push(`uid ${r.uid}: date "${r.cols.date}" for ${t.internalDate.toISOString()}`);
      if (r.cols.date!.startsWith('Aujourd’hui ')) labels.today++;
      else if (/^(Lun|Mar|Mer|Jeu|Ven|Sam|Dim) \d\d:\d\d$/.test(r.cols.date!)) labels.week++;
      else if (/^\d{4}-\d\d-\d\d \d\d:\d\d$/.test(r.cols.date!)) labels.long++;
    }
    expect(bad).toEqual([]);
    expect(labels.long).toBeGreaterThan(0);
    expect(labels.today + labels.week).toBeGreaterThan(0);
    // All three size units occur in a realistic mailbox.
    expect(rows.some((r) => r.cols.size!.endsWith(' Mo'))).toBe(true);
    expect(rows.some((r) => r.cols.size!.endsWith(' ko'))).toBe(true);
  }, 60_000);

  it('3. _sort, _cols, _layout, _threads (list) and _headers (search) are saved as preferences; search cannot sort on its own', async () => {
    const orig = await freshSessionEnv();
    expect(orig.sort_col).toBe('');
    expect(orig.sort_order).toBe('DESC');
    expect(orig.pagesize).toBe(50);
    expect(orig.listcols).toEqual(['threads', 'subject', 'status', 'fromto', 'date', 'size', 'flag', 'attachment']);
    expect(orig.layout).toBe('widescreen');

    // search ignores _sort: results follow the session's sort, and no preference changes.
    const bySeq = await c.ajax('search', { _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'LARGER 1500000', _sort: 'size_ASC' });
    const seqUids = listRows(bySeq.exec).map((r) => r.uid);
    expect(seqUids).toEqual([...seqUids].sort((x, y) => y - x)); // still sequence DESC
    expect((await freshSessionEnv()).sort_col).toBe('');

    await c.ajax('list', { _mbox: 'INBOX', _page: '1', _sort: 'size_DESC' });
    const bySize = await c.ajax('search', { _mbox: 'INBOX', _scope: 'base', _q: '', _filter: 'LARGER 1500000' });
    const sizes = (await listMessages(env, 'INBOX')).reduce((m, x) => m.set(x.uid, x.vsize), new Map<number, number>());
    const sized = listRows(bySize.exec).map((r) => sizes.get(r.uid)!);
    expect(sized).toEqual([...sized].sort((x, y) => y - x));
    await c.ajax('list', { _mbox: 'INBOX', _page: '1', _cols: 'subject,fromto,date,size' });
    await c.ajax('list', { _mbox: 'INBOX', _page: '1', _layout: 'list' });
    await c.ajax('list', { _mbox: 'INBOX', _page: '1', _threads: '1' });
    await c.ajax('search', { _mbox: 'INBOX', _scope: 'base', _q: 'Résultats', _headers: 'subject,from' });
    const changed = await freshSessionEnv();
    expect(changed.sort_col).toBe('size');
    expect(changed.sort_order).toBe('DESC');
    expect(changed.listcols).toEqual(['threads', 'subject', 'fromto', 'date', 'size']);
    expect(changed.threading).toBe(true);
    expect((changed.search_mods as Record<string, unknown>).INBOX).toEqual({ subject: 1, from: 1 });
    // Stored preferences (the elastic skin only supports "widescreen", so env.layout stays widescreen).
    const prefs = await roundcubePrefs(env);
    // (rcube_user::save_prefs does not store a value equal to the default unless one was stored before.)
    expect(prefs.message_sort_order ?? 'DESC').toBe('DESC');
    expect(prefs).toMatchObject({
      message_sort_col: 'size',
      list_cols: ['subject', 'fromto', 'date', 'size'],
      layout: 'list',
      message_threading: { INBOX: true },
      search_mods: { INBOX: { subject: 1, from: 1 } },
    });
    expect(changed.layout).toBe('widescreen');

    // Restore from what the page said before.
    const cols = (orig.listcols as string[]).filter((x) => x !== 'threads').join(',');
    await c.ajax('list', { _mbox: 'INBOX', _page: '1', _sort: `${orig.sort_col}_${orig.sort_order}`, _cols: cols, _layout: String(orig.layout), _threads: '0' });
    const restored = await freshSessionEnv();
    for (const k of ['sort_col', 'sort_order', 'listcols', 'layout', 'threading'] as const) expect(restored[k], k).toEqual(orig[k]);
    const back = await roundcubePrefs(env);
    expect(back).toMatchObject({ message_sort_col: '', layout: 'widescreen', message_threading: { INBOX: false } });
    expect(back.message_sort_order ?? 'DESC').toBe('DESC');

    // Page size: a user preference, changed only through settings/save-prefs (form POST with _token).
    const save = await c.raw('POST', { _task: 'settings', _action: 'save-prefs' }, { body: { _section: 'mailbox', _mail_pagesize: '200', _token: c.token } });
    expect(save.text()).toContain('display_message("Enregistré avec succès."');
    expect((await freshSessionEnv()).pagesize).toBe(200);
    expect(listRows((await c.ajax('list', { _mbox: 'INBOX', _page: '1' })).exec)).toHaveLength(200);
    await c.raw('POST', { _task: 'settings', _action: 'save-prefs' }, { body: { _section: 'mailbox', _mail_pagesize: '50', _token: c.token } });
    expect((await freshSessionEnv()).pagesize).toBe(50);

    // Not a preference but session state: the page number is remembered across folders.
    await c.ajax('list', { _mbox: 'INBOX', _page: '4' });
    const noPage = await c.ajax('list', { _mbox: 'Trash' });
    expect(noPage.env?.current_page).toBe(4);
    await c.ajax('list', { _mbox: 'INBOX', _page: '1' });
  }, 60_000);

  it('4. After a move, _filter=UID n:* lists the new Trash UIDs; MOVE numbers them in source-UID order', async () => {
    // Highest Trash UID before: with no sort column (DESC) the list is in sequence order, so row 1.
    const before = await c.ajax('list', { _mbox: 'Trash', _page: '1', _sort: '_DESC' });
    const maxBefore = listRows(before.exec)[0]!.uid;
    const trashTruth = await listMessages(env, 'Trash');
    expect(maxBefore).toBe(Math.max(...trashTruth.map((m) => m.uid)));

    const inbox = await listMessages(env, 'INBOX');
    const picked = [inbox[40]!, inbox[7]!, inbox[25]!, inbox[3]!, inbox[60]!]; // deliberately not in UID order
    const mv = await c.ajax('move', { _uid: picked.map((m) => String(m.uid)).join(','), _mbox: 'INBOX', _target_mbox: 'Trash' }, { method: 'POST' });
    expect(mv.status).toBe(200);
    expect(mv.exec).toContain('display_message("Les courriels ont été déplacés vers la corbeille avec succès."');
    expect(mv.exec).not.toMatch(/COPYUID|\b(?:uid|uids)\b.*\[/); // no new UIDs in the answer

    const found = await searchAll('Trash', { _filter: `UID ${maxBefore + 1}:*` });
    const newUids = [...found.uids].sort((x, y) => x - y);
    expect(newUids).toEqual(Array.from({ length: picked.length }, (_, i) => maxBefore + 1 + i));
    const after = await listMessages(env, 'Trash');
    const byUid = new Map(after.map((m) => [m.uid, m.messageId]));
    const sourceInUidOrder = [...picked].sort((x, y) => x.uid - y.uid).map((m) => m.messageId);
    expect(newUids.map((u) => byUid.get(u))).toEqual(sourceInUidOrder);
    // Internal dates are kept, so "arrival" order is not UID order.
    for (const m of picked) expect(after.find((x) => x.messageId === m.messageId)!.internalDate).toEqual(m.internalDate);

    // IMAP quirk: n:* always contains the highest UID, even when n is above it.
    const above = await searchAll('Trash', { _filter: `UID ${maxBefore + 1000}:*` });
    expect([...above.uids]).toEqual([newUids[newUids.length - 1]]);
  }, 60_000);
  it('other observations: session_error, 403 without token, refresh and set_quota, purge of Junk', async () => {
    const anon = await new RoundcubeClient(env.url).ajax('list', { _mbox: 'INBOX', _page: '1' }, { token: false });
    expect(anon.status).toBe(200);
    expect(anon.exec).toContain('this.session_error(');
    const noTok = await c.raw('POST', { _task: 'mail', _action: 'mark' }, { body: { _uid: '1', _mbox: 'INBOX', _flag: 'read', _remote: '1' } });
    expect(noTok.status).toBe(403);
    expect(noTok.text()).toBe('Invalid Request');

    const refresh = async () => {
      const uids = listRows((await c.ajax('list', { _mbox: 'INBOX', _page: '1', _sort: '_DESC' })).exec).map((r) => String(r.uid));
      return c.ajax('refresh', { _mbox: 'INBOX', _folderlist: '1', _quota: '1', _list: '1', _uids: uids.join(','), _last: String(Math.floor(Date.now() / 1000) - 60) }, { method: 'POST' });
    };
    expect((await c.ajax('refresh', {}, { method: 'POST' })).exec ?? '').toBe('');
    const quiet = await refresh();
    expect(quiet.exec).toContain('set_unread_count("INBOX"');
    expect(setQuota(quiet.exec)).toBeNull();
    const body = { _mbox: 'INBOX', _folderlist: '1', _quota: '1', _list: '1', _uids: '1', _last: String(Math.floor(Date.now() / 1000) - 60) };
    const used = (await quota(env)).usedKiB;
    await deliver(env, 'INBOX', Buffer.from('From: a@labo.mssante.fr\r\nTo: ' + env.address + '\r\nSubject: x\r\nMessage-ID: <findings-refresh@labo.mssante.fr>\r\n\r\n' + 'x'.repeat(5000) + '\r\n'));
    const busy = await c.ajax('refresh', body, { method: 'POST' });
    const q = setQuota(busy.exec);
    expect(q?.used).toBe((await quota(env)).usedKiB);
    expect(q!.used).toBeGreaterThan(used);

    const junk = (await folderStatus(env)).find((f) => f.name === 'Junk')!.messages;
    const trash = (await folderStatus(env)).find((f) => f.name === 'Trash')!.messages;
    expect(junk).toBeGreaterThan(0);
    const purge = await c.ajax('purge', { _mbox: 'Junk' }, { method: 'POST' });
    expect(purge.exec).toContain('display_message("Le dossier a été vidé avec succès."');
    const after = await folderStatus(env);
    expect(after.find((f) => f.name === 'Junk')!.messages).toBe(0);
    expect(after.find((f) => f.name === 'Trash')!.messages).toBe(trash + junk);
  }, 60_000);
});
