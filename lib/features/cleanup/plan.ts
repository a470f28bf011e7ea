/**
 * Planning: rules → a snapshot of exact message ids → a Plan (lib/features/cleanup/types.ts).
 *
 * 1. `takeSnapshot` asks the server, folder by folder (a few folders side by side where the host's searches keep no
 *    session state), for every message each rule selects (webmail.search pages
 *    through the WHOLE folder), for the folder's recent messages, and for content candidates (HPRIM text,
 *    attachment names and types: supersets). Then every selected message that is not already kept for another
 *    reason and that has, or may have, an attachment or a content hit gets a verdict: from the server's attachment
 *    list and content searches where they settle it (triage.ts; hosts that list attachments), else downloaded and
 *    classified (classify.ts). Verdicts from bytes are cached in the background, so a second snapshot downloads
 *    only new messages.
 * 2. `buildPlan` turns the snapshot into groups, with the protections, the user's per-message choices and the
 *    "clinical documents are filed in the patient record" confirmation applied. It is pure and instant: the
 *    panel calls it again whenever a protection or a tick changes; ids never change (a snapshot).
 *
 * Which rule a message belongs to when several select it: trash, junk, the chosen folder, old, large (that
 * order; one group per message, so group sums add up).
 *
 * Protections (listed apart, in group 'protected'): unread, flagged, received recently, carrying a clinical
 * document (IHE XDM, HPRIM, PDF), or unverified (may carry one, could not be checked). In the trash and the
 * junk folder only flagged and clinical messages are kept: unread is the rule there, and whatever is there was
 * already put aside by the user or the server; a lab result filed as junk is still kept.
 *
 * Dates: "older than N months" is before 00:00 (local time) on the same day N months ago; "recent" is on or
 * after 00:00 `recentDays` days ago. Server answers are double-checked against the listed date and size when
 * the host gives them exactly, always in the safe direction (plan less, keep more).
 *
 * Why one file at ~575 lines: the snapshot's searches, the order of classification (cache, triage, downloads) and
 * the plan's protections must be read together to check the safe direction (what a search may miss is what a
 * protection keeps); verdict pruning, classification, triage from what the server tells and the rules' dates
 * already live in prune-verdicts.ts, classify.ts, triage.ts and rules.ts.
 */
import { pruneVerdicts } from './prune-verdicts';
import { mapLimit } from '../../webmail/kit/async';
import { OPERATION_CONCURRENCY } from '../../webmail/kit/pacing-policy';
import type { Folder, FolderRole, MessageSummary, Quota, SearchQuery, Webmail } from '../../webmail/types';
import { isWebmailError, WebmailError } from '../../webmail/types';
import type { CleanupRules, GroupKind, Plan, PlanGroup, PlannedMessage, Protection } from './types';
import { cachedVerdicts, classifyMessages, listedKey, refKey, type CachedVerdict, type ClassifyProgress, type VerdictCache, type Verdict } from './classify';
import { daysAgo, monthsAgo } from './rules';
import { DOCUMENT_SIGNS, HPRIM_MARKERS, triage, type Signs } from './triage';

export const DAY = 86_400_000;
export const MB = 1024 * 1024;

export { HPRIM_MARKERS } from './triage';
/** Attachment names and types worth a look (supersets; the verdict comes from the message's bytes). */
export const CLINICAL_NAMES = ['IHE_XDM.ZIP', '.hpr', '.hprim', '.hpm', '.pdf', '.zip'];
export const CLINICAL_TYPES = ['application/pdf', 'application/zip', 'application/x-zip-compressed', 'application/octet-stream'];

type RuleGroup = Exclude<GroupKind, 'protected'>;

export interface Candidate {
  summary: MessageSummary;
  group: RuleGroup;
  folderPath: string;
  role: FolderRole;
  /** Received on or after the "recent" limit (server search, or the listed date). */
  recent: boolean;
  /**
   * A content search (HPRIM text, attachment name or type) named it; or, where the server can tell clinical
   * documents apart without a download (triage.ts), set for every candidate: triage then decides.
   */
  contentHit: boolean;
  /** What the content searches said for triage.ts (absent: not asked; the message is then downloaded). */
  signs?: Signs;
}

