import type { Catalog } from './types';

export default {
  optionsTitle: { fr: 'Balise – options', en: 'Balise – options' },
  optionsWebmailsHeading: { fr: 'Mes webmails', en: 'My webmails' },
  optionsWebmailsHelp: {
    fr: 'Balise ne s’active que sur les webmails que vous ajoutez ici. Votre navigateur vous demandera l’autorisation pour chacun.',
    en: 'Balise only runs on the webmails you add here. Your browser will ask for your permission for each one.',
  },
  optionsKnownLabel: { fr: 'Webmail connu', en: 'Known webmail' },
  optionsKnownPlaceholder: { fr: 'Choisir dans la liste…', en: 'Pick from the list…' },
  optionsCustomLabel: { fr: 'Ou l’adresse de votre webmail (https://…)', en: 'Or your webmail’s address (https://…)' },
  optionsAdd: { fr: 'Ajouter', en: 'Add' },
  optionsRemove: { fr: 'Retirer', en: 'Remove' },
  optionsNoOrigin: { fr: 'Aucun webmail ajouté.', en: 'No webmail added.' },
  optionsAdded: {
    fr: 'Webmail ajouté : $1. Rechargez sa page pour voir Balise.',
    en: 'Webmail added: $1. Reload its page to see Balise.',
  },
  optionsRemoved: { fr: 'Webmail retiré : $1.', en: 'Webmail removed: $1.' },
  forgetBal: { fr: 'Oublier cette boîte', en: 'Forget this mailbox' },
  forgetBalQuestion: {
    fr: 'Effacer tout ce que Balise garde sur $1 : la BAL, l’historique du quota, les nettoyages et leurs rapports (plus d’annulation possible), les analyses de messages et les dossiers choisis. La boîte elle-même et ses messages ne changent pas.',
    en: 'Erase everything Balise keeps about $1: the mailbox, its quota history, its cleanups and their reports (no more undo), message analyses and chosen folders. The mailbox itself and its messages do not change.',
  },
  forgetConfirm: { fr: 'Oui, tout effacer', en: 'Yes, erase it all' },
  forgetCancel: { fr: 'Non', en: 'No' },
  forgetDone: {
    fr: 'Balise a oublié $1 ($2 nettoyages, $3 analyses de messages, $4 points de quota effacés).',
    en: 'Balise forgot $1 ($2 cleanups, $3 message analyses, $4 quota points erased).',
  },
  forgetOriginQuestion: {
    fr: 'Balise garde encore des données sur les boîtes vues sur $1 (historique du quota, nettoyages, analyses de messages). Les effacer aussi ?',
    en: 'Balise still keeps data about the mailboxes seen on $1 (quota history, cleanups, message analyses). Erase them too?',
  },
  forgetOriginConfirm: { fr: 'Oublier ces boîtes', en: 'Forget these mailboxes' },
  forgetOriginKeep: { fr: 'Les garder', en: 'Keep them' },
  forgetOriginDone: { fr: 'Données des boîtes de $1 effacées ($2 BAL).', en: 'Data of the mailboxes of $1 erased ($2 mailboxes).' },
  optionsDenied: {
    fr: 'Autorisation refusée : Balise ne pourra pas s’afficher sur $1.',
    en: 'Permission refused: Balise cannot show up on $1.',
  },
  optionsInvalidOrigin: {
    fr: 'Cette adresse n’est pas valide. Saisissez l’adresse de votre webmail commençant par https://, par exemple https://webmail.exemple.fr',
    en: 'This address is not valid. Type your webmail’s address starting with https://, for example https://webmail.example.org',
  },
  optionsNotWebmailPortal: {
    fr: '$1 est le portail de $2, pas son webmail : vos messages sont sur $3. C’est cette adresse que Balise doit connaître.',
    en: '$1 is the portal of $2, not its webmail: your mail is on $3. That is the address Balise needs.',
  },
  optionsNotWebmailLogin: {
    fr: '$1 est la page de connexion de $2, pas son webmail : vos messages sont sur $3. C’est cette adresse que Balise doit connaître.',
    en: '$1 is the login page of $2, not its webmail: your mail is on $3. That is the address Balise needs.',
  },
  optionsAddInstead: { fr: 'Ajouter $1', en: 'Add $1' },
  optionsThresholdsHeading: { fr: 'Seuils d’alerte du quota', en: 'Quota warning thresholds' },
  optionsWarnLabel: { fr: 'Alerte (%)', en: 'Warning (%)' },
  optionsCritLabel: { fr: 'Critique (%)', en: 'Critical (%)' },
  optionsSave: { fr: 'Enregistrer', en: 'Save' },
  optionsSaved: { fr: 'Enregistré.', en: 'Saved.' },
  optionsExportsHeading: { fr: 'Exports', en: 'Exports' },
  optionsExportReadable: {
    fr: 'Ajouter par défaut une version lisible sans logiciel de messagerie (index.html, un dossier par message avec ses pièces jointes)',
    en: 'Add by default a version readable without a mail program (index.html, one folder per message with its attachments)',
    note: 'Checkbox data-action="default-export-readable".',
  },
  optionsExportReadableHint: {
    fr: 'C’est le choix de départ de chaque export (avant une suppression définitive, « garder une copie », un dossier, une sélection) ; vous pouvez le changer pour un export donné.',
    en: 'This is where every export starts (before a permanent deletion, "keep a copy", a folder, a selection); you can change it for one export.',
  },
  optionsThresholdsInvalid: {
    fr: 'Le seuil critique doit être supérieur au seuil d’alerte, tous deux entre 1 et 100.',
    en: 'The critical threshold must be above the warning threshold, both between 1 and 100.',
  },
} satisfies Catalog;
