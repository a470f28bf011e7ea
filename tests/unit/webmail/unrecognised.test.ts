/**
 * The "Balise ne reconnaît pas cette page" notice: a saved page altered the way a host update would alter it (the
 * folder list renamed) is reported with what is missing, on the page, accessibly; the intact page is not.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseHTML } from 'linkedom';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Bus } from '../../../lib/features/bus';
import { mountUnrecognised, unrecognisedFeature } from '../../../lib/features/unrecognised/feature';
import { FEATURES, type FeatureContext } from '../../../lib/features';
import type { Detection, Webmail } from '../../../lib/webmail/types';
import { recognise } from '../../../lib/webmail/kit/selectors';
import { ROUNDCUBE_SELECTORS } from '../../../lib/webmail/roundcube/selectors';
import { ZIMBRA_SELECTORS } from '../../../lib/webmail/zimbra/selectors';

const read = (p: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/${p}`, import.meta.url)), 'utf8');

function pageOf(html: string): Document {
  const { document } = parseHTML(html);
  return document as unknown as Document;
}

function ctxFor(doc: Document, table: typeof ROUNDCUBE_SELECTORS | typeof ZIMBRA_SELECTORS, page: Detection['page'], signal: AbortSignal): FeatureContext {
  const detection: Detection = { kind: 'roundcube', page, supported: true };
  const webmail = { detection, recognition: () => recognise(doc, table, page) } as unknown as Webmail;
  return { webmail, detection, doc, bus: new Bus(), signal };
}

const host = (doc: Document) => doc.querySelector('[data-balise="unrecognised"]') as HTMLElement | null;

describe('the unrecognised-page notice', () => {
  let ac: AbortController;
  beforeEach(() => {
    ac = new AbortController();
    const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
    i18n.getMessage = (key: string, subs?: string[]) => [key, ...(subs ?? [])].join('|');
  });
  afterEach(() => ac.abort());

  it('is listed among the features', () => {
    expect(FEATURES).toContain(unrecognisedFeature);
  });

  it('says nothing on the saved Roundcube mail page', () => {
    const doc = pageOf(read('roundcube/mail-page.html'));
    mountUnrecognised(ctxFor(doc, ROUNDCUBE_SELECTORS, 'mail', ac.signal), { graceMs: 0 });
    expect(host(doc)).toBeNull();
  });

  it('names what is missing when the folder list is gone (a host update), accessibly, and can be hidden', () => {
    const doc = pageOf(read('roundcube/mail-page.html').replace(/id="mailboxlist"/g, 'id="folderlist-v2"'));
    mountUnrecognised(ctxFor(doc, ROUNDCUBE_SELECTORS, 'mail', ac.signal), { graceMs: 0 });
    const h = host(doc)!;
    expect(h).not.toBeNull();
    expect(h.getAttribute('data-missing')).toBe('folderList folderLinks');
    const box = h.shadowRoot!.querySelector('[role="status"]')!;
    expect(box.textContent).toContain('unrecognisedTitle');
    expect(box.querySelector('[data-part="missing"]')!.textContent).toBe('unrecognisedMissing|folderList, folderLinks');
    (box.querySelector('[data-action="dismiss"]') as HTMLButtonElement).click();
    expect(host(doc)).toBeNull();
  });

  it('waits for a page that builds itself after load, and goes away once it is recognised', () => {
    const doc = pageOf(read('zimbra/mail-page.html').replace(/zti__main_Mail__/g, 'zti__tree__'));
    const watch = mountUnrecognised(ctxFor(doc, ZIMBRA_SELECTORS, 'mail', ac.signal), { graceMs: 60_000 });
    expect(host(doc)).toBeNull(); // still within the grace time
    const late = pageOf(read('zimbra/compose-page.html').replace(/<div id="z_shell"/, '<div id="z_shell_renamed"'));
    const w2 = mountUnrecognised(ctxFor(late, ZIMBRA_SELECTORS, 'mail', ac.signal), { graceMs: 0 });
    expect(host(late)!.getAttribute('data-missing')).toBe('shell');
    // The page finishes building: the notice leaves.
    late.getElementById('z_shell_renamed')!.id = 'z_shell';
    w2.check();
    expect(host(late)).toBeNull();
    watch.check();
  });

  it('is gone when the content script stops', () => {
    const doc = pageOf(read('roundcube/compose-page.html').replace(/id="composebody"/g, 'id="body-v2"').replace(/name="_message"/g, 'name="_body"'));
    mountUnrecognised(ctxFor(doc, ROUNDCUBE_SELECTORS, 'compose', ac.signal), { graceMs: 0 });
    expect(host(doc)!.getAttribute('data-missing')).toBe('composeBody');
    ac.abort();
    expect(host(doc)).toBeNull();
  });
});
