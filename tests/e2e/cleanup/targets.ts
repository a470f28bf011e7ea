/**
 * The webmails the e2e tests drive, behind one small interface: log in, read the server's truth (every message by
 * Message-ID: folder, id, flags), and name the folders. Roundcube's truth comes from doveadm, the Zimbra simulator's
 * and the Medimail stand-in's from their own mailboxes. Medimail lists and reads only (`canAct` false): cleanup runs
 * do not apply to it.
 */
import type { Page } from 'puppeteer-core';
import type { Session } from '../harness/browsers';
import { seedMailbox, startRoundcube, type RoundcubeEnv, type StartOptions } from '../../servers/roundcube/index';
import { listAllMessages, quota as doveQuota } from '../../servers/roundcube/truth';
import { freePort } from '../../servers/roundcube/procs';
import { startFaultProxy, type FaultProxy } from '../../servers/fault-proxy/index';
import { startZimbraSim, type ZimbraSim } from '../../servers/zimbra-sim/index';
import { startMedimailSim, type MedimailSim } from '../../servers/medimail-sim/index';
import { loginMedimail } from '../medimail/helpers';
import { loginWithBalise, waitForAdapter } from '../roundcube/helpers';
import { loginZimbra, waitForShell } from '../zimbra/helpers';
import type { JobItem, Report } from '../../../lib/features/cleanup/types';
import type { MessageSummary } from '../../../lib/webmail/types';

export interface Where {
  folder: string;
  id: string;
  flags: string;
  size: number;
}

export type Truth = Map<string, Where>;

export interface Target {
  name: 'roundcube' | 'zimbra' | 'medimail';
  /** Which server exactly, for test titles: 'Roundcube', 'Mailiz-like Roundcube', 'Roundcube (Larry)', 'Zimbra simulator'. */
  label: string;
  /** Balise can move and delete there (the adapter has a mailbox part). */
  canAct: boolean;
  /** `junk` is null where the webmail has no junk folder (Medimail). */
  folders: { inbox: string; patients: string; archives: string; trash: string; junk: string | null };
  /** The URL the browser opens (a fault proxy may stand in front of the server). */
  url: string;
  /** Log in (first time) and wait until Balise's adapter runs on the page. */
  open(s: Session, page: Page): Promise<void>;
  /** Open the webmail in one more tab of a logged-in browser. */
  openMore(s: Session, page: Page): Promise<void>;
  /** The session is over: log in again in this tab, like the user would. */
  relogin(s: Session, page: Page): Promise<void>;
  truth(): Promise<Truth>;
  usedBytes(): Promise<number>;
  /** Back to a freshly seeded mailbox. */
  reseed(): Promise<void>;
  /**
   * The host marks messages read when it moves them to the trash (Roundcube's read_when_deleted, true by default:
   * rcube_imap::move_message sets \Seen before moving to the trash). Undo then marks unread again those that were
   * (Webmail.markUnread): after an undo, flags are the original ones exactly.
   */
  seenOnTrash: boolean;
  /** The truth says the message is unread (IMAP: no \Seen; the simulator: its unread flag). */
  isUnread(w: Where): boolean;
  /** Another client deletes these messages for good (by Message-ID). */
  vanish?(keys: string[]): Promise<void>;
  stop(): Promise<void>;
}

type RoundcubeTargetOptions = { seed?: number; urlFor?: (url: string) => Promise<string> } & Pick<StartOptions, 'variant' | 'skin' | 'oidc' | 'publicUrls'>;

export async function roundcubeTarget(opts: RoundcubeTargetOptions = {}): Promise<Target & { env: RoundcubeEnv }> {
  const env = await startRoundcube({ profile: 'realistic', seed: opts.seed ?? 1, variant: opts.variant, skin: opts.skin, oidc: opts.oidc, publicUrls: opts.publicUrls });
  const url = opts.urlFor ? await opts.urlFor(env.url) : env.url;
  const via = { ...env, url };
  return {
    name: 'roundcube',
    label: env.variant === 'mailiz' ? 'Mailiz-like Roundcube' : env.skin === 'larry' ? 'Roundcube (Larry)' : 'Roundcube',
    canAct: true,
    env,
    seenOnTrash: true,
    isUnread: (w) => !w.flags.split(' ').includes('\\Seen'),
    url,
    folders: { inbox: 'INBOX', patients: 'Patients', archives: 'Patients/Archives', trash: 'Trash', junk: 'Junk' },
    open: async (s, page) => {
      await loginWithBalise(s, page, via);
    },
    // A new tab shows the login form when the session is gone (a lost cookie ends it): log in then, as the user would.
    openMore: async (s, page) => {
      await loginWithBalise(s, page, via);
    },
    relogin: async (s, page) => {
      await loginWithBalise(s, page, via);
    },
    // \Recent is IMAP's per-session "new here" mark (a message moved while no session has the folder open gets it), not
    // a stored flag: it is left out.
    truth: async () =>
      new Map((await listAllMessages(env)).map((m) => [m.messageId, { folder: m.folder, id: String(m.uid), flags: m.flags.raw.filter((f) => f !== '\\Recent').sort().join(' '), size: m.vsize }])),
    usedBytes: async () => (await doveQuota(env)).usedBytes,
    reseed: async () => {
      await seedMailbox(env, { profile: 'realistic', seed: opts.seed ?? 1 });
    },
    stop: () => env.stop(),
  };
}

