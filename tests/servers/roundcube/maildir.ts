/**
 * Writes a seeded mailbox straight into Maildir++ (what Dovecot would have written), which is much faster
 * than appending over IMAP: one file per message named `<ts>.M<n>P<pid>.balise,S=<size>,W=<vsize>:2,<flags>`,
 * mtime = received date, and a dovecot-uidlist per folder so that UIDs follow the yield order (oldest first).
 */
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, linkSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { SeedFolder, SeedMessage } from '../seed/profile.ts';

/**
 * Removing a Maildir right after `doveadm kick`: the kicked IMAP process may still write its index files while the
 * tree is removed (seen once in bench/cleanup-run.ts: ENOTEMPTY on the Maildir). Node retries such errors itself.
 */
const REMOVE_MAILDIR = { recursive: true, force: true, maxRetries: 10, retryDelay: 50 } as const;

export const SEED_FOLDERS: readonly SeedFolder[] = ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Patients', 'Patients/Archives'];

/** Maildir++ directory of a folder ("Patients/Archives" -> ".Patients.Archives"). */
export function folderDir(maildir: string, folder: string): string {
  return folder === 'INBOX' ? maildir : path.join(maildir, '.' + folder.split('/').join('.'));
}

export interface ManifestEntry {
  folder: SeedFolder;
  uid: number;
  messageId: string;
  size: number;
  internalDate: string; // ISO
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
  subject: string;
  from: string;
  attachments: { filename: string; contentType: string; size: number }[];
  clinical: SeedMessage['clinical'];
}

export interface FolderSummary {
  messages: number;
  vsize: number;
  unseen: number;
  uidvalidity: number;
  uidnext: number;
}

export interface WriteResult {
  folders: Record<SeedFolder, FolderSummary>;
  manifest: ManifestEntry[];
  count: number;
  bytes: number;
}

function flagLetters(m: SeedMessage): string {
  // Maildir info flags, in ASCII order: D(raft) F(lagged) R(eplied) S(een) T(rashed).
  return (m.draft ? 'D' : '') + (m.flagged ? 'F' : '') + (m.answered ? 'R' : '') + (m.seen ? 'S' : '');
}

/**
 * Replace `maildir` with the given messages. Dovecot must not have the mailbox open (kick the user first).
 * When `owner` is given (running as root), every file and directory is chowned to it.
 */
export function writeMaildir(
  maildir: string,
  messages: Iterable<SeedMessage>,
  opts: { uidvalidity: number; owner?: { uid: number; gid: number } },
): WriteResult {
  rmSync(maildir, REMOVE_MAILDIR);
  const dirs: string[] = [];
  const mk = (d: string) => {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    dirs.push(d);
  };
  mk(path.dirname(maildir));
  const state = new Map<SeedFolder, { dir: string; uid: number; lines: string[]; summary: FolderSummary }>();
  SEED_FOLDERS.forEach((f, i) => {
    const dir = folderDir(maildir, f);
    for (const sub of ['', 'cur', 'new', 'tmp']) mk(path.join(dir, sub));
    if (f !== 'INBOX') writeFileSync(path.join(dir, 'maildirfolder'), '', { mode: 0o600 });
    const uidvalidity = opts.uidvalidity + i;
    state.set(f, { dir, uid: 0, lines: [], summary: { messages: 0, vsize: 0, unseen: 0, uidvalidity, uidnext: 1 } });
  });
  const files: string[] = [];
  const manifest: ManifestEntry[] = [];
  let n = 0;
  let bytes = 0;
  const pid = process.pid;
  for (const m of messages) {
    const st = state.get(m.folder);
    if (!st) throw new Error(`unknown folder ${m.folder}`);
    const uid = ++st.uid;
    const size = m.raw.length; // CRLF already: physical size = virtual size
    const ts = Math.floor(m.internalDate.getTime() / 1000);
    const base = `${ts}.M${n}P${pid}.balise,S=${size},W=${size}`;
    const file = path.join(st.dir, 'cur', `${base}:2,${flagLetters(m)}`);
    const fd = openSync(file, 'w', 0o600);
    try {
      writeSync(fd, m.raw);
    } finally {
      closeSync(fd);
    }
    utimesSync(file, m.internalDate, m.internalDate);
    files.push(file);
    st.lines.push(`${uid} :${base}`);
    st.summary.messages++;
    st.summary.vsize += size;
    if (!m.seen) st.summary.unseen++;
    manifest.push({
      folder: m.folder,
      uid,
      messageId: m.messageId,
      size,
      internalDate: m.internalDate.toISOString(),
      seen: m.seen,
      flagged: m.flagged,
      answered: m.answered,
      draft: m.draft,
      subject: m.subject,
      from: m.from.address,
      attachments: m.attachments,
      clinical: m.clinical,
    });
    n++;
    bytes += size;
  }
  for (const st of state.values()) {
    st.summary.uidnext = st.uid + 1;
    const guid = randomBytes(16).toString('hex');
    const f = path.join(st.dir, 'dovecot-uidlist');
    writeFileSync(f, `3 V${st.summary.uidvalidity} N${st.summary.uidnext} G${guid}\n` + st.lines.map((l) => l + '\n').join(''), { mode: 0o600 });
    files.push(f);
  }
  for (const st of state.values()) if (st.dir !== maildir) files.push(path.join(st.dir, 'maildirfolder'));
  if (opts.owner) {
    const { uid, gid } = opts.owner;
    for (const d of dirs) chownSync(d, uid, gid);
    for (const f of files) chownSync(f, uid, gid);
  }
  const folders = Object.fromEntries([...state].map(([f, s]) => [f, s.summary])) as Record<SeedFolder, FolderSummary>;
  return { folders, manifest, count: n, bytes };
}

