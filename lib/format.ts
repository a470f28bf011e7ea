/** Sizes, percentages and dates for people, in French or English. Pure functions. */

export type Lang = 'fr' | 'en';

const UNITS: Record<Lang, [string, string, string, string]> = {
  fr: ['o', 'Ko', 'Mo', 'Go'],
  en: ['B', 'KB', 'MB', 'GB'],
};

const locale = (lang: Lang) => (lang === 'fr' ? 'fr-FR' : 'en-GB');

/**
 * 1024-based, as webmails and operators count quotas ("200 Mo" = 200 × 1024 × 1024 bytes).
 * One decimal below 10 units, none above: "1,5 Mo", "160 Mo", "875 o".
 */
export function formatBytes(bytes: number, lang: Lang): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  const units = UNITS[lang];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  let digits = unit === 0 || value >= 10 ? 0 : 1;
  let rounded = Number(value.toFixed(digits));
  if (rounded >= 1024 && unit < units.length - 1) {
    // 1023,9 Ko would print as "1024 Ko": say "1 Mo" instead.
    unit++;
    value /= 1024;
    digits = 1;
    rounded = Number(value.toFixed(digits));
  }
  const n = new Intl.NumberFormat(locale(lang), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(rounded);
  return `${n}\u00a0${units[unit]}`;
}

/**
 * Whole percent, rounded to the nearest as Roundcube prints its own quota (rcmail_action::quota_content: round()), so
 * the meter and the host's figure beside it agree (91.95 % is 92 % in both); except at the ends, where Balise stays
 * honest: never 100 % before it is really full (Roundcube says 100 % from 99.5 %), nor 0 % when something is used.
 */
export function percentUsed(used: number, limit: number): number {
  if (!(limit > 0) || used < 0) return NaN;
  const p = (used / limit) * 100;
  if (p > 0 && p < 1) return 1;
  if (p >= 99 && p < 100) return 99;
  return Math.round(p);
}

export function formatPercent(p: number, lang: Lang): string {
  if (!Number.isFinite(p)) return '–';
  return lang === 'fr' ? `${p}\u00a0%` : `${p}%`;
}

export function formatDate(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium' }).format(new Date(ms));
}

export function formatDateTime(ms: number, lang: Lang): string {
  return new Intl.DateTimeFormat(locale(lang), { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(ms));
}

/**
 * A size as precise as it is known: exact sizes as formatBytes(); sizes the host only gave rounded (Roundcube
 * prints "79 Mo") with "≈ " in front, so nobody reads them as exact.
 */
export function formatSize(bytes: number, precision: number, lang: Lang): string {
  const text = formatBytes(bytes, lang);
  return precision > 0 && text !== '–' ? `≈\u00a0${text}` : text;
}

export function formatCount(n: number, lang: Lang): string {
  return new Intl.NumberFormat(locale(lang)).format(n);
}
