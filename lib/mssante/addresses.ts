/**
 * MSSanté addresses: e-mail syntax, the MSSanté domain check, patient
 * addresses (`<INS>@patient.mssante.fr`) and the `[FIN]` subject rule.
 *
 * Pure functions: no DOM, no browser API, never throw. Result codes are
 * machine codes for the UI's locale files; no user-visible text here.
 *
 * Sources: shared/notes/mssante.md §1.
 */

export interface ParsedAddress {
  /** Local part, case preserved (RFC 5321 lets the receiving server decide). */
  local: string;
  /** Domain, lower-cased. */
  domain: string;
}

/** RFC 5322 `atext`: the characters allowed in a dot-atom local part. */
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`);
/** One DNS label: letters, digits, hyphens, not starting or ending with a hyphen. */
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Parses an e-mail address as typed in an address field or a signature.
 *
 * Surrounding white space is removed and the domain is lower-cased. The
 * accepted syntax is a deliberate subset of RFC 5321/5322, enough for every
 * MSSanté address:
 * - local part: a dot-atom (letters, digits, ``!#$%&'*+/=?^_`{|}~-``, dots
 *   between non-empty runs), at most 64 characters. No quoted strings
 *   (`"a b"@x.fr`), no comments, no display name (`Name <a@x.fr>`);
 * - domain: at least two dot-separated labels of ASCII letters, digits and
 *   inner hyphens (1–63 characters each, punycode `xn--` labels included), at
 *   most 253 characters, no trailing dot, and a last label that is not all
 *   digits. No IP literals (`[192.0.2.1]`), no raw Unicode (IDN must be given
 *   in punycode), no internationalised local parts;
 * - the whole address at most 254 characters.
 *
 * Returns null when the string is not such an address.
 */
