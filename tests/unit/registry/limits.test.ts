import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LIMIT_KEYS, limitText, mergeLimits, readLimitFields } from '../../../lib/registry/limits';
import { BalInput } from '../../../lib/registry/schemas';

const empty = { attachmentMB: '', trashLifetimeDays: '', retentionDays: '' };

describe('BAL limits', () => {
  it('merge: an absent or undefined key keeps the stored value, null removes it, a number sets it', () => {
    const stored = { attachmentMB: 15, trashLifetimeDays: 30, retentionDays: 90 };
    expect(mergeLimits(stored, undefined)).toEqual(stored);
    expect(mergeLimits(stored, {})).toEqual(stored);
    expect(mergeLimits(stored, { attachmentMB: 20 })).toEqual({ ...stored, attachmentMB: 20 });
    expect(mergeLimits(stored, { retentionDays: undefined })).toEqual(stored);
    expect(mergeLimits(stored, { trashLifetimeDays: null })).toEqual({ attachmentMB: 15, retentionDays: 90 });
    expect(mergeLimits(stored, { attachmentMB: null, trashLifetimeDays: null, retentionDays: null })).toBeUndefined();
    expect(mergeLimits(undefined, { retentionDays: 60 })).toEqual({ retentionDays: 60 });
    expect(mergeLimits(undefined, undefined)).toBeUndefined();
  });

  it('merge never loses a limit the edit does not name (property)', () => {
    const value = fc.option(fc.integer({ min: 1, max: 3650 }), { nil: undefined });
    const limits = fc.record({ attachmentMB: value, trashLifetimeDays: value, retentionDays: value }, { requiredKeys: [] });
    const edit = fc.record(
      { attachmentMB: fc.option(fc.integer({ min: 1, max: 1024 }), { nil: null }), trashLifetimeDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null }), retentionDays: fc.option(fc.integer({ min: 1, max: 3650 }), { nil: null }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(limits, edit, (s, e) => {
        const stored = Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined));
        const out = mergeLimits(stored, e) ?? {};
        for (const k of LIMIT_KEYS) {
          if (!(k in e)) expect(out[k]).toBe(stored[k]);
          else if (e[k] === null) expect(out).not.toHaveProperty(k);
          else expect(out[k]).toBe(e[k]);
        }
      }),
    );
  });

  it('reads the form: empty means none (null), decimal comma for MB, whole days from 1 to 3650', () => {
    expect(readLimitFields(empty)).toEqual({ ok: true, limits: { attachmentMB: null, trashLifetimeDays: null, retentionDays: null } });
    expect(readLimitFields({ attachmentMB: '12,5', trashLifetimeDays: ' 30 ', retentionDays: '3 650' })).toEqual({
      ok: true,
      limits: { attachmentMB: 12.5, trashLifetimeDays: 30, retentionDays: 3650 },
    });
    for (const bad of ['0', '-3', '30.5', '30,5', 'trente', '3651', '1e2', '0x1E', 'Infinity']) {
      expect(readLimitFields({ ...empty, retentionDays: bad }), bad).toEqual({ ok: false, invalid: ['retentionDays'] });
    }
    expect(readLimitFields({ attachmentMB: '2000', trashLifetimeDays: '0', retentionDays: '90' })).toEqual({ ok: false, invalid: ['attachmentMB', 'trashLifetimeDays'] });
  });

  it('what the form reads is what the background message accepts', () => {
    const r = readLimitFields({ attachmentMB: '', trashLifetimeDays: '30', retentionDays: '90' });
    if (!r.ok) throw new Error('expected ok');
    const msg = BalInput.safeParse({ address: 'a@medecin.mssante.fr', kind: null, status: 'active', preferred: false, limits: r.limits });
    expect(msg.success).toBe(true);
    expect(BalInput.safeParse({ address: 'a@medecin.mssante.fr', kind: null, status: 'active', preferred: false, limits: { retentionDays: 30.5 } }).success).toBe(false);
    expect(BalInput.safeParse({ address: 'a@medecin.mssante.fr', kind: null, status: 'active', preferred: false, limits: { trashLifetimeDays: 0 } }).success).toBe(false);
  });

  it('shows a stored limit as text', () => {
    expect(limitText({ retentionDays: 90 }, 'retentionDays')).toBe('90');
    expect(limitText({ retentionDays: 90 }, 'trashLifetimeDays')).toBe('');
    expect(limitText(undefined, 'attachmentMB')).toBe('');
  });
});
