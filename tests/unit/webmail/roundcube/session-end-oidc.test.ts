/**
 * The Mailiz-like Roundcube's answer to the request that finds the OpenID Connect session over (recorded:
 * tests/fixtures/roundcube/mailiz/, tests/servers/roundcube/record-mailiz-fixtures.ts): HTTP 200, an empty folder,
 * an unknown quota, an IMAP AUTHENTICATIONFAILED message. The adapter must read 'auth-expired', never an empty
 * folder: a cleanup preview or a "still in the folder?" check that believed it could mark messages as gone.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RcApi } from '../../../../lib/webmail/roundcube/api';
import { isImapAuthFailure } from '../../../../lib/webmail/roundcube/errors';
import { isWebmailError } from '../../../../lib/webmail/types';

const FIX = path.resolve(import.meta.dirname, '../../../fixtures/roundcube');
const text = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const recorded = (f: string) => (JSON.parse(text(f)) as { response: { json: { env?: Record<string, unknown>; exec: string } } }).response.json;
const TOKEN = 'rcTOKENrcTOKENrcTOKENrcTOKENrcTO';

const json = (body: unknown) => new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json; charset=UTF-8' } });
const html = (body: string) => new Response(body, { headers: { 'content-type': 'text/html; charset=UTF-8' } });

/** Answers in order: the first is the dead one, the next ones what Roundcube answers once the session is killed. */
function fakeApi(answers: (() => Response)[]) {
  const seen: URL[] = [];
  const api = new RcApi({
    pageUrl: 'http://127.0.0.1:8080/?_task=mail&_mbox=INBOX',
    commPath: '/?_task=mail',
    token: TOKEN,
    fetch: async (input) => {
      seen.push(new URL(input));
      const next = answers[Math.min(seen.length - 1, answers.length - 1)]!;
      return next();
    },
  });
  return { api, seen };
}

const sessionError = () => json(recorded('session-expired-list.json'));

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    const v = await p;
    return `no error: ${JSON.stringify(v)?.slice(0, 120)}`;
  } catch (e) {
    return isWebmailError(e) ? e.code : `not a WebmailError: ${String(e)}`;
  }
}

describe('the recorded answers look like an empty folder (what makes them dangerous)', () => {
  it('search and list: messagecount 0, an IMAP authentication failure, quota unknown', () => {
    const search = recorded('mailiz/auth-expired-search.json');
    expect(search.env).toMatchObject({ messagecount: 0 });
    expect(search.exec).toMatch(/display_message\("Erreur de serveur\s:\sAUTHENTICATE XOAUTH2: A0001 NO \[AUTHENTICATIONFAILED\] Authentication failed\.","error"/);
    const list = recorded('mailiz/auth-expired-list.json');
    expect(list.env).toMatchObject({ messagecount: 0, quota: false });
    expect(list.exec).toContain('this.set_quota({"arg":false,"type":"","folder":"INBOX","title":"inconnue","percent":0});');
    // folder-size says "0 o" with no error at all; the framed settings page says 0 messages, no error, no quota.
    expect(recorded('mailiz/auth-expired-folder-size.json').exec).toBe('this.folder_size_update("0 o");\n');
    expect(text('mailiz/auth-expired-edit-folder.html')).toMatch(/"messagecount":0/);
  });
});

describe('the adapter reads them as auth-expired', () => {
  it('search (preview, stillIn, counts): not an empty folder', async () => {
    const dead = () => json(recorded('mailiz/auth-expired-search.json'));
    expect(await codeOf(fakeApi([dead]).api.searchFirst('INBOX', 'ALL'))).toBe('auth-expired');
    expect(await codeOf(fakeApi([dead]).api.uidsMatching('INBOX', 'UID 1:100'))).toBe('auth-expired');
    expect(await codeOf(fakeApi([dead]).api.countMatching('INBOX', 'ALL'))).toBe('auth-expired');
    expect(await codeOf(fakeApi([dead]).api.maxUid('Trash'))).toBe('auth-expired');
  });

  it('a page of a stored search (list)', async () => {
    const { api } = fakeApi([() => json(recorded('mailiz/auth-expired-list.json'))]);
    expect(await codeOf(api.searchPage('INBOX', 'abc', 2))).toBe('auth-expired');
  });

  it('a move: the session is over, not "the webmail refused"', async () => {
    const { api } = fakeApi([() => json(recorded('mailiz/auth-expired-move.json'))]);
    expect(await codeOf(api.moveUids('INBOX', [1, 2, 3], 'Trash'))).toBe('auth-expired');
  });

  it('folder information (count 0, no quota, no error shown): one confirming request finds the session over', async () => {
    const { api, seen } = fakeApi([() => html(text('mailiz/auth-expired-edit-folder.html')), sessionError]);
    expect(await codeOf(api.folderInfo('INBOX'))).toBe('auth-expired');
    expect(seen.map((u) => u.searchParams.get('_action'))).toEqual(['edit-folder', 'folder-size']);
    // The quota read goes through the same page: not "no quota".
    expect(await codeOf(fakeApi([() => html(text('mailiz/auth-expired-edit-folder.html')), sessionError]).api.quota())).toBe('auth-expired');
  });

  it('the mail page (no folder at all)', async () => {
    const { api } = fakeApi([() => html(text('mailiz/auth-expired-mail-page.html'))]);
    expect(await codeOf(api.mailPage())).toBe('auth-expired');
  });

  it('a confirming request that finds the session alive changes nothing', async () => {
    // A truly empty folder on a server without quota: the same page shape, but the session answers.
    const { api, seen } = fakeApi([() => html(text('mailiz/auth-expired-edit-folder.html')), () => json({ action: 'folder-size', exec: 'this.folder_size_update("0 o");\n' })]);
    expect(await api.folderInfo('Junk')).toMatchObject({ count: 0, quota: null });
    expect(seen).toHaveLength(2);
  });

  it('a live empty folder with its quota costs no extra request', async () => {
    const live = text('adapter/edit-folder-inbox.html').replace(/"messagecount":\d+/, '"messagecount":0');
    const { api, seen } = fakeApi([() => html(live)]);
    expect(await api.folderInfo('INBOX')).toMatchObject({ count: 0 });
    expect(seen).toHaveLength(1);
  });
});

describe('isImapAuthFailure', () => {
  it('recognises IMAP login failures only', () => {
    expect(isImapAuthFailure('Erreur de serveur : AUTHENTICATE XOAUTH2: A0001 NO [AUTHENTICATIONFAILED] Authentication failed.')).toBe(true);
    expect(isImapAuthFailure('Server Error: AUTHENTICATE PLAIN: A0001 NO Authentication failed.')).toBe(true);
    expect(isImapAuthFailure("Erreur de serveur : SELECT: Mailbox doesn't exist: Patients/Old")).toBe(false);
    expect(isImapAuthFailure('Erreur de serveur : MOVE: NO [OVERQUOTA] Quota exceeded (mailbox for user is full)')).toBe(false);
    expect(isImapAuthFailure('Message(s) déplacé(s) avec succès.')).toBe(false);
  });
});
