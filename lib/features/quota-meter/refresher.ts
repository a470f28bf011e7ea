/**
 * When the quota meter asks the webmail for the quota: at most ONE request per minute per tab, coalesced, plus
 * one refresh right after Balise changed the mailbox.
 *
 * - 'initial', 'host' (the host refreshed its own quota display) and 'user' requests share a one-minute window:
 *   the first one reads at once, every request made during the window is folded into ONE read at its end.
 * - 'action' (bus 'mailbox-changed'): a refresh that may come before the window is over, bounded three ways:
 *   a burst of actions (a cleanup emits one per batch) is coalesced until the mailbox has been quiet for
 *   `actionQuietMs` (but no longer than `actionMaxWaitMs` after the first unserved action); two such early
 *   refreshes are at least `actionSpacingMs` apart; and any read that starts after a request serves it (so an
 *   action refresh also serves a pending host request, and the other way round). Worst case during a long
 *   cleanup: 60 / actionSpacingMs extra reads a minute (3 with the defaults); one action: exactly one read.
 * - A figure read by another feature (bus 'quota') serves every request made before it was read.
 *
 * Timers are the global ones (vi.useFakeTimers() drives them in tests); nothing runs after dispose().
 */
import type { Quota } from '../../webmail/types';

export type RefreshReason = 'initial' | 'host' | 'user' | 'action';

export type RefreshResult = { quota: Quota | null; source: 'read' | 'supplied' } | { error: unknown; source: 'read' };

export interface RefresherOptions {
  read: () => Promise<Quota | null>;
  onResult: (r: RefreshResult) => void;
  minIntervalMs?: number;
  actionQuietMs?: number;
  actionMaxWaitMs?: number;
  actionSpacingMs?: number;
  now?: () => number;
}

export const MIN_INTERVAL_MS = 60_000;

export class QuotaRefresher {
  private readonly min: number;
  private readonly quiet: number;
  private readonly maxWait: number;
  private readonly spacing: number;
  private readonly now: () => number;
  private lastReadStart = Number.NEGATIVE_INFINITY;
  private lastEarly = Number.NEGATIVE_INFINITY;
  private inFlight = false;
  private normalWanted: number | null = null;
  private actionWanted: number | null = null;
  private actionFirst: number | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private disposed = false;
  /** How many reads this refresher started (for tests and the test bridge). */
  reads = 0;

  constructor(private readonly opts: RefresherOptions) {
    this.min = opts.minIntervalMs ?? MIN_INTERVAL_MS;
    this.quiet = opts.actionQuietMs ?? 1500;
    this.maxWait = opts.actionMaxWaitMs ?? 10_000;
    this.spacing = opts.actionSpacingMs ?? 20_000;
    this.now = opts.now ?? (() => Date.now());
  }

  request(reason: RefreshReason): void {
    if (this.disposed) return;
    const t = this.now();
    if (reason === 'action') {
      this.actionWanted = t;
      this.actionFirst ??= t;
    } else {
      this.normalWanted ??= t;
    }
    this.evaluate();
  }

  /** A figure someone else read: it serves every request made before the host answered it. */
  supply(quota: Quota): void {
    if (this.disposed) return;
    const t = this.now();
    this.lastReadStart = Math.max(this.lastReadStart, Math.min(t, quota.at));
    if (this.normalWanted !== null && this.normalWanted <= quota.at) this.normalWanted = null;
    if (this.actionWanted !== null && this.actionWanted <= quota.at) {
      this.actionWanted = null;
      this.actionFirst = null;
    }
    this.opts.onResult({ quota, source: 'supplied' });
    this.evaluate();
  }

  /** When the next read will start (epoch ms), or null when nothing is wanted. For tests and diagnostics. */
  nextAt(): number | null {
    const due = this.due();
    return due === null ? null : Math.max(due.at, this.now());
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private due(): { at: number; early: boolean } | null {
    let best: { at: number; early: boolean } | null = null;
    if (this.normalWanted !== null) best = { at: this.lastReadStart + this.min, early: false };
    if (this.actionWanted !== null) {
      const settled = Math.min(this.actionWanted + this.quiet, (this.actionFirst ?? this.actionWanted) + this.maxWait);
      const at = Math.max(settled, this.lastEarly + this.spacing);
      // An action refresh that would come after the normal window is no early read.
      const early = at < this.lastReadStart + this.min;
      if (!best || at < best.at) best = { at, early };
    }
    return best;
  }

  private evaluate(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.disposed || this.inFlight) return;
    const due = this.due();
    if (!due) return;
    const wait = due.at - this.now();
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.evaluate();
      }, wait);
      return;
    }
    this.start(due.early);
  }

  private start(early: boolean): void {
    const t = this.now();
    this.inFlight = true;
    this.reads++;
    this.lastReadStart = t;
    if (early) this.lastEarly = t;
    if (this.normalWanted !== null && this.normalWanted <= t) this.normalWanted = null;
    if (this.actionWanted !== null && this.actionWanted <= t) {
      this.actionWanted = null;
      this.actionFirst = null;
    }
    let p: Promise<Quota | null>;
    try {
      p = this.opts.read();
    } catch (e) {
      p = Promise.reject(e);
    }
    p.then(
      (quota) => {
        if (!this.disposed) this.opts.onResult({ quota, source: 'read' });
      },
      (error: unknown) => {
        if (!this.disposed) this.opts.onResult({ error, source: 'read' });
      },
    ).finally(() => {
      this.inFlight = false;
      this.evaluate();
    });
  }
}
