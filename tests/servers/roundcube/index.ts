/**
 * The real Roundcube test environment: Debian's roundcube-core 1.6 served by `php -S` on 127.0.0.1, in front of
 * a private Dovecot 2.3 with a quota, seeded with the shared MSSanté-like mailbox.
 *
 *   const env = await startRoundcube({ profile: 'realistic' });
 *   … env.url, env.user, env.password, env.doveadm([...]) …
 *   await env.stop();
 *
 * Everything lives in a temporary workdir (config, sqlite db, logs, mail); nothing under /etc is read for
 * configuration or modified, nothing listens outside 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, chmodSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { generateMailbox, QUOTA_BYTES, type SeedFolder } from '../seed/profile.ts';
import { OWNER } from '../seed/content.ts';
import { DOVEADM_BIN, doveadm as runDoveadm, doveadmBuffer, dovecotPaths, resolveIds, startDovecot, writeDovecotConfig, type Ids } from './dovecot.ts';
import { SEED_FOLDERS, keepMaildir, relinkMaildir, writeMaildir, type FolderSummary, type KeptSeed, type ManifestEntry } from './maildir.ts';
import { startMailizParts, oidcLoginHttp, type MailizOidcOptions } from './mailiz.ts';
import type { OidcProvider } from '../oidc/index.ts';
import { freePort, installExitHook, isPortOpen, spawnDaemon, stopGroup, waitFor, groupMembers, type Daemon } from './procs.ts';

const execFileP = promisify(execFile);

export const DOCROOT = '/var/lib/roundcube/public_html';
export const RC_ETC = '/etc/roundcube';

export interface RoundcubeEnv {
  url: string; // http://127.0.0.1:<port>/
  user: string;
  password: string;
  address: string;
  doveadm(args: string[]): Promise<string>; // runs doveadm -c <private conf> ...
  stop(): Promise<void>;
  workdir: string;
  // --- extras (additive) ---
  /** doveadm with raw stdout bytes (for `fetch … text`). */
  doveadmRaw(args: string[]): Promise<Buffer>;
  imapPort: number;
  httpPort: number;
  quotaBytes: number;
  /** Path of the private dovecot.conf. */
  dovecotConf: string;
  /** Log files worth reading when something fails. */
  logs: { dovecot: string; php: string; roundcubeErrors: string };
  /** Pids (= process group ids) of the two servers. */
  pids: { dovecot: number; php: number };
  /** Where seedMailbox writes its manifest (folder, uid, Message-ID, size, flags, clinical label per message). */
  manifestPath: string;
  /** Roundcube's sqlite database (users, identities, preferences). */
  roundcubeDb: string;
  variant: 'default' | 'mailiz';
  skin: 'elastic' | 'larry';
  /** The OpenID Connect provider (variant 'mailiz'): its origin is where an ended session sends the browser. */
  oidc?: OidcProvider;
}

export interface StartOptions {
  profile?: 'realistic' | 'bench' | 'empty';
  seed?: number;
  quotaBytes?: number;
  port?: number;
  // --- extras ---
  /** Seeder's `now` (default: the current time). */
  now?: Date;
  /** Roundcube's refresh_interval in seconds (default 0: no periodic refresh, hence no periodic set_quota). */
  refreshInterval?: number;
  /** Extra Roundcube config entries (PHP values from JSON). */
  roundcubeConfig?: Record<string, unknown>;
  /** Parent folder of the workdir (default os.tmpdir()). */
  tmpRoot?: string;
  /** Keep the workdir after stop() (default: BALISE_KEEP_WORKDIR=1). */
  keepWorkdir?: boolean;
  /** PHP_CLI_SERVER_WORKERS (default 4). */
  phpWorkers?: number;
  /**
   * 'mailiz': login through a real OpenID Connect provider on another loopback port (Roundcube's OAuth support,
   * Dovecot's oauth2 passdb + introspection); see mailiz.ts. Default: Roundcube's own login form.
   */
  variant?: 'default' | 'mailiz';
  /** Token lifetimes of the 'mailiz' variant. */
  oidc?: MailizOidcOptions;
  /**
   * 'mailiz': other origins Roundcube is reached at, by a proxy that passes their Host on (a firewall stand-in at the
   * webmail's public origin): the provider accepts Roundcube's OAuth redirect to them too.
   */
  publicUrls?: string[];
  /** Roundcube skin: 'elastic' (default, Mailiz's) or 'larry' (Debian's roundcube-skin-larry). */
  skin?: 'elastic' | 'larry';
}

