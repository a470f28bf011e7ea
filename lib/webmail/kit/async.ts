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
 * started and the signal `fn` gets fires, so that the calls still running stop at their next request (it fires too
 * when `opts.signal` does); the call settles only once nothing it started is still running (a caller that moves on
 * after a failure never has requests of the failed step still going out behind it), then rejects with that failure.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (t: T, i: number, signal: AbortSignal) => Promise<R>,
  opts: { signal?: AbortSignal | undefined } = {},
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  const stop = new AbortController();
  const outer = opts.signal;
  const onAbort = () => stop.abort();
  outer?.addEventListener('abort', onAbort, { once: true });
  if (outer?.aborted) stop.abort();
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async () => {
    while (next < items.length && !failure) {
      const i = next++;
      try {
        out[i] = await fn(items[i]!, i, stop.signal);
      } catch (error) {
        failure ??= { error };
        stop.abort();
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  } finally {
    outer?.removeEventListener('abort', onAbort);
  }
  if (failure) throw (failure as { error: unknown }).error;
  return out;
}