export interface SnapshotStats {
  searches: number;
  searchMs: number;
  classify: {
    total: number;
    cached: number;
    /** Decided from the server's attachment lists and content searches, without a download (triage.ts). */
    fromParts: number;
    /** Attachment-list requests made for that. */
    partsRequests: number;
    downloaded: number;
    downloadedBytes: number;
    /** Requests that brought several of the downloaded messages at once (raw-batches.ts); optional in stored snapshots. */
    batchRequests?: number;
    ms: number;
    cacheErrors: number;
    errors: string[];
  };
  /** Verdicts of messages no longer on the server, dropped by this snapshot (prune-verdicts.ts). */
  prunedVerdicts?: number;
  /** When the groups were known (the rules' searches done), from the snapshot's start; optional in stored snapshots. */
  groupsMs?: number;
  totalMs: number;
}

/** What the server said at one instant: exact ids and sizes, what they were classified as. */
export interface Snapshot {
  id: string;
  createdAt: number;
  bal: string;
  origin: string;
  folders: Folder[];
  quotaBefore: Quota | null;
  /** The rules the searches were made for (buildPlan may change protections and ticks, not these). */
  rules: CleanupRules;
  candidates: Candidate[];
  verdicts: Map<string, Verdict>;
  /** Why a verdict stayed 'unverified' (a WebmailErrorCode or 'parse'). */
  failures: Map<string, string>;
  stats: SnapshotStats;
}

export type PlanPhase = 'folders' | 'search' | 'classify';

export interface PlanProgress {
  phase: PlanPhase;
  done: number;
  total: number;
  /** Classification only. */
  downloadedBytes?: number;
  cached?: number;
  /**
   * Classification only: the groups as the searches found them, every message still to be checked counted in its
   * rule's group (clinical documents can only move messages from there to 'protected'), for the panel to show
   * meanwhile; nothing can be applied from them.
   */
  preliminary?: { kind: GroupKind; count: number; bytes: number }[];
}

export interface PlanEnv {
  webmail: Webmail;
  bal: string;
  origin: string;
  now?: () => number;
  cache?: VerdictCache;
  signal?: AbortSignal;
  onProgress?: (p: PlanProgress) => void;
  /** Parallel downloads while classifying (default 2). */
  concurrency?: number;
  /**
   * The folder list (with counts and sizes) the caller read moments ago, to spare reading it again (Roundcube: one
   * settings page per folder); absent: the snapshot reads it.
   */
  folders?: Folder[];
}

/** The rules that change what the server is asked (searches), as opposed to protections applied afterwards. */
export function searchKey(r: CleanupRules): string {
  return JSON.stringify([
    r.emptyTrash,
    r.emptyJunk,
    r.old.enabled && [r.old.months, [...r.old.folderIds].sort()],
    r.large.enabled && [r.large.minMB, r.large.olderThanMonths, [...r.large.folderIds].sort()],
    r.folder.enabled && r.folder.folderId,
    r.protect.recentDays,
  ]);
}

/** Protections other than clinical ones apply here (not in the trash nor the junk folder). */
function ordinaryProtectionsApply(role: FolderRole): boolean {
  return role !== 'trash' && role !== 'junk';
}

/** Whether the message must be looked at (downloaded) to know if it carries a clinical document. */
function mayCarryClinical(c: Candidate): boolean {
  return c.summary.hasAttachment !== false || c.contentHit;
}

/** Kept for a reason other than a clinical document (then it need not be downloaded). */
function keptAnyway(c: Candidate, rules: CleanupRules): boolean {
  const p = rules.protect;
  if (p.flagged && c.summary.flagged) return true;
  if (!ordinaryProtectionsApply(c.role)) return false;
  return (p.unread && c.summary.unread) || (p.recentDays > 0 && c.recent);
}

