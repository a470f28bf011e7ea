/**
 * The texts of the readable pages: the catalog's keys (lib/i18n/catalog/readable.ts) reached through a
 * translate function — the extension's t() at run time, the catalog itself in unit tests and benchmarks — and the
 * language the pages are written in.
 */
import type readableCatalog from '../../i18n/catalog/readable';
import type { DocType, ClinicalKind } from '../../mssante/doc-type';

export type ReadableKey = keyof typeof readableCatalog;
export type Translate = (key: ReadableKey, ...subs: (string | number)[]) => string;

export interface ReadableTexts {
  lang: 'fr' | 'en';
  tr: Translate;
  /** The health-data reminder (the export's own text). */
  reminder: string;
}

/** The document types' labels, one per type for all of Balise (the readable export, the cleanup preview). */
export const DOC_TYPE_KEYS: Record<DocType, ReadableKey> = {
  biologie: 'readable_type_biologie',
  imagerie: 'readable_type_imagerie',
  'compte-rendu': 'readable_type_compte_rendu',
  lettre: 'readable_type_lettre',
  synthese: 'readable_type_synthese',
  autre: 'readable_type_autre',
};
const KIND_KEYS: Record<ClinicalKind, ReadableKey> = { xdm: 'readable_kind_xdm', hprim: 'readable_kind_hprim', pdf: 'readable_kind_pdf' };

export const typeLabel = (texts: ReadableTexts, t: DocType) => texts.tr(DOC_TYPE_KEYS[t]);
export const kindLabel = (texts: ReadableTexts, k: ClinicalKind) => texts.tr(KIND_KEYS[k]);

/** A translate function over a catalog's entries in one language (tests, benchmarks, Node). */
export function catalogTranslate(catalog: Record<string, { fr: string; en: string }>, lang: 'fr' | 'en'): Translate {
  return (key, ...subs) => (catalog[key]?.[lang] ?? key).replace(/\$\$|\$([1-9])/g, (all, n: string | undefined) => (n ? String(subs[Number(n) - 1] ?? '') : '$'));
}
