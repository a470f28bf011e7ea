import { db } from '../store/db';
import { applySettingsPatch, readSettings, type Settings } from '../store/settings';
import type { RuleDefaults } from '../features/cleanup/rules';

export async function getSettings(): Promise<Settings> {
  const row = await db().kv.get('settings');
  return readSettings(row?.value);
}

export class InvalidSettingsError extends Error {
  readonly code = 'invalid-settings';
}

/** Apply a partial change atomically; a change that does not validate is refused and nothing is written. */
export async function updateSettings(patch: Record<string, unknown>): Promise<Settings> {
  return db().transaction('rw', db().kv, async () => {
    const current = await getSettings();
    const next = applySettingsPatch(current, patch);
    if (!next.success) throw new InvalidSettingsError(next.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    await db().kv.put({ key: 'settings', value: next.data });
    return next.data;
  });
}

/** The cleanup panel's "keep these settings as my defaults": the rule defaults, and this BAL's folder choice. */
export async function saveCleanupRuleDefaults(bal: string, rules: RuleDefaults): Promise<Settings> {
  const { folders, ...rest } = rules;
  return updateSettings({ cleanup: { ...rest, ruleFolders: { [bal.toLowerCase()]: { old: folders.old, large: folders.large } } } });
}