/**
 * Roundcube as Mailiz runs it: login through an OpenID Connect provider on another loopback origin (the provider's
 * form, filled as a user would), Dovecot taking the bearer token; same mailbox, folders and doveadm truth.
 *
 * `behindProxy`: the fault proxy (and its firewall stand-in) stands at the webmail's public origin, as Mailiz's
 * firewall does: it passes the browser's Host on, so Roundcube's OAuth redirect, hence the login, comes back through
 * it, and Balise sees the mailbox there first. (A proxy that rewrote the Host made the login land on Roundcube's own
 * origin: the mailbox was then that origin's, and the ownership check rightly refused every run through the proxy.)
 * The provider stays on its own origin.
 */
export async function mailizTarget(
  opts: Omit<RoundcubeTargetOptions, 'variant' | 'skin' | 'urlFor' | 'publicUrls'> & { behindProxy?: boolean } = {},
): Promise<Target & { env: RoundcubeEnv; proxy?: FaultProxy }> {
  const { behindProxy, ...rest } = opts;
  if (!behindProxy) return roundcubeTarget({ ...rest, variant: 'mailiz' });
  const port = await freePort();
  let proxy: FaultProxy | undefined;
  const t = await roundcubeTarget({
    ...rest,
    variant: 'mailiz',
    publicUrls: [`http://127.0.0.1:${port}/`],
    urlFor: async (u) => {
      proxy = await startFaultProxy({ target: u, port, keepHost: true });
      return proxy.url;
    },
  });
  const stopEnv = t.stop;
  return Object.assign(t, {
    proxy,
    stop: async () => {
      await proxy?.stop();
      await stopEnv();
    },
  });
}

/** Roundcube with Debian's other skin, Larry (roundcube-skin-larry); same mailbox and doveadm truth. */
export async function larryTarget(opts: Omit<RoundcubeTargetOptions, 'skin'> = {}): Promise<Target & { env: RoundcubeEnv }> {
  return roundcubeTarget({ ...opts, skin: 'larry' });
}

export async function zimbraTarget(opts: { seed?: number; urlFor?: (url: string) => Promise<string> } = {}): Promise<Target & { sim: ZimbraSim }> {
  // With the DoSFilter a real server has by default (30 requests a second from one address, then HTTP 429): every
  // cleanup test on this target also checks that Balise keeps to its pace (ZIMBRA_SERVER_WINDOW).
  const DOS = { dosFilterMaxRequestsPerSec: 30 };
  let sim = await startZimbraSim({ profile: 'realistic', seed: opts.seed ?? 12, pollMs: 60_000, ...DOS });
  let dosRejected = 0;
  let dosSecond = '';
  const countDos = () => {
    const log = sim.requestLog;
    const refused = log.filter((e) => e.request === 'dos-filter');
    dosRejected += refused.length;
    // What reached the server in the second before the first refusal (to see whose requests they were).
    const first = refused[0];
    if (first && !dosSecond) dosSecond = log.filter((e) => e.at > first.at - 1000 && e.at <= first.at && e.path.startsWith('/service/')).map((e) => `${e.at - first.at} ${e.request}`).join(', ');
  };
  const url = opts.urlFor ? await opts.urlFor(sim.url) : sim.url;
  const simVia = () => ({ ...sim, url }) as ZimbraSim;
  const flagsOf = (f: object) => Object.entries(f).filter(([, v]) => v === true).map(([k]) => k).sort().join(' ');
  const t: Target & { sim: ZimbraSim } = {
    name: 'zimbra',
    label: 'Zimbra simulator',
    canAct: true,
    sim,
    seenOnTrash: false,
    isUnread: (w) => w.flags.split(' ').includes('unread'),
    url,
    folders: { inbox: '2', patients: '257', archives: '258', trash: '3', junk: '4' },
    open: async (s, page) => {
      await loginZimbra(s, page, simVia());
      await waitForShell(page);
    },
    openMore: async (s, page) => {
      await s.gotoWithBalise(page, url);
      // The session may be over (expired): the login form then, as for the user.
      await page.waitForSelector('#zLoginForm, body[data-sim-ready="1"] #z_shell', { timeout: 20_000 });
      if (await page.$('#zLoginForm')) await loginZimbra(s, page, simVia());
      await waitForShell(page);
      await waitForAdapter(s, page);
    },
    relogin: async (s, page) => {
      await loginZimbra(s, page, simVia());
      await waitForShell(page);
    },
    truth: async () => {
      const out: Truth = new Map();
      for (const m of sim.mailbox.messages.values()) out.set(m.messageId ?? `id:${m.id}`, { folder: String(m.folderId), id: String(m.id), flags: flagsOf(m.flags), size: m.size });
      return out;
    },
    usedBytes: async () => sim.mailbox.used,
    reseed: async () => {
      // A new simulator on the same port: same seed, same ids.
      const port = Number(new URL(sim.url).port);
      countDos();
      await sim.stop();
      sim = await startZimbraSim({ profile: 'realistic', seed: opts.seed ?? 12, pollMs: 60_000, port, ...DOS });
      t.sim = sim;
    },
    vanish: async (keys) => {
      const ids = [...sim.mailbox.messages.values()].filter((m) => m.messageId && keys.includes(m.messageId)).map((m) => m.id);
      sim.faults.vanish(ids);
    },
    stop: async () => {
      countDos();
      await sim.stop();
      // Fails the suite that used this target: a real Zimbra would have refused those requests.
      if (dosRejected) throw new Error(`the simulator's DoSFilter refused ${dosRejected} request(s): more than 30 a second reached it (the second before the first: ${dosSecond})`);
    },
  };
  return t;
}

