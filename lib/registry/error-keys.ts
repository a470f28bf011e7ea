/**
 * From machine codes to the catalog keys of their sentences (lib/i18n/catalog/registry.ts): identifier
 * checks (lib/mssante/identifiers.ts), import problems (lib/registry/transfer.ts), registry errors. Pure: the
 * pages call t() on the key. tests/unit/registry/error-keys.test.ts checks that every code has its sentence.
 */
import type { IdResult, IdResultCode } from '../mssante/identifiers';
import type { MessageKey } from '../i18n/catalog';
import type { ImportCode, ImportProblem } from './transfer';

/** 'rpps.idnat_prefix' → 'id_rpps_idnat_prefix'. */
export function idMessageKey(code: IdResultCode): MessageKey {
  return `id_${code.replace('.', '_')}` as MessageKey;
}

/** How a field's check is shown: nothing for an empty optional field, else the level and its sentence key. */
export function idFeedback(r: IdResult, optional = true): { level: IdResult['level']; key: MessageKey } | null {
  if (optional && r.code.endsWith('.empty')) return null;
  return { level: r.level, key: idMessageKey(r.code) };
}

/** 'newer-version' → 'imp_newer_version'. */
export function importMessageKey(code: ImportCode): MessageKey {
  return `imp_${code.replace(/-/g, '_')}` as MessageKey;
}

/** Field names of the settings file that have a word in the catalog ('impField_<name>'). */
export const IMPORT_FIELDS = [
  'format',
  'version',
  'settings',
  'profile',
  'bals',
  'templates',
  'origins',
  'address',
  'kind',
  'operator',
  'webmailOrigin',
  'webmailKind',
  'situation',
  'label',
  'structure',
  'finess',
  'siret',
  'status',
  'preferred',
  'limits',
  'attachmentMB',
  'trashLifetimeDays',
  'retentionDays',
  'text',
  'html',
  'prenom',
  'nom',
  'profession',
  'specialite',
  'rpps',
  'adeli',
  'telephone',
] as const;

/**
 * Where an import problem is, in words: ['bals', 2, 'address'] → "BAL › n° 3 › adresse". `tr` is t(); keys
 * with no word in the catalog are shown as they are (they are rendered as text, never as HTML).
 */
export function importPlace(problem: ImportProblem, tr: (key: MessageKey, ...subs: (string | number)[]) => string): string {
  if (!problem.path.length) return tr('impFieldFile');
  return problem.path
    .map((p) => {
      if (typeof p === 'number') return tr('impItem', p + 1);
      const known = (IMPORT_FIELDS as readonly string[]).includes(p);
      return known ? tr(`impField_${p}` as MessageKey) : p.slice(0, 60);
    })
    .join(' › ');
}

export type RegistryErrorCode = 'invalid-address' | 'preferred-inactive' | 'not-in-registry' | 'duplicate' | 'not-found';

export function registryErrorKey(code: string): MessageKey | null {
  const known: Record<RegistryErrorCode, MessageKey> = {
    'invalid-address': 'regErr_invalid_address',
    'preferred-inactive': 'regErr_preferred_inactive',
    'not-in-registry': 'regErr_not_in_registry',
    duplicate: 'regErr_duplicate',
    'not-found': 'regErr_not_in_registry',
  };
  return (known as Record<string, MessageKey>)[code] ?? null;
}
