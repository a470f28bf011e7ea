/**
 * A BAL's quota history as a small inline SVG (no chart library): used space over time, the limit and the
 * warning threshold as dashed lines. Text alternative in aria-label; the figures stay in the card's text.
 */
import { formatBytes, formatDate, type Lang } from '../format';
import { t } from '../i18n/t';
import type { HistoryPoint } from '../quota-rules/projection';

const W = 240;
const H = 56;
const PAD = 2;

export interface ChartGeometry {
  path: string;
  limitY: number | null;
  warnY: number | null;
  xs: number[];
  ys: number[];
}

/** Points → SVG coordinates (pure, tested). x spans the points' time range, y 0 … max(limit, largest used). */
export function chartGeometry(points: readonly HistoryPoint[], warnPercent: number): ChartGeometry | null {
  if (points.length < 2) return null;
  const sorted = points.slice().sort((a, b) => a.at - b.at);
  const t0 = sorted[0]!.at;
  const t1 = sorted[sorted.length - 1]!.at;
  const limit = sorted[sorted.length - 1]!.limitBytes;
  const top = Math.max(limit ?? 0, ...sorted.map((p) => p.usedBytes), 1);
  const x = (at: number) => PAD + ((at - t0) / Math.max(1, t1 - t0)) * (W - 2 * PAD);
  const y = (bytes: number) => H - PAD - (bytes / top) * (H - 2 * PAD);
  const xs = sorted.map((p) => Math.round(x(p.at) * 10) / 10);
  const ys = sorted.map((p) => Math.round(y(p.usedBytes) * 10) / 10);
  const path = xs.map((px, i) => `${i === 0 ? 'M' : 'L'}${px} ${ys[i]}`).join(' ');
  return {
    path,
    limitY: limit ? Math.round(y(limit) * 10) / 10 : null,
    warnY: limit ? Math.round(y((limit * warnPercent) / 100) * 10) / 10 : null,
    xs,
    ys,
  };
}

export function QuotaChart({ points, warnPercent, lang }: { points: readonly HistoryPoint[]; warnPercent: number; lang: Lang }) {
  const g = chartGeometry(points, warnPercent);
  if (!g) {
    return (
      <p class="muted chart-empty" data-chart="empty">
        {t('quotaChartTooFew')}
      </p>
    );
  }
  const sorted = points.slice().sort((a, b) => a.at - b.at);
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const label = t('quotaChartLabel', formatBytes(first.usedBytes, lang), formatBytes(last.usedBytes, lang), formatDate(first.at, lang), formatDate(last.at, lang));
  return (
    <svg class="chart" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={label} data-chart="history" data-points={points.length}>
      <title>{label}</title>
      {g.limitY !== null ? <line class="chart-limit" x1={0} x2={W} y1={g.limitY} y2={g.limitY} /> : null}
      {g.warnY !== null ? <line class="chart-warn" x1={0} x2={W} y1={g.warnY} y2={g.warnY} /> : null}
      <path class="chart-line" d={g.path} fill="none" />
      <circle class="chart-last" cx={g.xs[g.xs.length - 1]} cy={g.ys[g.ys.length - 1]} r={2.5} />
    </svg>
  );
}
