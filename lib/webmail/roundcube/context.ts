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

/**
 * Runs `fn`, then puts the session's folder and page back where the page is (search and actions move
 * them). On the mail view the page's own list tells where; elsewhere the mail view's environment is read first.
 */
export async function keepingListState<T>(ctx: RcContext, fn: () => Promise<T>): Promise<T> {
  const api = requireApi(ctx);
  let fixed: { folder: string; page: number } | null = null;
  if (ctx.detection.page !== 'mail') {
    try {
      const { env } = await api.mailPage();
      if (typeof env.mailbox === 'string') fixed = { folder: env.mailbox, page: typeof env.current_page === 'number' ? env.current_page : 1 };
    } catch (e) {
      if (isWebmailError(e) && e.code === 'auth-expired') throw e;
    }
  }
  try {
    return await fn();
  } finally {
    const state = fixed ?? listState(ctx.doc, ctx.env);
    if (state) await api.restoreListState(state.folder, state.page).catch(() => undefined);
  }
}
