import { describe, expect, it } from 'vitest';
import { applySettingsPatch, defaultSettings, readSettings } from '../../../lib/store/settings';

describe('settings', () => {
  it('have complete defaults', () => {
    const s = defaultSettings();
    expect(s.quota).toEqual({ warnPercent: 80, criticalPercent: 95 });
    expect(s.cleanup.oldMonths).toBe(12);
    expect(s.cleanup.largeMB).toBe(5);
    expect(s.cleanup.largeOlderThanMonths).toBe(3);
    expect(s.cleanup.recentDays).toBe(30);
    expect(s.cleanup.exportBeforeDelete).toBe(true);
    expect(s.cleanup.exportReadable).toBe(true);
    expect(s.signature.autoInsert).toBe(false);
  });

  it('fill missing fields of an old record with defaults', () => {
    const s = readSettings({ quota: { warnPercent: 70 } });
    expect(s.quota).toEqual({ warnPercent: 70, criticalPercent: 95 });
    expect(s.cleanup.oldMonths).toBe(12);
  });

  it('read a cleanup record written before exportReadable existed as on, and keep a choice once made', () => {
    // What 0.1.0 stored: every cleanup field of the time, none for the readable archive.
    const before = { cleanup: { oldMonths: 18, largeMB: 5, largeOlderThanMonths: 3, recentDays: 30, protectUnread: true, protectFlagged: true, protectClinical: true, exportBeforeDelete: true, exportPartMB: 64 } };
    const s = readSettings(before);
    expect(s.cleanup.exportReadable).toBe(true);
    expect(s.cleanup.oldMonths).toBe(18);
    expect(readSettings({ cleanup: { ...before.cleanup, exportReadable: false } }).cleanup.exportReadable).toBe(false);
    const off = applySettingsPatch(s, { cleanup: { exportReadable: false } });
    expect(off.success && off.data.cleanup.exportReadable).toBe(false);
    expect(applySettingsPatch(s, { cleanup: { exportReadable: 'yes' } }).success).toBe(false);
  });

  it('keep the good parts of a damaged record', () => {
    const s = readSettings({ quota: { warnPercent: 'eighty' }, cleanup: { oldMonths: 6 } });
    expect(s.quota.warnPercent).toBe(80);
    expect(s.cleanup.oldMonths).toBe(6);
    expect(readSettings('garbage')).toEqual(defaultSettings());
    expect(readSettings(null)).toEqual(defaultSettings());
  });

  it('apply a valid patch and refuse an invalid one as a whole', () => {
    const base = defaultSettings();
    const ok = applySettingsPatch(base, { quota: { warnPercent: 70 } });
    expect(ok.success && ok.data.quota).toEqual({ warnPercent: 70, criticalPercent: 95 });
    const inverted = applySettingsPatch(base, { quota: { warnPercent: 96 } });
    expect(inverted.success).toBe(false);
    const wrongType = applySettingsPatch(base, { cleanup: { oldMonths: -3 } });
    expect(wrongType.success).toBe(false);
  });

  it('ignore prototype-polluting keys', () => {
    const r = applySettingsPatch(defaultSettings(), JSON.parse('{"__proto__":{"polluted":1},"quota":{"warnPercent":75}}'));
    expect(r.success).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
