import { describe, expect, it } from 'vitest';
import { catalogs } from '../../../lib/i18n/catalog';
import { mergeCatalogs } from '../../../lib/i18n/build';
import { ID_RESULT_CODES, validateAdeli, validateFiness, validateRpps, validateSiret } from '../../../lib/mssante/identifiers';
import { idFeedback, idMessageKey, importMessageKey, importPlace, IMPORT_FIELDS, registryErrorKey } from '../../../lib/registry/error-keys';
import type { ImportCode } from '../../../lib/registry/transfer';

const merged = mergeCatalogs(catalogs);
/** t() as the browser does it, from the French catalog. */
const fr = (key: string, ...subs: (string | number)[]) => {
  const msg = merged[key]?.fr;
  if (!msg) throw new Error(`no message ${key}`);
  return msg.replace(/\$([1-9])/g, (_, n: string) => String(subs[Number(n) - 1] ?? ''));
};

const IMPORT_CODES: ImportCode[] = [
  'too-large',
  'not-json',
  'not-object',
  'not-balise',
  'newer-version',
  'bad-version',
  'forbidden-key',
  'too-deep',
  'required',
  'wrong-type',
  'too-long',
  'too-many',
  'too-small',
  'unknown-field',
  'invalid-value',
  'invalid-address',
  'duplicate',
  'two-preferred',
  'preferred-inactive',
];

describe('identifier check messages', () => {
  it('every result code of lib/mssante/identifiers.ts has a French and English sentence', () => {
    for (const code of ID_RESULT_CODES) {
      const key = idMessageKey(code);
      expect(merged[key], code).toBeDefined();
      expect(merged[key]!.fr.length).toBeGreaterThan(10);
    }
  });

  it('maps real results to the right level and sentence', () => {
    // RPPS: 11 digits; a failed Luhn key is a warning that does not block.
    expect(idFeedback(validateRpps('10000005479'))).toEqual({ level: 'ok', key: 'id_rpps_ok' });
    expect(idFeedback(validateRpps('10000005478'))).toEqual({ level: 'warning', key: 'id_rpps_luhn' });
    expect(fr('id_rpps_luhn')).toMatch(/enregistrer quand même/);
    expect(idFeedback(validateRpps('1000000547'))).toEqual({ level: 'error', key: 'id_rpps_length' });
    expect(idFeedback(validateRpps('1000000547a'))).toEqual({ level: 'error', key: 'id_rpps_format' });
    expect(idFeedback(validateRpps('910000005479'))).toEqual({ level: 'error', key: 'id_rpps_idnat_prefix' });
    // ADELI: 9 characters, format only.
    expect(idFeedback(validateAdeli('012807590'))).toEqual({ level: 'ok', key: 'id_adeli_ok' });
    expect(idFeedback(validateAdeli('01280759'))).toEqual({ level: 'error', key: 'id_adeli_length' });
    // FINESS and SIRET.
    expect(idFeedback(validateFiness('440000289'))).toEqual({ level: 'ok', key: 'id_finess_ok' });
    expect(idFeedback(validateFiness('440000288'))).toEqual({ level: 'warning', key: 'id_finess_luhn' });
    expect(idFeedback(validateSiret('73282932000074'))).toEqual({ level: 'ok', key: 'id_siret_ok' });
    expect(idFeedback(validateSiret('73282932000075'))).toEqual({ level: 'error', key: 'id_siret_luhn' });
    // An empty optional field says nothing; a required one says what to type.
    expect(idFeedback(validateRpps(''))).toBeNull();
    expect(idFeedback(validateRpps(''), false)).toEqual({ level: 'error', key: 'id_rpps_empty' });
  });
});

describe('import problem messages', () => {
  it('every import code has a sentence, and every field name a word', () => {
    for (const code of IMPORT_CODES) expect(merged[importMessageKey(code)], code).toBeDefined();
    for (const field of IMPORT_FIELDS) expect(merged[`impField_${field}`], field).toBeDefined();
    expect(merged.impFieldFile && merged.impItem).toBeTruthy();
  });

  it('says where the problem is in plain words', () => {
    expect(importPlace({ code: 'wrong-type', path: ['bals', 2, 'situation', 'finess'] }, fr)).toBe('BAL › n° 3 › situation d’exercice › FINESS');
    expect(importPlace({ code: 'not-json', path: [] }, fr)).toBe('le fichier');
    expect(importPlace({ code: 'unknown-field', path: ['settings', 'quota', 'x'.repeat(500)] }, fr)).toBe(`réglages › quota › ${'x'.repeat(60)}`);
    expect(fr(importMessageKey('wrong-type'), importPlace({ code: 'wrong-type', path: ['bals', 0, 'address'] }, fr))).toBe(
      'Valeur d’un mauvais type : BAL › n° 1 › adresse.',
    );
  });

  it('registry errors have sentences', () => {
    for (const code of ['invalid-address', 'preferred-inactive', 'not-in-registry', 'duplicate', 'not-found']) {
      const key = registryErrorKey(code);
      expect(key && merged[key], code).toBeTruthy();
    }
    expect(registryErrorKey('internal')).toBeNull();
  });
});
