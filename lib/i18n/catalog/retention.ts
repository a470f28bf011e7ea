import type { Catalog } from './types';

/** The retention meter: webmails with no quota but an automatic deletion of every message (Medimail: 90 days). */
export default {
  retentionMeterLoading: { fr: 'Conservation $1 j : recherche…', en: 'Kept $1 days: looking…' },
  retentionMeterNone: { fr: 'Conservation $1 j : rien d’effacé sous 7 jours', en: 'Kept $1 days: nothing deleted within 7 days' },
  retentionMeterOne: { fr: 'Conservation $1 j : 1 message effacé sous 7 jours', en: 'Kept $1 days: 1 message deleted within 7 days' },
  retentionMeterMany: { fr: 'Conservation $1 j : $2 messages effacés sous 7 jours', en: 'Kept $1 days: $2 messages deleted within 7 days' },
  retentionMeterError: { fr: 'Conservation $1 j : décompte impossible', en: 'Kept $1 days: could not count' },
  retentionMeterLong: {
    fr: 'Ce webmail efface automatiquement chaque message $1 jours après sa réception, dans tous les dossiers $2. Il n’indique aucun quota : Balise n’en affiche pas.',
    en: 'This webmail deletes every message automatically $1 days after it arrived, in every folder $2. It shows no quota: Balise shows none.',
  },
} satisfies Catalog;
