/**
 * How IT's configuration meets the user's settings (pure functions):
 * - a LOCKED setting always has IT's value (or Balise's default when IT locked it without a value); the user's
 *   own value is kept in storage but not used, and the options show the setting as managed, not editable;
 * - an UNLOCKED managed value is a recommendation: written into the user's settings when IT sets or changes it,
 *   then the user may change it (the background remembers which managed values it already applied).
 */
import { defaultSettings } from '../store/settings';
import type { Settings } from '../store/schemas';
import { MANAGED_SETTINGS, type ManagedConfig, type ManagedSetting } from './schema';

type Section = 'quota' | 'cleanup';

function split(path: ManagedSetting): [Section, string] {
  const [section, key] = path.split('.') as [Section, string];
  return [section, key];
}

/** IT's value for one setting, if it set one. */
export function managedValue(config: ManagedConfig, path: ManagedSetting): number | boolean | undefined {
  const [section, key] = split(path);
  return (config[section] as Record<string, number | boolean | undefined> | undefined)?.[key];
}

export function lockedPaths(config: ManagedConfig): ManagedSetting[] {
  return MANAGED_SETTINGS.filter((p) => config.locked?.includes(p));
}

function read(settings: Settings, path: ManagedSetting): unknown {
  const [section, key] = split(path);
  return (settings[section] as Record<string, unknown>)[key];
}

function write(settings: Settings, path: ManagedSetting, value: unknown): Settings {
  const [section, key] = split(path);
  return { ...settings, [section]: { ...(settings[section] as object), [key]: value } } as Settings;
}

/** The settings in force: the user's, with every locked setting forced to IT's value (or the default). */
export function enforceLocks(settings: Settings, config: ManagedConfig): Settings {
  const defaults = defaultSettings();
  let out = settings;
  for (const path of lockedPaths(config)) {
    const value = managedValue(config, path) ?? read(defaults, path);
    if (read(out, path) !== value) out = write(out, path, value);
  }
  // Thresholds are checked as a pair: a locked one must not end up at or beyond the other.
  if (out.quota.criticalPercent <= out.quota.warnPercent) {
    const warnLocked = config.locked?.includes('quota.warnPercent');
    out = warnLocked
      ? write(out, 'quota.criticalPercent', Math.min(100, out.quota.warnPercent + 1))
      : write(out, 'quota.warnPercent', Math.max(1, out.quota.criticalPercent - 1));
  }
  return out;
}

/**
 * The recommendations to write into the user's settings now: unlocked managed values that are new or changed since
 * the configuration last applied (`applied`, null the first time).
 */
export function recommendationsToApply(config: ManagedConfig, applied: ManagedConfig | null): Partial<Record<ManagedSetting, number | boolean>> {
  const out: Partial<Record<ManagedSetting, number | boolean>> = {};
  for (const path of MANAGED_SETTINGS) {
    if (config.locked?.includes(path)) continue;
    const value = managedValue(config, path);
    if (value === undefined) continue;
    if (applied && managedValue(applied, path) === value) continue;
    out[path] = value;
  }
  return out;
}

/** A settings patch (nested objects) for the given dotted paths. */
export function patchOf(values: Partial<Record<ManagedSetting, unknown>>): Record<string, Record<string, unknown>> {
  const patch: Record<string, Record<string, unknown>> = {};
  for (const [path, value] of Object.entries(values)) {
    const [section, key] = split(path as ManagedSetting);
    (patch[section] ??= {})[key] = value;
  }
  return patch;
}

/** The locked settings a patch would change (to refuse it), given the settings in force. */
export function lockedChanges(patch: Record<string, unknown>, config: ManagedConfig, current: Settings): ManagedSetting[] {
  return lockedPaths(config).filter((path) => {
    const [section, key] = split(path);
    const part = patch[section];
    if (!part || typeof part !== 'object' || !(key in part)) return false;
    return (part as Record<string, unknown>)[key] !== read(current, path);
  });
}

/** The same patch without any locked setting (for saves that carry many settings at once). */
export function withoutLocked<T extends Record<string, unknown>>(patch: T, config: ManagedConfig): T {
  const out: Record<string, unknown> = { ...patch };
  for (const path of lockedPaths(config)) {
    const [section, key] = split(path);
    const part = out[section];
    if (part && typeof part === 'object' && key in part) {
      const { [key]: _dropped, ...rest } = part as Record<string, unknown>;
      out[section] = rest;
    }
  }
  return out as T;
}
