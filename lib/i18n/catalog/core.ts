import type { Catalog } from './types';

export default {
  extName: { fr: 'Balise – MSSanté', en: 'Balise – MSSanté' },
  extDescription: {
    fr: 'Gérez vos boîtes aux lettres MSSanté depuis votre webmail : quota, nettoyage sûr, signature de la BAL préférée. Rien ne quitte votre poste.',
    en: 'Manage your MSSanté secure mailboxes from your webmail: quota, safe cleanup, preferred-mailbox signature. Nothing leaves your computer.',
  },
  actionTitle: { fr: 'Balise : vos BAL MSSanté', en: 'Balise: your MSSanté mailboxes' },
  commandInsertSignature: { fr: 'Insérer ma signature MSSanté', en: 'Insert my MSSanté signature' },
  errorGeneric: { fr: 'Une erreur est survenue : $1', en: 'Something went wrong: $1' },
  errorExtensionReloaded: { fr: 'Balise a été mise à jour : rechargez la page.', en: 'Balise was updated: reload the page.' },
  // Plain-words explanations of adapter failures (WebmailErrorCode), shown wherever an action fails.
  webmailError_auth_expired: {
    fr: 'Votre session du webmail a expiré. Reconnectez-vous au webmail puis relancez l’opération : rien n’a été perdu.',
    en: 'Your webmail session has expired. Log in to the webmail again, then restart: nothing was lost.',
  },
  webmailError_forbidden: {
    fr: 'Le webmail a refusé la demande. Rechargez la page du webmail puis réessayez.',
    en: 'The webmail refused the request. Reload the webmail page, then try again.',
  },
  webmailError_not_found: {
    fr: 'Ce message ou ce dossier n’existe plus sur le serveur (déjà déplacé ou supprimé).',
    en: 'This message or folder no longer exists on the server (already moved or deleted).',
  },
  webmailError_quota_exceeded: {
    fr: 'La boîte aux lettres est pleine : le serveur refuse l’opération.',
    en: 'The mailbox is full: the server refuses the operation.',
  },
  webmailError_busy: {
    fr: 'Le serveur est déjà occupé par une opération de ce type. Patientez une minute puis réessayez.',
    en: 'The server is already busy with such an operation. Wait a minute, then try again.',
  },
  webmailError_network: {
    fr: 'Le webmail ne répond pas (connexion interrompue ?). Vérifiez votre connexion puis réessayez.',
    en: 'The webmail does not answer (connection lost?). Check your connection, then try again.',
  },
  webmailError_server: {
    fr: 'Le serveur du webmail a signalé une erreur. Réessayez dans quelques minutes.',
    en: 'The webmail server reported an error. Try again in a few minutes.',
  },
  webmailError_invalid_response: {
    fr: 'Le webmail a répondu d’une façon que Balise ne comprend pas (version différente ?). Aucune modification n’a été faite.',
    en: 'The webmail answered in a way Balise does not understand (another version?). Nothing was changed.',
  },
  webmailError_unsupported: {
    fr: 'Cette fonction n’est pas disponible sur ce webmail.',
    en: 'This feature is not available on this webmail.',
  },
  webmailError_aborted: { fr: 'Opération annulée.', en: 'Operation cancelled.' },
  webmailError_blocked: {
    fr: 'La protection du webmail (son pare-feu) a bloqué les demandes de Balise : Balise n’envoie plus rien au webmail.',
    en: 'The webmail’s protection (its firewall) blocked Balise’s requests: Balise sends nothing more to the webmail.',
  },
  unsupported_zimbra_modern: {
    fr: 'Balise ne prend pas encore en charge la nouvelle interface de Zimbra (« Modern UI »). Utilisez l’interface classique pour le quota, le nettoyage et la signature.',
    en: 'Balise does not support Zimbra’s new interface (“Modern UI”) yet. Use the classic interface for quota, cleanup and signature.',
  },
  unsupported_unknown_version: {
    fr: 'Cette version du webmail n’est pas reconnue : Balise reste en retrait pour ne rien abîmer.',
    en: 'This webmail version is not recognised: Balise stays out of the way so as not to break anything.',
  },
  unsupported_no_api: {
    fr: 'Ce webmail ne permet pas encore à Balise de lire le quota ni de nettoyer. La signature et les vérifications restent disponibles.',
    en: 'This webmail does not let Balise read the quota or clean up yet. Signature and checks remain available.',
  },
  unitB: { fr: 'o', en: 'B' },
  unitKB: { fr: 'Ko', en: 'KB' },
  unitMB: { fr: 'Mo', en: 'MB' },
  unitGB: { fr: 'Go', en: 'GB' },
} satisfies Catalog;
