import { describe, expect, it } from 'vitest';
import { docType, type DocTypeInput } from '../../../lib/mssante/doc-type';

const pdf = (subject: string, extra: Partial<DocTypeInput> = {}): DocTypeInput => ({ subject, attachmentNames: ['document.pdf'], kinds: ['pdf'], ...extra });

describe('document type', () => {
  it('reads the subjects real hospital and lab software writes (Mailiz notes)', () => {
    expect(docType(pdf("XDM/1.0/DDM+CR d'examens biologiques - DUPONT Jean 12/03/2024", { kinds: ['xdm'] }))).toBe('biologie');
    expect(docType(pdf('Document LETTRE de DUPONT Jean (12 03 2024)'))).toBe('lettre');
    expect(docType(pdf("Synthèse d'épisode de soins"))).toBe('synthese');
    expect(docType(pdf('CR ou fiche de consultation ou de visite'))).toBe('compte-rendu');
    expect(docType(pdf("CR d'imagerie médicale"))).toBe('imagerie');
    expect(docType(pdf('SCORE CALCIQUE'))).toBe('imagerie');
    expect(docType(pdf('XDM/1.0/DDM+ECHOGRAPHIE ABDOMINALE DUPONT Jean 12/03/2024', { kinds: ['xdm'] }))).toBe('imagerie');
    expect(docType(pdf('Résultats hnet 2024-03-12'))).toBe('biologie');
  });

  it('reads the seeded mailbox’s subjects', () => {
    expect(docType({ subject: "Résultats d'analyses – M. DUPONT Jean", attachmentNames: [], kinds: ['hprim'] })).toBe('biologie');
    expect(docType({ subject: '[HPRIM] Résultats DUPONT Jean', attachmentNames: [], kinds: ['hprim'] })).toBe('biologie');
    // Nothing in the words: an HPRIM result is a lab's.
    expect(docType({ subject: 'Résultats DUPONT Jean du 12/03/2025', attachmentNames: ['25A1234567.hpr'], kinds: ['hprim'] })).toBe('biologie');
    expect(docType(pdf('Compte rendu de biologie – Mme MARTIN Claire'))).toBe('biologie');
    expect(docType(pdf("Compte rendu d'imagerie : IRM du genou droit – M. PETIT Louis"))).toBe('imagerie');
    expect(docType(pdf("Compte rendu d'imagerie : Échodoppler des membres inférieurs – M. PETIT Louis"))).toBe('imagerie');
    expect(docType(pdf("CR d'hospitalisation – M. PETIT Louis"))).toBe('compte-rendu');
    expect(docType(pdf('Compte rendu opératoire – Mme ROUX Anne'))).toBe('compte-rendu');
    expect(docType(pdf('Lettre de sortie – Mme ROUX Anne'))).toBe('lettre');
    expect(docType(pdf('Courrier de consultation – Cardiologie – M. PETIT'))).toBe('lettre');
    expect(docType(pdf('Document DMP : Synthèse médicale – M. PETIT Louis', { kinds: ['xdm'] }))).toBe('synthese');
    expect(docType(pdf('[MSSanté] Lettre de liaison – PETIT Louis', { kinds: ['xdm'] }))).toBe('lettre');
    expect(docType(pdf("[MSSanté] Compte rendu d'examen – PETIT Louis", { kinds: ['xdm'] }))).toBe('compte-rendu');
  });

  it('prefers the XDM metadata: codes, then titles', () => {
    expect(docType(pdf('[MSSanté] Document – PETIT Louis', { kinds: ['xdm'], xdmCodes: ['11502-2', '10'] }))).toBe('biologie');
    expect(docType(pdf('Lettre de liaison', { kinds: ['xdm'], xdmCodes: ['18748-4'] }))).toBe('imagerie');
    expect(docType(pdf('Document', { kinds: ['xdm'], xdmTexts: ['Synthèse de séjour'] }))).toBe('synthese');
    // Two documents of different kinds in one archive: unsure.
    expect(docType(pdf('Document', { kinds: ['xdm'], xdmCodes: ['11502-2', '18748-4'] }))).toBe('autre');
  });

  it('says autre when unsure: no document, newsletters, two kinds at once, no words', () => {
    expect(docType({ subject: 'Webinaire : biologie et imagerie du diabète', attachmentNames: [], kinds: [] })).toBe('autre');
    expect(docType({ subject: 'Compte rendu de biologie – M. X', attachmentNames: [], kinds: [] })).toBe('autre');
    expect(docType(pdf("Lettre d'information n°42 – Actualités médicales"))).toBe('autre');
    expect(docType(pdf('Bilan sanguin et radiographie du thorax – M. X'))).toBe('autre');
    expect(docType(pdf('Planning des consultations – semaine 12', { attachmentNames: ['Planning_20250302.pdf'] }))).toBe('autre');
    expect(docType(pdf('Campagne de vaccination antigrippale 2025-2026'))).toBe('autre');
    expect(docType(pdf('Re: Garde du week-end'))).toBe('autre');
    expect(docType(pdf('Document', { attachmentNames: ['scan0001.pdf'] }))).toBe('autre');
  });

  it('uses the sender only for labs and imaging centres, and only with a document', () => {
    expect(docType(pdf('Dossier 25A1234567', { sender: 'Laboratoire Biopôle Rennes' }))).toBe('biologie');
    expect(docType(pdf('Dossier 123', { sender: 'Centre d’imagerie du Thabor' }))).toBe('imagerie');
    expect(docType({ subject: 'Vœux', sender: 'Laboratoire Biopôle', attachmentNames: [], kinds: [] })).toBe('autre');
  });

  it('takes a list’s paperclip (names unknown) as a document', () => {
    expect(docType({ subject: 'Compte rendu de biologie', attachmentNames: [], kinds: [], hasAttachment: true })).toBe('biologie');
    expect(docType({ subject: 'Compte rendu de biologie', attachmentNames: [], kinds: [], hasAttachment: false })).toBe('autre');
    expect(docType({ subject: 'Compte rendu de biologie', attachmentNames: [], kinds: [], hasAttachment: null })).toBe('autre');
  });
});
