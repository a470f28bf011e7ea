import { describe, expect, it } from 'vitest';
import { nextAlert, type AlertLevel } from '../../../lib/quota-rules/alerts';
import { BADGE_COLORS, badgeFor } from '../../../lib/quota-rules/badge';
import { quotaLevel } from '../../../lib/ui/level';

const MiB = 1024 * 1024;

describe('quota thresholds', () => {
  it('colour by the user’s thresholds, boundaries included', () => {
    expect(quotaLevel(79.99, 100, 80, 95)).toBe('ok');
    expect(quotaLevel(80, 100, 80, 95)).toBe('warn');
    expect(quotaLevel(94.99, 100, 80, 95)).toBe('warn');
    expect(quotaLevel(95, 100, 80, 95)).toBe('crit');
    expect(quotaLevel(120, 100, 80, 95)).toBe('crit');
    expect(quotaLevel(60, 100, 50, 70)).toBe('warn');
  });
  it('never call an unknown or unlimited quota "ok"', () => {
    expect(quotaLevel(5 * MiB, null, 80, 95)).toBe('unknown');
    expect(quotaLevel(null, 100, 80, 95)).toBe('unknown');
    expect(quotaLevel(0, 0, 80, 95)).toBe('unknown');
  });
});

describe('the notify-once rule', () => {
  /** Feed a sequence of levels from a given state, collect notifications. */
  function run(levels: ('ok' | 'warn' | 'crit' | 'unknown')[], start?: AlertLevel) {
    let state = start;
    const notes: string[] = [];
    for (const l of levels) {
      const r = nextAlert(state, l);
      state = r.state;
      if (r.notify) notes.push(r.notify);
    }
    return { notes, state };
  }

  it('notifies once when a threshold is crossed upward, not at every page load', () => {
    expect(run(['ok', 'ok', 'warn', 'warn', 'warn', 'warn']).notes).toEqual(['warn']);
  });
  it('notifies again for the critical threshold, once', () => {
    expect(run(['ok', 'warn', 'crit', 'crit', 'crit']).notes).toEqual(['warn', 'crit']);
  });
  it('jumping straight to critical notifies once, for critical', () => {
    expect(run(['ok', 'crit', 'warn', 'crit']).notes).toEqual(['crit', 'crit']);
  });
  it('re-arms when usage falls back below the threshold', () => {
    expect(run(['warn', 'ok', 'warn']).notes).toEqual(['warn', 'warn']);
    // Falling from critical to warning re-arms critical only.
    expect(run(['crit', 'warn', 'warn', 'crit']).notes).toEqual(['crit', 'crit']);
  });
  it('a BAL first seen above a threshold is notified (once)', () => {
    expect(run(['warn', 'warn'], undefined).notes).toEqual(['warn']);
  });
  it('an unknown or unlimited quota neither notifies nor re-arms', () => {
    expect(run(['warn', 'unknown', 'warn']).notes).toEqual(['warn']);
    expect(run(['unknown'], 'crit').state).toBe('crit');
  });
  it('keeps the persisted state (a restarted worker starts from it, not from scratch)', () => {
    expect(run(['warn', 'warn'], 'warn').notes).toEqual([]);
    expect(run(['crit'], 'crit').notes).toEqual([]);
  });
});

describe('the toolbar badge', () => {
  const q = (usedBytes: number, limitBytes: number | null) => ({ usedBytes, limitBytes, at: 1 });

  it('is empty when no quota is known (never "0%")', () => {
    expect(badgeFor([], 80, 95)).toMatchObject({ text: '', level: 'unknown', address: null });
    expect(badgeFor([{ address: 'a@x.mssante.fr' }], 80, 95).text).toBe('');
    // Unlimited BALs have no percentage.
    expect(badgeFor([{ address: 'a@x.mssante.fr', lastQuota: q(50 * MiB, null) }], 80, 95).text).toBe('');
  });

  it('shows the fullest known BAL, with the colour of its level', () => {
    const b = badgeFor(
      [
        { address: 'a@x.mssante.fr', lastQuota: q(100 * MiB, 200 * MiB) },
        { address: 'b@x.mssante.fr', lastQuota: q(170 * MiB, 200 * MiB) },
        { address: 'c@x.mssante.fr', lastQuota: q(900 * MiB, null) },
      ],
      80,
      95,
    );
    expect(b).toMatchObject({ text: '85%', level: 'warn', address: 'b@x.mssante.fr', percent: 85 });
    expect(b.color).toBe(BADGE_COLORS.warn.color);
    expect(b.textColor).toBe('#ffffff');
  });

  it('follows the thresholds: ok, warn, crit', () => {
    const one = (used: number) => badgeFor([{ address: 'a@x.mssante.fr', lastQuota: q(used, 100) }], 80, 95);
    expect(one(50)).toMatchObject({ text: '50%', level: 'ok', color: BADGE_COLORS.ok.color });
    expect(one(80)).toMatchObject({ text: '80%', level: 'warn', color: BADGE_COLORS.warn.color });
    expect(one(96)).toMatchObject({ text: '96%', level: 'crit', color: BADGE_COLORS.crit.color });
    expect(one(0.5)).toMatchObject({ text: '1%' }); // something used is never 0 %
    expect(one(99.5)).toMatchObject({ text: '99%', level: 'crit' }); // never 100 % before full
  });

  it('uses colours readable with white text (contrast ≥ 4.5:1)', () => {
    const lum = (hex: string) => {
      const c = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
      return 0.2126 * c[0]! + 0.7152 * c[1]! + 0.0722 * c[2]!;
    };
    for (const { color, textColor } of Object.values(BADGE_COLORS)) {
      const [a, b] = [lum(color), lum(textColor)].sort((x, y) => y - x);
      expect((a! + 0.05) / (b! + 0.05)).toBeGreaterThanOrEqual(4.5);
    }
  });
});
