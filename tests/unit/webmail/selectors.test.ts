/**
 * Every adapter's selectors (lib/webmail/<adapter>/selectors.ts) against the saved pages they name: each must match
 * exactly as many elements as its table says, and each page kind that requires a selector has a saved page where it
 * matches. When a host changes its markup, this is where it shows first.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import { ROUNDCUBE_SELECTORS } from '../../../lib/webmail/roundcube/selectors';
import { ZIMBRA_SELECTORS } from '../../../lib/webmail/zimbra/selectors';
import { MEDIMAIL_SELECTORS } from '../../../lib/webmail/medimail/selectors';
import { recognise, type SelectorTable } from '../../../lib/webmail/kit/selectors';

const TABLES: Record<string, SelectorTable> = { roundcube: ROUNDCUBE_SELECTORS, zimbra: ZIMBRA_SELECTORS, medimail: MEDIMAIL_SELECTORS };

const pages = new Map<string, Document>();
export function fixturePage(path: string): Document {
  let doc = pages.get(path);
  if (!doc) {
    const html = readFileSync(fileURLToPath(new URL(`../../fixtures/${path}`, import.meta.url)), 'utf8');
    doc = parseHTML(html).document as unknown as Document;
    pages.set(path, doc);
  }
  return doc;
}

describe.each(Object.entries(TABLES))('%s selectors', (_name, table) => {
  for (const [key, spec] of Object.entries(table)) {
    it(`${key}: ${spec.css}`, () => {
      expect(Object.keys(spec.fixtures).length, 'names at least one saved page').toBeGreaterThan(0);
      for (const [page, count] of Object.entries(spec.fixtures)) {
        expect(fixturePage(page).querySelectorAll(spec.css).length, `${key} on ${page}`).toBe(count);
      }
      for (const kind of spec.requiredOn) {
        const where = Object.entries(spec.fixtures).filter(([, n]) => n > 0);
        expect(where.length, `${key} is required on ${kind} pages: a saved page shows it`).toBeGreaterThan(0);
      }
    });
  }

  it('recognises its own saved pages', () => {
    const byKind: Record<string, string> = {};
    for (const spec of Object.values(table)) for (const p of Object.keys(spec.fixtures)) byKind[p] = p;
    for (const p of Object.keys(byKind)) {
      const kind = /compose/.test(p) ? 'compose' : /login/.test(p) ? 'login' : 'mail';
      expect(recognise(fixturePage(p), table, kind), p).toEqual({ ok: true, missing: [] });
    }
  });
});