/** Message-ID of a ref, in a truth snapshot. */
export function keyOf(truth: Truth, ref: { folderId: string; id: string }): string {
  for (const [k, w] of truth) if (w.folder === ref.folderId && w.id === ref.id) return k;
  throw new Error(`no message ${ref.folderId}/${ref.id} on the server`);
}

export function indexByRef(truth: Truth): Map<string, string> {
  return new Map([...truth].map(([k, w]) => [`${w.folder}/${w.id}`, k]));
}

/** Every message of a folder, through the page's adapter (what a plan sees). */
export async function listFolder(s: Session, page: Page, folderId: string): Promise<MessageSummary[]> {
  return (await s.call<MessageSummary[][]>(page, 'webmail', 'search', { folderId, sort: 'dateAsc' })).flat();
}

/** A job item from a listing, with its unread state (a trash job keeps it so that undo can give it back). */
export const itemOf = (m: MessageSummary): JobItem => ({ ref: m.ref, size: m.size, unread: m.unread });

/** A job item from the server's truth, with its unread state as the server says. */
export const itemOfTruth = (target: Target, w: Where): JobItem => ({ ref: { folderId: w.folder, id: w.id }, size: w.size, unread: target.isUnread(w) });

/**
 * The server changed exactly as the report says, and nothing else did:
 * - outside `planned`: every message is where it was, same id, same flags;
 * - planned and reported moved/deleted/restored: at its new place (trash / gone / back home), `now` is exact;
 * - planned and reported failed/skipped: where it was;
 * - with `originalFlags` (undo): restored messages have their flags of before the trash job exactly;
 * Returns counts for the log.
 */
