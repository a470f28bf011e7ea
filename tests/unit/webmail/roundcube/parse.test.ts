/**
 * The Roundcube adapter's pure parsing, on real Roundcube 1.6.5 answers (tests/fixtures/roundcube) and against
 * the environment's re-implementation of Roundcube's own formatting (tests/servers/roundcube/format.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addressesText,
  attachmentFromCtype,
  buildFilter,
  callArgs,
  countSeparators,
  decodeEntities,
  displayedMessages,
  envMailboxes,
  folderRole,
  folderSizeFromExec,
  imapQuote,
  insertTextSignature,
  isSessionError,
  parseDateLabel,
  parseExec,
  parseFolderInfoPage,
  parseRows,
  parseSetEnv,
  parseSizeLabel,
  parseUid,
  quotaFromExec,
  quotaFromScript,
  rowToSummary,
  searchableTerm,
  sortSummaries,
  stripTextSignatures,
  textSignatureBlock,
  separatorOf,
  uidSet,
  zonedToEpoch,
} from '../../../../lib/webmail/roundcube/parse';
import { rcFormatDate, rcShowBytes } from '../../../servers/roundcube/format';

const FIX = path.resolve(import.meta.dirname, '../../../fixtures/roundcube');
const text = (f: string) => readFileSync(path.join(FIX, f), 'utf8');
const json = (f: string) => JSON.parse(text(f)) as { response: { status: number; json: { exec?: string; env?: Record<string, unknown> } } };
const exec = (f: string) => json(f).response.json.exec ?? '';

describe('inline scripts', () => {
  it('reads rcmail.set_env from the saved mail and compose pages exactly', () => {
    expect(parseSetEnv(text('mail-page.html'))).toEqual(JSON.parse(text('mail-set-env.json')));
    expect(parseSetEnv(text('compose-page.html'))).toEqual(JSON.parse(text('compose-set-env.json')));
    expect(parseSetEnv(text('login-page.html'))?.task).toBe('login');
  });

  it('reads the quota the page shows at load (KiB → bytes) and the one an edit-folder page sends its parent', () => {
    expect(quotaFromScript(text('mail-page.html'))).toEqual({ usedBytes: 163104 * 1024, limitBytes: 204800 * 1024 });
    expect(quotaFromScript(text('adapter/edit-folder-inbox.html'))).toEqual({ usedBytes: 163104 * 1024, limitBytes: 204800 * 1024 });
  });

  it('never takes a call inside a string for a call', () => {
    const src = 'var a = "rcmail.set_env({\\"x\\":1})"; rcmail.set_env({"task":"mail","s":"a)b}c"});';
    expect(parseSetEnv(src)).toEqual({ task: 'mail', s: 'a)b}c' });
    expect(callArgs('f("(", 2)', 'f(')?.args).toEqual(['(', 2]);
  });
});

describe('exec commands', () => {
  it('parses every command of a list answer, and rows with their columns and flags', () => {
    const calls = parseExec(exec('list-inbox-page1.json'));
    expect(calls.map((c) => c.name)).toContain('set_quota');
    const { rows, invalid } = parseRows(calls);
    expect(invalid).toBe(0);
    expect(rows).toHaveLength(50);
    expect(rows[0]).toMatchObject({ uid: 1150, seen: true, ctype: 'multipart/mixed', mbox: 'INBOX' });
    expect(rows.every((r) => Number.isSafeInteger(r.uid) && r.cols.size && r.cols.date)).toBe(true);
    expect(quotaFromExec(calls)).toEqual({ usedBytes: 163104 * 1024, limitBytes: 204800 * 1024 });
  });

  it('ignores "this.x(" inside string arguments', () => {
    const calls = parseExec('this.add_message_row(5,{"subject":"this.session_error(\\"x\\");","size":"1 ko","date":"d"},{"ctype":"text/plain"},false);\nthis.set_trash_count(3);\n');
    expect(calls.map((c) => c.name)).toEqual(['add_message_row', 'set_trash_count']);
    expect(isSessionError(calls)).toBe(false);
    expect(parseRows(calls).rows[0]!.cols.subject).toBe('this.session_error("x");');
  });

  it('recognises a lost session, errors Roundcube displayed, and folder sizes', () => {
    expect(isSessionError(parseExec(exec('session-expired-list.json')))).toBe(true);
    expect(isSessionError(parseExec(exec('list-inbox-page1.json')))).toBe(false);
    const missing = JSON.parse(text('adapter/search-missing-folder.json')).json.exec as string;
    expect(displayedMessages(parseExec(missing))).toEqual([expect.objectContaining({ type: 'error' })]);
    expect(displayedMessages(parseExec(exec('move-range-uids.json')))[0]?.type).toBe('error');
    // The success message alone proves nothing (FINDINGS §4): it is there for a UID that does not exist.
    expect(displayedMessages(parseExec(exec('move-nonexistent-uid.json')))[0]?.type).toBe('confirmation');
    expect(folderSizeFromExec(parseExec(exec('folder-size.json')))).toMatch(/^\d+(\.\d)? (o|ko|Mo|Go)$/);
  });

  it('rejects rows it cannot read instead of guessing', () => {
    const { rows, invalid } = parseRows(parseExec('this.add_message_row("12-INBOX",{"size":"1 ko"},{},false);\nthis.add_message_row(0,{},{},false);\nthis.add_message_row(7,"x",{},false);'));
    expect(rows).toEqual([]);
    expect(invalid).toBe(3);
  });
});

describe('sizes', () => {
  it('turns every label Roundcube prints back into a range that holds the real size', () => {
    const sizes = fc.oneof(fc.integer({ min: 0, max: 5 * 1024 ** 3 }), fc.constantFrom(0, 1023, 1024, 1535, 1536, 1048575, 1048576, 10 * 1024 ** 2 - 1, 10 * 1024 ** 2, 1024 ** 3));
    fc.assert(
      fc.property(sizes, (b) => {
        const p = parseSizeLabel(rcShowBytes(b));
        expect(p).not.toBeNull();
        expect(Math.abs(p!.bytes - b)).toBeLessThanOrEqual(p!.precision);
      }),
      { numRuns: 3000 },
    );
  });

  it('states the precision of each format', () => {
    expect(parseSizeLabel('875 o')).toEqual({ bytes: 875, precision: 0 });
    expect(parseSizeLabel('397 ko')).toEqual({ bytes: 397 * 1024, precision: 512 });
    expect(parseSizeLabel('4.5 Mo')).toEqual({ bytes: Math.round(4.5 * 1024 ** 2), precision: Math.ceil(0.05 * 1024 ** 2) });
    expect(parseSizeLabel('12 Mo')).toEqual({ bytes: Math.round(12.5 * 1024 ** 2), precision: 512 * 1024 });
    expect(parseSizeLabel('1.2 GB')?.bytes).toBe(Math.round(1.2 * 1024 ** 3));
    expect(parseSizeLabel('4,5 Mo')?.bytes).toBe(Math.round(4.5 * 1024 ** 2));
    expect(parseSizeLabel('beaucoup')).toBeNull();
    expect(parseSizeLabel('12 parsecs')).toBeNull();
  });
});

describe('dates', () => {
  const tz = 'Europe/Paris';

  it('reads what Roundcube prints (absolute, today, weekday) to the minute, in the user time zone', () => {
    const now = Date.UTC(2026, 10, 23, 14, 30, 12);
    const dates = fc.integer({ min: now - 3 * 365 * 86_400_000, max: now });
    fc.assert(
      fc.property(dates, (t) => {
        const label = rcFormatDate(new Date(t), new Date(now), tz);
        const got = parseDateLabel(label, now, tz);
        const want = Math.floor(t / 60_000) * 60_000;
        if (got !== want) {
          // Only in the hour that repeats when summer time ends: the label names two instants an hour apart.
          expect(Math.abs(got! - want)).toBe(3_600_000);
          expect(rcFormatDate(new Date(got!), new Date(now), tz)).toBe(label);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('reads a label of the repeated hour (end of summer time) as one of its two instants', () => {
    const now = Date.UTC(2026, 10, 23, 14, 30, 12);
    for (const t of [Date.UTC(2025, 9, 26, 0, 30), Date.UTC(2025, 9, 26, 1, 30)]) {
      const label = rcFormatDate(new Date(t), new Date(now), tz);
      expect([Date.UTC(2025, 9, 26, 0, 30), Date.UTC(2025, 9, 26, 1, 30)]).toContain(parseDateLabel(label, now, tz));
    }
  });

  it('handles the summer time change and other date formats', () => {
    expect(zonedToEpoch(2026, 3, 29, 3, 30, tz)).toBe(Date.UTC(2026, 2, 29, 1, 30));
    expect(zonedToEpoch(2026, 10, 25, 2, 30, tz)).toBe(Date.UTC(2026, 9, 25, 0, 30));
    expect(parseDateLabel('13/06/2026 17:57', Date.now(), tz, 'dd/mm/yy')).toBe(Date.UTC(2026, 5, 13, 15, 57));
    expect(parseDateLabel('Today 9:05 pm', Date.UTC(2026, 5, 13, 22, 0), 'UTC')).toBe(Date.UTC(2026, 5, 13, 21, 5));
    expect(parseDateLabel('hier', Date.now(), tz)).toBeNull();
    expect(parseDateLabel('2026-06-13 17:57', Date.now(), 'Not/AZone')).toBeNull();
  });
});

describe('rows to summaries', () => {
  it('gives plain text (entities decoded, no HTML), size ± precision and the host date label', () => {
    const calls = parseExec(exec('list-inbox-page1.json'));
    const rows = parseRows(calls).rows;
    const row = rows.find((r) => r.cols.subject?.includes('&#039;'))!;
    const s = rowToSummary(row, { folderId: 'INBOX', now: Date.now(), timeZone: 'Europe/Paris' });
    expect(s.subject).toContain("d'imagerie");
    expect(s.subject).not.toMatch(/[<>]|&#/);
    expect(s.from).toMatch(/^[^<]+ <[^@\s]+@[^>\s]+>$/);
    expect(s.ref).toEqual({ folderId: 'INBOX', id: String(row.uid) });
    expect(s.dateLabel).toBe(row.cols.date);
    expect(s.sizePrecision).toBeGreaterThanOrEqual(0);
    expect(s.unread).toBe(!row.seen);
    expect(s.hasAttachment).toBe(true);
  });

  it('formats addresses without and with names, and never leaks markup', () => {
    expect(addressesText('<span class="adr"><span title="a@b.fr" class="rcmContactAddress">a@b.fr</span></span>')).toBe('a@b.fr');
    expect(addressesText('<span class="adr"><span title="x@y.fr" class="rcmContactAddress">Dr &lt;X&gt; &amp; Co</span></span>, <span class="adr"><span title="z@y.fr">Z</span></span>')).toBe(
      'Dr <X> & Co <x@y.fr>, Z <z@y.fr>',
    );
    expect(decodeEntities('&#x1F600;&#0;&bogus;')).toBe('😀\ufffd&bogus;');
  });

  it('says whether a message has attachments the way the paper clip does', () => {
    expect(attachmentFromCtype('multipart/mixed')).toBe(true);
    expect(attachmentFromCtype('application/pdf')).toBe(true);
    expect(attachmentFromCtype('text/plain')).toBe(false);
    expect(attachmentFromCtype('multipart/alternative')).toBe(false);
    expect(attachmentFromCtype('multipart/related')).toBeNull();
  });

  it('sorts by size (then UID) and by date with undated rows last', () => {
    const m = (id: number, size: number, date: number | null) =>
      ({ ref: { folderId: 'f', id: String(id) }, size, sizePrecision: 0, date, from: '', subject: '', unread: false, flagged: false, hasAttachment: null }) as const;
    const list = [m(1, 10, 5), m(2, 30, null), m(3, 30, 1), m(4, 20, 9)];
    expect(sortSummaries(list, 'sizeDesc').map((x) => x.ref.id)).toEqual(['3', '2', '4', '1']);
    expect(sortSummaries(list, 'dateAsc').map((x) => x.ref.id)).toEqual(['3', '1', '4', '2']);
    expect(sortSummaries(list, 'dateDesc').map((x) => x.ref.id)).toEqual(['4', '1', '3', '2']);
  });
});

describe('search criteria', () => {
  const now = 1_800_000_000;

  it('says dates to the second with WITHIN intervals', () => {
    // before T: date < T  ⇔  OLDER (now − T + 1), since T: date ≥ T  ⇔  YOUNGER (now − T).
    expect(buildFilter({ before: (now - 100) * 1000 }, now)).toEqual({ filter: 'OLDER 101' });
    expect(buildFilter({ before: (now - 100) * 1000 - 1 }, now)).toEqual({ filter: 'OLDER 101' });
    expect(buildFilter({ since: (now - 100) * 1000 }, now)).toEqual({ filter: 'YOUNGER 100' });
    expect(buildFilter({ since: (now - 100) * 1000 - 999 }, now)).toEqual({ filter: 'YOUNGER 100' });
    expect(buildFilter({ since: (now + 50) * 1000 }, now)).toEqual({ filter: 'NOT OLDER 1' });
    expect(buildFilter({ before: (now + 50) * 1000 }, now)).toEqual({ filter: 'UID 1:*' });
  });

  it('combines flags, size, attachments and content (TEXT: a superset that reaches MIME part headers)', () => {
    const f = buildFilter({ largerThan: 1_000_000.7, unread: true, flagged: false, hasAttachment: true, attachmentNameAny: ['IHE_XDM.ZIP', '.hpr'] }, now);
    expect(f).toEqual({
      filter:
        'LARGER 1000000 OR OR HEADER Content-Type multipart/mixed HEADER Content-Type multipart/signed HEADER Content-Type application/ UNSEEN UNFLAGGED OR TEXT "IHE_XDM.ZIP" TEXT ".hpr"',
    });
    expect(buildFilter({ hasAttachment: false, unread: false, flagged: true }, now)).toEqual({
      filter: 'NOT OR OR HEADER Content-Type multipart/mixed HEADER Content-Type multipart/signed HEADER Content-Type application/ SEEN FLAGGED',
    });
    expect(buildFilter({ bodyContainsAny: ['****FIN****', 'a', 'b'] }, now)).toEqual({ filter: 'OR TEXT "****FIN****" OR TEXT "a" TEXT "b"' });
    expect(buildFilter({ attachmentTypeAny: [] }, now)).toEqual({ nothing: true });
    expect(buildFilter({}, now)).toEqual({ filter: 'UID 1:*' });
  });

  it('cannot be used to inject IMAP: quotes are escaped, newlines and tags never travel', () => {
    expect(imapQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(searchableTerm('x\r\nUID STORE 1:* +FLAGS (\\Deleted)')).toBe('UID STORE 1:* +FLAGS (\\Deleted)');
    expect(searchableTerm('<b>compte</b> rendu')).toBe('compte');
    expect(buildFilter({ bodyContainsAny: ['a"\r\nb'] }, now)).toEqual({ filter: 'TEXT "a\\""' });
    // A term with nothing searchable left matches everything: the criterion is dropped (superset).
    expect(buildFilter({ bodyContainsAny: ['<>'] }, now)).toEqual({ filter: 'UID 1:*' });
    fc.assert(
      fc.property(fc.array(fc.string(), { minLength: 1, maxLength: 4 }), (terms) => {
        const f = buildFilter({ bodyContainsAny: terms }, now);
        if ('filter' in f) expect(f.filter).not.toMatch(/[\r\n<>\u0000]/);
      }),
    );
  });

  it('writes compact UID sets and accepts only UIDs as ids', () => {
    expect(uidSet([5, 3, 4, 9, 1, 10, 3])).toBe('1,3:5,9:10');
    expect(parseUid('42')).toBe(42);
    for (const bad of ['0', '-1', '1.5', '12-INBOX', '1:5', '*', '', '99999999999']) expect(parseUid(bad)).toBeNull();
  });
});

describe('folders', () => {
  it('lists env mailboxes in order with roles from the special folders', () => {
    const env = JSON.parse(text('mail-set-env.json')) as Record<string, unknown>;
    const boxes = envMailboxes(env);
    expect(boxes.map((b) => b.id)).toEqual(['INBOX', 'Drafts', 'Sent', 'Junk', 'Trash', 'Patients', 'Patients/Archives']);
    expect(boxes.map((b) => folderRole(b.id, b.class, env))).toEqual(['inbox', 'drafts', 'sent', 'junk', 'trash', 'other', 'other']);
  });

  it('reads count, formatted size and quota from settings/edit-folder', () => {
    const inbox = parseFolderInfoPage(text('adapter/edit-folder-inbox.html'));
    expect(inbox.count).toBe(1150);
    expect(inbox.sizeLabel).toMatch(/^\d+ Mo$/);
    expect(inbox.quota?.limitBytes).toBe(204800 * 1024);
    const arch = parseFolderInfoPage(text('adapter/edit-folder-archives.html'));
    expect(arch.count).toBe(240);
    expect(parseSizeLabel(arch.sizeLabel!)).not.toBeNull();
  });
});

describe('plain-text signatures', () => {
  const host = '-- \nDr Martin Durand\nMédecin généraliste – MSSanté';
  const ours = textSignatureBlock('Dr M. Durand\nBAL: martin.durand@medecin.mssante.fr');

  it('adds the separator Roundcube uses on the page, once', () => {
    expect(ours.startsWith('-- \n')).toBe(true);
    expect(textSignatureBlock(ours)).toBe(ours);
    expect(separatorOf([host])).toBe('-- ');
    expect(separatorOf(['---\nDr Durand'])).toBe('---');
    expect(separatorOf(['Dr Durand'])).toBeNull();
    expect(separatorOf([])).toBe('-- ');
    expect(textSignatureBlock('Dr Durand', '---')).toBe('---\nDr Durand');
    expect(textSignatureBlock('Dr Durand', null)).toBe('Dr Durand');
    expect(textSignatureBlock('Dr Durand\n---\nTél.', '-- ')).toBe('Dr Durand\n---\nTél.');
  });

  it('replaces the host signature in place and never leaves two', () => {
    const body = `Bonjour,\n\nVoici.\n\n${host}`;
    const s = stripTextSignatures(body, [host, ours], false);
    const out = insertTextSignature(s.body, ours, s.at);
    expect(out).toBe(`Bonjour,\n\nVoici.\n\n${ours}`);
    expect(countSeparators(out)).toBe(1);
    // Again (inserting twice): still one.
    const s2 = stripTextSignatures(out, [host, ours], false);
    expect(countSeparators(insertTextSignature(s2.body, ours, s2.at))).toBe(1);
  });

  it('drops a hand-edited signature tail only when asked', () => {
    const body = 'Texte\n\n-- \nsignature modifiée';
    expect(stripTextSignatures(body, [host], true).body).toBe('Texte');
    expect(stripTextSignatures(body, [host], false).body).toBe(body);
  });
});
