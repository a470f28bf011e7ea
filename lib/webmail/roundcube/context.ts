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

/** Per page context: how many request sequences of ours are running (the last one out puts the state back). */
interface Keeper {
  depth: number;
  /** Off the mail view: where the mail view was when the first sequence began (read once per busy spell). */
  fixed: ListState | null | undefined;
}
const keepers = new WeakMap<RcContext, Keeper>();

function keeperOf(ctx: RcContext): Keeper {
  let k = keepers.get(ctx);
  if (!k) keepers.set(ctx, (k = { depth: 0, fixed: undefined }));
  return k;
}

/**
 * Runs `fn`, then puts the session's folder and page back where the page is (search and actions move them): on the
 * mail view the page's own list tells where; elsewhere the mail view's environment is read first, once per busy
 * spell. Sequences that overlap (a view searching several folders at once) put it back once, when the last ends.
 * Always at once, never later: a list the person asks for right after (e2e: roundcube/adapter.e2e.ts) must open on
 * the page they see. (A 250 ms delay, tried to save a request per cleanup batch, failed exactly that test.)
 */
export async function keepingListState<T>(ctx: RcContext, fn: () => Promise<T>): Promise<T> {
  const api = requireApi(ctx);
  const k = keeperOf(ctx);
  if (ctx.detection.page !== 'mail' && k.depth === 0 && k.fixed === undefined) {
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
      const state = k.fixed ?? listState(ctx.doc, ctx.env);
      k.fixed = undefined;
      if (state) await api.restoreListState(state.folder, state.page).catch(() => undefined);
    }
  }
}
