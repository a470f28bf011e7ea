import { describe, expect, it } from 'vitest';
import { expiringSoon, resolveRetention, trashReclaim } from '../../../lib/features/quota-meter/retention';
import type { Folder, MessageSummary, SearchQuery, Webmail } from '../../../lib/webmail/types';
import { KNOWN_WEBMAILS } from '../../../lib/origins';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 5, 1);

describe('resolveRetention', () => {
  it('prefers the server’s value, then the BAL’s settings, then the operator’s published default', () => {
    expect(resolveRetention({ trashDays: 7, junkDays: 30 }, { trashLifetimeDays: 15 }, 'https://enrs.esante-paysdelaloire.fr')).toEqual({
      trash: { days: 7, source: 'server' },
      junk: { days: 30, source: 'server' },
      all: null,
    });
    expect(resolveRetention({ trashDays: null, junkDays: null }, { trashLifetimeDays: 15 }, 'https://enrs.esante-paysdelaloire.fr').trash).toEqual({ days: 15, source: 'bal' });
    expect(resolveRetention(null, undefined, 'https://enrs.esante-paysdelaloire.fr').trash).toEqual({ days: 30, source: 'operator' });
  });
  it('knows Medimail deletes every message after 90 days', () => {
    const medimail = KNOWN_WEBMAILS.find((k) => k.id === 'medimail')!;
    expect(resolveRetention(null, undefined, medimail.origin).all).toEqual({ days: 90, source: 'operator' });
    expect(resolveRetention(null, { retentionDays: 60 }, medimail.origin).all).toEqual({ days: 60, source: 'bal' });
  });
  it('says nothing for an unknown webmail without settings', () => {
    expect(resolveRetention(null, undefined, 'https://webmail.example.org')).toEqual({ trash: null, junk: null, all: null });
  });
});

const folder = (id: string, role: Folder['role'], count: number, bytes: number | null, precision = 0): Folder => ({
  id,
  name: id,
  path: id,
  role,
  count,
  bytes,
  bytesPrecision: precision,
  depth: id.split('/').length - 1,
});

function fakeSearch(messages: { folderId: string; id: string; daysAgo: number; size: number }[]) {
  const queries: SearchQuery[] = [];
  const webmail = {
    async *search(q: SearchQuery) {
      queries.push(q);
      const hits = messages
        .filter((m) => m.folderId === q.folderId && NOW - m.daysAgo * DAY < (q.before ?? Infinity))
        .map(
          (m): MessageSummary => ({
            ref: { folderId: m.folderId, id: m.id },
            date: NOW - m.daysAgo * DAY,
            size: m.size,
            sizePrecision: 10,
            from: '',
            subject: '',
            unread: false,
            flagged: false,
            hasAttachment: null,
          }),
        );
      // Two pages, as adapters yield them.
      yield hits.slice(0, 1);
      yield hits.slice(1);
    },
  } as unknown as Webmail;
  return { webmail, queries };
}

describe('expiringSoon', () => {
  const folders = [folder('INBOX', 'inbox', 3, 100), folder('Trash', 'trash', 3, 100), folder('Trash/x', 'other', 1, 5), folder('Junk', 'junk', 1, 5), folder('Empty', 'other', 0, 0)];
  const msgs = [
    { folderId: 'Trash', id: 't1', daysAgo: 29, size: 100 },
    { folderId: 'Trash', id: 't2', daysAgo: 23.5, size: 200 },
    { folderId: 'Trash', id: 't3', daysAgo: 22, size: 400 },
    { folderId: 'Trash/x', id: 'tx', daysAgo: 300, size: 800 },
    { folderId: 'INBOX', id: 'i1', daysAgo: 85, size: 1 },
    { folderId: 'INBOX', id: 'i2', daysAgo: 82, size: 2 },
    { folderId: 'INBOX', id: 'i3', daysAgo: 10, size: 4 },
    { folderId: 'Junk', id: 'j1', daysAgo: 84, size: 8 },
  ];

  it('counts trash messages older than (lifetime − 7 days), subfolders included, as an upper bound', async () => {
    const { webmail, queries } = fakeSearch(msgs);
    const groups = await expiringSoon(webmail, { trash: { days: 30, source: 'server' }, junk: null, all: null }, folders, NOW);
    // What the export needs for each message: where it is, its size, and what the manifest shows.
    expect(groups[0]!.items[2]).toEqual({
      ref: { folderId: 'Trash/x', id: 'tx' },
      folderPath: 'Trash/x',
      size: 800,
      summary: { date: NOW - 300 * DAY, from: '', subject: '' },
    });
    expect(groups.map(({ items: _items, ...g }) => g)).toEqual([
      {
        scope: 'trash',
        lifetime: { days: 30, source: 'server' },
        upperBound: true,
        count: 3,
        bytes: 1100,
        bytesPrecision: 30,
        refs: [
          { folderId: 'Trash', id: 't1' },
          { folderId: 'Trash', id: 't2' },
          { folderId: 'Trash/x', id: 'tx' },
        ],
      },
    ]);
    expect(queries.map((q) => [q.folderId, q.before])).toEqual([
      ['Trash', NOW - 23 * DAY],
      ['Trash/x', NOW - 23 * DAY],
    ]);
  });

  it('counts every folder for a whole-mailbox retention (Medimail, 90 days), leaving out empty folders', async () => {
    const { webmail, queries } = fakeSearch(msgs);
    const groups = await expiringSoon(webmail, { trash: null, junk: null, all: { days: 90, source: 'operator' } }, folders, NOW);
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ scope: 'all', count: 3, upperBound: false });
    // Cut-off: 83 days ago. i2 (82 days) stays; the old trash subfolder message goes too.
    expect(groups[0]!.refs.map((r) => r.id).sort()).toEqual(['i1', 'j1', 'tx']);
    expect(queries.map((q) => q.folderId)).toEqual(['INBOX', 'Trash', 'Trash/x', 'Junk']);
  });

  it('a lifetime shorter than the horizon counts the whole folder', async () => {
    const { webmail, queries } = fakeSearch(msgs);
    const [g] = await expiringSoon(webmail, { trash: null, junk: { days: 5, source: 'server' }, all: null }, folders, NOW);
    expect(g).toMatchObject({ scope: 'junk', count: 1 });
    expect(queries[0]!.before).toBe(NOW);
  });
});

describe('trashReclaim', () => {
  it('adds up the trash and its subfolders with their precision', () => {
    expect(trashReclaim([folder('INBOX', 'inbox', 3, 100), folder('Trash', 'trash', 3, 1000, 512), folder('Trash/x', 'other', 1, 24, 1)])).toEqual({
      bytes: 1024,
      precision: 513,
      count: 4,
      known: true,
    });
  });
  it('is unknown when a size is unknown or there is no trash', () => {
    expect(trashReclaim([folder('Trash', 'trash', 3, null)]).known).toBe(false);
    expect(trashReclaim([folder('INBOX', 'inbox', 3, 1)]).known).toBe(false);
  });
});
