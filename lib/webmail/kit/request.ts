/**
 * One pacing policy for every request an adapter sends to its webmail:
 * - bounded: at most `concurrency` requests waiting for their answer's headers at once, and at least `minIntervalMs`
 *   between two request starts (a body streamed afterwards, e.g. a raw download, no longer holds a place);
 * - never a retry loop here: a failure goes back to the caller as a WebmailError, once;
 * - same origin only, redirects never followed (`redirect: 'manual'`): an opaque redirect or an answer from another
 *   origin means the session is over or something stands in between, and becomes 'auth-expired';
 * - a firewall's block page (HTML where JSON was expected, or its markers, with status 200 or 403) becomes 'blocked',
 *   and from then on the pacer refuses every request until a person's action calls `reset()`: a WAF that blocks
 *   Balise must not be hammered, and the user must see it.
 *
 * - rate-bounded: at most `window.requests` request starts within any `window.ms` (a sliding window: the most a
 *   firewall's rate rule of that shape lets through, with nothing held back below it), and where the host's server
 *   has a rule of its own, its `serverWindow` the same way (Zimbra's DoSFilter: ./pacing-policy.ts).
 *
 * Defaults (DEFAULT_PACING, with why: ./pacing-policy.ts): 4 at once, no minimum interval, at most 80 starts in any
 * 10 s. One Pacer per webmail page: every request of every feature on that page goes through it.
 */
import { WebmailError } from '../types';
import { TEST_BUILD } from '../../env';

import { DEFAULT_PACING, type PacingOptions } from './pacing-policy';

export { DEFAULT_PACING, type PacingOptions };

/**
 * TEST BUILDS ONLY (dropped from store builds with TEST_BUILD): figures that replace every pacer's, set by the test
 * bridge ('pacing-override', lib/testing/content.ts) so that bench/pacing.ts can measure, in the same run, a cleanup
 * without the pacing policy. A global of the content script's world: the adapters run in an on-demand part, another
 * bundle than the bridge.
 */
export const PACING_OVERRIDE_KEY = 'balise:test-pacing';

/**
 * TEST BUILDS ONLY: the rate window's default, five times shorter (80 starts in any 2 s), so that the e2e suite runs
 * the window's waits (a realistic preview fills it) without paying the shipped 8-a-second rate on every preview (CI's
 * time budget). What the shipped figures do against the firewall stand-in is measured by bench/pacing.ts, which sets
 * them with 'pacing-override'; figures a caller passes to the Pacer are kept as given.
 */
const TEST_BUILD_WINDOW: PacingOptions['window'] = { requests: DEFAULT_PACING.window.requests, ms: DEFAULT_PACING.window.ms / 5 };

function overridden(opts: PacingOptions): PacingOptions {
  if (!TEST_BUILD) return opts;
  const o = (globalThis as Record<string, unknown>)[PACING_OVERRIDE_KEY] as Partial<PacingOptions> | undefined;
  return o ? { ...opts, ...o } : opts;
}

/** The rate windows that bound: the firewall's and, where the host has one, the server's own. */
function activeWindows(opts: PacingOptions): { requests: number; ms: number }[] {
  return [opts.window, opts.serverWindow].filter((w): w is { requests: number; ms: number } => !!w && w.requests > 0 && w.ms > 0);
}

/** Texts a web application firewall's block page shows (FortiWeb, F5 ASM, generic). */
export const BLOCK_MARKERS = ['Web Page Blocked', 'The URL you requested has been blocked', 'Attack ID'];

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** What the caller expects in the answer's body: JSON, an HTML page, or bytes it streams (not inspected). */
export type Expect = 'json' | 'html' | 'raw';

