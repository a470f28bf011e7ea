/**
 * One message asked ahead: while message k is copied into the zip, the request for message k+1 is already out, so
 * the export no longer waits for the webmail's answer once per message (bench/export.ts compares it with the same
 * downloads made by curl). Bounded: one request ahead; its body is not read until its turn, and the browser holds an
 * unread body back (stream backpressure), so memory stays that of the export's few pieces. A failure of the message
 * ahead is reported when its turn comes, as if it had been asked then. close() aborts what is ahead and cancels its
 * body (the export ended, failed or was stopped).
 */
import type { RawMessage } from '../webmail/raw';

export class ReadAhead<T> {
  private next: { index: number; promise: Promise<RawMessage> } | null = null;
  private readonly ac = new AbortController();

  constructor(
    private readonly items: readonly T[],
    private readonly fetch: (item: T, signal: AbortSignal) => Promise<RawMessage>,
    signal?: AbortSignal,
  ) {
    if (signal?.aborted) this.ac.abort(signal.reason);
    else signal?.addEventListener('abort', () => this.ac.abort(signal.reason), { once: true });
  }

  /** The message of items[i] (already asked, or asked now), the request for items[i + 1] sent. */
  take(i: number): Promise<RawMessage> {
    const current = this.next?.index === i ? this.next.promise : this.ask(i);
    this.next = i + 1 < this.items.length ? { index: i + 1, promise: this.ask(i + 1) } : null;
    return current;
  }

  close(): void {
    const ahead = this.next;
    this.next = null;
    this.ac.abort();
    void ahead?.promise.then(
      (raw) => raw.rest?.cancel().catch(() => undefined),
      () => undefined,
    );
  }

  private ask(i: number): Promise<RawMessage> {
    const p = this.fetch(this.items[i]!, this.ac.signal);
    // Handled when taken; until then a failure must not surface as an unhandled rejection.
    p.catch(() => undefined);
    return p;
  }
}
