/**
 * Retention awareness: what the server will delete by itself soon. Three lifetimes, each from the best source:
 * 1. what the server says (Webmail.retention(), e.g. Zimbra's effective zimbraMailTrashLifetime /
 *    zimbraPrefTrashLifetime), then 2. what the user configured for this BAL (bal.limits), then 3. the operator's
 *    published default (KNOWN_WEBMAILS, e.g. Medimail deletes messages after 90 days).
 *
 * Counting uses the adapter's search on the received date. Servers that age the trash from the day a message was
 * moved there (Zimbra's default) purge later than that, so for the trash and junk the count is an upper bound
 * ("up to N messages"), never less than what will go.
 */
import { KNOWN_WEBMAILS } from '../../origins';
import type { Folder, MessageRef, MessageSummary, Webmail } from '../../webmail/types';
import { DAY } from '../../quota/projection';

export type LifetimeSource = 'server' | 'bal' | 'operator';

export interface Lifetime {
  days: number;
  source: LifetimeSource;
}

export interface RetentionPolicy {
  trash: Lifetime | null;
  junk: Lifetime | null;
  /** Every message, in every folder (Medimail: 90 days). */
  all: Lifetime | null;
}

export interface BalLimits {
  retentionDays?: number | undefined;
  trashLifetimeDays?: number | undefined;
}

function pick(server: number | null | undefined, bal: number | undefined, operator: number | undefined): Lifetime | null {
  if (server !== null && server !== undefined && server > 0) return { days: server, source: 'server' };
  if (bal !== undefined && bal > 0) return { days: bal, source: 'bal' };
  if (operator !== undefined && operator > 0) return { days: operator, source: 'operator' };
  return null;
}

export function resolveRetention(
  server: { trashDays: number | null; junkDays: number | null } | null,
  limits: BalLimits | undefined,
  origin: string,
  known = KNOWN_WEBMAILS,
): RetentionPolicy {
  const operator = known.find((k) => k.origin === origin);
  return {
    trash: pick(server?.trashDays, limits?.trashLifetimeDays, operator?.trashLifetimeDays),
    junk: pick(server?.junkDays, undefined, undefined),
    all: pick(null, limits?.retentionDays, operator?.retentionDays),
  };
}

/** One message to keep a copy of (the shape exportMessages() takes: lib/export/contract.ts ExportItem). */
export interface ExpiringItem {
  ref: MessageRef;
  folderPath: string;
  size: number;
  summary: Pick<MessageSummary, 'date' | 'from' | 'subject'>;
}

export interface ExpiringGroup {
  scope: 'trash' | 'junk' | 'all';
  lifetime: Lifetime;
  count: number;
  bytes: number;
  bytesPrecision: number;
  /** True when the count may be higher than what the server will really delete (see the module comment). */
  upperBound: boolean;
  refs: MessageRef[];
  items: ExpiringItem[];
}

/** Descendants of the folders with this role, by path (a trash subfolder goes with the trash). */
function foldersUnder(folders: readonly Folder[], role: 'trash' | 'junk'): Folder[] {
  const roots = folders.filter((f) => f.role === role);
  return folders.filter((f) => roots.some((r) => f.id === r.id || f.path.startsWith(`${r.path}/`)));
}

async function countBefore(webmail: Webmail, folders: readonly Folder[], before: number, signal?: AbortSignal) {
  let count = 0;
  let bytes = 0;
  let precision = 0;
  const refs: MessageRef[] = [];
  const items: ExpiringItem[] = [];
  for (const f of folders) {
    if (f.count === 0) continue;
    for await (const batch of webmail.search({ folderId: f.id, before, sort: 'dateAsc' }, signal ? { signal } : {})) {
      for (const m of batch) {
        count++;
        bytes += m.size;
        precision += m.sizePrecision;
        refs.push(m.ref);
        items.push({ ref: m.ref, folderPath: f.path, size: m.size, summary: { date: m.date, from: m.from, subject: m.subject } });
      }
    }
  }
  return { count, bytes, bytesPrecision: precision, refs, items };
}

/**
 * Messages the server will delete by itself within `horizonDays` (default 7): one search per folder concerned,
 * on demand only (the panel calls it when opened), never on the meter's refreshes.
 */
export async function expiringSoon(
  webmail: Webmail,
  policy: RetentionPolicy,
  folders: readonly Folder[],
  now: number,
  opts: { horizonDays?: number; signal?: AbortSignal } = {},
): Promise<ExpiringGroup[]> {
  const horizon = opts.horizonDays ?? 7;
  const out: ExpiringGroup[] = [];
  const trash = foldersUnder(folders, 'trash');
  const junk = foldersUnder(folders, 'junk');
  const cutoff = (l: Lifetime) => now - Math.max(0, l.days - horizon) * DAY;
  if (policy.trash && trash.length) {
    const r = await countBefore(webmail, trash, cutoff(policy.trash), opts.signal);
    out.push({ scope: 'trash', lifetime: policy.trash, upperBound: true, ...r });
  }
  if (policy.junk && junk.length) {
    const r = await countBefore(webmail, junk, cutoff(policy.junk), opts.signal);
    out.push({ scope: 'junk', lifetime: policy.junk, upperBound: true, ...r });
  }
  if (policy.all) {
    const handled = new Set([...(policy.trash ? trash : []), ...(policy.junk ? junk : [])].map((f) => f.id));
    const rest = folders.filter((f) => !handled.has(f.id));
    const r = await countBefore(webmail, rest, cutoff(policy.all), opts.signal);
    out.push({ scope: 'all', lifetime: policy.all, upperBound: false, ...r });
  }
  return out;
}

/** What emptying the trash would give back: the trash and its subfolders. */
export function trashReclaim(folders: readonly Folder[]): { bytes: number; precision: number; count: number; known: boolean } {
  const trash = foldersUnder(folders, 'trash');
  let bytes = 0;
  let precision = 0;
  let count = 0;
  let known = trash.length > 0;
  for (const f of trash) {
    count += f.count;
    if (f.bytes === null) known = false;
    else {
      bytes += f.bytes;
      precision += f.bytesPrecision;
    }
  }
  return { bytes, precision, count, known };
}
