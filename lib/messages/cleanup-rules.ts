/**
 * "Keep these settings as my defaults" in the cleanup panel (a content script): saves the panel's rules into
 * settings.cleanup. A content script may not send 'settings/update' (any setting, e.g. turning the export before
 * deletion off); this message carries only the rule defaults, each field bounded as in the settings schema, and
 * the background validates the merged settings again before writing (lib/background/settings.ts).
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { CleanupRuleFolders, Email } from '../store/schemas';

export const RuleDefaultsSchema = z.strictObject({
  oldMonths: z.number().check(z.int(), z.gte(1), z.lte(240)),
  largeMB: z.number().check(z.gte(0.1), z.lte(1024)),
  largeOlderThanMonths: z.number().check(z.int(), z.gte(0), z.lte(240)),
  recentDays: z.number().check(z.int(), z.gte(0), z.lte(365)),
  protectUnread: z.boolean(),
  protectFlagged: z.boolean(),
  emptyTrash: z.boolean(),
  emptyJunk: z.boolean(),
  oldEnabled: z.boolean(),
  largeEnabled: z.boolean(),
  folders: CleanupRuleFolders,
});

export const cleanupRuleMessages = {
  /** Save the panel's rules as the defaults; the folder choice is kept for this BAL only. */
  'cleanup/save-rule-defaults': def({ bal: Email, rules: RuleDefaultsSchema }, Ok, ['content']),
} as const;