/** Quota used when the profile is 'bench' and none is given (the bench mailbox is ≈ 320 MiB). */
export const BENCH_QUOTA_BYTES = 1024 * 1024 * 1024;

export const TEST_USER = OWNER.address;
export const TEST_PASSWORD = 'balise-test-2026';
export const IDENTITY = { name: OWNER.name, signature: 'Dr Martin Durand\nMédecin généraliste – MSSanté' };

/** PHP literal from a JSON value (arrays/objects become PHP arrays). */
function phpValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(v)) return `[${v.map(phpValue).join(', ')}]`;
  return `[${Object.entries(v as Record<string, unknown>).map(([k, x]) => `${phpValue(k)} => ${phpValue(x)}`).join(', ')}]`;
}

function writeRoundcubeConfig(o: { workdir: string; imapPort: number; smtpPort: number; refreshInterval: number; extra: Record<string, unknown> }) {
  const rc = path.join(o.workdir, 'roundcube');
  const confDir = path.join(rc, 'config');
  for (const d of [confDir, path.join(rc, 'db'), path.join(rc, 'logs'), path.join(rc, 'temp')]) mkdirSync(d, { recursive: true });
  for (const f of ['defaults.inc.php', 'mimetypes.php']) {
    const link = path.join(confDir, f);
    if (!existsSync(link)) symlinkSync(path.join(RC_ETC, f), link);
  }
  const settings: Record<string, unknown> = {
    db_dsnw: `sqlite:///${path.join(rc, 'db', 'roundcube.sqlite')}?mode=0640`,
    imap_host: `127.0.0.1:${o.imapPort}`,
    // Sending is not needed: SMTP points at a loopback port where nothing listens.
    smtp_host: `127.0.0.1:${o.smtpPort}`,
    smtp_user: '',
    smtp_pass: '',
    des_key: randomBytes(18).toString('base64').slice(0, 24),
    // zipdownload ships with Roundcube and many hosts enable it (its "Download" menu): Balise then fetches the
    // preview's messages to classify a selection at a time (lib/webmail/roundcube/zip-batch.ts). The 'mailiz'
    // variant leaves it out (whether Mailiz has it is not public), so both paths run against a real Roundcube.
    plugins: ['zipdownload'],
    skin: 'elastic',
    language: 'fr_FR',
    timezone: 'Europe/Paris',
    product_name: 'Roundcube Webmail',
    support_url: '',
    login_rate_limit: 0,
    session_lifetime: 240,
    refresh_interval: o.refreshInterval,
    min_refresh_interval: 0,
    draft_autosave: 0,
    mail_pagesize: 50,
    max_pagesize: 200,
    enable_spellcheck: false,
    enable_installer: false,
    create_default_folders: false,
    // Dovecot's Maildir++ folders hold both mail and subfolders. Said here, Roundcube does not probe it by creating
    // and deleting a 'foldertest<time>' folder (rcube_imap::detect_dual_use_folders), which races with doveadm's
    // `mailbox status *` in the tests ("Mailbox doesn't exist").
    imap_dual_use_folders: true,
    ip_check: false,
    log_dir: path.join(rc, 'logs') + '/',
    temp_dir: path.join(rc, 'temp') + '/',
    ...o.extra,
  };
  const php =
    `<?php\n// Generated for Balise's Roundcube test environment (loopback only).\n$config = [];\n` +
    Object.entries(settings)
      .map(([k, v]) => `$config[${phpValue(k)}] = ${phpValue(v)};`)
      .join('\n') +
    '\n';
  writeFileSync(path.join(confDir, 'config.inc.php'), php);
  return { confDir, logs: path.join(rc, 'logs'), db: path.join(rc, 'db', 'roundcube.sqlite') };
}

const stopped = new WeakSet<object>();

