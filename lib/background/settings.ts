import { db } from '../store/db';
import { applySettingsPatch, readSettings, type Settings } from '../store/settings';
import type { RuleDefaults } from '../features/cleanup/rules';
import { managedConfig } from './managed';
import { enforceLocks, lockedChanges, withoutLocked } from '../managed/merge';

/** What the user saved (IT's locks not applied). */
async function storedSettings(): Promise<Settings> {
  const row = await db().kv.get('settings');
  return readSettings(row?.value);
}

/** The settings in force: the user's, with the settings IT locked forced to IT's values (lib/managed/merge.ts). */
export async function getSettings(): Promise<Settings> {
  const [stored, config] = await Promise.all([storedSettings(), managedConfig()]);
  return enforceLocks(stored, config);
}

export class InvalidSettingsError extends Error {
  readonly code = 'invalid-settings';
}

export class LockedSettingError extends Error {
  readonly code = 'locked-setting';
}

/**
 * Apply a partial change atomically; a change that does not validate is refused and nothing is written. A change
 * to a setting IT locked is refused too (`fromManaged`: IT's own recommendations, written by the background).
 */
export async function updateSettings(patch: Record<string, unknown>, opts: { fromManaged?: boolean } = {}): Promise<Settings> {
  // Read before the transaction: a Dexie transaction must not wait on anything but the database.
  const config = await managedConfig();
  return db().transaction('rw', db().kv, async () => {
    const current = await storedSettings();
    if (!opts.fromManaged) {
      const locked = lockedChanges(patch, config, enforceLocks(current, config));
      if (locked.length) throw new LockedSettingError(`locked by the administrator: ${locked.join(', ')}`);
    }
    const next = applySettingsPatch(current, patch);
    if (!next.success) throw new InvalidSettingsError(next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    await db().kv.put({ key: 'settings', value: next.data });
    return enforceLocks(next.data, config);
  });
}

/**
 * The cleanup panel's "keep these settings as my defaults": the rule defaults, and this BAL's folder choice.
 * Settings IT locked are left out (the panel saves all its rules at once).
 */
export async function saveCleanupRuleDefaults(bal: string, rules: RuleDefaults): Promise<Settings> {
  const { folders, ...rest } = rules;
  const cleanup = withoutLocked({ cleanup: rest as Record<string, unknown> }, await managedConfig()).cleanup;
  return updateSettings({ cleanup: { ...cleanup, ruleFolders: { [bal.toLowerCase()]: { old: folders.old, large: folders.large } } } });
}
