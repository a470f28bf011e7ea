/**
 * Roundcube: several raw messages in one request, through the zipdownload plugin that ships with Roundcube (and
 * that many hosts enable: the message list's "Download" menu then offers "Maildir/zip"). Facts relied on
 * (plugins/zipdownload/zipdownload.php, Roundcube 1.6):
 * - the page's download menu is only built when the plugin runs and `zipdownload_selection` (default '50MB') allows
 *   selections: its `#zipdownload-menu` element is what tells us the host offers it (no element: no request);
 * - POST `_task=mail&_action=plugin.zipdownload.messages` with `_mbox`, `_uid` (comma-separated), `_mode` and
 *   `_token` (the page's own hidden form sends exactly these); any mode but 'mbox' gives one `.eml` entry per
 *   message, the message's raw body (IMAP BODY.PEEK: never marks it read), named `<uid>[ <subject>].eml`, with the
 *   folder's path before it only when several folders are asked (never here: one folder a call);
 * - over the size limit the plugin answers an HTML page with its error (status 200): no archive, caller falls back.
 * Every entry is checked: a uid that was asked, once, and bytes that start like a message; others are left out.
 */
import { WebmailError } from '../error';
import { messagesFromArchive } from '../kit/archive';
import type { RcApi } from './api';
import { looksLoggedOut } from './errors';
import { parseUid } from './parse';

/** The uid an entry's name starts with (after any folder path), or null. */
export function entryUid(name: string): number | null {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const m = /^(\d{1,10})(?: .*)?\.eml$/s.exec(base);
  return m ? Number(m[1]) : null;
}

/** Whether this page offers selections as an archive (the plugin's menu is there). */
export function offersZipDownload(doc: Document): boolean {
  return doc.getElementById('zipdownload-menu') !== null;
}

export async function zipMessages(api: RcApi, folder: string, ids: string[], opts: { maxBytes: number; signal?: AbortSignal }): Promise<Map<string, Uint8Array>> {
  const byUid = new Map<number, string>();
  for (const id of ids) {
    const uid = parseUid(id);
    if (uid !== null) byUid.set(uid, id);
  }
  if (!byUid.size) return new Map();
  const res = await api.send(
    'POST',
    { _task: 'mail', _action: 'plugin.zipdownload.messages' },
    { body: { _mbox: folder, _uid: [...byUid.keys()].join(','), _mode: 'maildir', _token: api.token }, expect: 'html', ...(opts.signal ? { signal: opts.signal } : {}) },
  );
  if (!res.ok) {
    await res.body?.cancel().catch(() => undefined);
    throw new WebmailError(res.status === 404 ? 'unsupported' : 'server', `HTTP ${res.status} for the archive`);
  }
  if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
    // Not an archive: the session is over, or the plugin refused (its size limit) on one of Roundcube's own pages
    // (a firewall's block page was already recognised by the requester: 'html' is what it checks).
    const text = await res.text().catch(() => '');
    if (looksLoggedOut(text)) throw new WebmailError('auth-expired', 'the session is over');
    throw new WebmailError('unsupported', 'the webmail did not send an archive of these messages');
  }
  const got = await messagesFromArchive(res.body, new Set([...byUid.keys()].map(String)), (name) => {
    const uid = entryUid(name);
    return uid === null ? null : String(uid);
  }, opts);
  // Back to the ids as the caller wrote them.
  return new Map([...got].map(([uid, raw]) => [byUid.get(Number(uid))!, raw] as const));
}
