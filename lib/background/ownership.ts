/**
 * The one ownership check for content-script requests. A content script runs in a webmail page the background
 * cannot see into: the mailbox address it sends is only what that page showed it. So the background records,
 * per tab, the mailbox the page announced with 'webmail/seen' (on a registered origin: the router refused any
 * other), and a content script then gets and changes only what concerns THAT mailbox, on ITS tab's origin:
 * its quota figures, its verdicts, its cleanup jobs and locks, its signature, its own row of the BAL list, its
 * own folder choices in the settings. Balise's own pages (popup, options) are not concerned.
 *
 * Who may claim a mailbox: a BAL the user registered with a webmail origin belongs to that origin only; a BAL
 * only seen so far belongs to the origin it was first seen on, until the user confirms it in the registry (and
 * sets its webmail there) or forgets it.
 *
 * The record is kept in IndexedDB (kv 'tabs/mailboxes') so that it outlives a service-worker restart; tab ids
 * do not outlive the browser, so it is emptied when the browser starts, and a tab's entry goes when it closes.
 */
import { browser } from 'wxt/browser';
import { db } from '../store/db';
import type { MessageDef, SenderKind } from '../messages/define';
import type { HandlersFor, Sender } from '../messages/router';
import type { messageDefs } from '../messages';
import type { Bal, Settings } from '../store/schemas';
import type { ComposeContext } from '../messages/registry';

export const TABS_KEY = 'tabs/mailboxes';
/**
 * How long a request of a page waits for its tab's 'webmail/seen' (a page sends it before mounting its features;
 * two requests may still cross). Requests whose answer is only cut down wait less.
 */
export const SEEN_WAIT_MS = 10_000;
const FILTER_WAIT_MS = 2_000;

export interface TabMailbox {
  address: string;
  origin: string;
  at: number;
}

export class OwnershipError extends Error {
  override readonly name = 'OwnershipError';
  readonly code = 'forbidden';
}

export function originOf(url: string | undefined): string {
  try {
    return url ? new URL(url).origin : '';
  } catch {
    return '';
  }
}

/** Which mailbox each webmail tab shows. */
export class TabMailboxes {
  private map: Promise<Map<number, TabMailbox>> | null = null;
  private waiters = new Map<number, Set<() => void>>();

