import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ID_RESULT_CODES,
  type IdResult,
  luhnCheckDigit,
  luhnValid,
  stripSeparators,
  validateAdeli,
  validateFiness,
  validateRpps,
  validateSiren,
  validateSiret,
} from '../../../lib/mssante/identifiers';

const digits = (n: number) => fc.stringMatching(new RegExp(`^[0-9]{${n}}$`));

/** Replaces the digit at `i` by a different digit chosen by `shift` (1..9). */
function changeDigit(s: string, i: number, shift: number): string {
  const d = (Number(s[i]) + shift) % 10;
  return s.slice(0, i) + String(d) + s.slice(i + 1);
}

function expectResult(r: IdResult, level: IdResult['level'], code: string, normalized?: string) {
  expect(r.level).toBe(level);
  expect(r.code).toBe(code);
  expect(r.ok).toBe(level !== 'error');
  if (normalized !== undefined) expect(r.normalized).toBe(normalized);
  expect(ID_RESULT_CODES).toContain(r.code);
}

describe('luhn helpers', () => {
  it('accepts known Luhn numbers and computes their key', () => {
    expect(luhnValid('79927398713')).toBe(true); // textbook example
    expect(luhnValid('79927398710')).toBe(false);
    expect(luhnCheckDigit('7992739871')).toBe('3');
    expect(luhnCheckDigit('1000000547')).toBe('9'); // RPPS 10000005479
  });

  it('rejects non-digits and empty strings', () => {
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('12a4')).toBe(false);
    expect(luhnCheckDigit('')).toBeNull();
    expect(luhnCheckDigit('1 2')).toBeNull();
  });

  it('payload + computed key always passes; changing any one digit always fails', () => {
    fc.assert(
      fc.property(digits(13), fc.nat(), fc.integer({ min: 1, max: 9 }), (payload, pos, shift) => {
        const full = payload + luhnCheckDigit(payload);
        expect(luhnValid(full)).toBe(true);
        expect(luhnValid(changeDigit(full, pos % full.length, shift))).toBe(false);
      }),
    );
  });
});

describe('stripSeparators', () => {
  it('removes spaces, no-break spaces, dots, hyphens and dashes', () => {
    expect(stripSeparators(' 1 0.0-0\u00a00\u202f0–5—4\u22127\t9 ')).toBe('1000005479');
  });
});

describe('validateRpps', () => {
  it('accepts the ANS sample RPPS 10000005479', () => {
    expectResult(validateRpps('10000005479'), 'ok', 'rpps.ok', '10000005479');
  });

  it('accepts the idNat_PS form 810000005479 and returns the bare RPPS', () => {
    expectResult(validateRpps('810000005479'), 'ok', 'rpps.ok', '10000005479');
    expectResult(validateRpps('8 10000 005479'), 'ok', 'rpps.ok', '10000005479');
  });

  it('normalises spaces, dots and dashes', () => {
    expectResult(validateRpps(' 100 000 054 79 '), 'ok', 'rpps.ok', '10000005479');
    expectResult(validateRpps('100.000.054.79'), 'ok', 'rpps.ok', '10000005479');
    expectResult(validateRpps('100-000-054-79'), 'ok', 'rpps.ok', '10000005479');
  });

  it('warns (does not reject) when the Luhn key fails', () => {
    const r = validateRpps('10000005478');
    expectResult(r, 'warning', 'rpps.luhn', '10000005478');
    expect(r.ok).toBe(true);
    expectResult(validateRpps('810000005478'), 'warning', 'rpps.luhn', '10000005478');
  });

  it('rejects empty input, letters, wrong lengths, and a 12-digit value without the 8 prefix', () => {
    expectResult(validateRpps(''), 'error', 'rpps.empty');
    expectResult(validateRpps(' . - '), 'error', 'rpps.empty');
    expectResult(validateRpps('1000000547A'), 'error', 'rpps.format');
    expectResult(validateRpps('1000000547'), 'error', 'rpps.length');
    expectResult(validateRpps('1000000547900'), 'error', 'rpps.length');
    expectResult(validateRpps('910000005479'), 'error', 'rpps.idnat_prefix');
    expect(validateRpps('1000000547').normalized).toBeUndefined();
  });

  it('never throws on odd input', () => {
    expect(() => validateRpps(undefined as unknown as string)).not.toThrow();
    expect(() => validateRpps(null as unknown as string)).not.toThrow();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const r = validateRpps(s);
        expect(ID_RESULT_CODES).toContain(r.code);
      }),
    );
  });

  it('property: any 10-digit prefix + Luhn key is ok; one changed digit is a warning', () => {
    fc.assert(
      fc.property(digits(10), fc.nat(), fc.integer({ min: 1, max: 9 }), (prefix, pos, shift) => {
        const rpps = prefix + luhnCheckDigit(prefix);
        expectResult(validateRpps(rpps), 'ok', 'rpps.ok', rpps);
        expectResult(validateRpps(`8${rpps}`), 'ok', 'rpps.ok', rpps);
        const typo = changeDigit(rpps, pos % 11, shift);
        expectResult(validateRpps(typo), 'warning', 'rpps.luhn', typo);
      }),
    );
  });
});