export async function startRoundcube(opts: StartOptions = {}): Promise<RoundcubeEnv> {
  installExitHook();
  const t0 = performance.now();
  const profile = opts.profile ?? 'realistic';
  const quotaBytes = opts.quotaBytes ?? (profile === 'bench' ? BENCH_QUOTA_BYTES : QUOTA_BYTES);
  const tmpRoot = opts.tmpRoot ?? os.tmpdir();
  mkdirSync(tmpRoot, { recursive: true });
  const ids = resolveIds();
  if (ids.root) assertTraversable(path.resolve(tmpRoot));
  const workdir = mkdtempSync(path.join(tmpRoot, 'balise-roundcube-'));
  chmodSync(workdir, 0o755); // dovecot's unprivileged processes must reach their sockets and the mail
  const imapPort = await freePort();
  let httpPort = opts.port ?? (await freePort());
  while (httpPort === imapPort || (!opts.port && (await isPortOpen(httpPort)))) httpPort = await freePort();
  let smtpPort = await freePort();
  while (smtpPort === imapPort || smtpPort === httpPort) smtpPort = await freePort();

  const variant = opts.variant ?? 'default';
  const skin = opts.skin ?? 'elastic';
  if (skin === 'larry' && !existsSync(path.join(DOCROOT, 'skins', 'larry'))) throw new Error('the Larry skin is not installed (roundcube-skin-larry): run tests/servers/roundcube/install-packages.sh');
  const mailiz =
    variant === 'mailiz'
      ? await startMailizParts({ roundcubeUrl: `http://127.0.0.1:${httpPort}/`, publicUrls: opts.publicUrls, user: TEST_USER, password: TEST_PASSWORD, name: IDENTITY.name, ...opts.oidc })
      : undefined;
  const dp = writeDovecotConfig({ workdir, port: imapPort, user: TEST_USER, password: TEST_PASSWORD, quotaBytes, ids, oauth2: mailiz?.dovecot });
  const rc = writeRoundcubeConfig({
    workdir,
    imapPort,
    smtpPort,
    refreshInterval: opts.refreshInterval ?? 0,
    extra: { skin, ...mailiz?.roundcubeConfig, ...opts.roundcubeConfig },
  });
  const phpLog = path.join(workdir, 'roundcube', 'php-server.log');

  let dovecot: Daemon | undefined;
  let php: Daemon | undefined;
  const keep = opts.keepWorkdir ?? process.env.BALISE_KEEP_WORKDIR === '1';

  const stop = async () => {
    if (php) await stopGroup(php);
    if (dovecot) await stopGroup(dovecot);
    if (mailiz) await mailiz.idp.stop();
    if (!keep) rmSync(workdir, { recursive: true, force: true });
  };

  try {
    dovecot = await startDovecot(dp, imapPort);
    if (await isPortOpen(httpPort)) throw new Error(`port ${httpPort} is already in use`);
    php = spawnDaemon(
      'php',
      'php',
      [
        '-d', 'display_errors=stderr',
        '-d', 'log_errors=1',
        '-d', `error_log=${path.join(rc.logs, 'php-errors.log')}`,
        '-d', 'memory_limit=512M',
        '-d', 'upload_max_filesize=50M',
        '-d', 'post_max_size=50M',
        '-d', 'opcache.enable_cli=1',
        '-S', `127.0.0.1:${httpPort}`,
        '-t', DOCROOT,
      ],
      {
        cwd: DOCROOT,
        logFile: phpLog,
        env: { ...process.env, ROUNDCUBE_CONFIG_DIR: rc.confDir, PHP_CLI_SERVER_WORKERS: String(opts.phpWorkers ?? 4) },
      },
    );
    const phpD = php;
    await waitFor(`php -S on 127.0.0.1:${httpPort}`, async () => {
      if (phpD.hasExited()) throw new Error(`php exited during start-up:\n${safeRead(phpLog)}`);
      return isPortOpen(httpPort);
    }, 15_000, () => safeRead(phpLog));
  } catch (e) {
    await stop();
    throw e;
  }

  const env: RoundcubeEnv = {
    url: `http://127.0.0.1:${httpPort}/`,
    user: TEST_USER,
    password: TEST_PASSWORD,
    address: TEST_USER,
    workdir,
    imapPort,
    httpPort,
    quotaBytes,
    dovecotConf: dp.conf,
    logs: { dovecot: dp.log, php: phpLog, roundcubeErrors: path.join(rc.logs, 'errors.log') },
    pids: { dovecot: dovecot.pid, php: php.pid },
    manifestPath: path.join(workdir, 'seed-manifest.json'),
    roundcubeDb: rc.db,
    variant,
    skin,
    ...(mailiz ? { oidc: mailiz.idp } : {}),
    doveadm: (args) => runDoveadm(dp.conf, args),
    doveadmRaw: (args) => doveadmBuffer(dp.conf, args),
    stop: async () => {
      if (stopped.has(env)) return;
      stopped.add(env);
      await stop();
    },
  };
  (env as unknown as { [IDS]: Ids })[IDS] = ids;

  try {
    // First request creates the sqlite schema; logging in once creates the Roundcube user and identity, which
    // gets the owner's name and signature (as a doctor would have set them).
    await prepareRoundcubeUser(env, rc.db);
    if (profile !== 'empty') await seedMailbox(env, { profile, seed: opts.seed, now: opts.now });
    else await seedMailbox(env, { profile: 'empty' });
  } catch (e) {
    await env.stop();
    throw e;
  }
  startTimings.set(env, performance.now() - t0);
  return env;
}

