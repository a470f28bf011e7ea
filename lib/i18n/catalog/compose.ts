/** Texts on webmail pages: the signature buttons, the compose checks, the context-menu entry. */
import type { Catalog } from './types';

export default {
  sigInsert: { fr: 'Insérer ma signature', en: 'Insert my signature' },
  sigInsertTitle: {
    fr: 'Remplace la signature du message par la vôtre, avec l’adresse de votre BAL préférée',
    en: 'Replaces the message’s signature with yours, carrying your preferred mailbox’s address',
  },
  sigRemove: { fr: 'Retirer la signature', en: 'Remove the signature' },
  sigInserted: { fr: 'Signature insérée.', en: 'Signature inserted.' },
  sigRemoved: { fr: 'Signature retirée.', en: 'Signature removed.' },
  sigFailed: { fr: 'La signature n’a pas pu être modifiée : $1', en: 'The signature could not be changed: $1' },
  sigAskUnknownOrigin: {
    fr: 'Balise : insérer votre signature (nom, RPPS, téléphone, BAL) sur $1 ? Ce site n’est ni un de vos webmails ni un webmail MSSanté connu.',
    en: 'Balise: insert your signature (name, RPPS, phone, mailbox) on $1? This site is neither one of your webmails nor a known MSSanté webmail.',
  },
  sigMenuInsert: { fr: 'Insérer ma signature MSSanté (Balise)', en: 'Insert my MSSanté signature (Balise)' },
  sigNoField: {
    fr: 'Balise : cliquez d’abord dans la zone de texte où placer votre signature, puis recommencez.',
    en: 'Balise: first click in the text area where your signature should go, then try again.',
  },
  ccLabel: { fr: 'Vérifications Balise avant envoi', en: 'Balise checks before sending' },
  ccNonMssante: {
    fr: 'Hors MSSanté : $1. Ce message sortira de l’espace de confiance MSSanté : n’y mettez pas de données de santé.',
    en: 'Outside MSSanté: $1. This message will leave the MSSanté trust space: do not put health data in it.',
  },
  ccInsKey: {
    fr: 'Adresse patient $1 : la clé du numéro INS (les 2 derniers chiffres) ne correspond pas. Le numéro est sans doute mal saisi : vérifiez-le dans le dossier du patient.',
    en: 'Patient address $1: the INS number’s key (its last 2 digits) does not match. The number is probably mistyped: check it in the patient’s record.',
  },
  ccInsLength: {
    fr: 'Adresse patient $1 : le numéro INS doit compter exactement 15 caractères. Vérifiez-le dans le dossier du patient.',
    en: 'Patient address $1: the INS number must be exactly 15 characters long. Check it in the patient’s record.',
  },
  ccInsFormat: {
    fr: 'Adresse patient $1 : le numéro INS ne doit contenir que des chiffres (et 2A ou 2B pour une naissance en Corse). Vérifiez-le dans le dossier du patient.',
    en: 'Patient address $1: the INS number may only hold digits (and 2A or 2B for a birth in Corsica). Check it in the patient’s record.',
  },
  ccInsOther: {
    fr: 'Adresse patient $1 : ce n’est pas une adresse patient valide (numéro INS suivi de @patient.mssante.fr).',
    en: 'Patient address $1: this is not a valid patient address (INS number followed by @patient.mssante.fr).',
  },
  ccAttachments: {
    fr: 'Pièces jointes : $1 au total, au-delà de la limite de $2 Mo de votre messagerie. Le message risque d’être refusé : envoyez-les en plusieurs messages.',
    en: 'Attachments: $1 in total, above your mail service’s $2 MB limit. The message may be refused: send them in several messages.',
  },
  ccNotPreferred: {
    fr: 'Vous écrivez depuis $1, mais votre BAL préférée pour « $3 » est $2. Vos correspondants risquent de vous répondre à une adresse que vous ne relevez pas.',
    en: 'You are writing from $1, but your preferred mailbox for “$3” is $2. Your correspondents may reply to an address you do not check.',
  },
  ccNotPreferredNoSituation: {
    fr: 'Vous écrivez depuis $1, mais votre BAL préférée est $2. Vos correspondants risquent de vous répondre à une adresse que vous ne relevez pas.',
    en: 'You are writing from $1, but your preferred mailbox is $2. Your correspondents may reply to an address you do not check.',
  },
  ccFinReminder: {
    fr: 'Message à un patient : il pourra vous répondre. Pour clore l’échange, envoyez-lui un message dont l’objet est exactement [FIN].',
    en: 'Message to a patient: they will be able to reply. To close the conversation, send them a message whose subject is exactly [FIN].',
  },
  ccFinButton: { fr: 'Clore l’échange : objet [FIN]', en: 'Close the conversation: subject [FIN]' },
  ccFinDone: {
    fr: 'L’objet est [FIN] : après l’envoi, le patient ne pourra plus vous répondre.',
    en: 'The subject is [FIN]: once sent, the patient can no longer reply to you.',
  },
  ccFinManual: {
    fr: 'Pour clore l’échange, écrivez exactement [FIN] dans l’objet (5 caractères, crochets compris).',
    en: 'To close the conversation, type exactly [FIN] in the subject (5 characters, brackets included).',
  },
  ccFinNear: {
    fr: 'L’objet ressemble à [FIN] sans l’être exactement : l’échange ne sera pas clos.',
    en: 'The subject looks like [FIN] but is not exactly it: the conversation will not be closed.',
  },
  ccNeverBlocks: {
    fr: 'Ces avertissements n’empêchent pas l’envoi.',
    en: 'These warnings do not stop you from sending.',
  },
} satisfies Catalog;