/** A seed's message files kept aside (keepMaildir), to put the same mailbox back without writing it again. */
export interface KeptSeed {
  dir: string;
  result: WriteResult;
  /** Per folder: its message files' names and its dovecot-uidlist lines after the header (UID order). */
  folders: Map<SeedFolder, { files: string[]; lines: string[] }>;
}

/**
 * Hard-links the message files of a Maildir writeMaildir just wrote into `dir` (no copy: the same files), with what
 * relinkMaildir needs to put them back. Call it before Dovecot opens the mailbox (it renames files as flags change).
 */
export function keepMaildir(maildir: string, dir: string, result: WriteResult): KeptSeed {
  rmSync(dir, { recursive: true, force: true });
  const folders = new Map<SeedFolder, { files: string[]; lines: string[] }>();
  for (const f of SEED_FOLDERS) {
    const cur = path.join(folderDir(maildir, f), 'cur');
    const keep = path.join(dir, f.split('/').join('.'));
    mkdirSync(keep, { recursive: true, mode: 0o700 });
    const files = readdirSync(cur);
    for (const name of files) linkSync(path.join(cur, name), path.join(keep, name));
    const lines = readFileSync(path.join(folderDir(maildir, f), 'dovecot-uidlist'), 'utf8').split('\n').slice(1).filter(Boolean);
    folders.set(f, { files, lines });
  }
  return { dir, result, folders };
}

/**
 * Replace `maildir` with a kept seed's messages: the very files (hard links, so nothing is generated or written again:
 * ≈ 170 MB for the realistic mailbox) under the same UIDs, in new folders of a new UIDVALIDITY. A Maildir message file
 * never changes once written: Dovecot renames it to change its flags, links it to copy or move it and unlinks it to
 * expunge, so the kept links still hold the messages as the seed wrote them (flags are in the names, taken from the
 * seed). Dovecot must not have the mailbox open (kick the user first).
 */
export function relinkMaildir(maildir: string, kept: KeptSeed, opts: { uidvalidity: number; owner?: { uid: number; gid: number } }): WriteResult {
  rmSync(maildir, REMOVE_MAILDIR);
  const owned: string[] = [];
  const mk = (d: string) => {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    owned.push(d);
  };
  mk(path.dirname(maildir));
  const folders = { ...kept.result.folders };
  SEED_FOLDERS.forEach((f, i) => {
    const dir = folderDir(maildir, f);
    for (const sub of ['', 'cur', 'new', 'tmp']) mk(path.join(dir, sub));
    if (f !== 'INBOX') {
      writeFileSync(path.join(dir, 'maildirfolder'), '', { mode: 0o600 });
      owned.push(path.join(dir, 'maildirfolder'));
    }
    const { files, lines } = kept.folders.get(f)!;
    const keep = path.join(kept.dir, f.split('/').join('.'));
    for (const name of files) linkSync(path.join(keep, name), path.join(dir, 'cur', name));
    const summary = { ...kept.result.folders[f], uidvalidity: opts.uidvalidity + i };
    folders[f] = summary;
    const uidlist = path.join(dir, 'dovecot-uidlist');
    writeFileSync(uidlist, `3 V${summary.uidvalidity} N${summary.uidnext} G${randomBytes(16).toString('hex')}\n` + lines.map((l) => l + '\n').join(''), { mode: 0o600 });
    owned.push(uidlist);
  });
  if (opts.owner) for (const x of owned) chownSync(x, opts.owner.uid, opts.owner.gid);
  return { ...kept.result, folders };
}
