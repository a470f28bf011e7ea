/**
 * Clinical documents decided from the server's attachment lists and content searches (triage.ts): the rules, in
 * the safe direction, and the planner's use of them (what is still downloaded, what a failure falls back to).
 * The whole realistic mailbox against the classifier's verdict, through the Zimbra adapter's own requests, is in
 * tests/servers/zimbra-sim/seeded.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { buildPlan, takeSnapshot } from '../../../lib/features/cleanup/plan';
import { defaultRules } from '../../../lib/features/cleanup/rules';
import { refKey, type CachedVerdict } from '../../../lib/features/cleanup/classify';
import { DOCUMENT_SIGNS, HPRIM_MARKERS, verdictFromParts } from '../../../lib/features/cleanup/triage';
import { defaultSettings } from '../../../lib/store/settings';
import { FakeWebmail, rawMessage } from './fake-webmail';

const part = (name: string, type: string) => ({ name, type, size: 1000 });
const none = { hprim: false, document: false };

describe('verdictFromParts', () => {
  it('decides XDM by the name IHE_XDM.ZIP and PDF by type or name, as the classifier does', () => {
    expect(verdictFromParts([part('IHE_XDM.ZIP', 'application/zip')], none)).toBe('xdm');
    expect(verdictFromParts([part('photo.jpg', 'image/jpeg'), part('ihe_xdm.zip', 'application/octet-stream')], { hprim: null, document: null })).toBe('xdm');
    expect(verdictFromParts([part('cr.pdf', 'application/pdf')], none)).toBe('pdf');
    expect(verdictFromParts([part('CR.PDF', 'application/octet-stream')], none)).toBe('pdf');
    expect(verdictFromParts([part('cr', 'application/x-pdf'), part('', 'text/plain'), part('a.jpg', 'image/jpeg')], none)).toBe('pdf');
  });

  it('says "not clinical" only for server-searched text parts with no sign found', () => {
    expect(verdictFromParts([], none)).toBe(null);
    expect(verdictFromParts([part('invitation.ics', 'text/calendar'), part('note.txt', 'text/plain')], none)).toBe(null);
    // A sign, or a server that could not search: a text part may hide an HPRIM result, a PDF or an XDM zip.
    expect(verdictFromParts([part('note.txt', 'text/plain')], { hprim: true, document: false })).toBe('download');
    expect(verdictFromParts([part('note.txt', 'text/plain')], { hprim: false, document: true })).toBe('download');
    expect(verdictFromParts([part('note.txt', 'text/plain')], { hprim: null, document: false })).toBe('download');
    expect(verdictFromParts([], { hprim: false, document: null })).toBe('download');
  });

  it('downloads whatever the server cannot read: octet-stream, images, zips, office files, attached messages, no type', () => {
    for (const p of [
      part('RES.hpr', 'application/octet-stream'),
      part('photo.jpg', 'image/jpeg'),
      part('docs.zip', 'application/zip'),
      part('lettre.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'),
      part('', 'message/rfc822'),
      part('x', ''),
    ]) {
      expect(verdictFromParts([p], none), p.type).toBe('download');
    }
    // Beside a PDF, a part that could raise the label (an HPRIM file, a zip, an attached message) is downloaded too.
    expect(verdictFromParts([part('cr.pdf', 'application/pdf'), part('RES.hpr', 'application/octet-stream')], none)).toBe('download');
    expect(verdictFromParts([part('cr.pdf', 'application/pdf')], { hprim: true, document: false })).toBe('download');
  });
});

describe('the planner with a server that lists attachments', () => {
  const NOW = Date.UTC(2026, 2, 15, 10, 30);
  const old = Date.UTC(2024, 0, 10);
  const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(2000), 'latin1');
  const hprim = ['RESULTATS', 'LABO', 'DUPONT', 'JEAN', '1 RUE', '75000 PARIS', '01/02/1960', '123', 'DR X', '10/01/2024', '', 'REF1', 'Glycémie 1,02 g/l', '****FIN****'].join('\r\n');
  function mailbox(opts: ConstructorParameters<typeof FakeWebmail>[0]) {
    const w = new FakeWebmail(opts);
    w.folderIds = ['INBOX', 'Trash', 'Junk'];
    const add = (subject: string, attachments: Parameters<typeof rawMessage>[0]['attachments']) =>
      w.add({ folderId: 'INBOX', raw: rawMessage({ subject, attachments }), date: old, unread: false, flagged: false, hasAttachment: !!attachments?.length, subject, from: 'a' });
    return {
      w,
      pdf: add('pdf', [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }]),
      xdm: add('xdm', [{ filename: 'IHE_XDM.ZIP', contentType: 'application/zip', data: 'not even a zip' }]),
      text: add('text', [{ filename: 'note.txt', contentType: 'text/plain', data: 'bonjour', encoding: '8bit' }]),
      hprimText: add('hprim text', [{ filename: 'res.txt', contentType: 'text/plain', data: hprim, encoding: '8bit' }]),
      hprimOctet: add('hprim octet', [{ filename: 'RES.hpr', contentType: 'application/octet-stream', data: hprim }]),
      disguised: add('disguised', [{ filename: 'scan.jpg', contentType: 'image/jpeg', data: pdf }]),
      plain: add('plain', undefined),
    };
  }
  const settings = defaultSettings().cleanup;
  const plan = async (w: FakeWebmail) => {
    const rules = defaultRules(settings, await w.folders());
    const s = await takeSnapshot({ webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => NOW }, rules);
    return { s, p: buildPlan(s, rules) };
  };
  const protectedIds = (p: Awaited<ReturnType<typeof plan>>['p']) =>
    Object.fromEntries(p.groups.find((g) => g.kind === 'protected')!.messages.map((m) => [m.summary.subject, m.protections.join(',')]));

  it('downloads only what the lists and searches cannot decide, and keeps exactly what downloading everything keeps', async () => {
    const listed = mailbox({ partsListing: true });
    const whole = mailbox({});
    const a = await plan(listed.w);
    const b = await plan(whole.w);
    expect(protectedIds(a.p)).toEqual(protectedIds(b.p));
    expect(protectedIds(a.p)).toEqual({ pdf: 'clinical-pdf', xdm: 'clinical-xdm', 'hprim text': 'clinical-hprim', 'hprim octet': 'clinical-hprim', disguised: 'clinical-pdf' });
    // The PDF, the XDM, the plain text attachment and the message without one are decided from the list; the HPRIM
    // text (its marker found), the octet-stream and the image (bytes unknown) are downloaded.
    expect(a.s.stats.classify).toMatchObject({ fromParts: 4, partsRequests: 1, downloaded: 3 });
    expect(b.s.stats.classify).toMatchObject({ fromParts: 0, partsRequests: 0, downloaded: 6 });
    expect(a.s.verdicts.get(refKey(listed.text))).toBe(null);
  });

  it('asks one content search per folder for every sign; a PDF message whose text holds one is downloaded, and kept', async () => {
    const { w, pdf: plainPdf } = mailbox({ partsListing: true });
    const signed = w.add({
      folderId: 'INBOX',
      raw: rawMessage({ subject: 'pdf, sign in text', text: 'voir le fichier joint (%PDF-1.4)', attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }),
      date: old,
      unread: false,
      flagged: false,
      hasAttachment: true,
      subject: 'pdf, sign in text',
      from: 'a',
    });
    const { s, p } = await plan(w);
    const content = w.searches.filter((q) => q.bodyContainsAny);
    expect(content.map((q) => [q.folderId, q.bodyContainsAny])).toEqual(
      ['INBOX', 'Trash', 'Junk']
        .filter((f) => s.candidates.some((c) => c.summary.ref.folderId === f))
        .map((f) => [f, [...HPRIM_MARKERS, ...DOCUMENT_SIGNS]]),
    );
    // Named by the search: a sign, which one unknown; its parts alone cannot label it, its bytes do.
    expect(s.candidates.find((c) => c.summary.ref.id === signed.id)!.signs).toEqual({ hprim: null, document: null });
    expect(s.candidates.find((c) => c.summary.ref.id === plainPdf.id)!.signs).toEqual({ hprim: false, document: false });
    expect(s.stats.classify).toMatchObject({ fromParts: 4, downloaded: 4 });
    expect(protectedIds(p)['pdf, sign in text']).toBe('clinical-pdf');
    expect(protectedIds(p).pdf).toBe('clinical-pdf');
  });

  it('downloads everything when the list request fails or the server cannot search content', async () => {
    const failing = mailbox({ partsListing: true });
    failing.w.failAttachments = true;
    const noSearch = mailbox({ partsListing: true, noContentSearch: true });
    for (const { w } of [failing, noSearch]) {
      const { s, p } = await plan(w);
      expect(protectedIds(p)).toEqual({ pdf: 'clinical-pdf', xdm: 'clinical-xdm', 'hprim text': 'clinical-hprim', 'hprim octet': 'clinical-hprim', disguised: 'clinical-pdf' });
      // Without content search only the XDM name still decides (the PDF's label could be HPRIM's).
      expect(s.stats.classify.fromParts).toBe(failing.w === w ? 0 : 1);
    }
  });
});

describe('structure searches (Webmail.partSearch, Roundcube on Dovecot)', () => {
  it('asks the three positive listings per folder on what is still open, and a failed one decides nothing', async () => {
    const { partFilter } = await import('../../../lib/webmail/roundcube/parse');
    const { PART_QUERIES, triage } = await import('../../../lib/features/cleanup/triage');
    expect(PART_QUERIES.map((p) => partFilter(p.q))).toEqual([
      'MIMEPART (FILENAME ENDS "ihe_xdm.zip")',
      'MIMEPART (OR (TYPE "application" SUBTYPE "pdf") OR (TYPE "application" SUBTYPE "x-pdf") FILENAME ENDS ".pdf") ' +
        'NOT MIMEPART ((NOT TYPE "text" NOT TYPE "multipart" NOT TYPE "image" NOT (TYPE "application" SUBTYPE "pdf") NOT (TYPE "application" SUBTYPE "x-pdf"))) ' +
        'NOT TEXT "****FIN****" NOT TEXT "****FINFICHIER****"',
      'NOT MIMEPART (OR (NOT TYPE "text" NOT TYPE "multipart") OR FILENAME ENDS ".pdf" FILENAME ENDS "ihe_xdm.zip") ' +
        'NOT TEXT "****FIN****" NOT TEXT "****FINFICHIER****" NOT TEXT "%PDF-" NOT TEXT "IHE_XDM"',
    ]);
    // What cannot be said exactly is not asked.
    expect(partFilter({ someAny: [{ type: 'application/pdf"' }] })).toBeNull();
    expect(partFilter({ textLacksAll: ['<b>'] })).toBeNull();

    const msg = (folderId: string, id: string) => ({ ref: { folderId, id }, date: 0, size: 1, sizePrecision: 0, from: '', subject: '', unread: false, flagged: false, hasAttachment: true });
    const asked: { folderId: string; ids: string[] }[] = [];
    const answers = [new Set(['1']), new Set(['2', '1']), null];
    const webmail = {
      capabilities: { folders: true, search: true, rawDownload: true, compose: false, maxBatch: 100, exactSizes: false },
      partSearch: async (folderId: string, ids: string[]) => {
        asked.push({ folderId, ids });
        const a = answers[asked.length - 1];
        if (!a) throw new Error('BAD');
        return a;
      },
    };
    const r = await triage(webmail, [msg('INBOX', '1'), msg('INBOX', '2'), msg('INBOX', '3')], () => undefined);
    expect(asked).toEqual([
      { folderId: 'INBOX', ids: ['1', '2', '3'] },
      { folderId: 'INBOX', ids: ['2', '3'] },
      { folderId: 'INBOX', ids: ['3'] },
    ]);
    expect([...r.verdicts]).toEqual([
      [refKey({ folderId: 'INBOX', id: '1' }), 'xdm'],
      [refKey({ folderId: 'INBOX', id: '2' }), 'pdf'],
    ]);
    expect(r.requests).toBe(3);
  });
});

describe('verdicts settled by triage and the cache', () => {
  it('caches them where the listed size is exact, so a second preview asks nothing', async () => {
    const { takeSnapshot } = await import('../../../lib/features/cleanup/plan');
    const rows = new Map<string, CachedVerdict>();
    const cache = {
      get: async (refs: { folderId: string; id: string }[]) => refs.flatMap((r) => (rows.has(refKey(r)) ? [rows.get(refKey(r))!] : [])),
      put: async (rs: CachedVerdict[]) => void rs.forEach((r) => rows.set(refKey(r), r)),
    };
    const pdf = Buffer.from('%PDF-1.4\n' + 'x'.repeat(2000), 'latin1');
    const w = new FakeWebmail({ partsListing: true });
    w.folderIds = ['INBOX', 'Trash', 'Junk'];
    const m = w.add({ folderId: 'INBOX', raw: rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }), date: Date.UTC(2024, 0, 10), unread: false, flagged: false, hasAttachment: true, subject: 'pdf', from: 'a' });
    const rules = defaultRules(defaultSettings().cleanup, await w.folders());
    const env = { webmail: w, bal: 'a@b.fr', origin: 'https://x.fr', now: () => Date.UTC(2026, 2, 15), cache };
    const first = await takeSnapshot(env, rules);
    expect(first.stats.classify).toMatchObject({ fromParts: 1, downloaded: 0, cached: 0 });
    expect(rows.get(refKey(m))).toEqual({ folderId: 'INBOX', id: m.id, size: m.raw.length, clinical: 'pdf' });
    const calls = w.attachmentCalls;
    const signSearches = () => w.searches.filter((q) => q.bodyContainsAny).length;
    const signs = signSearches();
    expect(signs).toBe(1);
    const second = await takeSnapshot(env, rules);
    expect(second.stats.classify).toMatchObject({ fromParts: 0, downloaded: 0, cached: 1, partsRequests: 0 });
    expect(w.attachmentCalls).toBe(calls);
    // Every message that needs a verdict has one in the cache: no sign search either.
    expect(signSearches()).toBe(signs);
    expect(second.verdicts.get(refKey(m))).toBe('pdf');
    // A new message in the folder needs one: the folder's sign search is asked again, and only then.
    w.add({ folderId: 'INBOX', raw: rawMessage({ attachments: [{ filename: 'cr2.pdf', contentType: 'application/pdf', data: pdf }] }), date: Date.UTC(2024, 0, 11), unread: false, flagged: false, hasAttachment: true, subject: 'pdf2', from: 'a' });
    const third = await takeSnapshot(env, rules);
    expect(signSearches()).toBe(signs + 1);
    expect(third.stats.classify).toMatchObject({ fromParts: 1, cached: 1, downloaded: 0 });
    // Rounded sizes (Roundcube): cached with how the message was listed (rounded size, precision, date), so the next
    // preview asks nothing either; the plan's figures stay rounded (a listed size is never taken for an exact one).
    rows.clear();
    const rounded = new FakeWebmail({ partsListing: true, sizes: 'rounded' });
    rounded.folderIds = ['INBOX', 'Trash', 'Junk'];
    const r = rounded.add({ folderId: 'INBOX', raw: rawMessage({ attachments: [{ filename: 'cr.pdf', contentType: 'application/pdf', data: pdf }] }), date: Date.UTC(2024, 0, 10), unread: false, flagged: false, hasAttachment: true, subject: 'pdf', from: 'a' });
    const renv = { ...env, webmail: rounded };
    const r1 = await takeSnapshot(renv, rules);
    expect(r1.stats.classify).toMatchObject({ fromParts: 1, downloaded: 0, cached: 0 });
    const listedRow = rows.get(refKey(r))!;
    const summary = r1.candidates.find((c) => c.summary.ref.id === r.id)!.summary;
    expect(summary.sizePrecision).toBeGreaterThan(0);
    expect(listedRow).toEqual({ folderId: 'INBOX', id: r.id, size: summary.size, clinical: 'pdf', listed: `${summary.size}~${summary.sizePrecision}@${summary.date}` });
    const rcalls = rounded.attachmentCalls;
    const r2 = await takeSnapshot(renv, rules);
    expect(r2.stats.classify).toMatchObject({ fromParts: 0, downloaded: 0, cached: 1, partsRequests: 0 });
    expect(rounded.attachmentCalls).toBe(rcalls);
    expect(r2.candidates.find((c) => c.summary.ref.id === r.id)!.summary.sizePrecision).toBe(summary.sizePrecision);
    // The same id listed otherwise (another date: another message after a UIDVALIDITY change): the row is not used.
    rows.set(refKey(r), { ...listedRow, listed: `${summary.size}~${summary.sizePrecision}@${summary.date! + 60_000}` });
    const r3 = await takeSnapshot(renv, rules);
    expect(r3.stats.classify).toMatchObject({ fromParts: 1, cached: 0 });
  });
});
