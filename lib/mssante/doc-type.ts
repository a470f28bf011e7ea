/**
 * What kind of clinical document a message carries, from what the message and its files say: its subject, its
 * sender, its attachments' names, the titles and codes in an XDM archive's METADATA.XML, and the clinical verdicts
 * (HPRIM by content, XDM, PDF). The one classifier of document types: the readable export shows it in its index and
 * on each message's page, the cleanup preview beside each message it lists (from what a list gives: subject, sender,
 * the paperclip, the preview's verdicts). To find a result at a glance: never used to delete or file anything.
 *
 * Safe direction: 'autre' unless the words say one kind. A message without any document (no attachment, no
 * HPRIM) is 'autre' whatever its subject (newsletters speak of "biologie" too); two specific kinds at once
 * (biologie and imagerie) is 'autre'; "compte rendu" alone, without a more specific word, is 'compte-rendu'.
 */

export const DOC_TYPES = ['biologie', 'imagerie', 'compte-rendu', 'lettre', 'synthese', 'autre'] as const;
export type DocType = (typeof DOC_TYPES)[number];

/** What makes a message clinical (the export's classifier's kinds). */
export type ClinicalKind = 'xdm' | 'hprim' | 'pdf';

export interface DocTypeInput {
  subject: string;
  sender?: string;
  attachmentNames: string[];
  /**
   * The host says the message has attachments, names unknown (a message list's paperclip). Without it, only
   * `attachmentNames` and `kinds` say whether the message carries a document.
   */
  hasAttachment?: boolean | null;
  /** Kinds found in this message (any order). */
  kinds: ClinicalKind[];
  /** From XDM metadata: titles, class and type display names. */
  xdmTexts?: string[];
  /** From XDM metadata: type codes (LOINC) and class codes. */
  xdmCodes?: string[];
}

/** Lower case, no accents, apostrophes and dashes made plain: what the patterns below match. */
export function normalizeWords(s: string): string {
  return (s ?? '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[’‘`´]/g, "'")
    .replace(/[_–—-]+/g, ' ');
}

const SPECIFIC: [Exclude<DocType, 'compte-rendu' | 'autre'>, RegExp][] = [
  ['biologie', /\bbiolog|\bexamens? biolog|\banalyses?\b|\blaboratoire\b|\blabo\b|\bhprim\b|\bhnet\b|\bbilan sanguin|\bhemogramme|\bnfs\b|\bserolog/],
  ['imagerie', /\bimagerie|\bradiolog|\bradiographie|\bradio\b|\bechograph|\becho ?doppler|\bdoppler|\bscanner\b|\btdm\b|\birm\b|\bmammograph|\bscintigraph|\bosteodensitometrie|\bscore calcique|\btep\b|\bpet scan/],
  ['synthese', /\bsynthese\b|\bvolet de synthese|\bvsm\b|\bepisode de soins|\bsejour\b/],
  ['lettre', /\blettre\b|\bcourrier\b/],
];
const REPORT = /\bcompte rendu|\bcr\b|\bconsultation\b|\bvisite\b|\boperatoire\b|\bfiche de\b/;

/** LOINC document codes seen in French XDS metadata (typeCode) that name one kind without doubt. */
const CODES: Record<string, DocType> = {
  '11502-2': 'biologie', // laboratory report
  '18748-4': 'imagerie', // diagnostic imaging study
  '34133-9': 'synthese', // summary of episode note
  '60591-5': 'synthese', // patient summary
  '11490-0': 'lettre', // discharge summary (lettre de sortie)
  '11488-4': 'compte-rendu', // consult note
  '34874-8': 'compte-rendu', // surgical operation note
};

function fromWords(text: string): DocType | null {
  const found = new Set<DocType>();
  for (const [type, re] of SPECIFIC) if (re.test(text)) found.add(type);
  // "Lettre d'information", "lettre de liaison … synthèse": a newsletter is not a letter about a patient, and two
  // kinds at once is unsure.
  if (/\blettre d'information|\bnewsletter/.test(text)) found.delete('lettre');
  if (found.size === 1) return [...found][0]!;
  if (found.size > 1) return 'autre';
  return REPORT.test(text) ? 'compte-rendu' : null;
}

export function docType(input: DocTypeInput): DocType {
  const hasDocument = input.kinds.length > 0 || input.attachmentNames.length > 0 || input.hasAttachment === true;
  if (!hasDocument) return 'autre';
  // The XDM's own codes first: the sender's software chose them.
  const coded = new Set((input.xdmCodes ?? []).map((c) => CODES[c.trim()]).filter((t): t is DocType => !!t));
  if (coded.size === 1) return [...coded][0]!;
  if (coded.size > 1) return 'autre';
  const xdm = fromWords(normalizeWords((input.xdmTexts ?? []).join(' \n ')));
  if (xdm && xdm !== 'autre') return xdm;
  const words = fromWords(normalizeWords([input.subject, ...input.attachmentNames].join(' \n ')));
  if (words && words !== 'autre') return words;
  if (words === 'autre' || xdm === 'autre') return 'autre';
  // An HPRIM result is a lab's (or, rarely, a radiology practice's: then its words said so above).
  if (input.kinds.includes('hprim')) return 'biologie';
  const sender = fromWords(normalizeWords(input.sender ?? ''));
  if (sender === 'biologie' || sender === 'imagerie') return sender;
  return 'autre';
}
