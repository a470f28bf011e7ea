/**
 * SearchQuery → Zimbra grammar. Expected strings follow Zimbra/zm-mailbox's parser and query classes
 * (DateQuery: bare number = epoch ms, before = "<", after = "≥ N + 1000"; SizeQuery: larger = ">" in bytes).
 */
import { describe, expect, it } from 'vitest';
import { buildQuery, quoteTerm } from '../../../../lib/webmail/zimbra/query';
import type { SearchQuery } from '../../../../lib/webmail/types';

const q = (o: Partial<SearchQuery>): SearchQuery => ({ folderId: '2', sort: 'dateDesc', ...o });

describe('buildQuery', () => {
  it('always scopes to the folder by id, so Trash and Junk are searchable too', () => {
    expect(buildQuery(q({}))).toEqual({ query: 'inid:2', sortBy: 'dateDesc' });
    expect(buildQuery(q({ folderId: '3', sort: 'sizeDesc' }))).toEqual({ query: 'inid:3', sortBy: 'sizeDesc' });
    expect(buildQuery(q({ folderId: '258', sort: 'dateAsc' })).sortBy).toBe('dateAsc');
  });

  it('refuses folder ids that are not Zimbra ids (nothing is pasted into a query unchecked)', () => {
    for (const bad of ['', 'in:trash', '2 OR is:anywhere', '1a', '-1', 'INBOX']) expect(() => buildQuery(q({ folderId: bad }))).toThrow(RangeError);
  });

  it('sends dates as whole seconds in epoch ms, exact for second-precision message dates', () => {
    // before: date < N  → before:ceil(N/1000)*1000
    expect(buildQuery(q({ before: 1_700_000_000_000 })).query).toBe('inid:2 before:1700000000000');
    expect(buildQuery(q({ before: 1_700_000_000_001 })).query).toBe('inid:2 before:1700000001000');
    // since: date ≥ S → after:(ceil(S/1000) - 1) * 1000, because after:N means date ≥ N + 1000
    expect(buildQuery(q({ since: 1_700_000_000_000 })).query).toBe('inid:2 after:1699999999000');
    expect(buildQuery(q({ since: 1_700_000_000_500 })).query).toBe('inid:2 after:1700000000000');
    // Nothing is before the epoch; everything is since it (and after:-1000 would read as "1000 days ago").
    expect(buildQuery(q({ before: 0 })).query).toBeNull();
    expect(buildQuery(q({ since: 0 })).query).toBe('inid:2');
    expect(buildQuery(q({ since: 999 })).query).toBe('inid:2 after:0'); // date ≥ 1000 ms: exact
  });

  it('translates size, attachment, read and flag criteria', () => {
    expect(buildQuery(q({ largerThan: 5 * 1024 * 1024 })).query).toBe('inid:2 larger:5242880');
    expect(buildQuery(q({ largerThan: 10.7 })).query).toBe('inid:2 larger:10');
    expect(buildQuery(q({ largerThan: -1 })).query).toBe('inid:2');
    expect(buildQuery(q({ hasAttachment: true, unread: true, flagged: true })).query).toBe('inid:2 has:attachment is:unread is:flagged');
    expect(buildQuery(q({ hasAttachment: false, unread: false, flagged: false })).query).toBe('inid:2 -has:attachment is:read is:unflagged');
  });

  it('ORs content strings as quoted terms; a string without any word drops the criterion (superset)', () => {
    expect(buildQuery(q({ bodyContainsAny: ['****FIN****'] })).query).toBe('inid:2 content:"****FIN****"');
    expect(buildQuery(q({ bodyContainsAny: ['a "b"', 'c\\'] })).query).toBe('inid:2 (content:"a b" OR content:"c")');
    expect(buildQuery(q({ bodyContainsAny: ['ok', '****'] })).query).toBe('inid:2');
    expect(buildQuery(q({ bodyContainsAny: ['line\nbreak'] })).query).toBe('inid:2 content:"line break"');
  });

  it('widens file-name criteria to every attachment (words cannot express "contains")', () => {
    expect(buildQuery(q({ attachmentNameAny: ['IHE_XDM.ZIP'] })).query).toBe('inid:2 (has:attachment OR attachment:any OR filename:"IHE_XDM.ZIP")');
    expect(buildQuery(q({ attachmentNameAny: ['.'] })).query).toBe('inid:2 (has:attachment OR attachment:any)');
  });

  it('sends MIME types unquoted as documented, and drops a malformed one (superset)', () => {
    expect(buildQuery(q({ attachmentTypeAny: ['application/pdf'] })).query).toBe('inid:2 type:application/pdf');
    expect(buildQuery(q({ attachmentTypeAny: ['Application/PDF', 'image/*'] })).query).toBe('inid:2 (type:application/pdf OR type:image/*)');
    expect(buildQuery(q({ attachmentTypeAny: ['application/pdf) OR (is:anywhere'] })).query).toBe('inid:2');
  });

  it('combines everything with juxtaposition (AND)', () => {
    const r = buildQuery({ folderId: '257', before: 1_600_000_000_000, largerThan: 1000, hasAttachment: true, bodyContainsAny: ['HPRIM'], sort: 'sizeDesc' });
    expect(r).toEqual({ query: 'inid:257 before:1600000000000 larger:1000 has:attachment content:"HPRIM"', sortBy: 'sizeDesc' });
  });
});

describe('quoteTerm', () => {
  it('never leaves a quote, a backslash or a line break inside (Parser.jj QUOTED_TERM)', () => {
    for (const s of ['"', '\\', 'a\\"b', '\r\n', 'x"\\']) {
      const t = quoteTerm(s);
      expect(t.startsWith('"') && t.endsWith('"')).toBe(true);
      expect(t.slice(1, -1)).not.toMatch(/["\\\r\n]/);
    }
  });
});
