import { browser } from 'wxt/browser';
import type { MessageKey } from './catalog';

export type { MessageKey };

/**
 * The translated text for a key, through the browser's own i18n (French by default, English for English
 * browsers). Substitutions are positional ($1, $2…). Never returns HTML: render it as text.
 */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  // WXT types getMessage from files it finds in public/; ours are generated at build time (lib/i18n/build.ts).
  const getMessage = browser.i18n.getMessage as (name: string, substitutions?: string[]) => string;
  const text = getMessage(key, subs.map(String));
  return text || key;
}

/** 'fr' or 'en': the language the messages come in, for number and date formatting. */
export function uiLang(): 'fr' | 'en' {
  const ui = (browser.i18n.getUILanguage?.() ?? 'fr').toLowerCase();
  return ui.startsWith('en') ? 'en' : 'fr';
}