export function parseAddress(s: string): ParsedAddress | null {
  if (typeof s !== 'string') return null;
  const trimmed = s.trim();
  if (trimmed.length === 0 || trimmed.length > 254) return null;
  const at = trimmed.lastIndexOf('@');
  if (at <= 0 || at === trimmed.length - 1) return null;
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  if (domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null;
  for (const label of labels) {
    if (!LABEL.test(label)) return null;
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null;
  return { local, domain };
}

function toParsed(addr: string | ParsedAddress): ParsedAddress | null {
  if (typeof addr === 'string') return parseAddress(addr);
  if (addr && typeof addr.local === 'string' && typeof addr.domain === 'string') {
    return parseAddress(`${addr.local}@${addr.domain}`);
  }
  return null;
}

/** The MSSanté trust-space suffix. */
export const MSSANTE_DOMAIN = 'mssante.fr';

/**
 * Quick check: the address is syntactically valid and its domain is
 * `mssante.fr` or ends with `.mssante.fr`.
 *
 * This is only a first filter. What makes a domain part of the MSSanté trust
 * space is the ANS white list (liste blanche) of operator domains, not the
 * suffix; no official sentence we found says every operator domain must be a
 * subdomain of mssante.fr, and some regional platforms historically used other
 * domains. Balise does not download that list (it is served behind the
 * IGC-Santé certification authority, which browsers do not trust), so this
 * suffix test is all it can do offline. A false here means "not recognisably
 * MSSanté", not "certainly outside the trust space".
 */
export function isMssanteAddress(addr: string | ParsedAddress): boolean {
  const parsed = toParsed(addr);
  if (!parsed) return false;
  return parsed.domain === MSSANTE_DOMAIN || parsed.domain.endsWith(`.${MSSANTE_DOMAIN}`);
}

/** Domain of patient mailboxes (Mon espace santé). */
export const PATIENT_DOMAIN = 'patient.mssante.fr';

/**
 * True when the address is a patient mailbox (domain exactly
 * `patient.mssante.fr`), whatever its local part. Such an address identifies a
 * patient (it carries the INS): it must never be sent to a third-party API.
 */
export function isPatientAddress(addr: string | ParsedAddress): boolean {
  const parsed = toParsed(addr);
  return parsed !== null && parsed.domain === PATIENT_DOMAIN;
}

/** Every code {@link checkIns} and {@link checkPatientAddress} can return. */
export const INS_RESULT_CODES = [
  'ins.ok',
  'ins.address', // not a syntactically valid e-mail address
  'ins.domain', // valid address, but not @patient.mssante.fr
  'ins.empty',
  'ins.length', // not 15 characters
  'ins.format', // wrong characters for a NIR/NIA (see checkIns)
  'ins.key', // the 2-digit key does not match; expectedKey says what it should be
] as const;

export type InsResultCode = (typeof INS_RESULT_CODES)[number];

export interface InsResult {
  ok: boolean;
  code: InsResultCode;
  /** The key computed from the first 13 characters, when code is 'ins.key'. */
  expectedKey?: string;
  /**
   * When the format is right (code 'ins.ok' or 'ins.key'): the 15-character
   * matricule with 2a/2b upper-cased, or for checkPatientAddress the whole
   * address built from it.
   */
  normalized?: string;
}

/**
 * Shape of a 15-character INS matricule (NIR or NIA), as far as the sources
 * support it:
 * - first digit (sex / kind of number) in 1, 2, 3, 4, 7, 8: 1 and 2 are
 *   certain; 3, 4, 7, 8 are accepted because NIA and provisional numbers
 *   exist, but the exact list is UNVERIFIED (notes §1.4);
 * - then 12 digits, except characters 6–7 (the department of birth) which may
 *   be `2A` or `2B` for Corsica ([3P] python-stdnum `stdnum/fr/nir.py`,
 *   citing INSEE);
 * - then the 2-digit key.
 * The month (characters 4–5) is deliberately NOT range-checked: INSEE uses
 * codes outside 01–12 for unknown or special months and the notes have no
 * source for the exact list, so any two digits are accepted.
 */
const INS_PATTERN = /^[123478][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{6}[0-9]{2}$/;

/**
 * The 2-digit INS/NIR key for the first 13 characters: 97 − (number mod 97),
 * where a Corsican department `2A` counts as 19 and `2B` as 18. Returns null
 * unless `first13` is 13 characters of digits (with 2A/2B allowed at
 * characters 6–7, upper or lower case).
 */
export function insKey(first13: string): string | null {
  if (typeof first13 !== 'string' || first13.length !== 13) return null;
  let digits = first13.toUpperCase();
  const dept = digits.slice(5, 7);
  if (dept === '2A') digits = `${digits.slice(0, 5)}19${digits.slice(7)}`;
  else if (dept === '2B') digits = `${digits.slice(0, 5)}18${digits.slice(7)}`;
  if (!/^[0-9]{13}$/.test(digits)) return null;
  // Digit by digit so the arithmetic never depends on float precision.
  let rest = 0;
  for (let i = 0; i < digits.length; i++) rest = (rest * 10 + (digits.charCodeAt(i) - 48)) % 97;
  return String(97 - rest).padStart(2, '0');
}

/**
 * Checks a bare INS matricule (NIR or NIA, key included). Spaces, dots and
 * dashes are removed first, so the printed form `1 46 02 63 220 001 96` is
 * accepted.
 */
export function checkIns(value: string): InsResult {
  const compact = String(value ?? '')
    .replace(/[\s.\-]/g, '')
    .toUpperCase();
  return checkCompactIns(compact);
}

/** {@link checkIns} once separators are gone and letters upper-cased. */
function checkCompactIns(compact: string): InsResult {
  if (compact === '') return { ok: false, code: 'ins.empty' };
  if (compact.length !== 15) return { ok: false, code: 'ins.length' };
  if (!INS_PATTERN.test(compact)) return { ok: false, code: 'ins.format' };
  const expected = insKey(compact.slice(0, 13));
  if (expected !== compact.slice(13)) {
    const r: InsResult = { ok: false, code: 'ins.key', normalized: compact };
    if (expected !== null) r.expectedKey = expected;
    return r;
  }
  return { ok: true, code: 'ins.ok', normalized: compact };
}

/**
 * Checks a patient address `<INS matricule>@patient.mssante.fr`. The local
 * part must be exactly the 15-character matricule (no separators inside an
 * address); a lower-case 2a/2b is accepted and upper-cased in `normalized`.
 *
 * Note that the official examples are fictitious and some of them carry a
 * wrong key; a real INS always has a valid key.
 */
export function checkPatientAddress(addr: string): InsResult {
  const parsed = parseAddress(addr);
  if (!parsed) return { ok: false, code: 'ins.address' };
  if (parsed.domain !== PATIENT_DOMAIN) return { ok: false, code: 'ins.domain' };
  const r = checkCompactIns(parsed.local.toUpperCase());
  if (r.normalized !== undefined) r.normalized = `${r.normalized}@${PATIENT_DOMAIN}`;
  return r;
}

/**
 * Subject that closes a conversation with a patient: sent to the patient's
 * MSSanté address, it stops the patient from writing back. Exactly these 5
 * characters ([ANS] Mon espace santé FAQ).
 */
export const FIN_SUBJECT = '[FIN]';

/** True when the subject is exactly `[FIN]`, nothing more, nothing less. */
export function isFinSubject(subject: string): boolean {
  return subject === FIN_SUBJECT;
}

/**
 * `'exact'` for `[FIN]`; `'near'` for a subject that was probably meant to be
 * it but is not exactly it (surrounding or inner spaces, lower case, missing
 * brackets: ` [fin] `, `[ FIN ]`, `FIN`), so the UI can warn that it will not
 * close the conversation; `'none'` otherwise.
 */
export function finSubjectStatus(subject: string): 'exact' | 'near' | 'none' {
  if (typeof subject !== 'string') return 'none';
  if (subject === FIN_SUBJECT) return 'exact';
  const squeezed = subject.replace(/\s+/g, '').toUpperCase();
  return squeezed === FIN_SUBJECT || squeezed === 'FIN' ? 'near' : 'none';
}
