/**
 * The toolbar badge: the percentage of the fullest BAL whose quota is known, coloured by the user's thresholds.
 * Empty when no BAL has a known, limited quota (unknown and unlimited are never shown as 0 %).
 */
import { percentUsed } from '../format';
import { quotaLevel } from '../ui/level';
import type { Level } from '../ui/components';

export interface BadgeInput {
  address: string;
  lastQuota?: { usedBytes: number; limitBytes: number | null; at: number } | undefined;
}

export interface Badge {
  text: string;
  level: Level;
  /** Background and text colours (hex), chosen for contrast (≥ 4.5:1). */
  color: string;
  textColor: string;
  /** The BAL shown, for the tooltip. */
  address: string | null;
  percent: number | null;
}

/** Same hues as lib/ui/tokens.css (--b-ok, --b-warn, --b-crit, --b-muted). */
export const BADGE_COLORS: Record<Level, { color: string; textColor: string }> = {
  ok: { color: '#1a7f37', textColor: '#ffffff' },
  warn: { color: '#9a6700', textColor: '#ffffff' },
  crit: { color: '#b42318', textColor: '#ffffff' },
  unknown: { color: '#57606a', textColor: '#ffffff' },
};

export function badgeFor(bals: readonly BadgeInput[], warnPercent: number, criticalPercent: number): Badge {
  let best: { address: string; ratio: number; used: number; limit: number } | null = null;
  for (const b of bals) {
    const q = b.lastQuota;
    if (!q || q.limitBytes === null || !(q.limitBytes > 0) || !(q.usedBytes >= 0)) continue;
    const ratio = q.usedBytes / q.limitBytes;
    if (!best || ratio > best.ratio) best = { address: b.address, ratio, used: q.usedBytes, limit: q.limitBytes };
  }
  if (!best) return { text: '', level: 'unknown', ...BADGE_COLORS.unknown, address: null, percent: null };
  const level = quotaLevel(best.used, best.limit, warnPercent, criticalPercent);
  const percent = percentUsed(best.used, best.limit);
  // Badges fit about four characters: "100%" does, "1234%" would not (cap the text, keep the level).
  const text = `${Math.min(percent, 999)}%`;
  return { text, level, ...BADGE_COLORS[level], address: best.address, percent };
}
