/**
 * The "notify once" rule for quota thresholds, as a pure function over a persisted state (one armed level per
 * BAL, kept in the background's database so that a service-worker restart or a page reload never notifies
 * again).
 *
 * - The state is the highest level the user has already been told about (or 'ok').
 * - Crossing upward (ok → warn, ok → crit, warn → crit) notifies once, for the level reached.
 * - Staying at or above that level never notifies again, however many pages load.
 * - Falling back below a threshold re-arms it: the state drops to the level the mailbox is at now, silently,
 *   so the next crossing notifies again.
 * - An unknown or unlimited quota changes nothing (it is no evidence of a fall).
 * - A BAL never seen before starts at 'ok': finding it already above a threshold notifies (once).
 */
import type { Level } from '../ui/components';

export type AlertLevel = 'ok' | 'warn' | 'crit';

const RANK: Record<AlertLevel, number> = { ok: 0, warn: 1, crit: 2 };

export function nextAlert(previous: AlertLevel | undefined, level: Level): { state: AlertLevel; notify: 'warn' | 'crit' | null } {
  const prev = previous ?? 'ok';
  if (level === 'unknown') return { state: prev, notify: null };
  if (RANK[level] > RANK[prev]) return { state: level, notify: level === 'ok' ? null : level };
  return { state: level, notify: null };
}
