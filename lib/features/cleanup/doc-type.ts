/**
 * The document type of a message the cleanup preview lists (biologie, imagerie, compte rendu, lettre, synthèse,
 * autre), as MailizClean shows it: from what the list gives (subject, sender, the paperclip) and the preview's own
 * clinical verdicts (its protections 'clinical-xdm' / 'clinical-hprim' / 'clinical-pdf'). The classifier is the one
 * the readable export uses (lib/mssante/doc-type.ts), its labels the export's: one source for both. Shown to help
 * the person decide what to keep; never used to choose what moves.
 */
import { docType, type ClinicalKind, type DocType } from '../../mssante/doc-type';
import { DOC_TYPE_KEYS } from '../../export/readable/texts';
import { t, type MessageKey } from '../../i18n/t';
import type { PlannedMessage, Protection } from './types';

const KIND_OF: Partial<Record<Protection, ClinicalKind>> = { 'clinical-xdm': 'xdm', 'clinical-hprim': 'hprim', 'clinical-pdf': 'pdf' };

export function previewDocType(m: Pick<PlannedMessage, 'summary' | 'protections'>): DocType {
  const kinds = m.protections.map((p) => KIND_OF[p]).filter((k): k is ClinicalKind => !!k);
  return docType({ subject: m.summary.subject, sender: m.summary.from, attachmentNames: [], hasAttachment: m.summary.hasAttachment, kinds });
}

export function docTypeText(type: DocType): string {
  return t(DOC_TYPE_KEYS[type] as MessageKey);
}