describe('validateAdeli', () => {
  it('accepts the ANS sample ADELI 012807590 and its idNat_PS form 0012807590', () => {
    expectResult(validateAdeli('012807590'), 'ok', 'adeli.ok', '012807590');
    expectResult(validateAdeli('0012807590'), 'ok', 'adeli.ok', '012807590');
    expectResult(validateAdeli('01 28 07 590'), 'ok', 'adeli.ok', '012807590');
  });

  it('checks the format only: a changed last digit is still ok', () => {
    expectResult(validateAdeli('012807591'), 'ok', 'adeli.ok', '012807591');
  });

  it('accepts a letter in second position (Corsica, overseas) and upper-cases it', () => {
    expectResult(validateAdeli('2a0012345'), 'ok', 'adeli.ok', '2A0012345');
    expectResult(validateAdeli('2B0012345'), 'ok', 'adeli.ok', '2B0012345');
  });

  it('rejects bad lengths, misplaced letters and symbols', () => {
    expectResult(validateAdeli(''), 'error', 'adeli.empty');
    expectResult(validateAdeli('01280759'), 'error', 'adeli.length');
    expectResult(validateAdeli('01280759012'), 'error', 'adeli.length');
    expectResult(validateAdeli('1012807590'), 'error', 'adeli.idnat_prefix');
    expectResult(validateAdeli('A12807590'), 'error', 'adeli.format');
    expectResult(validateAdeli('0128075A0'), 'error', 'adeli.format');
    expectResult(validateAdeli('012807_90'), 'error', 'adeli.format');
  });
});

describe('validateFiness', () => {
  it.each(['750712184', '440000289', '690781810', '330781196'])('accepts the well-known FINESS %s', (n) => {
    expectResult(validateFiness(n), 'ok', 'finess.ok', n);
  });

  it('accepts the displayed form NN NNN NNN N', () => {
    expectResult(validateFiness('75 071 218 4'), 'ok', 'finess.ok', '750712184');
  });

  it('warns on a failed Luhn key (the key is not officially documented)', () => {
    const r = validateFiness('750712185');
    expectResult(r, 'warning', 'finess.luhn', '750712185');
    expect(r.ok).toBe(true);
  });

  it('accepts Corsican 2A/2B numbers without checking their key', () => {
    expectResult(validateFiness('2A0000013'), 'ok', 'finess.ok', '2A0000013');
    expectResult(validateFiness('2b0000014'), 'ok', 'finess.ok', '2B0000014');
  });

  it('rejects wrong lengths and shapes', () => {
    expectResult(validateFiness(''), 'error', 'finess.empty');
    expectResult(validateFiness('75071218'), 'error', 'finess.length');
    expectResult(validateFiness('7507121840'), 'error', 'finess.length');
    expectResult(validateFiness('2C0000013'), 'error', 'finess.format');
    expectResult(validateFiness('A20000013'), 'error', 'finess.format');
    expectResult(validateFiness('75071218X'), 'error', 'finess.format');
    expectResult(validateFiness('75071218#'), 'error', 'finess.format');
  });

  it('property: any 8-digit prefix + Luhn key is ok; one changed digit is a warning', () => {
    fc.assert(
      fc.property(digits(8), fc.nat(), fc.integer({ min: 1, max: 9 }), (prefix, pos, shift) => {
        const finess = prefix + luhnCheckDigit(prefix);
        expectResult(validateFiness(finess), 'ok', 'finess.ok', finess);
        expectResult(validateFiness(changeDigit(finess, pos % 9, shift)), 'warning', 'finess.luhn');
      }),
    );
  });
});

// Public SIRET/SIREN numbers collected "found online" by python-stdnum's test
// suite (tests/test_fr_siret.doctest, tests/test_fr_siren.doctest), each also
// checked here by the Luhn rule itself.
const PUBLIC_SIRETS = [
  '0 5 7 8 1 3 1 3 1 0 0 0 2 6',
  '1 800 700 39 00 110',
  '30206838200050',
  '314 901 323 00043',
  '329.338.88300153',
  '380 321 430 00023',
  '44126652500019',
  '479 461 675 00049',
  '542 097 324 0006 6',
  '775.563.232.00104',
  '79068156300017',
  '73282932000074', // python-stdnum siret.py docstring
];
const PUBLIC_SIRENS = ['217601 145', '350792008', '500 674 056', '738 205 269', '775 699 309', '820043784'];

