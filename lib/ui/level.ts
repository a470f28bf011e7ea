/** Quota level from usage and the user's thresholds. Unknown and unlimited quotas are never "ok at 0 %". */
import type { Level } from './components';

export function quotaLevel(usedBytes: number | null, limitBytes: number | null, warnPercent: number, criticalPercent: number): Level {
  if (usedBytes === null || limitBytes === null || !(limitBytes > 0)) return 'unknown';
  const p = (usedBytes / limitBytes) * 100;
  if (p >= criticalPercent) return 'crit';
  if (p >= warnPercent) return 'warn';
  return 'ok';
}
