import type { Catalog } from './types';

export default {
  popupHeading: { fr: 'Mes BAL MSSanté', en: 'My MSSanté mailboxes' },
  popupNoBal: {
    fr: 'Aucune BAL vue pour l’instant. Ajoutez l’adresse de votre webmail MSSanté dans les options, puis ouvrez-le : Balise s’y affichera.',
    en: 'No mailbox seen yet. Add your MSSanté webmail’s address in the options, then open it: Balise shows up there.',
  },
  popupOpenOptions: { fr: 'Options et webmails', en: 'Options and webmails' },
  popupWebmails: { fr: 'Webmails autorisés : $1', en: 'Allowed webmails: $1' },
  popupThresholds: { fr: 'Alerte à $1 %, critique à $2 %', en: 'Warning at $1%, critical at $2%' },
} satisfies Catalog;
