/**
 * "At this rate, full in N days": a least-squares line through the recent quota history of one BAL.
 * Pure; the popup draws it next to the history chart. Says nothing (null) rather than something shaky:
 * too few points, too short a span, a flat or falling trend, no limit, already full, or further than a year.
 */
export interface HistoryPoint {
  /** Epoch ms (the start of the hour the point stands for). */
  at: number;
  usedBytes: number;
  limitBytes: number | null;
}

export const DAY = 86_400_000;

export interface ProjectionOptions {
  /** Only points this recent are used (default 30 days). */
  windowDays?: number;
  /** At least this many points (default 4). */
  minPoints?: number;
  /** The points must span at least this long (default 2 days): a few hours say nothing about a trend. */
  minSpanDays?: number;
  /** A growth below this share of the limit per day is "flat" (default 0.05 % a day, i.e. 1.5 % a month). */
  flatSharePerDay?: number;
  /** Beyond this, say nothing (default 365 days). */
  horizonDays?: number;
  /** The last point must be this recent (default 7 days): an old trend says little about today. */
  maxAgeDays?: number;
  /**
   * A fall of at least this share of the limit between two points is a cleanup: the trend starts again after it
   * (default 2 %), so a big cleanup does not hide the growth that follows.
   */
  cleanupDropShare?: number;
}

export interface Projection {
  /** Days until the mailbox is full at the fitted rate (≥ 0, not rounded). */
  days: number;
  /** Fitted growth in bytes per day (> 0). */
  bytesPerDay: number;
  /** Number of points the fit used. */
  points: number;
  /** The limit projected against. */
  limitBytes: number;
}

/** Least-squares slope and intercept of y over x. Null when x does not vary. */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number } | null {
  const n = xs.length;
  if (n < 2 || ys.length !== n) return null;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < n; i++) {
    mx += xs[i]!;
    my += ys[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i]! - mx;
    sxx += dx * dx;
    sxy += dx * (ys[i]! - my);
  }
  if (!(sxx > 0)) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx };
}

export function projectFull(history: readonly HistoryPoint[], now: number, opts: ProjectionOptions = {}): Projection | null {
  const windowDays = opts.windowDays ?? 30;
  const minPoints = opts.minPoints ?? 4;
  const minSpanDays = opts.minSpanDays ?? 2;
  const flatShare = opts.flatSharePerDay ?? 0.0005;
  const horizon = opts.horizonDays ?? 365;
  const dropShare = opts.cleanupDropShare ?? 0.02;
  const maxAge = opts.maxAgeDays ?? 7;

  const sorted = history
    .filter((p) => Number.isFinite(p.at) && Number.isFinite(p.usedBytes) && p.usedBytes >= 0 && p.at <= now && p.at >= now - windowDays * DAY)
    .slice()
    .sort((a, b) => a.at - b.at);
  if (sorted.length === 0) return null;
  const last = sorted[sorted.length - 1]!;
  if (now - last.at > maxAge * DAY) return null;
  const limit = last.limitBytes;
  if (limit === null || !(limit > 0)) return null;

  // Start after the last cleanup (a big fall), and only with points measured against the same limit.
  let start = 0;
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]!.usedBytes - sorted[i]!.usedBytes >= dropShare * limit) start = i;
    if (sorted[i]!.limitBytes !== sorted[i - 1]!.limitBytes) start = Math.max(start, i);
  }
  const pts = sorted.slice(start);
  if (pts.length < minPoints) return null;
  if (last.at - pts[0]!.at < minSpanDays * DAY) return null;

  const fit = leastSquares(
    pts.map((p) => (p.at - pts[0]!.at) / DAY),
    pts.map((p) => p.usedBytes),
  );
  if (!fit) return null;
  const bytesPerDay = fit.slope;
  if (!(bytesPerDay > flatShare * limit)) return null;
  const remaining = limit - last.usedBytes;
  if (remaining <= 0) return null;
  // Counted from now: the time since the last point has already used part of what was left.
  const days = Math.max(0, remaining / bytesPerDay - (now - last.at) / DAY);
  if (days > horizon) return null;
  return { days, bytesPerDay, points: pts.length, limitBytes: limit };
}
