/**
 * A private Dovecot 2.3: its own config file, every piece of state under the workdir, IMAP on 127.0.0.1 only,
 * passwd-file auth for one user, Maildir++, quota (count backend, virtual sizes) + imap_quota. Nothing in /etc is
 * read or changed. Works as root (services drop to dovecot/dovenull, mail owned by nobody) and as a normal user
 * (everything runs as that user).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync, chownSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { isPortOpen, spawnDaemon, stopGroup, waitFor, type Daemon } from './procs.ts';

const execFileP = promisify(execFile);

export const DOVECOT_BIN = existsSync('/usr/sbin/dovecot') ? '/usr/sbin/dovecot' : 'dovecot';
export const DOVEADM_BIN = existsSync('/usr/bin/doveadm') ? '/usr/bin/doveadm' : 'doveadm';

export interface Ids {
  /** Owner of the mail files (the userdb uid/gid). */
  mailUid: number;
  mailGid: number;
  internalUser: string;
  internalGroup: string;
  loginUser: string;
  root: boolean;
}

function lookup(file: string, name: string): { id: number; gid?: number } | null {
  try {
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f[0] === name) return { id: Number(f[2]), gid: f[3] !== undefined ? Number(f[3]) : undefined };
    }
  } catch {
    /* no such file */
  }
  return null;
}

function groupName(gid: number): string {
  try {
    for (const line of readFileSync('/etc/group', 'utf8').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === gid) return f[0]!;
    }
  } catch {
    /* ignore */
  }
  return String(gid);
}

export function resolveIds(): Ids {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) {
    const me = os.userInfo();
    const g = groupName(me.gid);
    return { mailUid: me.uid, mailGid: me.gid, internalUser: me.username, internalGroup: g, loginUser: me.username, root: false };
  }
  const dovecot = lookup('/etc/passwd', 'dovecot');
  const dovenull = lookup('/etc/passwd', 'dovenull');
  const nobody = lookup('/etc/passwd', 'nobody');
  const nogroup = lookup('/etc/group', 'nogroup') ?? lookup('/etc/group', 'nobody');
  if (!dovecot || !dovenull || !nobody || !nogroup) throw new Error('users dovecot, dovenull, nobody and group nogroup are expected (dovecot-core creates the first two)');
  return {
    mailUid: nobody.id,
    mailGid: nogroup.id,
    internalUser: 'dovecot',
    internalGroup: groupName(dovecot.gid ?? dovecot.id),
    loginUser: 'dovenull',
    root: true,
  };
}

export interface DovecotPaths {
  dir: string;
  conf: string;
  passwd: string;
  log: string;
  stdoutLog: string;
  home: string; // parent of the users' homes
}

export function dovecotPaths(workdir: string): DovecotPaths {
  const dir = path.join(workdir, 'dovecot');
  return {
    dir,
    conf: path.join(dir, 'dovecot.conf'),
    passwd: path.join(dir, 'passwd'),
    log: path.join(dir, 'dovecot.log'),
    stdoutLog: path.join(dir, 'master.out'),
    home: path.join(workdir, 'home'),
  };
}

/** "200M" when it is a whole number of MiB, else bytes with the B suffix. */
export function quotaRuleSize(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)}M` : `${bytes}B`;
}

/** Dovecot's `oauth2` passdb (bearer tokens checked by the provider's introspection), in place of the password file. */
export interface DovecotOauth2 {
  /** With the introspecting client's credentials in it (http://id:secret@127.0.0.1:port/…). */
  introspectionUrl: string;
  /** Field of the introspection answer that must equal the IMAP login name. */
  usernameAttribute: string;
}

export function writeDovecotConfig(opts: { workdir: string; port: number; user: string; password: string; quotaBytes: number; ids: Ids; oauth2?: DovecotOauth2 }): DovecotPaths {
  const p = dovecotPaths(opts.workdir);
  const { ids } = opts;
  for (const d of [p.dir, path.join(p.dir, 'run'), path.join(p.dir, 'state'), p.home]) mkdirSync(d, { recursive: true });
  chmodSync(p.dir, 0o755);
  chmodSync(p.home, 0o755);
  // Log files written by the log service (root) and by doveadm after it dropped to the mail user.
  for (const f of [p.log, p.stdoutLog]) {
    if (!existsSync(f)) writeFileSync(f, '');
    chmodSync(f, 0o666);
  }
  if (/[:\s]/.test(opts.user) || /[:\s]/.test(opts.password)) throw new Error('user and password must not contain ":" or spaces');
  // The user's home must exist and belong to the mail user before the first IMAP login creates the Maildir.
  const home = path.join(p.home, opts.user);
  mkdirSync(home, { recursive: true, mode: 0o700 });
  if (ids.root) chownSync(home, ids.mailUid, ids.mailGid);
  writeFileSync(p.passwd, `${opts.user}:{PLAIN}${opts.password}\n`, { mode: 0o640 });
  if (ids.root) chownSync(p.passwd, 0, lookup('/etc/passwd', 'dovecot')?.gid ?? 0);

  let passdb = `passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${p.passwd}
}`;
  if (opts.oauth2) {
    // Every IMAP login (Roundcube opens one per request) asks the provider whether the token is still active.
    const ext = path.join(p.dir, 'dovecot-oauth2.conf.ext');
    writeFileSync(
      ext,
      `introspection_mode = post\nintrospection_url = ${opts.oauth2.introspectionUrl}\nusername_attribute = ${opts.oauth2.usernameAttribute}\nactive_attribute = active\nactive_value = true\n`,
      { mode: 0o640 },
    );
    if (ids.root) chownSync(ext, 0, lookup('/etc/passwd', 'dovecot')?.gid ?? 0);
    // The static userdb checks a user exists through the passdb, which an oauth2 passdb cannot answer without a
    // token (doveadm's lookups): allow_all_users skips that check.
    passdb = `passdb {
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = ${ext}
}`;
  }

  const conf = `# Generated for Balise's Roundcube test environment. Private instance, loopback only.
