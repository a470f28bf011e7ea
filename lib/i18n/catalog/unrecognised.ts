import type { Catalog } from './types';

/** The notice shown when a webmail page lacks parts an adapter relies on (lib/features/unrecognised/). */
export default {
  unrecognisedNotice: {
    fr: 'Balise ne reconnaît pas cette page $1 : $2. Balise ne fait rien d’autre sur cette page.',
    en: 'Balise does not recognise this $1 page: $2. Balise does nothing else on this page.',
    note: '$1 = the webmail (Medimail…), $2 = the parts not found, comma-separated',
  },
  unrecognisedPartsUnknown: { fr: 'sa structure a changé', en: 'its structure has changed' },
  unrecognisedPart_pagination: { fr: 'la pagination de la liste (« Page X sur Y »)', en: 'the list’s paging (“Page X sur Y”)' },
  unrecognisedPart_rows: { fr: 'les lignes de la liste', en: 'the list’s rows' },
  unrecognisedPart_rowId: { fr: 'l’identifiant d’un message de la liste', en: 'the id of a message in the list' },
  unrecognisedPart_rowDate: { fr: 'la date d’un message de la liste', en: 'the date of a message in the list' },
  unrecognisedPart_folders: { fr: 'les dossiers par défaut du menu', en: 'the menu’s default folders' },
  unrecognisedPart_account: { fr: 'la boîte du compte (nom et adresse)', en: 'the account box (name and address)' },
  unrecognisedPart_message: { fr: 'le contenu du message', en: 'the message’s content' },
  unrecognisedPart_messageBody: { fr: 'le corps du message', en: 'the message’s body' },
  unrecognisedPart_messageParams: { fr: 'le bloc des documents et événements', en: 'the documents and events block' },
  unrecognisedPart_documents: { fr: 'la liste des documents joints', en: 'the list of attached documents' },
} satisfies Catalog;
