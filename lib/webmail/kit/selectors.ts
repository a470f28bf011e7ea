/**
 * Selectors as data. Each adapter keeps the CSS selectors it relies on in one table (<adapter>/selectors.ts): for
 * each, the page kinds where Balise needs it, and the saved pages (tests/fixtures/…) where it must match and how many
 * times. A unit test (tests/unit/webmail/selectors.test.ts) checks every table against its saved pages, and the
 * adapter's recognition() tells the page (the 'unrecognised' feature) which needed parts it cannot find live.
 */
import type { PageKind, Recognition } from '../types';

export interface SelectorSpec {
  /** The CSS selector (a list of alternatives when the host's skins differ). */
  css: string;
  /** Page kinds where Balise cannot work without it: missing there, the page is reported as not recognised. */
  requiredOn: readonly PageKind[];
  /** Saved pages (path under tests/fixtures/) → how many elements it matches there (0: must not match). */
  fixtures: Readonly<Record<string, number>>;
  /**
   * Where the fact comes from, for hosts whose live pages we cannot see (Medimail: 'manual' or 'code', public
   * programs that read it), and why the adapter needs it: these are the adapter's risks, kept next to the selector.
   */
  source?: string;
  why?: string;
}

export type SelectorTable = Readonly<Record<string, SelectorSpec>>;

/** The first element of a named selector. */
export function pick<E extends Element = Element>(root: ParentNode, table: SelectorTable, name: string): E | null {
  const spec = table[name];
  return spec ? root.querySelector<E>(spec.css) : null;
}

/** Every element of a named selector. */
export function pickAll<E extends Element = Element>(root: ParentNode, table: SelectorTable, name: string): E[] {
  const spec = table[name];
  return spec ? Array.from(root.querySelectorAll<E>(spec.css)) : [];
}

/** Which selectors required on this kind of page match nothing in `doc`. */
export function recognise(doc: Document, table: SelectorTable, page: PageKind): Recognition {
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(table)) {
    if (!spec.requiredOn.includes(page)) continue;
    let found = false;
    try {
      found = !!doc.querySelector(spec.css);
    } catch {
      found = false;
    }
    if (!found) missing.push(name);
  }
  return { ok: missing.length === 0, missing };
}
