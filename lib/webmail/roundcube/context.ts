/**
 * What the Roundcube adapter's parts share: the page, its environment, the API, and the rule that every request
 * sequence of ours leaves Roundcube's session (its current folder and page) where the page shows it.
 */
import { WebmailError, isWebmailError, type Detection } from '../types';
import type { RcApi } from './api';
import { listState } from './page';

export interface RcContext {
  doc: Document;
  env: Record<string, unknown>;
  detection: Detection;
  api: RcApi | null;
}

export function requireApi(ctx: RcContext): RcApi {
  if (!ctx.api) throw new WebmailError('unsupported', 'Balise cannot work on this Roundcube page');
  return ctx.api;
}

type ListState = { folder: string; page: number };

/** Per page context: how many request sequences of ours are running, and the restore waiting for them to end. */
interface Keeper {
  depth: number;
  /** Off the mail view: where the mail view was when the first sequence began (read once per busy spell). */
  fixed: ListState | null | undefined;
  timer: ReturnType<typeof setTimeout> | null;
  restoring: Promise<void> | null;
}
const keepers = new WeakMap<RcContext, Keeper>();

/**
 * How long the session may stay where our requests left it after the last one ends. A cleanup runs one sequence
 * per batch back to back: putting the folder and page back after each (a `getunread`, ~100 ms, and the idle gap it
 * made) cost a round trip per batch for a state nobody looks at between two batches.
 */
export const RESTORE_IDLE_MS = 250;

function keeperOf(ctx: RcContext): Keeper {
  let k = keepers.get(ctx);
  if (!k) keepers.set(ctx, (k = { depth: 0, fixed: undefined, timer: null, restoring: null }));
  return k;
}

function restoreNow(ctx: RcContext, k: Keeper): Promise<void> {
  if (k.timer) clearTimeout(k.timer);
  k.timer = null;
  const state = k.fixed ?? listState(ctx.doc, ctx.env);
  k.fixed = undefined;
  const api = ctx.api;
  if (!state || !api) return Promise.resolve();
  const p = api
    .restoreListState(state.folder, state.page)
    .catch(() => undefined)
    .finally(() => {
      if (k.restoring === p) k.restoring = null;
    });
  k.restoring = p;
  return p;
}

/** Puts the session's folder and page back now if a restore is waiting (tests; a page about to go away). */
export async function flushListState(ctx: RcContext): Promise<void> {
  const k = keepers.get(ctx);
  if (!k) return;
  if (k.timer && k.depth === 0) await restoreNow(ctx, k);
  else if (k.restoring) await k.restoring;
}

/**
 * Runs `fn`; once no sequence of ours has run for RESTORE_IDLE_MS, puts the session's folder and page back where
 * the page is (search and actions move them). On the mail view the page's own list tells where (read when the
 * restore is sent); elsewhere the mail view's environment is read first, once per busy spell.
 */
export async function keepingListState<T>(ctx: RcContext, fn: () => Promise<T>): Promise<T> {
  const api = requireApi(ctx);
  const k = keeperOf(ctx);
  if (k.timer) {
    // A restore was waiting: this sequence takes over, the restore follows it.
    clearTimeout(k.timer);
    k.timer = null;
  }
  if (ctx.detection.page !== 'mail' && k.fixed === undefined) {
    try {
      const { env } = await api.mailPage();
      k.fixed = typeof env.mailbox === 'string' ? { folder: env.mailbox, page: typeof env.current_page === 'number' ? env.current_page : 1 } : null;
    } catch (e) {
      if (isWebmailError(e) && e.code === 'auth-expired') throw e;
    }
  }
  k.depth++;
  try {
    return await fn();
  } finally {
    k.depth--;
    if (k.depth === 0) {
      if (k.timer) clearTimeout(k.timer);
      k.timer = setTimeout(() => void restoreNow(ctx, k), RESTORE_IDLE_MS);
    }
  }
}
