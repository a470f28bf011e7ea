import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { activeTab, describeOrigin } from '../../../lib/popup/enable';
import { sameHost } from '../../../lib/origins';

beforeEach(() => fakeBrowser.reset());

const stubTabs = (list: { id: number; url?: string; active?: boolean }[]) => {
  (fakeBrowser.tabs as unknown as { query(q: object): Promise<unknown[]> }).query = async (q: { active?: boolean }) =>
    q.active ? list.filter((t) => t.active) : list;
};

describe('the popup’s view of the tab it was opened over', () => {
  it('names a known MSSanté platform, and nothing else', () => {
    expect(describeOrigin('https://mail.sante-na.fr')).toEqual({ role: 'mail', label: 'Nouvelle-Aquitaine – ProMess (ESEA)', knownId: 'esea-na' });
    expect(describeOrigin('https://webmail.example.org')).toEqual({ role: 'unknown' });
  });

  it('reads the active tab’s origin (activeTab), refusing what Balise cannot run on', async () => {
    stubTabs([{ id: 3, url: 'https://mail.sante-na.fr/zimbra/#1', active: true }]);
    expect(await activeTab('')).toEqual({ tabId: 3, origin: 'https://mail.sante-na.fr' });
    stubTabs([{ id: 3, url: 'http://intranet.chu.local/', active: true }]);
    expect(await activeTab('')).toBeNull();
    stubTabs([{ id: 3, url: 'about:newtab', active: true }]);
    expect(await activeTab('')).toBeNull();
    stubTabs([{ id: 3, active: true }]); // no activeTab grant: no address
    expect(await activeTab('')).toBeNull();
  });

  it('treats every port of a registered host as registered (match patterns ignore ports)', () => {
    expect(sameHost('http://127.0.0.1', 'http://127.0.0.1:8025')).toBe(true);
    expect(sameHost('http://127.0.0.1', 'http://localhost:8025')).toBe(false);
  });
});
