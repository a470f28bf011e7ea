/**
 * "Keep these settings as my defaults" in the cleanup panel (a content script): saves the panel's rules into
 * settings.cleanup. A content script may not send 'settings/update' (any setting, e.g. turning the export before
 * deletion off); this message carries only the rule defaults, each field bounded by the settings schema's own fields (CleanupRuleFields), and
 * the background validates the merged settings again before writing (lib/background/settings.ts).
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { CleanupRuleFields, CleanupRuleFolders, Email } from '../store/schemas';

export const RuleDefaultsSchema = z.strictObject({ ...CleanupRuleFields, folders: CleanupRuleFolders });

export const cleanupRuleMessages = {
  /** Save the panel's rules as the defaults; the folder choice is kept for this BAL only. */
  'cleanup/save-rule-defaults': def({ bal: Email, rules: RuleDefaultsSchema }, Ok, ['content']),
} as const;
