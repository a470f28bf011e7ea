/**
 * The verify-after-action pattern every adapter's mailbox part follows: ask the server which ids are in the folder,
 * send one request on exactly those, then ask the server what really happened (a host may report success for an id
 * it did not touch, or fail after acting). The request's own answer never decides alone.
 */
import { WebmailError, type BatchResult } from '../types';
import { errorCode, throwIfAborted } from './async';

export interface VerifiedAction<K> {
  /** Which of `keys` are in the folder now (before the request). */
  present(keys: K[], signal?: AbortSignal): Promise<Set<K>>;
  /** The one request. `{ ok: false }` = the host refused (its message, if any, gives the code through `refusal`). */
  send(present: K[]): Promise<{ ok: boolean; message?: string | undefined }>;
  /** The code for a refusal's message. */
  refusal(message: string): WebmailError;
  /** After the request: which of `present` the action is done for (asked of the server). */
  succeeded(present: K[]): Promise<Set<K>>;
  /** Runs after the first check, before the request: the last moment an abort is honoured (e.g. note the target's state). */
  beforeSend?(present: K[]): Promise<void>;
  /**
   * A read that does not depend on the first check (e.g. the target folder's highest id), sent at the same time as
   * it: one round trip instead of two before every request. Its failure fails the action before anything is sent.
   */
  alongside?(signal?: AbortSignal): Promise<void>;
}

/**
 * Runs one verified action. `keys` are the adapter's parsed ids, `idOf` gives back the caller's id; ids that did not
 * parse are passed in `failed` already. Ids not in the folder fail as 'not-found'; the others are done when
 * `succeeded` says so and fail with the request's error (or 'server') otherwise. If the check after the request
 * cannot be made, the request's error (or the check's) is thrown: the caller must not guess.
 */
export async function verifiedAction<K>(
  keys: K[],
  idOf: (k: K) => string,
  failed: BatchResult['failed'],
  how: VerifiedAction<K>,
  signal?: AbortSignal,
): Promise<BatchResult & { present: K[]; ok: Set<K> }> {
  throwIfAborted(signal);
  if (!keys.length) return { done: [], failed, present: [], ok: new Set() };
  const [existing] = await Promise.all([how.present(keys, signal), how.alongside?.(signal)]);
  for (const k of keys) if (!existing.has(k)) failed.push({ id: idOf(k), code: 'not-found' });
  const present = keys.filter((k) => existing.has(k));
  if (!present.length) return { done: [], failed, present, ok: new Set() };
  await how.beforeSend?.(present);
  throwIfAborted(signal);
  // From here the request may reach the server: no abort, and the outcome is always checked.
  let sendError: unknown = null;
  try {
    const r = await how.send(present);
    if (!r.ok) sendError = how.refusal(r.message ?? '');
  } catch (e) {
    sendError = e;
  }
  let ok: Set<K>;
  try {
    ok = await how.succeeded(present);
  } catch (e) {
    throw sendError ?? e;
  }
  for (const k of present) if (!ok.has(k)) failed.push({ id: idOf(k), code: sendError ? errorCode(sendError) : 'server' });
  return { done: present.filter((k) => ok.has(k)).map(idOf), failed, present, ok };
}
