/** Every selector of the Medimail adapter matches the saved pages as many times as its data says. */
import { describe, expect, it } from 'vitest';
import { SELECTORS } from '../../../../lib/webmail/medimail/selectors';
import { page } from './fixtures';

describe('medimail selectors against saved pages', () => {
  for (const [name, fact] of Object.entries(SELECTORS)) {
    for (const [file, count] of Object.entries(fact.fixtures)) {
      it(`${name}: ${count} in ${file}`, () => {
        expect(page(file).querySelectorAll(fact.css).length).toBe(count);
      });
    }
  }
});
