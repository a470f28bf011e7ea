/**
 * Bounds of the cleanup rules' numbers, in one place: the settings schema and the panel's "keep as my defaults"
 * message (lib/store/schemas.ts CleanupRuleFields) and the panel's inputs (lib/features/cleanup/panel/Rules.tsx).
 * No zod here: the panel imports it.
 */
export const RULE_BOUNDS = {
  oldMonths: { min: 1, max: 240, int: true },
  largeMB: { min: 0.1, max: 1024, int: false },
  largeOlderThanMonths: { min: 0, max: 240, int: true },
  recentDays: { min: 0, max: 365, int: true },
} as const;
