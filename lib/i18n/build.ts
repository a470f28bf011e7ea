/**
 * Turns the catalogs (lib/i18n/catalog/*.ts) into the browsers' _locales/<lang>/messages.json.
 * Used by wxt.config.ts at build time and by the unit tests; never bundled.
 */
import type { Catalog } from './catalog/types';

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];

interface ChromeMessage {
  message: string;
  description?: string;
  placeholders?: Record<string, { content: string }>;
}

const KEY = /^[A-Za-z0-9_]+$/;

/** Positional substitutions used by a message ($1…$9), ignoring escaped dollars ($$). */
export function substitutions(message: string): number[] {
  const found = new Set<number>();
  for (const m of message.replaceAll('$$', '').matchAll(/\$([1-9])/g)) found.add(Number(m[1]));
  return [...found].sort();
}

export function mergeCatalogs(catalogs: Record<string, Catalog>): Catalog {
  const merged: Catalog = {};
  const owner: Record<string, string> = {};
  for (const [name, catalog] of Object.entries(catalogs)) {
    for (const [key, entry] of Object.entries(catalog)) {
      if (!KEY.test(key)) throw new Error(`i18n: key "${key}" in catalog "${name}" must match ${KEY}`);
      if (key in merged) throw new Error(`i18n: key "${key}" is defined in both "${owner[key]}" and "${name}"`);
      for (const lang of LANGS) {
        if (!entry[lang]?.trim()) throw new Error(`i18n: key "${key}" has no ${lang} text`);
      }
      const fr = substitutions(entry.fr).join(',');
      const en = substitutions(entry.en).join(',');
      if (fr !== en) throw new Error(`i18n: key "${key}" uses $${fr} in French but $${en} in English`);
      merged[key] = entry;
      owner[key] = name;
    }
  }
  return merged;
}

/** One messages.json, with $n rewritten as named placeholders (the form both browsers document). */
export function toChromeMessages(catalog: Catalog, lang: Lang): Record<string, ChromeMessage> {
  const out: Record<string, ChromeMessage> = {};
  for (const key of Object.keys(catalog).sort()) {
    const entry = catalog[key]!;
    const subs = substitutions(entry[lang]);
    const message = entry[lang].replace(/\$\$|\$([1-9])/g, (all, n: string | undefined) => (n ? `$P${n}$` : all));
    const m: ChromeMessage = { message };
    if (entry.note) m.description = entry.note;
    if (subs.length) m.placeholders = Object.fromEntries(subs.map((n) => [`p${n}`, { content: `$${n}` }]));
    out[key] = m;
  }
  return out;
}
