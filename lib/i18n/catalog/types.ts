/**
 * One catalog file per area of the extension (core, popup, options, and each feature), so that people working
 * on different features never edit the same file. The build merges them into _locales/<lang>/messages.json
 * (see lib/i18n/build.ts); nothing here is bundled into the extension's scripts.
 *
 * Write substitutions as $1…$9 (positional, as t() receives them). A literal dollar is $$.
 */
export interface Entry {
  fr: string;
  en: string;
  /** A note for translators; not shipped. */
  note?: string;
}
export type Catalog = Record<string, Entry>;