export class Pacer {
  readonly opts: PacingOptions;
  private active = 0;
  private lastStart = -Infinity;
  /** Start times within the last window, oldest first (at most window.requests of them are kept). */
  private readonly starts: number[] = [];
  private readonly waiting: (() => void)[] = [];
  private blockedBy: WebmailError | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    opts: Partial<PacingOptions> = {},
    private readonly now: () => number = () => Date.now(),
  ) {
    this.opts = { ...DEFAULT_PACING, ...(TEST_BUILD ? { window: TEST_BUILD_WINDOW } : {}), ...opts };
    if (!(this.opts.concurrency >= 1)) this.opts.concurrency = 1;
    if (!(this.opts.minIntervalMs >= 0)) this.opts.minIntervalMs = 0;
    if (!(this.opts.window.requests >= 0 && this.opts.window.ms >= 0)) this.opts.window = { requests: 0, ms: 0 };
    if (this.opts.serverWindow && !(this.opts.serverWindow.requests >= 0 && this.opts.serverWindow.ms >= 0)) delete this.opts.serverWindow;
  }

  /** Milliseconds before the next start is allowed by the interval and the windows (0: now). */
  private waitFor(opts: PacingOptions, now: number): number {
    let wait = this.lastStart + opts.minIntervalMs - now;
    const windows = activeWindows(opts);
    const keepMs = Math.max(0, ...windows.map((w) => w.ms));
    while (this.starts.length && now - this.starts[0]! >= keepMs) this.starts.shift();
    for (const { requests, ms } of windows) {
      // Full window: the next start waits until the oldest of its last `requests` starts leaves it.
      const oldest = this.starts.length >= requests ? this.starts[this.starts.length - requests]! : null;
      if (oldest !== null && now - oldest < ms) wait = Math.max(wait, oldest + ms - now);
    }
    return wait;
  }

  /** The block that stops every request, if one was seen. */
  get blocked(): WebmailError | null {
    return this.blockedBy;
  }

  /** Stop every request from now on (a block page was seen). */
  block(e: WebmailError): void {
    this.blockedBy ??= e;
    for (const w of this.waiting.splice(0)) w();
  }

  /** A person chose to try again: requests may go out again. */
  reset(): void {
    this.blockedBy = null;
  }

  private pump(): void {
    const opts = overridden(this.opts);
    if (this.timer || !this.waiting.length || this.active >= opts.concurrency) return;
    const wait = this.waitFor(opts, this.now());
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, wait);
      return;
    }
    this.active++;
    this.lastStart = this.now();
    this.starts.push(this.lastStart);
    if (this.starts.length > Math.max(1, ...activeWindows(opts).map((w) => w.requests))) this.starts.shift();
    this.waiting.shift()!();
    this.pump();
  }

  /** Runs `fn` when a place is free; the place is given back when `fn` settles. */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal | null): Promise<T> {
    if (this.blockedBy) throw this.blockedBy;
    if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
    let started = false;
    await new Promise<void>((resolve) => {
      this.waiting.push(() => {
        started = true;
        resolve();
      });
      this.pump();
    });
    // Released without a place: the pacer was blocked meanwhile.
    if (!started || this.blockedBy) {
      if (started) this.release();
      throw this.blockedBy ?? new WebmailError('blocked', 'requests are stopped');
    }
    try {
      if (signal?.aborted) throw new WebmailError('aborted', 'aborted');
      return await fn();
    } finally {
      this.release();
    }
  }

  private release(): void {
    this.active--;
    this.pump();
  }
}

/**
 * True when this answer is a firewall's block page rather than the webmail's: HTML with status 200 or 403, and either one of
 * BLOCK_MARKERS or an HTML page where JSON was expected that the adapter does not recognise as its own (`ownPage`:
 * e.g. Roundcube answers an AJAX request with its login page when the session is over).
 */
export function isBlockPage(status: number, contentType: string, text: string, expect: Expect, ownPage: (html: string) => boolean = () => false): boolean {
  if ((status !== 200 && status !== 403) || !/text\/html/i.test(contentType)) return false;
  if (BLOCK_MARKERS.some((m) => text.includes(m))) return true;
  return expect === 'json' && !ownPage(text);
}

export interface Requester {
  readonly pacer: Pacer;
  /**
   * One same-origin request, paced. Throws WebmailError: 'aborted', 'network' (no answer), 'auth-expired' (a redirect
   * or another origin's answer), 'blocked' (a block page; every later request too until pacer.reset()).
   */
  fetch(url: string, init: RequestInit, expect: Expect): Promise<Response>;
}

export function createRequester(o: { origin: string; fetch?: FetchLike; pacer?: Pacer; ownPage?: (html: string) => boolean }): Requester {
  const pacer = o.pacer ?? new Pacer();
  const fetchImpl: FetchLike = o.fetch ?? ((input, init) => fetch(input, init));
  return {
    pacer,
    async fetch(url, init, expect) {
      if (new URL(url, o.origin).origin !== o.origin) throw new WebmailError('forbidden', 'not the webmail’s origin');
      return pacer.run(async () => {
        let res: Response;
        try {
          res = await fetchImpl(url, { ...init, redirect: 'manual', credentials: 'same-origin' });
        } catch (e) {
          if (init.signal?.aborted) throw new WebmailError('aborted', 'aborted', e);
          throw new WebmailError('network', 'the webmail did not answer', e);
        }
        if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
          throw new WebmailError('auth-expired', 'the webmail sent Balise elsewhere (a redirect): the session is probably over', { status: res.status });
        }
        if (res.url && new URL(res.url).origin !== o.origin) throw new WebmailError('auth-expired', 'the answer came from another origin');
        const type = res.headers.get('content-type') ?? '';
        if ((res.status === 200 || res.status === 403) && (expect !== 'raw' || res.status === 403) && /text\/html/i.test(type)) {
          const text = await res
            .clone()
            .text()
            .catch(() => '');
          if (isBlockPage(res.status, type, text, expect, o.ownPage)) {
            const blocked = new WebmailError('blocked', 'a firewall in front of the webmail blocked Balise’s request', { status: res.status });
            pacer.block(blocked);
            throw blocked;
          }
        }
        return res;
      }, init.signal);
    },
  };
}