describe('validateSiret', () => {
  it.each(PUBLIC_SIRETS)('accepts the public SIRET %s', (n) => {
    const r = validateSiret(n);
    expectResult(r, 'ok', 'siret.ok', stripSeparators(n));
    expect(luhnValid(stripSeparators(n))).toBe(true);
  });

  it('rejects a SIRET with a wrong key', () => {
    expectResult(validateSiret('73282932000079'), 'error', 'siret.luhn');
  });

  it('applies the La Poste exception (digit sum multiple of 5)', () => {
    // La Poste establishments: not Luhn-valid, but digit sum multiple of 5.
    expectResult(validateSiret('356 000 000 09075'), 'ok', 'siret.ok', '35600000009075');
    expectResult(validateSiret('35600000049837'), 'ok', 'siret.ok', '35600000049837');
    expect(luhnValid('35600000049837')).toBe(false);
    expectResult(validateSiret('35600000049838'), 'error', 'siret.laposte');
  });

  it('treats the La Poste head office 35600000000048 as an ordinary Luhn SIRET', () => {
    expect(luhnValid('35600000000048')).toBe(true);
    expectResult(validateSiret('35600000000048'), 'ok', 'siret.ok');
    // Digit sum of 35600000000048 is 26: it passes only because it is Luhn-valid.
    expect([...'35600000000048'].reduce((a, c) => a + Number(c), 0) % 5).not.toBe(0);
  });

  it('rejects a Luhn-valid SIRET whose SIREN part is not a valid SIREN', () => {
    // 100000000 fails Luhn as a SIREN; complete the NIC so the 14 digits pass.
    const head = '1000000000000';
    const siret = head + luhnCheckDigit(head);
    expect(luhnValid(siret)).toBe(true);
    expect(luhnValid('100000000')).toBe(false);
    expectResult(validateSiret(siret), 'error', 'siret.siren');
  });

  it('rejects bad lengths and characters', () => {
    expectResult(validateSiret(''), 'error', 'siret.empty');
    expectResult(validateSiret('7328293200007'), 'error', 'siret.length');
    expectResult(validateSiret('732829320000740'), 'error', 'siret.length');
    expectResult(validateSiret('7328293200007A'), 'error', 'siret.format');
  });

  it('property: valid SIREN + 4-digit NIC + Luhn key is ok; one changed digit fails', () => {
    fc.assert(
      fc.property(digits(8), digits(4), fc.nat(), fc.integer({ min: 1, max: 9 }), (s8, nic4, pos, shift) => {
        const siren = s8 + luhnCheckDigit(s8);
        fc.pre(siren !== '356000000'); // La Poste follows its own rule
        const head = siren + nic4;
        const siret = head + luhnCheckDigit(head);
        expectResult(validateSiret(siret), 'ok', 'siret.ok', siret);
        const typo = changeDigit(siret, pos % 14, shift);
        fc.pre(!typo.startsWith('356000000'));
        expect(validateSiret(typo).level).toBe('error');
      }),
    );
  });

  it('property: La Poste SIRETs are accepted exactly when their digit sum is a multiple of 5', () => {
    fc.assert(
      fc.property(digits(5), (nic) => {
        const siret = `356000000${nic}`;
        fc.pre(siret !== '35600000000048');
        const sum = [...siret].reduce((a, c) => a + Number(c), 0);
        expect(validateSiret(siret).ok).toBe(sum % 5 === 0);
      }),
    );
  });
});

describe('validateSiren', () => {
  it.each(PUBLIC_SIRENS)('accepts the public SIREN %s', (n) => {
    expectResult(validateSiren(n), 'ok', 'siren.ok', stripSeparators(n));
  });

  it('accepts the SIREN of the sample SIRET 73282932000074 and La Poste 356000000', () => {
    expectResult(validateSiren('732 829 320'), 'ok', 'siren.ok', '732829320');
    expectResult(validateSiren('356000000'), 'ok', 'siren.ok');
  });

  it('rejects bad keys, lengths and characters', () => {
    expectResult(validateSiren('732829321'), 'error', 'siren.luhn');
    expectResult(validateSiren(''), 'error', 'siren.empty');
    expectResult(validateSiren('73282932'), 'error', 'siren.length');
    expectResult(validateSiren('73282932O'), 'error', 'siren.format');
  });

  it('property: 8 digits + Luhn key is ok; one changed digit is an error', () => {
    fc.assert(
      fc.property(digits(8), fc.nat(), fc.integer({ min: 1, max: 9 }), (s8, pos, shift) => {
        const siren = s8 + luhnCheckDigit(s8);
        expectResult(validateSiren(siren), 'ok', 'siren.ok', siren);
        expectResult(validateSiren(changeDigit(siren, pos % 9, shift)), 'error', 'siren.luhn');
      }),
    );
  });
});

describe('result codes', () => {
  it('are unique and follow <identifier>.<reason>', () => {
    expect(new Set(ID_RESULT_CODES).size).toBe(ID_RESULT_CODES.length);
    for (const code of ID_RESULT_CODES) expect(code).toMatch(/^(rpps|adeli|finess|siret|siren)\.[a-z_]+$/);
  });

  it('every validator returns a listed code for arbitrary input and never throws', () => {
    const validators = [validateRpps, validateAdeli, validateFiness, validateSiret, validateSiren];
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.constantFrom(...validators), (s, v) => {
        const r = v(s);
        expect(ID_RESULT_CODES).toContain(r.code);
        expect(r.ok).toBe(r.level !== 'error');
      }),
    );
  });
});
