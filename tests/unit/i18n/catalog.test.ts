import { describe, expect, it } from 'vitest';
import { catalogs } from '../../../lib/i18n/catalog';
import { mergeCatalogs, substitutions, toChromeMessages } from '../../../lib/i18n/build';

describe('i18n catalogs', () => {
  const merged = mergeCatalogs(catalogs);

  it('have every key in French and English with the same substitutions', () => {
    expect(Object.keys(merged).length).toBeGreaterThan(20);
    for (const [key, e] of Object.entries(merged)) {
      expect(e.fr.trim(), key).not.toBe('');
      expect(e.en.trim(), key).not.toBe('');
      expect(substitutions(e.fr), key).toEqual(substitutions(e.en));
    }
  });

  it('refuses a key defined twice, a missing language or mismatched substitutions', () => {
    expect(() => mergeCatalogs({ a: { k: { fr: 'x', en: 'y' } }, b: { k: { fr: 'x', en: 'y' } } })).toThrow(/both "a" and "b"/);
    expect(() => mergeCatalogs({ a: { k: { fr: 'x', en: '' } } })).toThrow(/no en text/);
    expect(() => mergeCatalogs({ a: { k: { fr: '$1 et $2', en: '$1' } } })).toThrow(/uses \$1,2 in French/);
    expect(() => mergeCatalogs({ a: { 'bad-key': { fr: 'x', en: 'y' } } })).toThrow(/must match/);
  });

  it('writes messages.json with named placeholders both browsers accept, keeping $$ literal', () => {
    const out = toChromeMessages({ k: { fr: 'Coût : 5 $$ pour $1 et $2', en: 'Cost: $$5 for $1 and $2' } }, 'fr');
    expect(out.k).toEqual({
      message: 'Coût : 5 $$ pour $P1$ et $P2$',
      placeholders: { p1: { content: '$1' }, p2: { content: '$2' } },
    });
    const fr = toChromeMessages(merged, 'fr');
    expect(fr.extName?.message).toBe('Balise – MSSanté');
    expect(fr.optionsAdded?.placeholders).toEqual({ p1: { content: '$1' } });
  });
});
