/**
 * The registry's rules, as pure functions (no Dexie, no browser): which BALs are in the registry, the one
 * preferred BAL per practice situation, and, for a message being written, which BAL is the preferred one and
 * which signature template applies.
 *
 * Rules:
 * - the registry is the BALs the user confirmed (source 'user'); BALs only seen on a webmail page are
 *   suggestions and count for nothing here;
 * - a practice situation is identified by its label, compared without case and extra spaces; BALs without a
 *   situation form one group of their own;
 * - at most one preferred BAL per situation, and only an active one: choosing a preferred BAL takes the mark
 *   from the others of its situation; making a BAL inactive or depublished takes its mark away;
 * - writing from a BAL the registry does not know (or before the user filled the registry): that BAL is taken
 *   as the preferred one, with the default template.
 */
import type { Bal } from '../store/schemas';

export interface SituationLike {
  label: string;
  structure?: string | undefined;
}

/** The key that identifies a practice situation: its label, trimmed, single-spaced, lower-case. '' = none. */
export function situationKey(s: { label?: string } | string | null | undefined): string {
  const label = typeof s === 'string' ? s : (s?.label ?? '');
  return label.trim().replace(/\s+/g, ' ').toLocaleLowerCase('fr');
}

/** How BAL addresses are compared and stored (the registry's primary key). */
export function normalizeAddress(address: string): string {
  return address.trim().toLowerCase();
}

/** The BALs of the registry (confirmed by the user). */
export function registryOf(bals: readonly Bal[]): Bal[] {
  return bals.filter((b) => b.source === 'user');
}

/** The preferred BAL of a situation (by key), or null. */
export function preferredFor(bals: readonly Bal[], key: string): Bal | null {
  return registryOf(bals).find((b) => b.preferred && b.status === 'active' && situationKey(b.situation) === key) ?? null;
}

/**
 * Every practice situation of the registry, once each: the label as spelled on its preferred BAL (else the first
 * BAL), and the structure name given on any of its BALs (the preferred one first).
 */
export function situationsOf(bals: readonly Bal[]): SituationLike[] {
  const seen = new Map<string, SituationLike>();
  const ordered = [...registryOf(bals)].sort((a, b) => Number(b.preferred && b.status === 'active') - Number(a.preferred && a.status === 'active'));
  for (const b of ordered) {
    if (!b.situation) continue;
    const key = situationKey(b.situation);
    if (!key) continue;
    const cur = seen.get(key);
    if (!cur) seen.set(key, { label: b.situation.label.trim(), ...(b.situation.structure ? { structure: b.situation.structure } : {}) });
    else if (!cur.structure && b.situation.structure) cur.structure = b.situation.structure;
  }
  // Back in registry order, for stable lists.
  const order = registryOf(bals).map((b) => situationKey(b.situation));
  return [...seen.entries()].sort((x, y) => order.indexOf(x[0]) - order.indexOf(y[0])).map(([, v]) => v);
}

export type PreferredProblem = 'inactive' | 'not-in-registry';

/**
 * Make `address` the preferred BAL of its situation: returns the BALs whose row changes (the target and the
 * others of its situation that lose the mark), or a problem when it cannot be preferred.
 */
export function choosePreferred(bals: readonly Bal[], address: string): { changed: Bal[] } | { problem: PreferredProblem } {
  const key = normalizeAddress(address);
  const target = registryOf(bals).find((b) => b.address === key);
  if (!target) return { problem: 'not-in-registry' };
  if (target.status !== 'active') return { problem: 'inactive' };
  const sit = situationKey(target.situation);
  const changed: Bal[] = [];
  for (const b of registryOf(bals)) {
    if (b.address === key) {
      if (!b.preferred) changed.push({ ...b, preferred: true });
    } else if (b.preferred && situationKey(b.situation) === sit) {
      changed.push({ ...b, preferred: false });
    }
  }
  return { changed };
}

/**
 * Bring a whole registry to the rules: a non-active BAL is never preferred, and where a situation has more
 * than one preferred BAL only the first of `priority` (then list order) keeps the mark.
 * Returns a new array; rows that need no change are the same objects.
 */
