import { describe, expect, it } from 'vitest';
import { loadPart, peekPart, providePart } from '../../../lib/parts/load';
import { PART_NAMES, webmailPartName } from '../../../lib/parts/names';

describe('on-demand parts', () => {
  it('hands a provided API to every loader without loading anything, and keeps the first one', async () => {
    expect(peekPart('quota-export')).toBeUndefined();
    const api = { mount: () => () => undefined };
    providePart('quota-export', api);
    providePart('quota-export', { mount: () => () => 'other' });
    expect(peekPart('quota-export')).toBe(api);
    await expect(loadPart('quota-export')).resolves.toBe(api);
  });

  it('rejects when the script cannot be loaded, and keeps no failure: a part provided later is found', async () => {
    // No extension here: import() of the part's URL fails.
    await expect(loadPart('cleanup-panel')).rejects.toThrow();
    await expect(loadPart('cleanup-panel')).rejects.toThrow();
    expect(peekPart('cleanup-panel')).toBeUndefined();
    providePart('cleanup-panel', { open() {}, close() {}, debugState: () => null });
    await expect(loadPart('cleanup-panel')).resolves.toBeDefined();
  });

  it('names a part per webmail that has one', () => {
    expect(webmailPartName('roundcube')).toBe('webmail-roundcube');
    expect(webmailPartName('zimbra')).toBe('webmail-zimbra');
    expect(webmailPartName('medimail')).toBe('webmail-medimail');
    for (const name of PART_NAMES) expect(name).toMatch(/^[a-z-]+$/);
  });
});
