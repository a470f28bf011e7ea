/**
 * Ground truth from Dovecot itself (doveadm), parsed: what e2e tests compare Balise's view of the mailbox with.
 *
 * Units: doveadm's `quota get` prints STORAGE in KiB, rounded up (the same number IMAP GETQUOTAROOT and
 * Roundcube's set_quota show); with the count backend and quota_vsizes the usage in bytes is the sum of the
 * folders' virtual sizes, which `quota()` returns as usedBytes.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import type { RoundcubeEnv } from './index.ts';
import type { ManifestEntry, FolderSummary } from './maildir.ts';
import type { SeedFolder } from '../seed/profile.ts';

type Env = Pick<RoundcubeEnv, 'user' | 'doveadm' | 'doveadmRaw'> & Partial<Pick<RoundcubeEnv, 'manifestPath'>>;

export interface QuotaTruth {
  usedKiB: number;
  limitKiB: number | null;
  /** Sum of the virtual sizes of all folders = what the count backend charges, in bytes. */
  usedBytes: number;
  /** limitKiB * 1024 (the configured quota_rule), or null when unlimited. */
  limitBytes: number | null;
  /** MESSAGE resource (count), no limit configured. */
  messages: number;
}

export interface FolderTruth {
  name: string;
  messages: number;
  vsize: number;
  unseen: number;
  uidvalidity: number;
  uidnext: number;
  subscribed: boolean;
}

export interface Flags {
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  deleted: boolean;
  /** As doveadm prints them, e.g. ["\\Flagged", "\\Seen"]. */
  raw: string[];
}

export interface MessageTruth {
  folder: string;
  uid: number;
  vsize: number;
  flags: Flags;
  internalDate: Date;
  /** Without the angle brackets. */
  messageId: string;
}

function json<T>(s: string): T {
  const t = s.trim();
  return (t ? JSON.parse(t) : []) as T;
}

export function parseFlags(s: string): Flags {
  const raw = s.split(/\s+/).filter(Boolean);
  const has = (f: string) => raw.some((x) => x.toLowerCase() === f.toLowerCase());
  return { seen: has('\\Seen'), flagged: has('\\Flagged'), answered: has('\\Answered'), draft: has('\\Draft'), deleted: has('\\Deleted'), raw };
}

export async function quota(env: Env): Promise<QuotaTruth> {
  const rows = json<Record<string, string>[]>(await env.doveadm(['-f', 'json', 'quota', 'get', '-u', env.user]));
  const storage = rows.find((r) => r.type === 'STORAGE');
  const message = rows.find((r) => r.type === 'MESSAGE');
  if (!storage) throw new Error('doveadm quota get: no STORAGE row');
  const limit = storage.limit && storage.limit !== '-' ? Number(storage.limit) : null;
  const folders = await folderStatus(env, { subscribed: false });
  return {
    usedKiB: Number(storage.value),
    limitKiB: limit,
    usedBytes: folders.reduce((a, f) => a + f.vsize, 0),
    limitBytes: limit === null ? null : limit * 1024,
    messages: Number(message?.value ?? NaN),
  };
}

export async function folderStatus(env: Env, o: { subscribed?: boolean } = {}): Promise<FolderTruth[]> {
  const rows = json<Record<string, string>[]>(
    await env.doveadm(['-f', 'json', 'mailbox', 'status', '-u', env.user, 'messages vsize unseen uidvalidity uidnext', '*']),
  );
  const subscribed = o.subscribed === false ? new Set<string>() : new Set((await env.doveadm(['mailbox', 'list', '-s', '-u', env.user])).split('\n').map((l) => l.trim()).filter(Boolean));
  return rows.map((r) => ({
    name: r.mailbox!,
    messages: Number(r.messages),
    vsize: Number(r.vsize),
    unseen: Number(r.unseen),
    uidvalidity: Number(r.uidvalidity),
    uidnext: Number(r.uidnext),
    subscribed: subscribed.has(r.mailbox!) || r.mailbox === 'INBOX',
  }));
}

const FETCH_FIELDS = 'mailbox uid size.virtual flags date.received.unixtime hdr.message-id';

function toMessage(r: Record<string, string>): MessageTruth {
  return {
    folder: r.mailbox!,
    uid: Number(r.uid),
    vsize: Number(r['size.virtual']),
    flags: parseFlags(r.flags ?? ''),
    internalDate: new Date(Number(r['date.received.unixtime']) * 1000),
    messageId: (r['hdr.message-id'] ?? '').trim().replace(/^<|>$/g, ''),
  };
}

/** Every message of one folder, by ascending UID. */
export async function listMessages(env: Env, folder: string): Promise<MessageTruth[]> {
  const rows = json<Record<string, string>[]>(await env.doveadm(['-f', 'json', 'fetch', '-u', env.user, FETCH_FIELDS, 'mailbox', folder, 'all']));
  return rows.map(toMessage).sort((a, b) => a.uid - b.uid);
}

