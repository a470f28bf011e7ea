/**
 * The pacing policy's figures (the Pacer that applies them: ./request.ts). Apart so that Node scripts (bench/pacing.ts)
 * can name them without the build-time environment request.ts reads.
 *
 * Why these figures (measured: BENCHMARKS.md, "Pacing"):
 * - 4 at once: both adapters keep at most 3 of their own requests in flight per operation; a fourth lets a quota
 *   read or a page's own click through while a job runs.
 * - at most 80 request starts in any 10 s: a rate rule of the web firewall in front of Mailiz's Roundcube counts
 *   requests per client over a window; its real figures are not public (../shared/notes/mailiz.md). Our stand-in
 *   (tests/servers/fault-proxy/firewall.ts) blocks past 100 in any 10 s; 80 leaves 20 for the webmail page's own
 *   requests (a page load, its refresh) within the same window. A sliding window, not a fixed spacing: short jobs
 *   (a quota read, a batch of moves, the largest messages' 20 requests) go at once; only long ones (a first preview,
 *   an export) are held to 8 a second on average, which is the most a rule of that shape lets through.
 */
export interface PacingOptions {
  /** Requests waiting for their answer at once. */
  concurrency: number;
  /** Milliseconds between two request starts. */
  minIntervalMs: number;
  /** At most `requests` request starts within any `ms` milliseconds (0 requests: no such bound). */
  window: { requests: number; ms: number };
}

/**
 * Requests one operation (a folder list, a preview's searches, its attachment lists) keeps in flight at once, where
 * its requests may run side by side: one less than the pacer's `concurrency`, for the page's own requests.
 */
export const OPERATION_CONCURRENCY = 3;

export const DEFAULT_PACING: PacingOptions = { concurrency: 4, minIntervalMs: 0, window: { requests: 80, ms: 10_000 } };

/** No window bound: what a host or a test passes to measure without the rate rule. */
export const NO_WINDOW: PacingOptions['window'] = { requests: 0, ms: 0 };