/** The candidates that need a verdict under these rules and do not have one yet. */
export function unclassified(s: Snapshot, rules: CleanupRules): MessageSummary[] {
  if (!rules.protect.clinical) return [];
  return s.candidates.filter((c) => !s.verdicts.has(refKey(c.summary.ref)) && mayCarryClinical(c) && !keptAnyway(c, rules)).map((c) => c.summary);
}

async function collect(webmail: Webmail, q: SearchQuery, signal: AbortSignal | undefined): Promise<MessageSummary[]> {
  const out: MessageSummary[] = [];
  for await (const page of webmail.search(q, { signal })) {
    if (signal?.aborted) throw new WebmailError('aborted', 'Aborted');
    out.push(...page);
  }
  return out;
}

function newId(): string {
  const c = globalThis.crypto;
  if (c && 'randomUUID' in c) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Ask the server (and the classifier) everything the plan needs, once. Throws WebmailError when a search fails
 * ('aborted' when cancelled): a plan is never built on a partial answer.
 */
export async function takeSnapshot(env: PlanEnv, rules: CleanupRules): Promise<Snapshot> {
  // The rule searches as one request sequence: Roundcube's list state is put back once, not after each search.
  const run = () => snapshotOf(env, rules);
  return env.webmail.together ? env.webmail.together(run) : run();
}

async function snapshotOf(env: PlanEnv, rules: CleanupRules): Promise<Snapshot> {
  const t0 = Date.now();
  const now = env.now?.() ?? Date.now();
  const { webmail, signal } = env;
  env.onProgress?.({ phase: 'folders', done: 0, total: 1 });
  const [folders, quotaBefore] = await Promise.all([
    env.folders ?? webmail.folders(),
    webmail.quota ? webmail.quota.read().catch(() => null) : Promise.resolve(null),
  ]);
  if (signal?.aborted) throw new WebmailError('aborted', 'Aborted');

  // Which searches each folder needs, in group precedence order.
  type Step = { group: RuleGroup; q: Omit<SearchQuery, 'folderId' | 'sort'>; check: (m: MessageSummary) => boolean };
  const plans = new Map<string, Step[]>();
  const add = (f: Folder, step: Step) => {
    const list = plans.get(f.id) ?? [];
    list.push(step);
    plans.set(f.id, list);
  };
  const oldBefore = monthsAgo(now, rules.old.months);
  const largeBefore = monthsAgo(now, rules.large.olderThanMonths);
  const largerThan = Math.round(rules.large.minMB * MB);
  const all = () => true;
  // Safe-direction checks on what the server answered: never plan a message the listing shows outside the rule.
  const before = (t: number) => (m: MessageSummary) => m.date === null || m.date < t;
  const larger = (n: number) => (m: MessageSummary) => m.size + m.sizePrecision > n;
  for (const f of folders) {
    if (f.role === 'trash') {
      if (rules.emptyTrash) add(f, { group: 'trash', q: {}, check: all });
      continue;
    }
    if (f.role === 'junk') {
      if (rules.emptyJunk) add(f, { group: 'junk', q: {}, check: all });
      continue;
    }
    if (rules.folder.enabled && rules.folder.folderId === f.id) add(f, { group: 'folder', q: {}, check: all });
    if (rules.old.enabled && rules.old.folderIds.includes(f.id)) add(f, { group: 'old', q: { before: oldBefore }, check: before(oldBefore) });
    if (rules.large.enabled && rules.large.folderIds.includes(f.id)) {
      add(f, {
        group: 'large',
        q: { before: largeBefore, largerThan },
        check: (m) => before(largeBefore)(m) && larger(largerThan)(m),
      });
    }
  }

  const recentSince = rules.protect.recentDays > 0 ? daysAgo(now, rules.protect.recentDays) : null;
  const candidates: Candidate[] = [];
  let searches = 0;
  const tSearch = Date.now();
  const folderList = folders.filter((f) => plans.has(f.id));
  let folderDone = 0;
  env.onProgress?.({ phase: 'search', done: 0, total: folderList.length });
  /** Folders listed with no criterion: every id there now (what verdict pruning needs, at no cost). */
  const listedWhole = new Map<string, Set<string>>();
  const triaged = rules.protect.clinical && !!(webmail.attachments || webmail.partSearch);
  /** Pass 1, what the groups need: the rules' searches, then the folder's recent messages. */
  const ruleSearches = async (f: Folder, _i: number, folderSignal: AbortSignal): Promise<Candidate[]> => {
    const seen = new Set<string>();
    const here: Candidate[] = [];
    for (const step of plans.get(f.id)!) {
      const found = await collect(webmail, { folderId: f.id, sort: 'sizeDesc', ...step.q }, folderSignal);
      searches++;
      if (!Object.keys(step.q).length) listedWhole.set(f.id, new Set(found.filter((m) => m.ref.folderId === f.id).map((m) => m.ref.id)));
      for (const m of found) {
        // A message is planned only from its own folder's answer.
        if (m.ref.folderId !== f.id || seen.has(m.ref.id) || !step.check(m)) continue;
        seen.add(m.ref.id);
        here.push({ summary: m, group: step.group, folderPath: f.path, role: f.role, recent: false, contentHit: false });
      }
    }
    // Recent messages (a superset is fine: it only keeps more). Where the listed date is the very date the server's
    // search compares (Capabilities.exactDates: Zimbra), the listing settles it and the search would name no other
    // message: not asked.
    if (here.length && recentSince !== null && ordinaryProtectionsApply(f.role)) {
      const settled = webmail.capabilities.exactDates === true && here.every((c) => c.summary.date !== null);
      const recent = settled ? new Set<string>() : new Set((await collect(webmail, { folderId: f.id, sort: 'dateDesc', since: recentSince }, folderSignal)).map((m) => m.ref.id));
      if (!settled) searches++;
      for (const c of here) c.recent = recent.has(c.summary.ref.id) || (c.summary.date !== null && c.summary.date >= recentSince);
    }
    // Where the server can tell clinical documents apart without a download (triage.ts), every candidate goes to
    // triage, which decides what it can and leaves the rest to be downloaded.
    if (triaged) for (const c of here) c.contentHit = true;
    env.onProgress?.({ phase: 'search', done: ++folderDone, total: folderList.length });
    return here;
  };
  /**
   * Pass 2, what the clinical check needs. Content candidates matter for messages the listing says have no
   * attachment (the others are downloaded). If the server cannot search content, every such message is looked at.
   * Where the server can tell without a download (triage.ts), triage asks its own questions: the signs searched here
   * for attachment lists (only in folders where some message still needs a verdict after the cache), its structure
   * searches otherwise.
   */
  const contentSearches = async (here: Candidate[], _i: number, folderSignal: AbortSignal): Promise<void> => {
    const contentNeeded = rules.protect.clinical && !triaged && here.some((c) => c.summary.hasAttachment === false);
    const signsNeeded = rules.protect.clinical && !!webmail.attachments;
    if (!contentNeeded && !signsNeeded) return;
    const folderId = here[0]!.summary.ref.folderId;
    /** The ids a content search names; null when the server cannot search content. */
    const named = async (q: Pick<SearchQuery, 'bodyContainsAny' | 'attachmentNameAny' | 'attachmentTypeAny'>): Promise<Set<string> | null> => {
      try {
        const found = await collect(webmail, { folderId, sort: 'dateDesc', ...q }, folderSignal);
        searches++;
        return new Set(found.map((m) => m.ref.id));
      } catch (e) {
        if (isWebmailError(e) && e.code === 'unsupported') return null;
        throw e;
      }
    };
    if (contentNeeded) {
      const sets = [await named({ bodyContainsAny: HPRIM_MARKERS }), await named({ attachmentNameAny: CLINICAL_NAMES }), await named({ attachmentTypeAny: CLINICAL_TYPES })];
      for (const c of here) c.contentHit = sets.some((set) => set === null || set.has(c.summary.ref.id));
      return;
    }
    // One content search for every sign, HPRIM end markers and DOCUMENT_SIGNS together: one request per folder
    // instead of two. A message it names has a sign, which one unknown (null for both: triage downloads it unless
    // its parts settle it alone, an XDM name); one it does not name has neither. The price, in the safe direction: a
    // PDF message whose text also holds a sign is downloaded instead of labelled from its parts.
    const any = await named({ bodyContainsAny: [...HPRIM_MARKERS, ...DOCUMENT_SIGNS] });
    for (const c of here) {
      const sign = any === null || any.has(c.summary.ref.id) ? null : false;
      c.signs = { hprim: sign, document: sign };
    }
  };
  // Folders one after the other where the host's searches move per-session list state (Webmail.together: Roundcube
  // keeps one stored search); side by side where they leave none (Zimbra's SearchRequest), a few at once, so that
  // the groups show sooner without more requests. Candidates stay in folder order either way. The first failure
  // stops the other folders' searches at their next request (mapLimit's signal): a plan is never built on part of
  // an answer, and a firewall's block or an ended session must not be met again by every folder still going.
  const atOnce = webmail.together ? 1 : OPERATION_CONCURRENCY;

  const snapshot: Snapshot = {
    id: newId(),
    createdAt: now,
    bal: env.bal,
    origin: env.origin,
    folders,
    quotaBefore,
    rules,
    candidates,
    verdicts: new Map(),
    failures: new Map(),
    stats: {
      searches: 0,
      searchMs: 0,
      classify: { total: 0, cached: 0, fromParts: 0, partsRequests: 0, downloaded: 0, downloadedBytes: 0, batchRequests: 0, ms: 0, cacheErrors: 0, errors: [] },
      totalMs: 0,
    },
  };
  const perFolder = await mapLimit(folderList, atOnce, ruleSearches, { signal });
  for (const here of perFolder) candidates.push(...here);
  // The groups are known: shown at once, before the clinical check (which can only move messages to 'protected').
  const preliminary = buildPlan(snapshot, { ...rules, protect: { ...rules.protect, clinical: false } }).groups.map((g) => ({ kind: g.kind, count: g.count, bytes: g.bytes }));
  snapshot.stats.groupsMs = Date.now() - t0;
  const needed = unclassified(snapshot, rules);
  if (needed.length) env.onProgress?.({ phase: 'classify', done: 0, total: needed.length, preliminary });
  // The cache first: a folder whose messages all have a verdict there needs no sign search (a second preview asks
  // the server nothing more than its groups need). Hosts that search content without triage keep their searches:
  // what they find decides which messages need a verdict at all.
  const looked = env.cache && webmail.attachments ? await cachedVerdicts(env.cache, needed) : undefined;
  const open = new Set(needed.filter((m) => !looked?.has(refKey(m.ref))).map((m) => m.ref.folderId));
  await mapLimit(
    perFolder.filter((here) => here.length && (!looked || open.has(here[0]!.summary.ref.folderId))),
    atOnce,
    contentSearches,
    { signal },
  );
  snapshot.stats.searches = searches;
  snapshot.stats.searchMs = Date.now() - tSearch;
  if (env.cache) {
    // Never in the way of the preview: a failure leaves the verdicts to the idle purge.
    const pruned = await pruneVerdicts(webmail, env.cache, folders, listedWhole, signal).catch(() => null);
    if (pruned) snapshot.stats.prunedVerdicts = pruned.dropped;
  }
  const onProgress = env.onProgress;
  await classifySnapshot({ ...env, ...(onProgress ? { onProgress: (p: PlanProgress) => onProgress({ ...p, preliminary }) } : {}) }, snapshot, rules, looked);
  snapshot.stats.totalMs = Date.now() - t0;
  return snapshot;
}

/**
 * Give a verdict to every candidate that needs one under these rules (after the user turned a protection off,
 * more may need one). Sizes learnt from the downloaded bytes replace the listed, rounded ones.
 */
export async function classifySnapshot(
  env: Pick<PlanEnv, 'webmail' | 'cache' | 'signal' | 'onProgress' | 'concurrency'>,
  s: Snapshot,
  rules: CleanupRules,
  /** The cache's rows for exactly these candidates, when the caller has just looked them up. */
  looked?: Map<string, CachedVerdict>,
): Promise<void> {
  const all = unclassified(s, rules);
  if (!all.length) return;
  const st = s.stats.classify;
  const t0 = Date.now();
  const exact = new Map<string, number>();
  // The cache first (no request), then what the server can tell without a download (triage.ts), then downloads.
  const cached = looked ?? (env.cache ? await cachedVerdicts(env.cache, all) : new Map<string, CachedVerdict>());
  for (const [k, row] of cached) {
    s.verdicts.set(k, row.clinical);
    if (row.listed === undefined) exact.set(k, row.size);
  }
  st.cached += cached.size;
  st.total += cached.size;
  const open = all.filter((m) => !cached.has(refKey(m.ref)));
  const signs = new Map(s.candidates.map((c) => [refKey(c.summary.ref), c.signs] as const));
  const t = await triage(env.webmail, open, (m) => signs.get(refKey(m.ref)), {
    signal: env.signal,
    onProgress: (done) => env.onProgress?.({ phase: 'classify', done: cached.size + done, total: all.length, cached: cached.size }),
  });
  const decided = t.verdicts;
  for (const [k, v] of decided) s.verdicts.set(k, v);
  // Stored while the downloads go (a background message and a database write: ~0.1 s for 750 verdicts, measured);
  // the snapshot is complete only once they are stored.
  let stored: Promise<unknown> = Promise.resolve();
  if (env.cache && decided.size) {
    // Kept for the next preview: with the exact size where the host lists it (Zimbra), else with how the message was
    // listed (Roundcube's rounded size and date: classify.ts, listedKey); never in the way.
    const rows: CachedVerdict[] = open.flatMap((m): CachedVerdict[] => {
      const v = decided.get(refKey(m.ref));
      if (v === undefined) return [];
      const row = { folderId: m.ref.folderId, id: m.ref.id, size: m.size, clinical: v };
      if (m.sizePrecision === 0) return [row];
      const listed = listedKey(m);
      return listed === null ? [] : [{ ...row, listed }];
    });
    if (rows.length) stored = env.cache.put(rows).catch(() => undefined);
  }
  st.partsRequests += t.requests;
  st.fromParts += decided.size;
  st.total += decided.size;
  st.ms += Date.now() - t0;
  const todo = open.filter((m) => !decided.has(refKey(m.ref)));
  const setExact = (sizes: Map<string, number>) => {
    for (const c of s.candidates) {
      const size = sizes.get(refKey(c.summary.ref));
      if (size !== undefined) c.summary = { ...c.summary, size, sizePrecision: 0 };
    }
  };
  setExact(exact);
  if (!todo.length) {
    await stored;
    return;
  }
  const before = cached.size + decided.size;
  const r = await classifyMessages(env.webmail, todo, {
    cache: env.cache,
    cacheLookedUp: true,
    signal: env.signal,
    concurrency: env.concurrency,
    onProgress: (p: ClassifyProgress) =>
      env.onProgress?.({ phase: 'classify', done: before + p.done, total: all.length, downloadedBytes: p.downloadedBytes, cached: cached.size }),
  });
  await stored;
  for (const [k, v] of r.verdicts) s.verdicts.set(k, v);
  for (const [k, v] of r.failures) s.failures.set(k, v);
  setExact(r.exactSizes);
  st.total += r.stats.total;
  st.cached += r.stats.cached;
  st.downloaded += r.stats.downloaded;
  st.downloadedBytes += r.stats.downloadedBytes;
  st.batchRequests = (st.batchRequests ?? 0) + r.stats.batchRequests;
  st.ms += r.stats.ms;
  st.cacheErrors += r.stats.cacheErrors;
  st.errors = [...st.errors, ...r.stats.errors].slice(0, 10);
}

const CLINICAL_PROTECTION: Record<'xdm' | 'hprim' | 'pdf', Protection> = {
  xdm: 'clinical-xdm',
  hprim: 'clinical-hprim',
  pdf: 'clinical-pdf',
};

export function isClinicalProtection(p: Protection): boolean {
  return p === 'clinical-xdm' || p === 'clinical-hprim' || p === 'clinical-pdf';
}

/** Why this candidate is kept under these rules (empty: it is planned). */
export function protectionsOf(s: Snapshot, c: Candidate, rules: CleanupRules, kept?: ReadonlySet<string>): Protection[] {
  const out: Protection[] = [];
  const p = rules.protect;
  const ordinary = ordinaryProtectionsApply(c.role);
  if (ordinary && p.unread && c.summary.unread) out.push('unread');
  if (p.flagged && c.summary.flagged) out.push('flagged');
  if (ordinary && p.recentDays > 0 && c.recent) out.push('recent');
  if (p.clinical) {
    const v = s.verdicts.get(refKey(c.summary.ref));
    if (v === 'xdm' || v === 'hprim' || v === 'pdf') {
      if (!rules.includeClinical) out.push(CLINICAL_PROTECTION[v]);
    } else if (v === 'unverified' || (v === undefined && mayCarryClinical(c) && !out.length)) {
      out.push('unverified');
    }
  }
  if (kept?.has(refKey(c.summary.ref))) out.push('kept');
  return out;
}

/** Display order of the groups (and the precedence of rules). */
export const GROUP_ORDER: GroupKind[] = ['trash', 'junk', 'folder', 'old', 'large', 'protected'];

function enabled(rules: CleanupRules, g: GroupKind): boolean {
  switch (g) {
    case 'trash':
      return rules.emptyTrash;
    case 'junk':
      return rules.emptyJunk;
    case 'folder':
      return rules.folder.enabled && rules.folder.folderId !== null;
    case 'old':
      return rules.old.enabled;
    case 'large':
      return rules.large.enabled;
    default:
      return true;
  }
}

/**
 * The plan for this snapshot under these rules (protections, clinical confirmation) and the user's unticked
 * messages (`kept`, keys from refKey). Search rules are the snapshot's: a change there needs a new snapshot.
 */
export function buildPlan(s: Snapshot, rules: CleanupRules = s.rules, kept?: ReadonlySet<string>): Plan {
  const effective: CleanupRules = { ...s.rules, protect: rules.protect, includeClinical: rules.includeClinical };
  const members = new Map<GroupKind, PlannedMessage[]>(GROUP_ORDER.map((g) => [g, []]));
  for (const c of s.candidates) {
    const protections = protectionsOf(s, c, effective, kept);
    const pm: PlannedMessage = { summary: c.summary, group: c.group, folderPath: c.folderPath, protections };
    members.get(protections.length ? 'protected' : c.group)!.push(pm);
  }
  const groups: PlanGroup[] = [];
  for (const kind of GROUP_ORDER) {
    const list = members.get(kind)!;
    if (!enabled(effective, kind) && !list.length) continue;
    groups.push({
      kind,
      messages: list,
      count: list.length,
      bytes: list.reduce((a, m) => a + m.summary.size, 0),
      bytesPrecision: list.reduce((a, m) => a + m.summary.sizePrecision, 0),
    });
  }
  const acted = groups.filter((g) => g.kind !== 'protected');
  const freed = acted.reduce((a, g) => a + g.bytes, 0);
  const precision = acted.reduce((a, g) => a + g.bytesPrecision, 0);
  return {
    id: newId(),
    createdAt: s.createdAt,
    bal: s.bal,
    origin: s.origin,
    rules: effective,
    groups,
    quotaBefore: s.quotaBefore,
    freedByMove: 0,
    freedByEmptyTrash: freed,
    freedPrecision: precision,
    projectedUsed: s.quotaBefore ? Math.max(0, s.quotaBefore.usedBytes - freed) : null,
  };
}

/** Every message the plan acts on (not the protected ones), in group order. */
export function plannedMessages(plan: Plan): PlannedMessage[] {
  return plan.groups.filter((g) => g.kind !== 'protected').flatMap((g) => g.messages);
}

/** One step: snapshot, then plan. */
export async function makePlan(env: PlanEnv, rules: CleanupRules): Promise<{ snapshot: Snapshot; plan: Plan }> {
  const snapshot = await takeSnapshot(env, rules);
  return { snapshot, plan: buildPlan(snapshot, rules) };
}
