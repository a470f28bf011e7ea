import type { Catalog } from './types';

/** The notice shown when the webmail's page no longer has what Balise reads (lib/features/unrecognised/). */
export default {
  unrecognisedTitle: { fr: 'Balise ne reconnaît pas cette page', en: 'Balise does not recognise this page' },
  unrecognisedBody: {
    fr: 'Votre webmail a changé : Balise n’y trouve plus certains éléments et reste en retrait pour ne rien casser.',
    en: 'Your webmail has changed: Balise cannot find some parts of it and stays out of the way so as to break nothing.',
  },
  unrecognisedMissing: { fr: 'Éléments introuvables : $1', en: 'Parts not found: $1' },
  unrecognisedDismiss: { fr: 'Masquer', en: 'Hide' },
} satisfies Catalog;