  private load(): Promise<Map<number, TabMailbox>> {
    this.map ??= db()
      .kv.get(TABS_KEY)
      .then((row) => {
        const out = new Map<number, TabMailbox>();
        const value = row?.value;
        if (value && typeof value === 'object') {
          for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
            const e = v as Partial<TabMailbox> | null;
            if (e && typeof e.address === 'string' && typeof e.origin === 'string' && typeof e.at === 'number') {
              out.set(Number(k), { address: e.address, origin: e.origin, at: e.at });
            }
          }
        }
        return out;
      });
    return this.map;
  }

  private async save(map: Map<number, TabMailbox>): Promise<void> {
    await db().kv.put({ key: TABS_KEY, value: Object.fromEntries(map) });
  }

  async get(tabId: number): Promise<TabMailbox | undefined> {
    return (await this.load()).get(tabId);
  }

  async set(tabId: number, entry: TabMailbox): Promise<void> {
    const map = await this.load();
    map.set(tabId, entry);
    await this.save(map);
    for (const wake of this.waiters.get(tabId) ?? []) wake();
  }

  async forgetTab(tabId: number): Promise<void> {
    const map = await this.load();
    if (map.delete(tabId)) await this.save(map);
  }

  /** Forget every tab showing this mailbox (it was forgotten): they must announce it again. */
  async forgetAddress(address: string): Promise<void> {
    const map = await this.load();
    let changed = false;
    for (const [id, e] of map) if (e.address === address.toLowerCase()) changed = map.delete(id) || changed;
    if (changed) await this.save(map);
  }

  async clear(): Promise<void> {
    this.map = Promise.resolve(new Map());
    await db().kv.delete(TABS_KEY);
  }

  /** The entry of this tab, waiting up to `ms` for the page to announce its mailbox. */
  async wait(tabId: number, ms: number): Promise<TabMailbox | undefined> {
    const now = await this.get(tabId);
    if (now || ms <= 0) return now;
    await new Promise<void>((resolve) => {
      const set = this.waiters.get(tabId) ?? new Set();
      this.waiters.set(tabId, set);
      const done = () => {
        clearTimeout(timer);
        set.delete(done);
        if (!set.size) this.waiters.delete(tabId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
    return this.get(tabId);
  }
}

/**
 * A page announced its mailbox: record it for its tab if its origin may show that mailbox (see the header).
 * Refused otherwise: the tab then has no mailbox and every request about one is refused.
 */
export async function claimMailbox(tabs: TabMailboxes, sender: Sender, address: string, now = Date.now()): Promise<void> {
  const tabId = sender.tab?.id;
  const origin = originOf(sender.url);
  if (typeof tabId !== 'number' || !origin) throw new OwnershipError('Only a webmail tab may announce a mailbox');
  const key = address.toLowerCase();
  const bal = await db().bals.get(key);
  if (bal?.webmailOrigin && bal.webmailOrigin !== origin) {
    await tabs.forgetTab(tabId);
    throw new OwnershipError('This mailbox belongs to another webmail');
  }
  await tabs.set(tabId, { address: key, origin, at: now });
}

/** The mailbox this content script's tab shows, on this very origin; refused when there is none. */
export async function tabMailbox(tabs: TabMailboxes, sender: Sender, waitMs = SEEN_WAIT_MS): Promise<string> {
  const tabId = sender.tab?.id;
  const origin = originOf(sender.url);
  if (typeof tabId !== 'number' || !origin) throw new OwnershipError('Not a webmail tab');
  const entry = await tabs.wait(tabId, waitMs);
  if (!entry) throw new OwnershipError('This page has not shown a mailbox');
  if (entry.origin !== origin) throw new OwnershipError('This tab showed its mailbox on another origin');
  return entry.address;
}

async function requireOwn(tabs: TabMailboxes, sender: Sender, address: string, waitMs: number): Promise<string> {
  const own = await tabMailbox(tabs, sender, waitMs);
  if (own !== address.toLowerCase()) throw new OwnershipError('This page shows another mailbox');
  return own;
}

type Defs = typeof messageDefs;
type AnyHandler = (req: never, sender: Sender, kind?: SenderKind) => unknown;

/**
 * How each message a content script may send is checked. Every such type must be listed (a unit test checks):
 * - 'claim': records the tab's mailbox;
 * - a function: the mailbox the request concerns, checked against the tab's;
 * - 'job': the request names a job, whose mailbox is checked;
 * - 'filter': the answer is cut down to the tab's mailbox;
 * - 'none': concerns no mailbox (export parts are checked per tab in lib/background/export.ts; test commands).
 */
const RULES: Record<string, 'claim' | 'job' | 'filter' | 'none' | ((req: Record<string, unknown>) => string)> = {
  'webmail/seen': 'claim',
  'quota/report': (r) => r.address as string,
  'retention/report': (r) => r.address as string,
  'classify/get': (r) => r.bal as string,
  'classify/put': (r) => r.bal as string,
  'classify/ids': (r) => r.bal as string,
  'classify/drop': (r) => r.bal as string,
  'cleanup/save-rule-defaults': (r) => r.bal as string,
  'cleanup/create': (r) => (r.job as { bal: string }).bal,
  'cleanup/lock': (r) => r.bal as string,
  'cleanup/heartbeat': (r) => r.bal as string,
  'cleanup/unlock': (r) => r.bal as string,
  'cleanup/list-jobs': (r) => r.bal as string,
  'cleanup/lock-status': (r) => r.bal as string,
  'cleanup/mark-sent': 'job',
  'cleanup/record-batch': 'job',
  'cleanup/update-job': 'job',
  'cleanup/get-job': 'job',
  'bals/list': 'filter',
  'settings/get': 'filter',
  // The cleanup panel reads which settings IT locked; the organisational BALs of the answer are cut to the tab's own.
  'managed/get': 'filter',
  'compose/context': 'filter',
  ping: 'none',
  'export/save-part': 'none',
  'export/remove-parts': 'none',
  'test/open-page': 'none',
  'test/menu-insert-signature': 'none',
  'test/quota-notifications': 'none',
};

/** Message types a content script may send that the ownership check does not know (must stay empty). */
export function uncheckedContentTypes(defs: Record<string, MessageDef>): string[] {
  return Object.entries(defs)
    .filter(([type, d]) => d.from.includes('content') && !(type in RULES))
    .map(([type]) => type);
}

function onlyOwnFolders(settings: Settings, own: string | null): Settings {
  const ruleFolders = own && settings.cleanup.ruleFolders[own] ? { [own]: settings.cleanup.ruleFolders[own]! } : {};
  return { ...settings, cleanup: { ...settings.cleanup, ruleFolders } };
}

/**
 * Wrap the background's handlers so that content-script requests go through the ownership check. Requests of
 * Balise's own pages go straight to the handler.
 */
export function guardContent(handlers: HandlersFor<Defs>, tabs: TabMailboxes, opts: { waitMs?: number; now?: () => number } = {}): HandlersFor<Defs> {
  const waitMs = opts.waitMs ?? SEEN_WAIT_MS;
  const out: Record<string, AnyHandler> = {};
  for (const [type, h] of Object.entries(handlers) as [string, AnyHandler | undefined][]) {
    if (!h) continue;
    const rule = RULES[type];
    out[type] = async (req: never, sender: Sender, kind?: SenderKind) => {
      if (kind !== 'content') return h(req, sender, kind);
      const r = req as Record<string, unknown>;
      if (rule === undefined) throw new OwnershipError(`${type} has no ownership rule`);
      if (rule === 'none') return h(req, sender, kind);
      if (rule === 'claim') {
        await claimMailbox(tabs, sender, r.address as string, opts.now?.());
        return h(req, sender, kind);
      }
      if (rule === 'job') {
        const job = await db().jobs.get(r.jobId as string);
        // An unknown job: the handler answers "not found" as it always did.
        if (job) await requireOwn(tabs, sender, job.bal, waitMs);
        return h(req, sender, kind);
      }
      if (rule === 'filter') {
        const own = await tabMailbox(tabs, sender, Math.min(waitMs, FILTER_WAIT_MS)).catch(() => null);
        if (type === 'compose/context') {
          // The signature of the mailbox this page shows, whatever "from" the page read.
          return (await h({ ...r, from: own } as never, sender, kind)) as ComposeContext;
        }
        const res = await h(req, sender, kind);
        if (type === 'bals/list') return (res as Bal[]).filter((b) => b.address === own);
        if (type === 'managed/get') {
          const m = res as { config: { bals?: { address: string }[] } };
          return { ...m, config: { ...m.config, ...(m.config.bals ? { bals: m.config.bals.filter((b) => b.address === own) } : {}) } };
        }
        return onlyOwnFolders(res as Settings, own);
      }
      await requireOwn(tabs, sender, rule(r), waitMs);
      return h(req, sender, kind);
    };
  }
  return out as HandlersFor<Defs>;
}

/** Keep the record in step with the browser: tabs close, and a new browser session reuses tab ids. */
export function startOwnership(tabs: TabMailboxes): void {
  browser.tabs.onRemoved.addListener((tabId) => void tabs.forgetTab(tabId).catch(() => undefined));
  browser.runtime.onStartup.addListener(() => void tabs.clear().catch(() => undefined));
}
