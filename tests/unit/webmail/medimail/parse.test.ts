/** Medimail page parsing on saved stand-in pages, and its refusals on altered copies. */
import { describe, expect, it } from 'vitest';
import { Unrecognised, folderIdOf, isLoginPage, parseAccountBox, parseFolders, parseListDate, parseListPage, parseMessagePage } from '../../../../lib/webmail/medimail/parse';
import { page, truth } from './fixtures';

const refusal = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Unrecognised);
    expect((e as Error).message).toMatch(/^Balise ne reconnaît pas cette page Medimail : /);
    return (e as Unrecognised).reason;
  }
  throw new Error('no refusal');
};

describe('medimail list pages', () => {
  it('reads the rows of a page: ids, subjects, dates to the second, read marks, paper clips', () => {
    const p = parseListPage(page('list-inbox-p1.html'));
    expect(p.page).toBe(1);
    expect(p.pages).toBe(Math.ceil(truth.inboxCount / truth.pageSize));
    expect(p.rows.map((r) => Number(r.id))).toEqual(truth.firstPage.map((m) => m.id));
    expect(p.rows.map((r) => r.date)).toEqual(truth.firstPage.map((m) => m.date));
    expect(p.rows.map((r) => r.unread)).toEqual(truth.firstPage.map((m) => m.unread));
    expect(p.rows.map((r) => r.subject)).toEqual(truth.firstPage.map((m) => m.subject));
    expect(p.rows.map((r) => r.hasAttachment)).toEqual(truth.firstPage.map((m) => m.attachments > 0));
    expect(p.rows[0]!.from).toMatch(/<[^>]+@[^>]+>$/);
  });

  it('reads the second page and an empty folder', () => {
    expect(parseListPage(page('list-inbox-p2.html')).page).toBe(2);
    const empty = parseListPage(page('list-empty-no-mssante.html'));
    expect(empty.rows).toEqual([]);
    expect(empty.pages).toBe(1);
  });

  it('refuses altered lists plainly', () => {
    expect(refusal(() => parseListPage(page('altered-row-without-id.html')))).toMatch(/identifiant/);
    expect(refusal(() => parseListPage(page('altered-no-pagination.html')))).toMatch(/pagination/);
    expect(refusal(() => parseListPage(page('altered-pagination-text.html')))).toMatch(/Page X sur Y/);
    expect(refusal(() => parseListPage(page('altered-bad-date.html')))).toMatch(/date/);
    expect(refusal(() => parseListPage(page('open-documents.html')))).toMatch(/pagination/);
  });

  it('reads list dates as Paris wall-clock time', () => {
    expect(parseListDate('2026-07-01 14:00:05')).toBe(Date.UTC(2026, 6, 1, 12, 0, 5));
    expect(parseListDate('2026-01-15 08:30:00')).toBe(Date.UTC(2026, 0, 15, 7, 30, 0));
    expect(parseListDate('15/01/2026 08:30')).toBeNull();
    expect(parseListDate('2026-13-15 08:30:00')).toBeNull();
  });
});

describe('medimail menu and account', () => {
  it('finds the four default folders and the sub-folder', () => {
    const folders = parseFolders(page('list-inbox-p1.html'));
    expect(folders.map((f) => [f.id, f.role, f.depth, f.path])).toEqual([
      ['1', 'inbox', 0, 'Boîte de réception'],
      ['157', 'other', 1, 'Boîte de réception/Patients'],
      ['2', 'sent', 0, 'Messages envoyés'],
      ['3', 'drafts', 0, 'Brouillons'],
      ['4', 'trash', 0, 'Messages supprimés'],
    ]);
    expect(parseFolders(page('open-documents.html')).length).toBe(5);
    expect(folderIdOf('/?m=liste&amp;f=12&amp;o=title')).toBe('12');
    expect(folderIdOf('/?m=open&idk=12')).toBeNull();
  });

  it('reads the account box: name, own address, the MSSanté correspondence (the BAL)', () => {
    expect(parseAccountBox(page('list-inbox-p1.html'))).toEqual({
      name: 'Dr Martin Durand',
      own: 'martin.durand@medimail.test',
      mssante: 'martin.durand@medecin.mssante.fr',
      apicrypt: 'martin.durand@apicrypt.test',
    });
    const bare = parseAccountBox(page('list-empty-no-mssante.html'));
    expect(bare.mssante).toBeNull();
    expect(bare.own).toBe('martin.durand@medimail.test');
  });

  it('tells the login page from the others', () => {
    expect(isLoginPage(page('login.html'))).toBe(true);
    expect(isLoginPage(page('list-inbox-p1.html'))).toBe(false);
    expect(isLoginPage(page('compose.html'))).toBe(false);
    expect(refusal(() => parseAccountBox(page('login.html')))).toMatch(/compte/);
  });
});

describe('medimail message pages', () => {
  it('reads a message with its documents, names and sizes', () => {
    const m = parseMessagePage(page('open-documents.html'));
    expect(m.subject).toBe(truth.withDocs.subject);
    expect(m.to).toContain('martin.durand@medecin.mssante.fr');
    expect(m.from).toMatch(/@/);
    expect(m.sent).toBe(Math.floor(truth.withDocs.date / 60_000) * 60_000);
    expect(m.bodyHtml).toContain('Bonjour');
    expect(m.attachments.map((a) => a.name)).toEqual(truth.withDocs.attachments.map((a) => a.filename));
    for (const [i, a] of m.attachments.entries()) {
      expect(Math.abs(a.shown!.bytes - truth.withDocs.attachments[i]!.size)).toBeLessThanOrEqual(a.shown!.precision);
    }
    expect(parseMessagePage(page('open-xdm.html')).attachments.map((a) => a.name)).toEqual(truth.xdm.attachments);
    expect(parseMessagePage(page('open-plain.html')).attachments).toEqual([]);
  });

  it('refuses altered messages plainly', () => {
    expect(refusal(() => parseMessagePage(page('altered-unknown-layout.html')))).toMatch(/#corps/);
    expect(refusal(() => parseMessagePage(page('altered-open-no-body.html')))).toMatch(/#kvp_content/);
    expect(refusal(() => parseMessagePage(page('altered-document-without-href.html')))).toMatch(/lien/);
  });
});
