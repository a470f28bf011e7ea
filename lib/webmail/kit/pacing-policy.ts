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
  /**
   * Optional: a second bound of the same shape, for a rule of the webmail server itself rather than of a firewall in
   * front of it (Zimbra's DoSFilter: ZIMBRA_SERVER_WINDOW). Test builds keep it as given.
   */
  serverWindow?: { requests: number; ms: number };
}

/**
 * Requests one operation (a folder list, a preview's searches, its attachment lists) keeps in flight at once, where
 * its requests may run side by side: one less than the pacer's `concurrency`, for the page's own requests.
 */
export const OPERATION_CONCURRENCY = 3;

export const DEFAULT_PACING: PacingOptions = { concurrency: 4, minIntervalMs: 0, window: { requests: 80, ms: 10_000 } };

/** No window bound: what a host or a test passes to measure without the rate rule. */
export const NO_WINDOW: PacingOptions['window'] = { requests: 0, ms: 0 };

/**
 * Zimbra (a per-site fact): its mailbox server's DoSFilter rejects, by default, every request beyond 30 in any second
 * from one client, with HTTP 429 (zimbraHttpDosFilterMaxRequestsPerSec = 30, zimbraHttpDosFilterDelayMillis = -1:
 * reject; Zimbra's DoSFilter documentation), the web client's own requests included. At most 15 starts in any second
 * per tab: a tab where Balise works at full pace leaves 15 for everything else (the web client, another tab loading
 * the webmail with Balise's reads there: the e2e's two-tab job reached 31 with 20). A short job (a preview's first 15
 * requests) is not slowed; a long one goes at 15 a second. Two tabs where Balise works at full pace at once can
 * still reach the limit together (the bound is per tab).
 */
export const ZIMBRA_SERVER_WINDOW = { requests: 15, ms: 1_000 };
