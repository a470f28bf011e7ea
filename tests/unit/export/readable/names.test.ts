import { describe, expect, it } from 'vitest';
import { attachmentFileName, cleanSubject, shortenSegment, FILE_UNITS, FOLDER_UNITS, messageFolderName, READABLE_PATH_UNITS, senderLabel, sortableStamp, UniqueNames } from '../../../../lib/export/readable/names';
import { utf8Length } from '../../../../lib/features/cleanup/export-names';

const T = { noSubject: '(sans objet)', noDate: 'sans date', noSender: 'expéditeur inconnu' };
const FORBIDDEN = /[<>:"/\\|?*\u0000-\u001f]/;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\.|$)/i;

function expectSafe(name: string, units: number) {
  expect(name, name).not.toMatch(FORBIDDEN);
  expect(name, name).not.toMatch(RESERVED);
  expect(name, name).not.toMatch(/[. ]$/);
  expect(name, name).not.toMatch(/^[. ]/);
  expect(name.length, name).toBeLessThanOrEqual(units);
  expect(utf8Length(name), name).toBeLessThanOrEqual(255);
  expect(name, name).toBe(name.normalize('NFC'));
}

describe('readable names: message folders', () => {
  const date = new Date(2025, 2, 2, 10, 15).getTime();

  it('sort by date and read as date, sender, subject', () => {
    const name = messageFolderName({ date, sender: 'Laboratoire Biopôle', subject: 'Résultats de biologie – M. DUPONT Jean' }, T);
    expect(name).toBe('2025-03-02 10h15 - Laboratoire Biopôle - Résultats de biologie – M. DUPONT Jean');
    expect(sortableStamp(new Date(2024, 11, 31, 23, 59).getTime())! < sortableStamp(date)!).toBe(true);
    expectSafe(name, FOLDER_UNITS);
  });

  it('hide the XDM/1.0/DDM+ prefix, and say when there is no date, sender or subject', () => {
    expect(cleanSubject('XDM/1.0/DDM+ECHOGRAPHIE ABDOMINALE DUPONT Jean 12/03/2024')).toBe('ECHOGRAPHIE ABDOMINALE DUPONT Jean 12/03/2024');
    const name = messageFolderName({ date: null, sender: '', subject: '  ' }, T);
    expect(name).toBe('0000-00-00 sans date - expéditeur inconnu - (sans objet)');
    const slashes = messageFolderName({ date, sender: 'CH <dpi@ch.fr>', subject: 'XDM/1.0/DDM+CR 12/03/2024: "urgent"?' }, T);
    expectSafe(slashes, FOLDER_UNITS);
    expect(slashes).toContain('CR 12-03-2024- _urgent__');
  });

  it('shorten long subjects and senders within the path budget, and never end on a dot or space', () => {
    const name = messageFolderName({ date, sender: 'Secrétariat de cardiologie interventionnelle – Centre hospitalier universitaire', subject: `${'Compte rendu très long '.repeat(30)}.` }, T);
    expectSafe(name, FOLDER_UNITS);
    expect(name.startsWith('2025-03-02 10h15 - Secrétariat')).toBe(true);
    expect(8 + 1 + FOLDER_UNITS + 1 + FILE_UNITS).toBeLessThanOrEqual(READABLE_PATH_UNITS);
    expect(READABLE_PATH_UNITS).toBeLessThan(200);
  });

  it('keep non-Latin text, in NFC, without bidi overrides or zero-width characters, within 255 bytes', () => {
    const nfd = 'Re\u0301sultats'.normalize('NFD');
    const cases = ['検査結果のお知らせ'.repeat(20), 'نتائج التحاليل'.repeat(20), '🩺🧪'.repeat(60), `${nfd} \u202eevil\u202c\u200b`, 'Ελληνικά αποτελέσματα'.repeat(10)];
    for (const subject of cases) {
      const name = messageFolderName({ date, sender: 'Лаборатория Иванов', subject }, T);
      expectSafe(name, FOLDER_UNITS);
      expect(name).not.toMatch(/[\u202a-\u202e\u200b]/);
      expect(name).not.toMatch(/[\ud800-\udbff]$/); // no surrogate cut in half
    }
    expect(messageFolderName({ date, sender: 'x', subject: nfd }, T)).toContain('Résultats');
  });

  it('cut long pieces at a word boundary, marked with an ellipsis', () => {
    expect(shortenSegment('Cabinet de radiologie du Colombier', 24)).toBe('Cabinet de radiologie…');
    expect(shortenSegment('Laboratoire', 24)).toBe('Laboratoire');
    expect(shortenSegment('Anticonstitutionnellement-long', 10)).toBe('Anticonst…');
    const name = messageFolderName({ date, sender: 'Cabinet de radiologie du Colombier', subject: "Compte rendu d'imagerie : Échographie thyroïdienne – M. GAUTHIER Hervé" }, T);
    expect(name).toMatch(/^2025-03-02 10h15 - Cabinet de radiologie(?: du)?… - Compte rendu d'imagerie - Échographie.*…$/);
    expectSafe(name, FOLDER_UNITS);
  });

  it('sender: display name, else the address', () => {
    expect(senderLabel({ name: '"Laboratoire X"', address: 'a@b.fr' })).toBe('Laboratoire X');
    expect(senderLabel({ name: '', address: 'resultats@labo.mssante.fr' })).toBe('resultats@labo.mssante.fr');
    expect(senderLabel(null)).toBe('');
  });
});

describe('readable names: attachments', () => {
  it('keep the name and its extension, made safe on Windows and macOS', () => {
    expect(attachmentFileName('CR_Dupont_20250302.pdf', 'application/pdf', 'piece-jointe-1')).toBe('CR_Dupont_20250302.pdf');
    expect(attachmentFileName('IHE_XDM.ZIP', 'application/zip', 'x')).toBe('IHE_XDM.ZIP');
    const weird = attachmentFileName('a<b>c:d"e|f?g*h.pdf', 'application/pdf', 'x');
    expect(weird).toBe('a_b_c-d_e_f_g_h.pdf');
    expect(attachmentFileName('C:\\Users\\dr\\Documents\\ordonnance.pdf', 'application/pdf', 'x')).toBe('ordonnance.pdf');
    expect(attachmentFileName('../../etc/passwd', 'text/plain', 'x')).toBe('passwd.txt');
    expect(attachmentFileName('.htaccess', null, 'x')).toBe('htaccess.bin');
  });

  it('rename Windows-reserved names, with or without an extension, whatever their case', () => {
    for (const n of ['CON', 'con.txt', 'Prn.pdf', 'AUX', 'nul.hpr', 'COM1.pdf', 'com9', 'LPT1.txt', 'lpt9.zip']) {
      const out = attachmentFileName(n, 'text/plain', 'x');
      expectSafe(out, FILE_UNITS);
      expect(out.startsWith('_')).toBe(true);
    }
    expect(attachmentFileName('console.txt', 'text/plain', 'x')).toBe('console.txt');
  });

  it('drop trailing dots and spaces, and name a nameless part from its type', () => {
    expect(attachmentFileName('rapport. . .', 'application/pdf', 'x')).toBe('rapport.pdf');
    expect(attachmentFileName('rapport .pdf', 'application/pdf', 'x')).toBe('rapport.pdf');
    expect(attachmentFileName(null, 'application/pdf', 'piece-jointe-2')).toBe('piece-jointe-2.pdf');
    expect(attachmentFileName('', 'application/x-unknown', 'piece-jointe-3')).toBe('piece-jointe-3.bin');
    expect(attachmentFileName('   ', 'image/jpeg', 'piece-jointe-4')).toBe('piece-jointe-4.jpg');
  });

  it('shorten long names but keep the extension; non-Latin names stay readable', () => {
    const long = attachmentFileName(`${'Compte_rendu_'.repeat(40)}.pdf`, 'application/pdf', 'x');
    expectSafe(long, FILE_UNITS);
    expect(long.endsWith('.pdf')).toBe(true);
    const cjk = attachmentFileName(`${'検査結果'.repeat(50)}.pdf`, 'application/pdf', 'x');
    expectSafe(cjk, FILE_UNITS);
    expect(cjk).toMatch(/^検査結果.*\.pdf$/);
    const emoji = attachmentFileName(`${'📄'.repeat(80)}.txt`, 'text/plain', 'x');
    expectSafe(emoji, FILE_UNITS);
    expect(emoji).not.toMatch(/[\ud800-\udbff]\.txt$/);
  });

  it('resolve collisions ignoring case and Unicode form, before the extension, keeping message.html free', () => {
    const names = new UniqueNames(['message.html']);
    expect(names.claim('resultats.pdf')).toBe('resultats.pdf');
    expect(names.claim('RESULTATS.PDF')).toBe('RESULTATS (2).PDF');
    expect(names.claim('resultats.pdf')).toBe('resultats (3).pdf');
    expect(names.claim('Message.HTML')).toBe('Message (2).HTML');
    expect(names.claim('IHE_XDM')).toBe('IHE_XDM');
    expect(names.claim('ihe_xdm')).toBe('ihe_xdm (2)');
    const nfc = 'Résultat.pdf';
    expect(names.claim(nfc)).toBe(nfc);
    expect(names.claim(nfc.normalize('NFD'))).toBe('Résultat (2).pdf'.normalize('NFD'));
  });
});
