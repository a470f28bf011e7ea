import type { Catalog } from './types';

export default {
  popupHeading: { fr: 'Mes BAL MSSanté', en: 'My MSSanté mailboxes' },
  popupNoBal: {
    fr: 'Aucune BAL vue pour l’instant. Ajoutez l’adresse de votre webmail MSSanté dans les options, puis ouvrez-le : Balise s’y affichera.',
    en: 'No mailbox seen yet. Add your MSSanté webmail’s address in the options, then open it: Balise shows up there.',
  },
  popupLooking: {
    fr: 'Balise cherche votre BAL sur cette page…',
    en: 'Balise is looking for your mailbox on this page…',
  },
  popupNotFoundHere: {
    fr: 'Balise est activé sur ce webmail mais n’y a pas encore reconnu de BAL. Ouvrez votre boîte de réception dans cet onglet : Balise s’y affichera.',
    en: 'Balise is on for this webmail but has not recognised a mailbox there yet. Open your inbox in this tab: Balise shows up there.',
  },
  popupOpenOptions: { fr: 'Options et webmails', en: 'Options and webmails' },
  popupWebmails: { fr: 'Webmails autorisés : $1', en: 'Allowed webmails: $1' },
  popupThresholds: { fr: 'Alerte à $1 %, critique à $2 %', en: 'Warning at $1%, critical at $2%' },
} satisfies Catalog;
