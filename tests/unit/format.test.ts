import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatBytes, formatCount, formatPercent, formatSize, percentUsed } from '../../lib/format';

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');

describe('formatBytes', () => {
  it('writes sizes the way French users read them (1024-based, comma decimals)', () => {
    expect(nb(formatBytes(0, 'fr'))).toBe('0 o');
    expect(nb(formatBytes(875, 'fr'))).toBe('875 o');
    expect(nb(formatBytes(1536, 'fr'))).toBe('1,5 Ko');
    expect(nb(formatBytes(397 * 1024, 'fr'))).toBe('397 Ko');
    expect(nb(formatBytes(200 * 1024 * 1024, 'fr'))).toBe('200 Mo');
    expect(nb(formatBytes(4.5 * 1024 * 1024, 'fr'))).toBe('4,5 Mo');
    expect(nb(formatBytes(2.25 * 1024 ** 3, 'fr'))).toBe('2,3 Go');
  });

  it('and in English', () => {
    expect(nb(formatBytes(4.5 * 1024 * 1024, 'en'))).toBe('4.5 MB');
    expect(nb(formatBytes(163944 * 1024, 'en'))).toBe('160 MB');
  });

  it('never prints 1024 of a unit below the largest one (Go)', () => {
    expect(nb(formatBytes(1024 * 1024 - 1, 'fr'))).toBe('1 Mo');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1023 * 1024 ** 3 }), (n) => {
        expect(nb(formatBytes(n, 'en'))).not.toMatch(/^1[ ,]?024 /);
      }),
    );
  });

  it('says nothing wrong for impossible input', () => {
    expect(formatBytes(-1, 'fr')).toBe('–');
    expect(formatBytes(Number.NaN, 'en')).toBe('–');
  });
});

describe('percentUsed', () => {
  it('is honest at both ends: never 0 % when something is used, never 100 % before full', () => {
    expect(percentUsed(0, 100)).toBe(0);
    expect(percentUsed(1, 1000)).toBe(1);
    expect(percentUsed(999, 1000)).toBe(99);
    expect(percentUsed(1000, 1000)).toBe(100);
    expect(percentUsed(163944, 204800)).toBe(80);
  });
  it('rounds to the nearest, as Roundcube prints its own quota beside the meter', () => {
    expect(percentUsed(9195, 10000)).toBe(92); // Roundcube: round(91.95) = 92
    expect(percentUsed(9149, 10000)).toBe(91);
    expect(percentUsed(9960, 10000)).toBe(99); // Roundcube says 100 %; not full yet
  });
  it('is unknown (NaN) without a limit, never 0 %', () => {
    expect(percentUsed(5, 0)).toBeNaN();
    expect(formatPercent(percentUsed(5, 0), 'fr')).toBe('–');
  });
  it('formats per language', () => {
    expect(formatPercent(80, 'fr')).toBe('80\u00a0%');
    expect(formatPercent(80, 'en')).toBe('80%');
  });
});

describe('formatSize', () => {
  it('says "≈" when the host only gave a rounded size (Roundcube), nothing when exact', () => {
    expect(nb(formatSize(79 * 1024 * 1024, 512 * 1024, 'fr'))).toBe('≈ 79 Mo');
    expect(nb(formatSize(79 * 1024 * 1024, 512 * 1024, 'en'))).toBe('≈ 79 MB');
    expect(nb(formatSize(4.5 * 1024 * 1024, 0, 'fr'))).toBe('4,5 Mo');
    expect(nb(formatSize(397 * 1024, 0, 'en'))).toBe('397 KB');
    expect(formatSize(-1, 10, 'fr')).toBe('–');
  });
  it('counts with the language’s digit grouping', () => {
    expect(nb(formatCount(1100, 'fr'))).toBe('1 100');
    expect(formatCount(1100, 'en')).toBe('1,100');
  });
});
