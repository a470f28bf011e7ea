import type { Catalog } from './types';

/** The notice shown when the webmail's page no longer has what Balise reads (lib/features/unrecognised/). */
export default {
  unrecognisedTitle: {
    fr: 'Balise ne reconnaît pas cette page $1 : $2',
    en: 'Balise does not recognise this $1 page: $2',
    note: '$1 = the webmail (Medimail…), $2 = the parts not found, in words, comma-separated',
  },
  unrecognisedBody: {
    fr: 'Votre webmail a changé : Balise n’y trouve plus certains éléments et reste en retrait pour ne rien casser.',
    en: 'Your webmail has changed: Balise cannot find some parts of it and stays out of the way so as to break nothing.',
  },
  unrecognisedMissing: { fr: 'Éléments introuvables : $1', en: 'Parts not found: $1' },
  unrecognisedDismiss: { fr: 'Masquer', en: 'Hide' },
  unrecognisedPartsUnknown: { fr: 'sa structure a changé', en: 'its structure has changed' },
  // Parts in words (adapters' part names; a name without words is shown as it is).
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
