/**
 * Validators for the French identifiers a health professional puts in a
 * signature or looks up in the national directory: RPPS (and idNat_PS),
 * ADELI, FINESS, SIRET and SIREN.
 *
 * Pure functions: no DOM, no browser API, never throw. Each validator returns
 * an {@link IdResult} whose `code` is a stable machine code (see
 * {@link ID_RESULT_CODES}); the UI turns it into a sentence from its own
 * locale files. Nothing in this module is meant to be shown to a user as is.
 *
 * Sources are those of shared/notes/mssante.md §2. What is official and what
 * is not is said next to each rule.
 */

export type IdLevel = 'ok' | 'warning' | 'error';

/**
 * Every code a validator in this module can return. Codes are stable: the
 * locale files key their messages on them, so rename one only together with
 * every locale.
 *
 * Shape: `<identifier>.<reason>`; `<identifier>.ok` is the only success code.
 */
export const ID_RESULT_CODES = [
  'rpps.ok',
  'rpps.empty',
  'rpps.format', // a character other than a digit (after removing separators)
  'rpps.length', // neither 11 digits (RPPS) nor 12 (idNat_PS)
  'rpps.idnat_prefix', // 12 digits, but the first is not the idNat_PS prefix 8
  'rpps.luhn', // warning: the Luhn key does not match (check is not official)
  'adeli.ok',
  'adeli.empty',
  'adeli.format',
  'adeli.length', // neither 9 characters (ADELI) nor 10 (idNat_PS 0 + ADELI)
  'adeli.idnat_prefix', // 10 characters, but the first is not the idNat_PS prefix 0
  'finess.ok',
  'finess.empty',
  'finess.format', // not [0-9][0-9AB][0-9]{7}
  'finess.length',
  'finess.luhn', // warning: the Luhn key does not match (check is not official)
  'siret.ok',
  'siret.empty',
  'siret.format',
  'siret.length',
  'siret.luhn', // the Luhn key of the 14 digits does not match
  'siret.laposte', // La Poste establishment: the digit sum is not a multiple of 5
  'siret.siren', // the first 9 digits are not a valid SIREN
  'siren.ok',
  'siren.empty',
  'siren.format',
  'siren.length',
  'siren.luhn',
] as const;

export type IdResultCode = (typeof ID_RESULT_CODES)[number];

export interface IdResult {
  /**
   * `true` when the value can be accepted, i.e. `level` is `'ok'` or
   * `'warning'`. A warning means "probably a typo, but the check it failed is
   * not an official rule", so the UI should show it without blocking.
   */
  ok: boolean;
  level: IdLevel;
  code: IdResultCode;
  /**
   * The value without separators (and upper-cased where letters are allowed),
   * present whenever the value has the expected format, warnings included.
   * For an idNat_PS input it is the bare RPPS (or ADELI) number.
   */
  normalized?: string;
}

/**
 * Separators a user may type or paste: any white space (including the
 * no-break spaces French typography puts in numbers), dots, and hyphens or
 * dashes (ASCII hyphen-minus, U+2010–U+2015, U+2212 minus sign).
 */
const SEPARATORS = /[\s.\-\u2010-\u2015\u2212]/gu;

/** Removes the separators listed in {@link SEPARATORS}. */
export function stripSeparators(value: string): string {
  return value.replace(SEPARATORS, '');
}

const DIGITS = /^[0-9]+$/;

/**
 * Luhn check over a string of ASCII digits, the last one being the key.
 * Returns false for an empty string or any non-digit character.
 */
