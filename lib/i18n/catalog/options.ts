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
  optionsThresholdsInvalid: {
    fr: 'Le seuil critique doit être supérieur au seuil d’alerte, tous deux entre 1 et 100.',
    en: 'The critical threshold must be above the warning threshold, both between 1 and 100.',
  },
} satisfies Catalog;