instance_name = balise-rc-${opts.port}
base_dir = ${p.dir}/run
state_dir = ${p.dir}/state
listen = 127.0.0.1
protocols = imap
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${opts.oauth2 ? ' xoauth2 oauthbearer' : ''}
log_path = ${p.log}
info_log_path = ${p.log}
debug_log_path = ${p.log}
default_internal_user = ${ids.internalUser}
default_internal_group = ${ids.internalGroup}
default_login_user = ${ids.loginUser}
first_valid_uid = 1
first_valid_gid = 1
login_greeting = Dovecot (Balise test) ready.

${passdb}
userdb {
  driver = static
  args = uid=${ids.mailUid} gid=${ids.mailGid} home=${p.home}/%u${opts.oauth2 ? ' allow_all_users=yes' : ''}
}

mail_location = maildir:~/Maildir
mailbox_list_index = yes
mail_plugins = quota

namespace inbox {
  inbox = yes
  separator = /
  prefix =
  mailbox Sent {
    special_use = \\Sent
  }
  mailbox Drafts {
    special_use = \\Drafts
  }
  mailbox Trash {
    special_use = \\Trash
  }
  mailbox Junk {
    special_use = \\Junk
  }
}

protocol imap {
  mail_plugins = $mail_plugins imap_quota
}

plugin {
  quota = count:Quota MSSante
  quota_vsizes = yes
  quota_rule = *:storage=${quotaRuleSize(opts.quotaBytes)}
}

service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${opts.port}
  }
  inet_listener imaps {
    port = 0
  }
}
service imap {
  chroot =
}
service anvil {
  chroot =${opts.oauth2 ? `
  # The oauth2 variant's tokens are short-lived (a test watches a session end). Dovecot's auth penalty (up to 15 s of
  # delay per client IP after failed logins; here every IMAP login comes from Roundcube, one IP) held a new login's
  # token past its lifetime after a dead session's failed logins, so the login after a session end failed. Off here,
  # as on a Dovecot whose only client is a webmail.
  unix_listener anvil-auth-penalty {
    mode = 0
  }` : ''}
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  writeFileSync(p.conf, conf);
  return p;
}

export async function startDovecot(p: DovecotPaths, port: number): Promise<Daemon> {
  const d = spawnDaemon('dovecot', DOVECOT_BIN, ['-F', '-c', p.conf], { logFile: p.stdoutLog });
  const tail = () => {
    let s = '';
    for (const f of [p.stdoutLog, p.log]) {
      try {
        s += readFileSync(f, 'utf8').split('\n').slice(-15).join('\n');
      } catch {
        /* ignore */
      }
    }
    return s;
  };
  try {
    await waitFor(`Dovecot on 127.0.0.1:${port}`, async () => {
      if (d.hasExited()) throw new Error(`dovecot exited during start-up\n${tail()}`);
      return isPortOpen(port);
    }, 15_000, tail);
  } catch (e) {
    await stopGroup(d, 1000);
    throw e;
  }
  return d;
}

export async function doveadm(conf: string, args: string[]): Promise<string> {
  return (await doveadmBuffer(conf, args)).toString('utf8');
}

export async function doveadmBuffer(conf: string, args: string[]): Promise<Buffer> {
  try {
    const { stdout } = await execFileP(DOVEADM_BIN, ['-c', conf, ...args], { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: number; message: string };
    throw new Error(`doveadm ${args.join(' ')} failed (exit ${err.code}): ${err.stderr?.toString('utf8').trim() || err.message}`);
  }
}