export function checkRun(
  before: Truth,
  after: Truth,
  planned: Map<string, { restoreTo?: string }>,
  report: Report,
  trash: string,
  opts: {
    seenOnTrash?: boolean;
    /**
     * Undo: the truth before the trash job. A restored message must have exactly its flags of then (unread again if
     * it was), unless its line says 'unread-not-restored' (then: those flags, at most plus the host's \Seen).
     */
    originalFlags?: Truth;
  } = {},
): { moved: number; unchanged: number; seenAdded: number; unreadLeft: number } {
  const problems: string[] = [];
  const byRef = indexByRef(before);
  const lineOf = new Map(report.lines.map((l) => [byRef.get(`${l.ref.folderId}/${l.ref.id}`) ?? `?${l.ref.folderId}/${l.ref.id}`, l]));
  for (const k of planned.keys()) if (!lineOf.has(k)) problems.push(`planned ${k} has no report line`);
  let moved = 0;
  let unchanged = 0;
  let seenAdded = 0;
  let unreadLeft = 0;
  const withSeen = (f: string) => [...new Set([...f.split(' ').filter(Boolean), '\\Seen'])].sort().join(' ');
  /** Flags may only change by the host's own \Seen on a move to the trash (and stay so when restored). */
  const flagsOk = (k: string, b: Where, a: Where | undefined) => {
    if (!a || a.flags === b.flags) return;
    if (opts.seenOnTrash && a.flags === withSeen(b.flags)) {
      seenAdded++;
      return;
    }
    problems.push(`flags changed: ${k} ${b.flags} → ${a.flags}`);
  };
  for (const [k, b] of before) {
    const a = after.get(k);
    const line = lineOf.get(k);
    if (!planned.has(k)) {
      if (!a || a.folder !== b.folder || a.id !== b.id || a.flags !== b.flags) problems.push(`not planned, changed: ${k} ${JSON.stringify(b)} → ${JSON.stringify(a)}`);
      else unchanged++;
      continue;
    }
    if (!line) continue;
    const where = (x: Where | undefined) => (x ? `${x.folder}/${x.id}` : 'gone');
    switch (line.outcome) {
      case 'moved':
        if (a?.folder !== trash) problems.push(`reported moved, is ${where(a)}: ${k}`);
        if (line.now && where(a) !== `${line.now.folderId}/${line.now.id}`) problems.push(`reported at ${line.now.folderId}/${line.now.id}, is ${where(a)}: ${k}`);
        flagsOk(k, b, a);
        moved++;
        break;
      case 'restored':
        if (a?.folder !== planned.get(k)!.restoreTo) problems.push(`reported restored to ${planned.get(k)!.restoreTo}, is ${where(a)}: ${k}`);
        if (line.now && where(a) !== `${line.now.folderId}/${line.now.id}`) problems.push(`reported at ${line.now.folderId}/${line.now.id}, is ${where(a)}: ${k}`);
        if (opts.originalFlags) {
          const orig = opts.originalFlags.get(k)?.flags;
          if (orig === undefined) problems.push(`restored, but not on the server before the trash job: ${k}`);
          else if (a && a.flags !== orig) {
            if (line.reason === 'unread-not-restored' && a.flags === withSeen(orig)) unreadLeft++;
            else problems.push(`restored with other flags than before the trash job: ${k} ${orig} → ${a.flags}${line.reason ? ` (${line.reason})` : ''}`);
          }
        } else flagsOk(k, b, a);
        moved++;
        break;
      case 'deleted':
        if (a) problems.push(`reported deleted, is ${where(a)}: ${k}`);
        moved++;
        break;
      default:
        if (line.reason === 'unconfirmed') break;
        if (where(a) !== where(b)) problems.push(`reported ${line.outcome} (${line.reason}), is ${where(a)} (was ${where(b)}): ${k}`);
        else if (a && a.flags !== b.flags) problems.push(`not done, but flags changed: ${k} ${b.flags} → ${a.flags}`);
    }
  }
  for (const k of after.keys()) if (!before.has(k)) problems.push(`appeared: ${k}`);
  if (problems.length) throw new Error(`the server does not match the report:\n${problems.slice(0, 30).join('\n')}`);
  return { moved, unchanged, seenAdded, unreadLeft };
}

/**
 * The Medimail stand-in (tests/servers/medimail-sim/): the shared mailbox cut at 90 days, four default folders and the
 * "Patients" sub-folder (which stands for both patients and archives: Medimail has no deeper tree in the seed). Ids are
 * the stand-in's; flags are its unread mark; sizes are the messages' document bytes (Medimail shows no message size).
 */
export async function medimailTarget(opts: { seed?: number; urlFor?: (url: string) => Promise<string> } = {}): Promise<Target & { sim: MedimailSim }> {
  let sim = await startMedimailSim({ seed: opts.seed ?? 5 });
  const url = opts.urlFor ? await opts.urlFor(sim.url) : sim.url;
  const via = () => ({ ...sim, url }) as MedimailSim;
  const t: Target & { sim: MedimailSim } = {
    name: 'medimail',
    label: 'Medimail stand-in',
    canAct: false,
    sim,
    seenOnTrash: false,
    isUnread: (w) => w.flags.split(' ').includes('unread'),
    url,
    folders: { inbox: '1', patients: '157', archives: '157', trash: '4', junk: null },
    open: (s, page) => loginMedimail(s, page, via()),
    openMore: async (s, page) => {
      await s.gotoWithBalise(page, `${url}?m=liste&f=1&o=date&p=1`);
      if (await page.$('input[name="code"]')) await loginMedimail(s, page, via());
      else await waitForAdapter(s, page);
    },
    relogin: (s, page) => loginMedimail(s, page, via()),
    truth: async () => {
      const out: Truth = new Map();
      for (const m of sim.mailbox.messages.values()) {
        out.set(m.messageId || `id:${m.id}`, { folder: String(m.folderId), id: String(m.id), flags: m.unread ? 'unread' : '', size: m.attachments.reduce((n, a) => n + a.data.length, 0) });
      }
      return out;
    },
    usedBytes: async () => [...sim.mailbox.messages.values()].reduce((n, m) => n + m.attachments.reduce((k, a) => k + a.data.length, 0), 0),
    reseed: async () => {
      const port = Number(new URL(sim.url).port);
      await sim.stop();
      sim = await startMedimailSim({ seed: opts.seed ?? 5, port });
      t.sim = sim;
    },
    stop: () => sim.stop(),
  };
  return t;
}
