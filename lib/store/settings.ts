import * as z from 'zod/mini';
import { Settings } from './schemas';

export { Settings };

/** The defaults: what an empty record parses to. */
export function defaultSettings(): Settings {
  return Settings.parse({});
}

/**
 * Read stored settings: anything unreadable (corrupt, from a future version, edited by hand) falls back to the
 * defaults field by field rather than losing everything.
 */
export function readSettings(stored: unknown): Settings {
  const whole = Settings.safeParse(stored ?? {});
  if (whole.success) return whole.data;
  const base = defaultSettings();
  if (!stored || typeof stored !== 'object') return base;
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(base) as (keyof Settings)[]) {
    const one = Settings.safeParse({ [key]: (stored as Record<string, unknown>)[key] });
    if (one.success) out[key] = one.data[key];
  }
  return Settings.parse(out);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') continue;
    const cur = out[k];
    out[k] = isPlainObject(cur) && isPlainObject(v) ? deepMerge(cur, v) : v;
  }
  return out;
}

/** Apply a partial change; the result is validated as a whole, so a bad patch changes nothing. */
export function applySettingsPatch(current: Settings, patch: Record<string, unknown>): ReturnType<typeof Settings.safeParse> {
  return Settings.safeParse(deepMerge(current as unknown as Record<string, unknown>, patch));
}
