/**
 * The store texts (store/) against what the code does: one permission justification per permission of the built
 * manifest and none more, summaries within the Chrome Web Store's 132 characters, the privacy statement's
 * retention periods equal to the ones the background applies.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PINNED_PERMISSIONS } from '../../../scripts/check-build';
import { HISTORY_DAYS } from '../../../lib/background/quota';
import { JOB_RETENTION_DAYS, VERDICT_IDLE_DAYS } from '../../../lib/background/retention';
import core from '../../../lib/i18n/catalog/core';

const STORE = path.resolve(import.meta.dirname, '../../../store');
const read = (f: string) => fs.readFileSync(path.join(STORE, f), 'utf8');
/** The text of a `## heading` section, comments dropped. */
const section = (md: string, heading: string) => {
  const m = md.match(new RegExp(`^## ${heading}\\n([\\s\\S]*?)(?=^## |$(?![\\s\\S]))`, 'm'));
  return (m?.[1] ?? '').replace(/<!--[\s\S]*?-->/g, '').trim();
};

describe('the store texts', () => {
  it('justify exactly the permissions the store manifest asks for, and the optional host permission', () => {
    const md = read('permissions.md');
    const justified = [...md.matchAll(/^### `([A-Za-z]+)`$/gm)].map((m) => m[1]).sort();
    expect(justified).toEqual([...PINNED_PERMISSIONS].sort());
    expect(md).toContain('### Host permission: `https://*/*`');
  });

  it('have a summary within 132 characters and the manifest name, in French and English', () => {
    for (const [file, lang] of [['listing.fr.md', 'fr'], ['listing.en.md', 'en']] as const) {
      const md = read(file);
      const summary = section(md, lang === 'fr' ? 'Résumé' : 'Summary');
      expect(summary.length, file).toBeGreaterThan(40);
      expect(summary.length, file).toBeLessThanOrEqual(132);
      expect(section(md, lang === 'fr' ? 'Nom' : 'Name')).toBe(core.extName[lang]);
      expect(section(md, 'Description').length, file).toBeGreaterThan(1000);
    }
  });

  it('state the retention periods the background applies', () => {
    const md = read('privacy.md');
    expect(md).toContain(`| ${HISTORY_DAYS} jours |`);
    expect(md).toContain(`| ${HISTORY_DAYS} days |`);
    expect(md).toContain(`${JOB_RETENTION_DAYS} jours après la fin`);
    expect(md).toContain(`${JOB_RETENTION_DAYS} days after the cleanup ended`);
    expect(md).toContain(`${VERDICT_IDLE_DAYS} jours sans être relu`);
    expect(md).toContain(`${VERDICT_IDLE_DAYS} days without being read`);
  });

  it('list screenshots that exist', () => {
    const listed = [...read('README.md').matchAll(/`([a-z]+-\d-[a-z-]+\.png)`/g)].map((m) => m[1]!);
    expect(listed.length).toBeGreaterThanOrEqual(3);
    for (const f of listed) expect(fs.existsSync(path.join(STORE, 'screenshots', f)), f).toBe(true);
  });
});
