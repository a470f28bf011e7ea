/** The document type the cleanup preview shows beside each message: the export's classifier, on what a list gives. */
import { describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { docTypeText, previewDocType } from '../../../lib/features/cleanup/doc-type';
import type { Protection } from '../../../lib/features/cleanup/types';
import readableCatalog from '../../../lib/i18n/catalog/readable';

const msg = (subject: string, o: { from?: string; hasAttachment?: boolean | null; protections?: Protection[] } = {}) => ({
  summary: { ref: { folderId: 'INBOX', id: '1' }, date: 0, size: 1000, sizePrecision: 0, from: o.from ?? 'Dr X <x@ch.mssante.fr>', subject, unread: false, flagged: false, hasAttachment: o.hasAttachment === undefined ? true : o.hasAttachment },
  protections: o.protections ?? [],
});

describe('the preview’s document type', () => {
  it('reads the subjects MailizClean sorts (the Mailiz notes), with the paperclip as the only sign of a document', () => {
    expect(previewDocType(msg("XDM/1.0/DDM+CR d'examens biologiques - DUPONT Jean 12/03/2024"))).toBe('biologie');
    expect(previewDocType(msg("CR d'imagerie médicale"))).toBe('imagerie');
    expect(previewDocType(msg('SCORE CALCIQUE'))).toBe('imagerie');
    expect(previewDocType(msg('CR ou fiche de consultation ou de visite'))).toBe('compte-rendu');
    expect(previewDocType(msg('Document LETTRE de DUPONT Jean (12 03 2024)'))).toBe('lettre');
    expect(previewDocType(msg("Synthèse d'épisode de soins"))).toBe('synthese');
  });

  it('uses the preview’s clinical verdicts: an HPRIM result is biologie, a document without words is autre', () => {
    expect(previewDocType(msg('Résultats DUPONT Jean du 12/03/2025', { hasAttachment: false, protections: ['clinical-hprim'] }))).toBe('biologie');
    expect(previewDocType(msg('Document', { protections: ['clinical-pdf', 'recent'] }))).toBe('autre');
  });

  it('says autre for a message without a document, whatever its words (a newsletter on biology)', () => {
    expect(previewDocType(msg('La lettre de la biologie médicale', { hasAttachment: false }))).toBe('autre');
    expect(previewDocType(msg('Compte rendu de biologie', { hasAttachment: null }))).toBe('autre');
  });

  it('labels every type in French and English, with the export’s labels', () => {
    const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
    i18n.getMessage = (key: string) => (readableCatalog as Record<string, { fr: string }>)[key]?.fr ?? '';
    expect(docTypeText('biologie')).toBe('Biologie');
    expect(docTypeText('compte-rendu')).toBe('Compte rendu');
    for (const k of ['biologie', 'imagerie', 'compte_rendu', 'lettre', 'synthese', 'autre']) {
      const e = (readableCatalog as Record<string, { fr: string; en: string }>)[`readable_type_${k}`]!;
      expect(e.fr && e.en).toBeTruthy();
    }
  });
});