export function enforcePreferred(bals: readonly Bal[], priority: readonly string[] = []): Bal[] {
  const holder = new Map<string, string>();
  const ordered = [...bals].filter((b) => b.source === 'user' && b.preferred && b.status === 'active');
  ordered.sort((a, b) => rank(a.address) - rank(b.address));
  for (const b of ordered) {
    const key = situationKey(b.situation);
    if (!holder.has(key)) holder.set(key, b.address);
  }
  return bals.map((b) => {
    if (!b.preferred) return b;
    const keep = b.source === 'user' && b.status === 'active' && holder.get(situationKey(b.situation)) === b.address;
    return keep ? b : { ...b, preferred: false };
  });

  function rank(address: string): number {
    const i = priority.indexOf(address);
    return i === -1 ? priority.length + bals.findIndex((b) => b.address === address) : i;
  }
}

/**
 * A BAL's practice situation, with its structure name: the BAL's own, else the one given on the situation's
 * preferred BAL, else on any BAL of that situation (a structure belongs to the situation, not to one BAL).
 */
function situationOf(registry: readonly Bal[], bal: Bal, pref: Bal | null): SituationLike | null {
  if (!bal.situation) return null;
  const key = situationKey(bal.situation);
  const structure =
    bal.situation.structure ||
    pref?.situation?.structure ||
    registry.find((b) => situationKey(b.situation) === key && b.situation?.structure)?.situation?.structure;
  return { label: bal.situation.label, ...(structure ? { structure } : {}) };
}

/** What Balise knows about the BAL a message is written from. */
export interface SendingContext {
  /** The address written from (lower-case), when known. */
  from: string | null;
  /** Its registry row, when it is in the registry. */
  bal: Bal | null;
  /** Its practice situation (label as the user typed it, structure), when it has one. */
  situation: SituationLike | null;
  /** The BAL correspondents should write to ({bal_preferee}). */
  preferredAddress: string | null;
  /** True when writing from a BAL that is not the preferred one of its situation. */
  notPreferred: boolean;
}

/**
 * The sending context for a message written from `from` (null when the page does not tell, e.g. on a webmail
 * Balise has no adapter for; `origin` then picks the registry's BAL for that webmail).
 */
export function resolveSending(bals: readonly Bal[], from: string | null, origin?: string | null): SendingContext {
  const registry = registryOf(bals);
  const addr = from ? normalizeAddress(from) : null;
  let bal = addr ? (registry.find((b) => b.address === addr) ?? null) : null;
  if (!addr && origin) {
    const here = registry.filter((b) => b.webmailOrigin === origin && b.status === 'active');
    bal = here.find((b) => b.preferred) ?? here[0] ?? null;
  }
  if (!bal && !addr) {
    // Nothing tells which BAL this is: the registry's preferred BAL, when there is exactly one situation.
    const preferred = registry.filter((b) => b.preferred && b.status === 'active');
    const keys = new Set(preferred.map((b) => situationKey(b.situation)));
    if (preferred.length > 0 && keys.size === 1) bal = preferred[0]!;
  }
  if (!bal) {
    // Unknown BAL, or an empty registry: the BAL written from is the preferred one.
    return { from: addr, bal: null, situation: null, preferredAddress: addr, notPreferred: false };
  }
  const pref = preferredFor(registry, situationKey(bal.situation));
  const situation = situationOf(registry, bal, pref);
  if (pref) {
    return { from: addr ?? bal.address, bal, situation, preferredAddress: pref.address, notPreferred: addr !== null && pref.address !== addr };
  }
  if (bal.status !== 'active') {
    // An inactive BAL with no preferred one in its situation: point at a preferred BAL elsewhere, if any.
    const elsewhere = registry.find((b) => b.preferred && b.status === 'active') ?? null;
    return {
      from: addr ?? bal.address,
      bal,
      situation,
      preferredAddress: elsewhere?.address ?? bal.address,
      notPreferred: elsewhere !== null,
    };
  }
  return { from: addr ?? bal.address, bal, situation, preferredAddress: bal.address, notPreferred: false };
}

/** A preferred BAL to send correspondents of `bal` to (its situation's, else any): for the depublish helper. */
export function replacementFor(bals: readonly Bal[], bal: Bal): Bal | null {
  const registry = registryOf(bals).filter((b) => b.address !== bal.address);
  return preferredFor(registry, situationKey(bal.situation)) ?? registry.find((b) => b.preferred && b.status === 'active') ?? null;
}