export function luhnValid(digits: string): boolean {
  if (!DIGITS.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/**
 * The Luhn key (one digit) to append to `payload` so that the result passes
 * {@link luhnValid}. Returns null when `payload` is not a non-empty string of
 * ASCII digits.
 */
export function luhnCheckDigit(payload: string): string | null {
  if (!DIGITS.test(payload)) return null;
  return String((10 - (luhnSum(payload, true) % 10)) % 10);
}

/**
 * Luhn sum, walking from the right. When the key is already in `digits`
 * (`doubleRightmost` false) the rightmost digit is kept and the next one is
 * doubled; when computing a key for a payload, the payload's rightmost digit is
 * the one doubled.
 */
function luhnSum(digits: string, doubleRightmost: boolean): number {
  let sum = 0;
  let double = doubleRightmost;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum;
}

function result(level: IdLevel, code: IdResultCode, normalized?: string): IdResult {
  const r: IdResult = { ok: level !== 'error', level, code };
  if (normalized !== undefined) r.normalized = normalized;
  return r;
}

/**
 * RPPS number: 11 digits ([ANS] IG-fhir-annuaire examples).
 *
 * Also accepts the idNat_PS form, `8` followed by the RPPS (12 digits, e.g.
 * `810000005479`); `normalized` is then the bare 11-digit RPPS.
 *
 * The last digit is widely reported to be a Luhn key and the ANS sample
 * `10000005479` passes it, but no official text states the algorithm
 * (PARTIALLY VERIFIED), so a failed Luhn check is a warning, never an error.
 */
export function validateRpps(input: string): IdResult {
  const value = stripSeparators(String(input ?? ''));
  if (value === '') return result('error', 'rpps.empty');
  if (!DIGITS.test(value)) return result('error', 'rpps.format');
  let rpps = value;
  if (value.length === 12) {
    if (value[0] !== '8') return result('error', 'rpps.idnat_prefix');
    rpps = value.slice(1);
  } else if (value.length !== 11) {
    return result('error', 'rpps.length');
  }
  if (!luhnValid(rpps)) return result('warning', 'rpps.luhn', rpps);
  return result('ok', 'rpps.ok', rpps);
}

/**
 * Allowed ADELI shape: 9 characters, digits except the second one, which may
 * be an upper-case letter for some departments (Corse 2A/2B; `9A`-style codes
 * for overseas departments are reported by a public-sector project,
 * SocialGouv/mon-psy-sante, and are UNVERIFIED against an official text).
 */
const ADELI_PATTERN = /^[0-9][0-9A-Z][0-9]{7}$/;

/**
 * ADELI number: 9 characters ([ANS] FHIR profile: "Numéro ADELI (9
 * chiffres)"). Also accepts the idNat_PS form `0` + ADELI (10 characters, e.g.
 * `0012807590`); `normalized` is then the bare ADELI.
 *
 * FORMAT ONLY, on purpose: ADELI is department-based and its internal layout
 * (department, profession code, serial, key) and check algorithm are not
 * documented in any official source we found. One ANS sample passes Luhn,
 * which proves nothing; rejecting or warning on a real number because of a
 * guessed key would be worse than not checking. The directory look-up is the
 * real check.
 */
export function validateAdeli(input: string): IdResult {
  const value = stripSeparators(String(input ?? '')).toUpperCase();
  if (value === '') return result('error', 'adeli.empty');
  if (!/^[0-9A-Z]+$/.test(value)) return result('error', 'adeli.format');
  let adeli = value;
  if (value.length === 10) {
    if (value[0] !== '0') return result('error', 'adeli.idnat_prefix');
    adeli = value.slice(1);
  } else if (value.length !== 9) {
    return result('error', 'adeli.length');
  }
  if (!ADELI_PATTERN.test(adeli)) return result('error', 'adeli.format');
  return result('ok', 'adeli.ok', adeli);
}

const FINESS_PATTERN = /^[0-9][0-9AB][0-9]{7}$/;

/**
 * FINESS number (EJ or ET): 9 characters `[0-9][0-9AB][0-9]{7}`; the second
 * character is a letter for Corsica (2A, 2B). The ministry's open-data XSD is
 * looser (`[0-9][0-9A-Z][0-9]{7}`); letters other than A/B are rejected here.
 *
 * Key: when all 9 characters are digits, a Luhn check over the 9 digits. Four
 * well-known FINESS numbers pass it, but no official text states it
 * (UNVERIFIED), so failure is a warning. For 2A/2B numbers the key is not
 * checked at all (how the letter enters the key is UNVERIFIED); such a number
 * with the right shape returns `finess.ok`.
 */
export function validateFiness(input: string): IdResult {
  const value = stripSeparators(String(input ?? '')).toUpperCase();
  if (value === '') return result('error', 'finess.empty');
  if (!/^[0-9A-Z]+$/.test(value)) return result('error', 'finess.format');
  if (value.length !== 9) return result('error', 'finess.length');
  if (!FINESS_PATTERN.test(value)) return result('error', 'finess.format');
  if (DIGITS.test(value) && !luhnValid(value)) return result('warning', 'finess.luhn', value);
  return result('ok', 'finess.ok', value);
}

/** SIREN of La Poste, whose establishments do not follow the Luhn rule. */
const LA_POSTE_SIREN = '356000000';
/** La Poste head office: an ordinary Luhn-valid SIRET. */
const LA_POSTE_HEAD_OFFICE = '35600000000048';

function digitSum(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) sum += digits.charCodeAt(i) - 48;
  return sum;
}

/**
 * SIREN (legal unit): 9 digits, the last a Luhn key. Failure is an error: the
 * key is part of INSEE's definition. [3P] python-stdnum `stdnum/fr/siren.py`.
 */
export function validateSiren(input: string): IdResult {
  const value = stripSeparators(String(input ?? ''));
  if (value === '') return result('error', 'siren.empty');
  if (!DIGITS.test(value)) return result('error', 'siren.format');
  if (value.length !== 9) return result('error', 'siren.length');
  if (!luhnValid(value)) return result('error', 'siren.luhn');
  return result('ok', 'siren.ok', value);
}

/**
 * SIRET (establishment): 14 digits = SIREN (9) + NIC (5), Luhn over the 14
 * digits, and the SIREN part must itself be a valid SIREN.
 *
 * La Poste exception: establishments of SIREN 356000000 have too many
 * establishments for the Luhn key; their SIRET instead has a digit sum that
 * is a multiple of 5. The head office, 35600000000048, is a normal
 * Luhn-valid SIRET. [3P] python-stdnum `stdnum/fr/siret.py` and its tests.
 */
export function validateSiret(input: string): IdResult {
  const value = stripSeparators(String(input ?? ''));
  if (value === '') return result('error', 'siret.empty');
  if (!DIGITS.test(value)) return result('error', 'siret.format');
  if (value.length !== 14) return result('error', 'siret.length');
  if (value.startsWith(LA_POSTE_SIREN) && value !== LA_POSTE_HEAD_OFFICE) {
    if (digitSum(value) % 5 !== 0) return result('error', 'siret.laposte');
  } else if (!luhnValid(value)) {
    return result('error', 'siret.luhn');
  }
  if (!luhnValid(value.slice(0, 9))) return result('error', 'siret.siren');
  return result('ok', 'siret.ok', value);
}
