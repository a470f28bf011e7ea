import { describe, expect, it } from 'vitest';
import { readManaged } from '../../../lib/managed/schema';
import { enforceLocks, lockedChanges, patchOf, recommendationsToApply, withoutLocked } from '../../../lib/managed/merge';
import { defaultSettings } from '../../../lib/store/settings';

describe('reading IT’s configuration', () => {
  it('keeps the keys that validate and reports the others, one key at a time', () => {
    const r = readManaged({
      quota: { warnPercent: 70, criticalPercent: 90 },
      cleanup: { exportBeforeDelete: 'yes' },
      locked: ['cleanup.protectClinical', 'cleanup.nope'],
      webmailOrigins: ['https://mail.sante-na.fr'],
      colour: 'blue',
    });
    expect(r.config).toEqual({ quota: { warnPercent: 70, criticalPercent: 90 }, webmailOrigins: ['https://mail.sante-na.fr'] });
    expect(r.problems.map((p) => p.split(':')[0])).toEqual(['cleanup', 'locked', 'colour']);
  });

  it('takes nothing from what is not an object', () => {
    expect(readManaged(undefined)).toEqual({ config: {}, problems: [] });
    expect(readManaged(['x']).config).toEqual({});
    expect(readManaged('x').problems).toEqual(['not an object']);
  });
});

describe('locks and recommendations', () => {
  const config = {
    cleanup: { exportBeforeDelete: true, oldMonths: 24 },
    quota: { warnPercent: 70 },
    locked: ['cleanup.exportBeforeDelete', 'cleanup.protectClinical'] as ('cleanup.exportBeforeDelete' | 'cleanup.protectClinical')[],
  };

  it('forces a locked setting to IT’s value, or to the default when IT gave none', () => {
    const mine = defaultSettings();
    mine.cleanup.exportBeforeDelete = false;
    mine.cleanup.protectClinical = false;
    mine.cleanup.oldMonths = 6;
    const s = enforceLocks(mine, config);
    expect(s.cleanup.exportBeforeDelete).toBe(true);
    expect(s.cleanup.protectClinical).toBe(true);
    expect(s.cleanup.oldMonths).toBe(6); // unlocked: the user's
  });

  it('the readable archive by default: IT may lock it off, or recommend it (the user may then change it)', () => {
    const r = readManaged({ cleanup: { exportReadable: false }, locked: ['cleanup.exportReadable'] });
    expect(r.problems).toEqual([]);
    const mine = defaultSettings();
    expect(mine.cleanup.exportReadable).toBe(true);
    expect(enforceLocks(mine, r.config).cleanup.exportReadable).toBe(false);
    const now = enforceLocks(defaultSettings(), r.config);
    expect(lockedChanges({ cleanup: { exportReadable: true } }, r.config, now)).toEqual(['cleanup.exportReadable']);
    expect(lockedChanges({ cleanup: { exportReadable: false } }, r.config, now)).toEqual([]);
    expect(recommendationsToApply({ cleanup: { exportReadable: false } }, null)).toEqual({ 'cleanup.exportReadable': false });
    expect(recommendationsToApply(r.config, null)).toEqual({});
  });

  it('keeps the thresholds in order when one of them is locked', () => {
    const mine = defaultSettings();
    mine.quota.warnPercent = 60;
    mine.quota.criticalPercent = 65;
    const s = enforceLocks(mine, { quota: { warnPercent: 90 }, locked: ['quota.warnPercent'] });
    expect(s.quota).toEqual({ warnPercent: 90, criticalPercent: 91 });
  });

  it('refuses a change to a locked setting, not a change that keeps its value', () => {
    const now = enforceLocks(defaultSettings(), config);
    expect(lockedChanges({ cleanup: { exportBeforeDelete: false } }, config, now)).toEqual(['cleanup.exportBeforeDelete']);
    expect(lockedChanges({ cleanup: { exportBeforeDelete: true, oldMonths: 3 } }, config, now)).toEqual([]);
    expect(withoutLocked({ cleanup: { exportBeforeDelete: false, protectClinical: false, oldMonths: 3 } }, config)).toEqual({ cleanup: { oldMonths: 3 } });
  });

  it('recommends unlocked values once, and again only when IT changes them', () => {
    expect(recommendationsToApply(config, null)).toEqual({ 'cleanup.oldMonths': 24, 'quota.warnPercent': 70 });
    expect(recommendationsToApply(config, config)).toEqual({});
    expect(recommendationsToApply({ ...config, quota: { warnPercent: 75 } }, config)).toEqual({ 'quota.warnPercent': 75 });
    expect(patchOf({ 'cleanup.oldMonths': 24, 'quota.warnPercent': 70 })).toEqual({ cleanup: { oldMonths: 24 }, quota: { warnPercent: 70 } });
  });
});
