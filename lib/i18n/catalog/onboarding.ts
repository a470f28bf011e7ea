import type { Catalog } from './types';

/** First steps: enabling Balise from the toolbar popup, the welcome page, settings set by the administrator. */
export default {
  enableHeading: { fr: 'Ce webmail', en: 'This webmail' },
  enableNotYet: {
    fr: 'Balise n’est pas encore actif sur $1.',
    en: 'Balise is not active on $1 yet.',
  },
  enableKnown: { fr: 'Webmail MSSanté connu : $1', en: 'Known MSSanté webmail: $1' },
  enableButton: { fr: 'Activer Balise sur ce webmail', en: 'Enable Balise on this webmail' },
  enableButtonKnown: { fr: 'Activer Balise sur $1', en: 'Enable Balise on $1' },
  enableOnlyWebmail: {
    fr: 'Votre navigateur va vous demander l’accès à ce seul site. Balise n’y contacte que lui.',
    en: 'Your browser will ask you for access to this site only. Balise contacts nothing else there.',
  },
  enablePortal: {
    fr: 'Cette page est le portail de $1 : vos messages sont sur $2. Ouvrez-le, puis activez Balise depuis cette page.',
    en: 'This page is $1’s portal: your mail is on $2. Open it, then enable Balise from that page.',
  },
  enableLogin: {
    fr: 'Cette page est la connexion de $1 : après connexion, vos messages s’affichent sur $2. Activez Balise depuis cette page-là.',
    en: 'This page is $1’s sign-in: once signed in, your mail shows on $2. Enable Balise from that page.',
  },
  enableWorking: { fr: 'Activation…', en: 'Enabling…' },
  enableDone: { fr: 'Balise est actif sur $1.', en: 'Balise is active on $1.' },
  enableDoneReloaded: { fr: 'Balise est actif sur $1 (page rechargée).', en: 'Balise is active on $1 (page reloaded).' },
  enableDenied: {
    fr: 'Accès refusé : Balise ne fonctionnera pas sur $1. Vous pouvez réessayer à tout moment.',
    en: 'Access refused: Balise will not run on $1. You can try again at any time.',
  },
  enableActive: { fr: 'Balise est actif sur ce webmail.', en: 'Balise is active on this webmail.' },
  enableManaged: {
    fr: 'Les webmails sont gérés par votre service informatique.',
    en: 'Webmails are managed by your IT department.',
  },

  welcomeTitle: { fr: 'Bienvenue dans Balise', en: 'Welcome to Balise' },
  welcomeIntro: {
    fr: 'Balise vous aide à garder votre boîte aux lettres MSSanté utilisable, directement dans votre webmail.',
    en: 'Balise helps you keep your MSSanté mailbox usable, right inside your webmail.',
  },
  welcomeWhatHeading: { fr: 'Ce que fait Balise', en: 'What Balise does' },
  welcomeWhatQuota: {
    fr: 'Elle affiche le remplissage de votre BAL et vous prévient avant qu’elle ne refuse des messages.',
    en: 'It shows how full your mailbox is and warns you before it starts refusing mail.',
  },
  welcomeWhatCleanup: {
    fr: 'Elle vous aide à faire de la place sans rien perdre : aperçu, export, corbeille d’abord, rapport, annulation.',
    en: 'It helps you make room without losing anything: preview, export, trash first, report, undo.',
  },
  welcomeWhatSignature: {
    fr: 'Elle insère la signature de la BAL choisie et vérifie vos envois (destinataires hors MSSanté, INS).',
    en: 'It inserts the chosen mailbox’s signature and checks what you send (recipients outside MSSanté, INS).',
  },
  welcomePrivacyHeading: { fr: 'Rien ne quitte votre poste', en: 'Nothing leaves your computer' },
  welcomePrivacy: {
    fr: 'Balise ne parle qu’à votre webmail. Aucune statistique, aucun suivi, aucune ressource distante : vos messages et vos réglages restent sur cet ordinateur.',
    en: 'Balise talks to your webmail only. No statistics, no tracking, no remote resource: your mail and your settings stay on this computer.',
  },
  welcomeHowHeading: { fr: 'L’activer sur votre webmail', en: 'Enable it on your webmail' },
  welcomeHow1: { fr: 'Ouvrez votre webmail MSSanté et connectez-vous.', en: 'Open your MSSanté webmail and sign in.' },
  welcomeHow2: {
    fr: 'Cliquez sur le bouton Balise dans la barre d’outils, puis sur « Activer Balise sur ce webmail ».',
    en: 'Click the Balise button in the toolbar, then “Enable Balise on this webmail”.',
  },
  welcomeHow3: {
    fr: 'Acceptez la demande du navigateur : elle ne porte que sur ce site. Balise apparaît aussitôt dans la page.',
    en: 'Accept the browser’s request: it covers this site only. Balise shows up in the page straight away.',
  },
  welcomeHowOptions: {
    fr: 'Vous pouvez aussi choisir votre webmail dans la liste ou saisir son adresse dans les options.',
    en: 'You can also pick your webmail from the list or type its address in the options.',
  },
  welcomeOpenOptions: { fr: 'Ouvrir les options', en: 'Open the options' },

  managedBadge: { fr: 'Géré par votre service informatique', en: 'Managed by your IT department' },
  managedLockedNote: {
    fr: 'Réglage verrouillé par votre service informatique.',
    en: 'Setting locked by your IT department.',
  },
  managedOrigins: {
    fr: 'Webmails définis par votre service informatique : $1',
    en: 'Webmails set by your IT department: $1',
  },
  managedSettingsCaption: { fr: 'Réglages fixés par votre service informatique', en: 'Settings set by your IT department' },
  managedLocked: { fr: 'Verrouillé', en: 'Locked' },
  managedRecommended: { fr: 'Recommandé (modifiable)', en: 'Recommended (you may change it)' },
  managedDefault: { fr: 'valeur par défaut', en: 'default value' },
  managedOn: { fr: 'oui', en: 'yes' },
  managedOff: { fr: 'non', en: 'no' },
  managedOldMonths: { fr: 'Messages anciens : plus de (mois)', en: 'Old messages: older than (months)' },
  managedLargeMB: { fr: 'Gros messages : plus de (Mo)', en: 'Large messages: over (MB)' },
  managedLargeOlderThanMonths: { fr: 'Gros messages : plus anciens que (mois)', en: 'Large messages: older than (months)' },
  managedRecentDays: { fr: 'Messages récents protégés (jours)', en: 'Recent messages protected (days)' },
  managedProtectUnread: { fr: 'Protéger les non lus', en: 'Protect unread messages' },
  managedProtectFlagged: { fr: 'Protéger les suivis', en: 'Protect flagged messages' },
  managedProtectClinical: { fr: 'Protéger les documents cliniques', en: 'Protect clinical documents' },
  managedExportBeforeDelete: { fr: 'Exporter avant toute suppression définitive', en: 'Export before any permanent deletion' },
  managedExportReadable: {
    fr: 'Ajouter à chaque export la version lisible (index.html, un dossier par message)',
    en: 'Add the readable version to every export (index.html, one folder per message)',
  },
} satisfies Catalog;