const IDS = Symbol('ids');

/** As root, Dovecot's mail processes run as nobody: every parent of the workdir must be world-traversable. */
function assertTraversable(dir: string): void {
  for (let d = dir; ; d = path.dirname(d)) {
    const mode = statSync(d).mode;
    if ((mode & 0o001) === 0) throw new Error(`${d} is not traversable by other users (mode ${(mode & 0o777).toString(8)}); pass tmpRoot (e.g. /tmp) to startRoundcube`);
    if (d === path.dirname(d)) return;
  }
}
const startTimings = new WeakMap<RoundcubeEnv, number>();
/** Milliseconds startRoundcube took (servers + first login + seeding). */
export function startDuration(env: RoundcubeEnv): number | undefined {
  return startTimings.get(env);
}

function safeRead(f: string): string {
  try {
    return readFileSync(f, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '';
  }
}

async function prepareRoundcubeUser(env: RoundcubeEnv, dbFile: string): Promise<void> {
  const { RoundcubeClient } = await import('./http.ts');
  const c = new RoundcubeClient(env.url);
  if (env.oidc) {
    const { parseSetEnv } = await import('./http.ts');
    const token = parseSetEnv(await oidcLoginHttp(c.cookies, env.url, env.user, env.password))?.request_token;
    if (typeof token !== 'string') throw new Error('no request token after the OpenID Connect login');
    c.token = token;
  } else await c.login(env.user, env.password);
  await c.logout();
  const script = `
$db = new PDO('sqlite:' . $argv[1]);
$db->setAttribute(PDO::ATTR_ERRMODE, PDO::ERRMODE_EXCEPTION);
$st = $db->prepare("UPDATE identities SET name = ?, signature = ?, html_signature = 0 WHERE email = ? AND del = 0");
$st->execute([$argv[2], $argv[3], $argv[4]]);
echo $st->rowCount();
`;
  const { stdout } = await execFileP('php', ['-r', script, dbFile, IDENTITY.name, IDENTITY.signature, env.address]);
  if (stdout.trim() !== '1') throw new Error(`expected to update one Roundcube identity, updated ${stdout.trim()}`);
}

export interface SeedResult {
  count: number;
  ms: number;
  // --- extras ---
  bytes: number;
  folders: Record<SeedFolder, FolderSummary>;
  /** Time spent generating + writing files, and in doveadm (resync, quota, checks). */
  writeMs: number;
  doveadmMs: number;
}

/** Each environment's last written seed, kept (hard links in its workdir) for a reseed with the same profile and seed. */
const keptSeeds = new WeakMap<RoundcubeEnv, { key: string; kept: KeptSeed }>();

/**
 * (Re)seed the mailbox: kick IMAP sessions, rewrite the Maildir, force-resync, recalculate the quota, subscribe
 * every folder, then check with doveadm that counts, virtual sizes, flags, Message-IDs and quota match the seeder.
 *
 * A reseed with the profile and seed (and `now`, when given) the environment was last seeded with puts that seed's
 * very files back (relinkMaildir: hard links, nothing generated or written again; ≈ 15 s less for the realistic
 * mailbox on a loaded 2-core machine). The messages are then those of that first seed, dates included: without `now`,
 * the seeder's clock of that first seed (minutes before, within a test file).
 */
export async function seedMailbox(
  env: RoundcubeEnv,
  opts: { profile: 'realistic' | 'bench' | 'empty'; seed?: number; now?: Date },
): Promise<SeedResult> {
  const t0 = performance.now();
  const ids = (env as unknown as { [IDS]?: Ids })[IDS] ?? resolveIds();
  const user = env.user;
  try {
    await env.doveadm(['kick', user]);
  } catch {
    /* nobody connected */
  }
  const maildir = path.join(dovecotPaths(env.workdir).home, user, 'Maildir');
  const msgs = opts.profile === 'empty' ? [] : generateMailbox({ profile: opts.profile, seed: opts.seed, now: opts.now });
  const prevValidity = Number(safeRead(path.join(env.workdir, 'uidvalidity')) || 0);
  const uidvalidity = Math.max(Math.floor(Date.now() / 1000), prevValidity + SEED_FOLDERS.length + 1);
  writeFileSync(path.join(env.workdir, 'uidvalidity'), String(uidvalidity));
  const owner = ids.root ? { uid: ids.mailUid, gid: ids.mailGid } : undefined;
  const key = `${opts.profile}/${opts.seed ?? 1}/${opts.now?.toISOString() ?? ''}`;
  const kept = opts.profile === 'empty' ? undefined : keptSeeds.get(env);
  let res;
  if (kept?.key === key) res = relinkMaildir(maildir, kept.kept, { uidvalidity, owner });
  else {
    res = writeMaildir(maildir, msgs, { uidvalidity, owner });
    if (opts.profile !== 'empty') keptSeeds.set(env, { key, kept: keepMaildir(maildir, path.join(env.workdir, 'seed-kept'), res) });
  }
  writeFileSync(env.manifestPath, JSON.stringify({ profile: opts.profile, seed: opts.seed ?? 1, count: res.count, bytes: res.bytes, folders: res.folders, messages: res.manifest }));
  const t1 = performance.now();

  await env.doveadm(['force-resync', '-u', user, '*']);
  await env.doveadm(['mailbox', 'subscribe', '-u', user, ...SEED_FOLDERS]);
  await env.doveadm(['quota', 'recalc', '-u', user]);
  await verifySeed(env, res.folders, res.manifest, res.bytes);
  const t2 = performance.now();
  return { count: res.count, ms: Math.round(t2 - t0), bytes: res.bytes, folders: res.folders, writeMs: Math.round(t1 - t0), doveadmMs: Math.round(t2 - t1) };
}

async function verifySeed(env: RoundcubeEnv, folders: Record<SeedFolder, FolderSummary>, manifest: ManifestEntry[], bytes: number): Promise<void> {
  const { folderStatus, quota, listAllMessages } = await import('./truth.ts');
  const status = await folderStatus(env);
  const problems: string[] = [];
  for (const f of SEED_FOLDERS) {
    const s = status.find((x) => x.name === f);
    const want = folders[f];
    if (!s) problems.push(`${f}: missing in doveadm mailbox status`);
    else {
      if (s.messages !== want.messages) problems.push(`${f}: ${s.messages} messages, seeded ${want.messages}`);
      if (s.vsize !== want.vsize) problems.push(`${f}: vsize ${s.vsize}, seeded ${want.vsize}`);
      if (s.unseen !== want.unseen) problems.push(`${f}: ${s.unseen} unseen, seeded ${want.unseen}`);
      if (s.uidvalidity !== want.uidvalidity) problems.push(`${f}: uidvalidity ${s.uidvalidity}, written ${want.uidvalidity}`);
      if (!s.subscribed) problems.push(`${f}: not subscribed`);
    }
  }
  const all = await listAllMessages(env);
  const byKey = new Map(all.map((m) => [`${m.folder}\u0000${m.uid}`, m]));
  if (all.length !== manifest.length) problems.push(`doveadm lists ${all.length} messages, seeded ${manifest.length}`);
  for (const m of manifest) {
    const d = byKey.get(`${m.folder}\u0000${m.uid}`);
    if (!d) {
      problems.push(`${m.folder} uid ${m.uid} missing`);
    } else {
      if (d.messageId !== m.messageId) problems.push(`${m.folder}/${m.uid}: Message-ID ${d.messageId} != ${m.messageId}`);
      if (d.vsize !== m.size) problems.push(`${m.folder}/${m.uid}: vsize ${d.vsize} != ${m.size}`);
      if (d.internalDate.toISOString() !== m.internalDate) problems.push(`${m.folder}/${m.uid}: date ${d.internalDate.toISOString()} != ${m.internalDate}`);
      const f = d.flags;
      if (f.seen !== m.seen || f.flagged !== m.flagged || f.answered !== m.answered || f.draft !== m.draft)
        problems.push(`${m.folder}/${m.uid}: flags ${JSON.stringify(f)} != ${JSON.stringify({ seen: m.seen, flagged: m.flagged, answered: m.answered, draft: m.draft })}`);
    }
    if (problems.length > 20) break;
  }
  const q = await quota(env);
  if (q.usedBytes !== bytes) problems.push(`quota usage ${q.usedBytes} bytes (sum of vsizes), seeded ${bytes}`);
  if (q.usedKiB !== Math.ceil(bytes / 1024)) problems.push(`quota ${q.usedKiB} KiB, expected ceil(${bytes}/1024)`);
  if (q.limitBytes !== env.quotaBytes) problems.push(`quota limit ${q.limitBytes} != ${env.quotaBytes}`);
  if (problems.length) throw new Error(`seeded mailbox does not match what Dovecot reports:\n${problems.slice(0, 20).join('\n')}`);
}

/** The few puppeteer Page methods login() uses (kept structural so this module needs no puppeteer types). */
type Fn = (...args: any[]) => Promise<any>;
export interface PageLike {
  goto: Fn;
  waitForSelector: Fn;
  $: Fn;
  type: Fn;
  click: Fn;
  waitForNavigation: Fn;
  waitForFunction: Fn;
  evaluate: Fn;
}

/**
 * Log in through the real login form (puppeteer Page) and wait for the mail view (no-op if already logged in). For
 * the 'mailiz' variant that form is the OpenID Connect provider's (Roundcube redirects there), filled as a user would.
 */
export async function login(
  page: PageLike,
  env: Pick<RoundcubeEnv, 'url' | 'user' | 'password'>,
): Promise<void> {
  await page.goto(env.url, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('#rcmloginuser, #messagelist, #kc-form-login', { timeout: 30_000 });
  if (await page.$('#kc-form-login')) {
    await page.type('#username', env.user);
    await page.type('#password', env.password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 30_000 }), page.click('#kc-login')]);
  } else if (await page.$('#rcmloginuser')) {
    await page.evaluate(`document.querySelector('#rcmloginuser').value = ''; document.querySelector('#rcmloginpwd').value = ''`);
    await page.type('#rcmloginuser', env.user);
    await page.type('#rcmloginpwd', env.password);
    await Promise.all([page.waitForNavigation({ waitUntil: 'domcontentloaded', timeout: 30_000 }), page.click('#rcmloginsubmit')]);
  }
  await page.waitForSelector('#messagelist', { timeout: 30_000 });
  // The list arrives by AJAX after the page loads: wait until rcmail knows it and is idle.
  await page.waitForFunction(
    `window.rcmail && rcmail.env && rcmail.env.task === 'mail' && rcmail.message_list && !rcmail.busy && typeof rcmail.env.messagecount === 'number'`,
    { timeout: 30_000 },
  );
}

/** What is still running from an environment (for leak checks): members of the two process groups. */
export async function leftovers(env: RoundcubeEnv): Promise<number[]> {
  return [...(await groupMembers(env.pids.dovecot)), ...(await groupMembers(env.pids.php))];
}

/**
 * Deliver one message into a folder as a new arrival (doveadm save: new UID, \Recent, quota charged), e.g. to
 * make the host's refresh report a quota change. Returns the new UID.
 */
export async function deliver(env: Pick<RoundcubeEnv, 'dovecotConf' | 'user' | 'doveadm'>, folder: string, raw: Buffer): Promise<number> {
  const status = JSON.parse(await env.doveadm(['-f', 'json', 'mailbox', 'status', '-u', env.user, 'uidnext', folder])) as { uidnext: string }[];
  const before = Number(status[0]?.uidnext);
  await new Promise<void>((resolve, reject) => {
    const p = spawn(DOVEADM_BIN, ['-c', env.dovecotConf, 'save', '-u', env.user, '-m', folder], { stdio: ['pipe', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`doveadm save failed (${code}): ${err.trim()}`))));
    p.stdin.end(raw);
  });
  return before;
}
