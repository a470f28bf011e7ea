/**
 * Small building blocks every adapter needs: stop on an aborted signal, run a few promises at a time, say which
 * WebmailErrorCode an error carries.
 */
import { WebmailError, isWebmailError, type WebmailErrorCode } from '../types';

/** Throws WebmailError 'aborted' when the caller gave up. */
export function throwIfAborted(signal?: AbortSignal | null): void {
  if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
}

/** The code of a WebmailError, 'server' for anything else. */
export function errorCode(e: unknown): WebmailErrorCode {
  return isWebmailError(e) ? e.code : 'server';
}

/**
 * `fn` over `items`, at most `limit` at once, results in the items' order. After the first failure no new item is
 * started, and the call settles only once nothing it started is still running (a caller that moves on after a
 * failure never has requests of the failed step still going out behind it); then it rejects with that first failure.
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
  return out;
}
