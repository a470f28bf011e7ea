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
  expiryNotifyTitle: { fr: 'Des messages vont être supprimés', en: 'Messages are about to be deleted' },
  expiryNotifyBodyOne: {
    fr: 'Votre webmail supprime les messages après $3 jours : 1 message de $1 sera supprimé le $2. Gardez-en une copie si vous en avez besoin.',
    en: 'Your webmail deletes messages after $3 days: 1 message of $1 will be deleted on $2. Keep a copy if you need it.',
  },
  expiryNotifyBodyMany: {
    fr: 'Votre webmail supprime les messages après $4 jours : $2 messages de $1 seront supprimés dans les 7 jours, le premier le $3. Gardez-en une copie si vous en avez besoin.',
    en: 'Your webmail deletes messages after $4 days: $2 messages of $1 will be deleted within 7 days, the first on $3. Keep a copy if you need it.',
  },
  expiryNotifyButton: { fr: 'Ouvrir le webmail', en: 'Open the webmail' },
  retentionKeepCopy: { fr: 'Garder une copie…', en: 'Keep a copy…', note: 'Button beside the retention meter (data-action="keep-copy").' },
  retentionPanelTitle: { fr: 'Garder une copie avant la suppression automatique', en: 'Keep a copy before the automatic deletion' },
  retentionKeepReminder: {
    fr: 'Les documents de santé de vos patients ont leur place dans votre logiciel de dossier patient : classez-y ce qui doit être conservé. Cette copie sert à ne rien perdre d’ici là.',
    en: 'Your patients’ health documents belong in your patient record software: file there what must be kept. This copy is so that nothing is lost meanwhile.',
  },
  retentionExportExpiring: {
    fr: 'Les messages effacés dans les 7 prochains jours ($1)',
    en: 'The messages deleted in the next 7 days ($1)',
    note: '$1: how many. A choice of the export view.',
  },
  retentionExportAll: { fr: 'Tous les messages, dans tous les dossiers', en: 'Every message, in every folder', note: 'A choice of the export view.' },
  retentionExportFilename: { fr: 'Copie avant suppression automatique $1', en: 'Copy before automatic deletion $1', note: 'Zip name; $1: date YYYY-MM-DD.' },
  retentionExportAllFilename: { fr: 'Export Balise complet $1', en: 'Balise full export $1', note: 'Zip name; $1: date YYYY-MM-DD.' },
} satisfies Catalog;