/** Every message of every folder. */
export async function listAllMessages(env: Env): Promise<MessageTruth[]> {
  const rows = json<Record<string, string>[]>(await env.doveadm(['-f', 'json', 'fetch', '-u', env.user, FETCH_FIELDS, 'all']));
  return rows.map(toMessage);
}

export interface SearchCriteria {
  /** Received (internal) date strictly before this instant (second precision). */
  before?: Date;
  /** Received at or after this instant (second precision). */
  since?: Date;
  /** RFC822.SIZE strictly larger than this many bytes. */
  larger?: number;
  smaller?: number;
  seen?: boolean;
  flagged?: boolean;
  answered?: boolean;
  /** IMAP BODY (substring of the decoded body text, no fts). */
  body?: string;
  /** IMAP TEXT (headers + body). */
  text?: string;
  header?: [name: string, value: string];
  /** UID set, e.g. "100:*". */
  uid?: string;
  /** Raw doveadm search-query words appended as is. */
  raw?: string[];
}

/**
 * doveadm search-query words. Dates are given as Unix timestamps, which doveadm compares to the exact second
 * (an IMAP date "01-Jan-2026" would compare whole days in the server's time zone).
 */
export function searchQuery(c: SearchCriteria): string[] {
  const q: string[] = [];
  if (c.before) q.push('BEFORE', String(Math.floor(c.before.getTime() / 1000)));
  if (c.since) q.push('SINCE', String(Math.floor(c.since.getTime() / 1000)));
  if (c.larger !== undefined) q.push('LARGER', String(c.larger));
  if (c.smaller !== undefined) q.push('SMALLER', String(c.smaller));
  if (c.seen !== undefined) q.push(c.seen ? 'SEEN' : 'UNSEEN');
  if (c.flagged !== undefined) q.push(c.flagged ? 'FLAGGED' : 'UNFLAGGED');
  if (c.answered !== undefined) q.push(c.answered ? 'ANSWERED' : 'UNANSWERED');
  if (c.body !== undefined) q.push('BODY', c.body);
  if (c.text !== undefined) q.push('TEXT', c.text);
  if (c.header) q.push('HEADER', c.header[0], c.header[1]);
  if (c.uid) q.push('UID', c.uid);
  if (c.raw) q.push(...c.raw);
  if (!q.length) q.push('ALL');
  return q;
}

/** UIDs in `folder` matching all criteria, ascending. */
export async function search(env: Env, folder: string, c: SearchCriteria | string[]): Promise<number[]> {
  const q = Array.isArray(c) ? c : searchQuery(c);
  const out = await env.doveadm(['search', '-u', env.user, 'mailbox', folder, ...q]);
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => Number(l.split(/\s+/)[1]))
    .sort((a, b) => a - b);
}

/** The message exactly as Dovecot serves it (CRLF, = the stored file for seeded mail). */
export async function rawMessage(env: Env, folder: string, uid: number): Promise<Buffer> {
  const out = await env.doveadmRaw(['fetch', '-u', env.user, 'text', 'mailbox', folder, 'uid', String(uid)]);
  const prefix = Buffer.from('text:\n');
  if (out.length === 0) throw new Error(`no message ${folder}/${uid}`);
  if (!out.subarray(0, prefix.length).equals(prefix)) throw new Error(`unexpected doveadm fetch output: ${out.subarray(0, 40).toString('latin1')}`);
  return out.subarray(prefix.length);
}

export interface Manifest {
  profile: string;
  seed: number;
  count: number;
  bytes: number;
  folders: Record<SeedFolder, FolderSummary>;
  messages: ManifestEntry[];
}

/** What seedMailbox wrote (per message: folder, uid, Message-ID, size, flags, attachments, clinical label). */
export function readManifest(env: Pick<RoundcubeEnv, 'manifestPath'>): Manifest {
  return JSON.parse(readFileSync(env.manifestPath, 'utf8')) as Manifest;
}

/**
 * The Roundcube user's saved preferences (users.preferences, a PHP-serialized array), as JSON. Roundcube reads
 * some of them through the skin (e.g. elastic only supports layout "widescreen"), so this is the stored truth.
 */
export async function roundcubePrefs(env: Pick<RoundcubeEnv, 'roundcubeDb' | 'user'>): Promise<Record<string, unknown>> {
  const script = `
$db = new PDO('sqlite:' . $argv[1]);
$st = $db->prepare('SELECT preferences FROM users WHERE username = ?');
$st->execute([$argv[2]]);
$p = $st->fetchColumn();
echo json_encode($p ? unserialize($p) : new stdClass);
`;
  const { stdout } = await promisify(execFile)('php', ['-r', script, env.roundcubeDb, env.user]);
  return JSON.parse(stdout) as Record<string, unknown>;
}
