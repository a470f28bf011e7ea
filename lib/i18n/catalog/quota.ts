import type { Catalog } from './types';

/** The quota meter (webmail page), its toolbar badge and notifications, and the popup's BAL cards. */
export default {
  // Meter on the webmail page
  quotaBrand: { fr: 'Balise', en: 'Balise', note: 'Short name shown at the start of the meter.' },
  quotaLoading: { fr: 'Lecture de l’espace utilisé…', en: 'Reading the space used…' },
  quotaUnknownShort: { fr: 'quota inconnu', en: 'quota unknown' },
  quotaUnknownLong: {
    fr: 'Le serveur n’indique pas l’espace utilisé de cette boîte. Afficher le détail.',
    en: 'The server does not tell how much space this mailbox uses. Show details.',
  },
  quotaUnavailableShort: { fr: 'quota indisponible', en: 'quota unavailable' },
  quotaUnavailableLong: {
    fr: 'Impossible de lire l’espace utilisé pour le moment. Afficher le détail.',
    en: 'The space used cannot be read right now. Show details.',
  },
  quotaUnlimitedShort: { fr: '$1 · sans limite', en: '$1 · no limit' },
  quotaUnlimitedLong: { fr: 'Espace utilisé : $1. Cette boîte n’a pas de limite.', en: 'Space used: $1. This mailbox has no limit.' },
  quotaUsedLong: { fr: 'Espace utilisé : $1 sur $2 ($3).', en: 'Space used: $1 of $2 ($3).' },
  quotaReadAt: { fr: 'Lu le $1.', en: 'Read on $1.' },
  quotaLevelOk: { fr: 'Tout va bien', en: 'All fine' },
  quotaLevelWarn: { fr: 'Attention : la boîte se remplit', en: 'Warning: the mailbox is filling up' },
  quotaLevelCrit: {
    fr: 'Boîte presque pleine : les nouveaux messages risquent d’être refusés',
    en: 'Mailbox nearly full: new messages may be refused',
  },

  // Details panel
  quotaPanelTitle: { fr: 'Espace de la boîte aux lettres', en: 'Mailbox space' },
  quotaPanelTitleFor: { fr: 'Espace de la boîte $1', en: 'Space of mailbox $1' },
  quotaClose: { fr: 'Fermer', en: 'Close' },
  quotaSummaryHeading: { fr: 'Résumé', en: 'Summary' },
  quotaUsedOf: { fr: '$1 utilisés sur $2', en: '$1 used of $2' },
  quotaWarnAdvice: {
    fr: 'La boîte se remplit. Faites de la place bientôt : une boîte pleine refuse les messages (résultats, courriers de sortie…).',
    en: 'The mailbox is filling up. Make room soon: a full mailbox refuses messages (results, discharge letters…).',
  },
  quotaCritAdvice: {
    fr: 'La boîte est presque pleine : les prochains messages peuvent être refusés. Faites de la place maintenant.',
    en: 'The mailbox is nearly full: the next messages may be refused. Make room now.',
  },
  quotaRetry: { fr: 'Relire l’espace utilisé', en: 'Read the space used again' },
  quotaOpenCleanup: { fr: 'Faire de la place…', en: 'Make room…' },
  quotaOpenLargest: { fr: 'Les plus gros messages…', en: 'Largest messages…' },
  quotaTrashHeading: { fr: 'Corbeille', en: 'Trash' },
  quotaTrashReclaim: { fr: 'Vider la corbeille libérerait $1 ($2).', en: 'Emptying the trash would free $1 ($2).' },
  quotaTrashEmpty: { fr: 'La corbeille est vide.', en: 'The trash is empty.' },
  quotaTrashUnknown: { fr: 'Le webmail n’indique pas la taille de la corbeille.', en: 'The webmail does not tell the size of the trash.' },
  quotaTrashNote: {
    fr: 'Les messages mis à la corbeille comptent encore dans l’espace utilisé, jusqu’à ce qu’elle soit vidée.',
    en: 'Messages in the trash still count in the space used until the trash is emptied.',
  },
  quotaFoldersHeading: { fr: 'Taille des dossiers (les plus gros d’abord)', en: 'Folder sizes (largest first)' },
  quotaLoadingFolders: { fr: 'Lecture des dossiers…', en: 'Reading the folders…' },
  quotaLoadingFoldersSlow: {
    fr: 'Ce webmail calcule la taille de chaque dossier à la demande : cela peut prendre quelques secondes.',
    en: 'This webmail works out each folder’s size on demand: it can take a few seconds.',
  },
  quotaNoFolders: { fr: 'Aucun dossier trouvé.', en: 'No folder found.' },
  quotaSizeUnknown: { fr: 'taille inconnue', en: 'size unknown' },
  quotaOneMessage: { fr: '1 message', en: '1 message' },
  quotaMessages: { fr: '$1 messages', en: '$1 messages' },
  quotaPrecision: { fr: 'Taille arrondie par le webmail (à $1 près)', en: 'Size rounded by the webmail (within $1)' },
  quotaApproxNote: {
    fr: '« ≈ » : le webmail ne donne que des tailles arrondies.',
    en: '"≈": the webmail only gives rounded sizes.',
  },
  quotaRetentionHeading: { fr: 'Suppressions automatiques', en: 'Automatic deletions' },
  quotaRetentionLoading: { fr: 'Recherche des messages bientôt supprimés par le serveur…', en: 'Looking for messages the server will soon delete…' },
  quotaRetentionNone: {
    fr: 'Aucune suppression automatique connue pour cette boîte.',
    en: 'No automatic deletion is known for this mailbox.',
  },
  quotaScopeTrash: { fr: 'la corbeille est vidée après $1 jours', en: 'the trash is emptied after $1 days' },
  quotaScopeJunk: { fr: 'les indésirables sont effacés après $1 jours', en: 'junk mail is deleted after $1 days' },
  quotaScopeAll: { fr: 'les messages sont effacés après $1 jours', en: 'messages are deleted after $1 days' },
  quotaExpiringNone: { fr: 'Rien ne sera supprimé dans les 7 prochains jours ($1).', en: 'Nothing will be deleted in the next 7 days ($1).' },
  quotaExpiringUpTo: {
    fr: 'Jusqu’à $1 messages ($2) peuvent être supprimés automatiquement dans les 7 prochains jours ($3).',
    en: 'Up to $1 messages ($2) may be deleted automatically in the next 7 days ($3).',
  },
  quotaExpiringAbout: {
    fr: '$1 messages ($2) seront supprimés automatiquement dans les 7 prochains jours ($3).',
    en: '$1 messages ($2) will be deleted automatically in the next 7 days ($3).',
  },
  quotaSourceBal: { fr: '(durée indiquée dans vos réglages)', en: '(lifetime from your settings)' },
  quotaSourceOperator: { fr: '(durée annoncée par l’opérateur)', en: '(lifetime published by the operator)' },
  quotaExportIntro: {
    fr: 'Gardez une copie de ces messages avant qu’ils ne soient effacés : un fichier zip, vérifié après enregistrement. Rien n’est supprimé.',
    en: 'Keep a copy of these messages before they are deleted: a zip file, checked once saved. Nothing is deleted.',
  },
  quotaExportFilename: { fr: 'Copie avant suppression automatique $1', en: 'Copy before automatic deletion $1' },
  quotaExportExpiring: { fr: 'Garder une copie…', en: 'Keep a copy…' },
  quotaExportExpiringSource: {
    fr: 'Les messages que le serveur supprimera dans les 7 prochains jours',
    en: 'The messages the server will delete in the next 7 days',
    note: 'A choice of the export view (what to export).',
  },
  quotaExportFolder: { fr: 'Exporter', en: 'Export', note: 'Button on each folder of the quota panel (data-action="export-folder").' },
  quotaExportFolderLabel: { fr: 'Exporter le dossier $1', en: 'Export the folder $1', note: '$1: the folder path. Accessible name of the folder export button.' },
  quotaExportFolderFilename: { fr: 'Export Balise $1 $2', en: 'Balise export $1 $2', note: 'Zip name. $1: folder name; $2: date YYYY-MM-DD.' },
  quotaExportUnavailable: {
    fr: 'L’export n’a pas pu être chargé. Rechargez la page et réessayez.',
    en: 'The export could not be loaded. Reload the page and try again.',
  },
  quotaExportExpiringHint: {
    fr: 'Ouvre le nettoyage, qui exporte les messages dans un fichier avant toute suppression.',
    en: 'Opens the cleanup, which exports messages to a file before anything is deleted.',
  },

  // Toolbar badge and notifications
  quotaBadgeTitle: { fr: 'Balise : $1 remplie à $2', en: 'Balise: $1 is $2 full' },
  quotaNotifyWarnTitle: { fr: 'Votre BAL MSSanté se remplit', en: 'Your MSSanté mailbox is filling up' },
  quotaNotifyWarnBody: {
    fr: '$1 est remplie à $2 ($3 sur $4). Faites de la place avant qu’elle ne refuse des messages.',
    en: '$1 is $2 full ($3 of $4). Make room before it refuses messages.',
  },
  quotaNotifyCritTitle: { fr: 'Votre BAL MSSanté est presque pleine', en: 'Your MSSanté mailbox is nearly full' },
  quotaNotifyCritBody: {
    fr: '$1 est remplie à $2 ($3 sur $4) : les prochains messages peuvent être refusés. Cliquez pour faire de la place.',
    en: '$1 is $2 full ($3 of $4): the next messages may be refused. Click to make room.',
  },
  quotaNotifyButton: { fr: 'Faire de la place', en: 'Make room' },

  // Popup cards
  quotaCardUsed: { fr: '$1 sur $2', en: '$1 of $2' },
  quotaCardUnlimited: { fr: '$1 utilisés, sans limite', en: '$1 used, no limit' },
  quotaCardUnknown: { fr: 'Espace utilisé pas encore connu : ouvrez le webmail.', en: 'Space used not known yet: open the webmail.' },
  quotaCardSeen: { fr: 'Vue le $1', en: 'Seen on $1' },
  quotaCardOpenWebmail: { fr: 'Ouvrir le webmail', en: 'Open the webmail' },
  quotaCardCleanup: { fr: 'Faire de la place', en: 'Make room' },
  quotaCardCleanupFor: { fr: 'Faire de la place dans $1', en: 'Make room in $1' },
  quotaCardOpening: { fr: 'Ouverture du webmail…', en: 'Opening the webmail…' },
  quotaCardNotReady: {
    fr: 'Le webmail n’a pas répondu. Connectez-vous puis réessayez.',
    en: 'The webmail did not answer. Log in, then try again.',
  },
  quotaCardNoWebmail: { fr: 'Adresse du webmail inconnue pour cette BAL.', en: 'The webmail address of this mailbox is unknown.' },
  quotaChartLabel: {
    fr: 'Évolution de l’espace utilisé : de $1 à $2 entre le $3 et le $4.',
    en: 'Space used over time: from $1 to $2 between $3 and $4.',
  },
  quotaChartTooFew: { fr: 'L’historique apparaîtra après quelques visites du webmail.', en: 'The history will appear after a few visits to the webmail.' },
  quotaProjection: { fr: 'À ce rythme, pleine dans $1 jours.', en: 'At this rate, full in $1 days.' },
  quotaProjectionOneDay: { fr: 'À ce rythme, pleine dans 1 jour.', en: 'At this rate, full in 1 day.' },
  quotaProjectionToday: { fr: 'À ce rythme, pleine dans moins d’un jour.', en: 'At this rate, full in less than a day.' },
} satisfies Catalog;
