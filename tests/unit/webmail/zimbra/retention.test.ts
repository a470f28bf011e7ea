import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { effectiveLifetimeDays, parseZimbraDuration, retentionFromInfo } from '../../../../lib/webmail/zimbra/retention';

describe('Zimbra durations (DateUtil.getTimeInterval)', () => {
  it('reads d, h, m, s and ms suffixes, and a bare number as seconds', () => {
    expect(parseZimbraDuration('30d')).toBe(30 * 86_400_000);
    expect(parseZimbraDuration('12h')).toBe(12 * 3_600_000);
    expect(parseZimbraDuration('90m')).toBe(90 * 60_000);
    expect(parseZimbraDuration('45s')).toBe(45_000);
    expect(parseZimbraDuration('250ms')).toBe(250);
    expect(parseZimbraDuration('86400')).toBe(86_400_000);
    expect(parseZimbraDuration(['7d'])).toBe(7 * 86_400_000);
  });
  it('refuses what it cannot read instead of guessing', () => {
    for (const v of ['', '30 days', '-1d', 'd', '1.5d', null, undefined, {}, true]) expect(parseZimbraDuration(v)).toBeNull();
  });
});

describe('effective lifetime (Mailbox.purgeMessages pickTimeout)', () => {
  it('uses the other value when one is 0, the smaller when both are set, none when both are 0', () => {
    expect(effectiveLifetimeDays('30d', '0')).toBe(30);
    expect(effectiveLifetimeDays('0', '7d')).toBe(7);
    expect(effectiveLifetimeDays('30d', '7d')).toBe(7);
    expect(effectiveLifetimeDays('10d', '60d')).toBe(10);
    expect(effectiveLifetimeDays('0', '0')).toBeNull();
    expect(effectiveLifetimeDays(undefined, undefined)).toBeNull();
    expect(effectiveLifetimeDays('30d', undefined)).toBe(30);
    expect(effectiveLifetimeDays('garbage', '14d')).toBe(14);
  });
});

describe('retention from a recorded GetInfo answer', () => {
  it('gives the trash and junk lifetimes of the account', () => {
    const fx = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../../fixtures/zimbra/getinfo.json'), 'utf8'));
    const find = (o: unknown): { attrs?: { _attrs?: Record<string, unknown> }; prefs?: { _attrs?: Record<string, unknown> } } | null => {
      if (!o || typeof o !== 'object') return null;
      const r = o as Record<string, unknown>;
      if (r['attrs'] && r['prefs']) return r as never;
      for (const v of Object.values(r)) {
        const f = find(v);
        if (f) return f;
      }
      return null;
    };
    const info = find(fx)!;
    expect(info).not.toBeNull();
    expect(retentionFromInfo(info.attrs?._attrs, info.prefs?._attrs)).toEqual({ trashDays: 30, junkDays: 30 });
    expect(retentionFromInfo({ ...info.attrs?._attrs, zimbraMailSpamLifetime: '0' }, { ...info.prefs?._attrs, zimbraPrefTrashLifetime: '3d' })).toEqual({
      trashDays: 3,
      junkDays: null,
    });
  });
});
