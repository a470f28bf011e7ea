import { db } from '../store/db';
import { applySettingsPatch, readSettings, type Settings } from '../store/settings';

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
