/**
 * The cleanup's rules as the panel starts with them: from the user's settings (and the folders they chose for this
 * BAL), back to what "keep these settings as my defaults" saves, and the calendar arithmetic the rules' dates use.
 * Type-only imports: the shapes are the settings' and the message's (zod), this file stays free of zod at runtime.
 */
import type * as z from 'zod/mini';
import type { Folder } from '../../webmail/types';
import type { Settings } from '../../store/schemas';
import type { RuleDefaultsSchema } from '../../messages/cleanup-rules';
import type { CleanupRules } from './types';

type Saved = Settings['cleanup'];
/**
 * What the user's settings say (settings.cleanup): the numbers and protections, and, absent meaning on / the
 * default folders, which rules are on and the folders "old" and "large" look in per BAL (lower-case address).
 */
export type CleanupSettings = Pick<Saved, 'oldMonths' | 'largeMB' | 'largeOlderThanMonths' | 'recentDays' | 'protectUnread' | 'protectFlagged' | 'protectClinical'> &
  Partial<Pick<Saved, 'emptyTrash' | 'emptyJunk' | 'oldEnabled' | 'largeEnabled' | 'ruleFolders'>>;

/** Folders "old" and "large" look in by default: the inbox, sent mail and the user's own folders. */
export function defaultRuleFolders(folders: Folder[]): string[] {
  return folders.filter((f) => f.role === 'inbox' || f.role === 'sent' || f.role === 'other').map((f) => f.id);
}

/**
 * A saved choice of folders, kept to the folders that still exist (and never the trash or junk). A choice none of
 * whose folders exist any more (renamed, another webmail) falls back to the default folders; a choice the user
 * emptied on purpose stays empty.
 */
function savedFolders(saved: string[] | undefined, folders: Folder[], fallback: string[]): string[] {
  if (!saved) return fallback;
  const choosable = new Set(folders.filter((f) => f.role !== 'trash' && f.role !== 'junk').map((f) => f.id));
  const kept = saved.filter((id, i) => choosable.has(id) && saved.indexOf(id) === i);
  return kept.length || !saved.length ? kept : fallback;
}

/** The rules the panel starts with: the user's saved defaults (for this BAL's folders), else Balise's. */
export function defaultRules(s: CleanupSettings, folders: Folder[], bal?: string): CleanupRules {
  const ids = defaultRuleFolders(folders);
  const saved = bal ? s.ruleFolders?.[bal.toLowerCase()] : undefined;
  return {
    emptyTrash: s.emptyTrash ?? true,
    emptyJunk: s.emptyJunk ?? true,
    old: { enabled: s.oldEnabled ?? true, months: s.oldMonths, folderIds: savedFolders(saved?.old, folders, ids) },
    large: { enabled: s.largeEnabled ?? true, minMB: s.largeMB, olderThanMonths: s.largeOlderThanMonths, folderIds: savedFolders(saved?.large, folders, ids) },
    folder: { enabled: false, folderId: null },
    protect: { unread: s.protectUnread, flagged: s.protectFlagged, recentDays: s.recentDays, clinical: s.protectClinical },
    includeClinical: false,
  };
}

/** What "keep these settings as my defaults" saves of the rules (never a whole folder, nor the clinical choice). */
export type RuleDefaults = z.infer<typeof RuleDefaultsSchema>;

export function ruleDefaultsOf(r: CleanupRules): RuleDefaults {
  return {
    oldMonths: r.old.months,
    largeMB: r.large.minMB,
    largeOlderThanMonths: r.large.olderThanMonths,
    recentDays: r.protect.recentDays,
    protectUnread: r.protect.unread,
    protectFlagged: r.protect.flagged,
    emptyTrash: r.emptyTrash,
    emptyJunk: r.emptyJunk,
    oldEnabled: r.old.enabled,
    largeEnabled: r.large.enabled,
    folders: { old: [...r.old.folderIds], large: [...r.large.folderIds] },
  };
}

/** 00:00 local time on the day `months` calendar months before `now` (clamped to the month's last day). */
export function monthsAgo(now: number, months: number): number {
  const d = new Date(now);
  const day = d.getDate();
  const target = new Date(d.getFullYear(), d.getMonth() - months, 1);
  const last = new Date(target.getFullYear(), target.getMonth() + 1, 0).getDate();
  return new Date(target.getFullYear(), target.getMonth(), Math.min(day, last)).getTime();
}

/** 00:00 local time `days` days before `now`. */
export function daysAgo(now: number, days: number): number {
  const d = new Date(now);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate() - days).getTime();
}

