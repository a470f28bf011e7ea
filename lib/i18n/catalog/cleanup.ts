import type { Catalog } from './types';

/** The cleanup panel: rules, preview, progress, report (lib/features/cleanup/panel/). Plain words, French first. */
export default {
  cleanup_title: { fr: 'Nettoyer la boîte aux lettres', en: 'Clean up the mailbox' },
  cleanup_close: { fr: 'Fermer le nettoyage', en: 'Close the cleanup' },
  cleanup_intro: {
    fr: 'Balise prépare d’abord un aperçu : rien n’est déplacé ni supprimé tant que vous n’avez pas confirmé.',
    en: 'Balise first prepares a preview: nothing is moved or deleted until you confirm.',
  },
  cleanup_bal: { fr: 'Boîte : $1', en: 'Mailbox: $1' },

  // Planning
  cleanup_planning_label: { fr: 'Préparation de l’aperçu', en: 'Preparing the preview' },
  cleanup_planning_folders: { fr: 'Lecture des dossiers…', en: 'Reading the folders…' },
  cleanup_planning_search: { fr: 'Recherche des messages concernés : dossier $1 sur $2…', en: 'Finding the messages concerned: folder $1 of $2…' },
  cleanup_planning_classify: {
    fr: 'Recherche des documents médicaux (comptes rendus, résultats d’analyses, documents XDM) : $1 messages vérifiés sur $2.',
    en: 'Looking for medical documents (reports, lab results, XDM documents): $1 of $2 messages checked.',
  },
  cleanup_planning_bytes: {
    fr: '$1 téléchargés pour vérification, $2 messages déjà vérifiés lors d’un aperçu précédent.',
    en: '$1 downloaded to check, $2 messages already checked in an earlier preview.',
  },
  cleanup_planning_slow: {
    fr: 'Balise avance sans se presser, pour que la protection du webmail ne vous bloque pas : sur une grande boîte, cette vérification peut prendre quelques minutes. Elle n’est faite qu’une fois par message.',
    en: 'Balise goes at a steady pace so that the webmail’s protection does not block you: on a large mailbox this check can take a few minutes. It is done only once per message.',
  },
  cleanup_planning_groups: {
    fr: 'Aperçu provisoire (les messages contenant un document médical passeront dans « conservés ») :',
    en: 'Provisional preview (messages carrying a medical document will move to “kept”):',
  },
  cleanup_stop: { fr: 'Arrêter', en: 'Stop' },
  cleanup_planning_cancelled: { fr: 'Aperçu arrêté. Rien n’a été modifié.', en: 'Preview stopped. Nothing was changed.' },
  cleanup_planning_failed: { fr: 'L’aperçu n’a pas pu être préparé. $1', en: 'The preview could not be prepared. $1' },
  cleanup_retry: { fr: 'Réessayer', en: 'Try again' },
  cleanup_unsupported: {
    fr: 'Le nettoyage n’est pas disponible sur ce webmail.',
    en: 'The cleanup is not available on this webmail.',
  },

  // Rules
  cleanup_rules_heading: { fr: 'Que nettoyer ?', en: 'What to clean up?' },
  cleanup_rule_trash: { fr: 'Vider la corbeille', en: 'Empty the trash' },
  cleanup_rule_junk: { fr: 'Vider les indésirables (spam)', en: 'Empty junk mail (spam)' },
  cleanup_rule_old: { fr: 'Les messages de plus de', en: 'Messages older than' },
  cleanup_rule_months: { fr: 'mois', en: 'months' },
  cleanup_rule_large: { fr: 'Les gros messages : plus de', en: 'Large messages: over' },
  cleanup_rule_mb: { fr: 'Mo', en: 'MB' },
  cleanup_rule_large_older: { fr: 'et de plus de', en: 'and older than' },
  cleanup_rule_in_folders: { fr: 'Dans ces dossiers :', en: 'In these folders:' },
  cleanup_rule_folder: { fr: 'Tout un dossier (tous ses messages) :', en: 'A whole folder (every message in it):' },
  cleanup_rule_folder_none: { fr: '— aucun —', en: '— none —' },
  cleanup_protect_heading: { fr: 'Toujours garder', en: 'Always keep' },
  cleanup_protect_unread: { fr: 'les messages non lus', en: 'unread messages' },
  cleanup_protect_flagged: { fr: 'les messages suivis (avec un drapeau)', en: 'flagged messages' },
  cleanup_protect_recent: { fr: 'les messages reçus depuis moins de', en: 'messages received in the last' },
  cleanup_rule_days: { fr: 'jours', en: 'days' },
  cleanup_protect_clinical_always: {
    fr: 'Les messages qui contiennent un document médical sont gardés, sauf si vous confirmez plus bas qu’ils sont classés dans le dossier patient.',
    en: 'Messages carrying a medical document are kept, unless you confirm below that they are filed in the patient record.',
  },
  cleanup_protect_special: {
    fr: 'Dans la corbeille et les indésirables, seuls les messages suivis et ceux qui contiennent un document médical sont gardés.',
    en: 'In the trash and junk mail, only flagged messages and those carrying a medical document are kept.',
  },
  cleanup_refresh: { fr: 'Mettre à jour l’aperçu', en: 'Update the preview' },
  cleanup_rules_save: { fr: 'Garder ces réglages par défaut', en: 'Keep these settings as my defaults' },
  cleanup_rules_saved: {
    fr: 'C’est noté : le nettoyage partira de ces réglages la prochaine fois.',
    en: 'Saved: the cleanup will start from these settings next time.',
  },
  cleanup_rules_save_failed: {
    fr: 'Ces réglages n’ont pas pu être gardés. Rechargez la page et réessayez.',
    en: 'These settings could not be saved. Reload the page and try again.',
  },
  cleanup_rules_changed: {
    fr: 'Vous avez changé ce qu’il faut nettoyer : mettez à jour l’aperçu avant de continuer.',
    en: 'You changed what to clean up: update the preview before going on.',
  },

  // Groups
  cleanup_groups_heading: { fr: 'Aperçu', en: 'Preview' },
  cleanup_group_trash: { fr: 'Corbeille', en: 'Trash' },
  cleanup_group_junk: { fr: 'Indésirables', en: 'Junk mail' },
  cleanup_group_folder: { fr: 'Tout le dossier « $1 »', en: 'The whole folder “$1”' },
  cleanup_group_old: { fr: 'Messages de plus de $1 mois', en: 'Messages older than $1 months' },
  cleanup_group_large: { fr: 'Gros messages (plus de $1 Mo et de $2 mois)', en: 'Large messages (over $1 MB, older than $2 months)' },
  cleanup_group_protected: { fr: 'Gardés : ils ne seront pas touchés', en: 'Kept: they will not be touched' },
  cleanup_count: { fr: '$1 messages', en: '$1 messages' },
  cleanup_count_one: { fr: '1 message', en: '1 message' },
  cleanup_about: { fr: 'environ $1', en: 'about $1' },
  cleanup_show: { fr: 'Voir les messages', en: 'Show the messages' },
  cleanup_report_freed_differs: {
    fr: 'Les deux chiffres diffèrent : l’espace mesuré compte aussi les messages arrivés ou supprimés ailleurs pendant le nettoyage, et le webmail arrondit les tailles qu’il affiche.',
    en: 'The two figures differ: the space measured also counts messages that arrived or were deleted elsewhere during the cleanup, and the webmail rounds the sizes it lists.',
  },
  cleanup_trash_differs: {
    fr: 'La corbeille contient $1 ($2) : $3 y restent, protégés ou gardés par vous. C’est pourquoi le chiffre ci-dessus est plus petit que celui du panneau d’espace.',
    en: 'The trash holds $1 ($2): $3 stay there, protected or kept by you. This is why the figure above is smaller than the space panel’s.',
  },
  cleanup_hide: { fr: 'Masquer les messages', en: 'Hide the messages' },
  cleanup_col_keep: { fr: 'Garder', en: 'Keep' },
  cleanup_col_from: { fr: 'Expéditeur', en: 'From' },
  cleanup_col_date: { fr: 'Date', en: 'Date' },
  cleanup_col_subject: { fr: 'Objet', en: 'Subject' },
  cleanup_col_size: { fr: 'Taille', en: 'Size' },
  cleanup_col_doc_type: { fr: 'Type de document', en: 'Document type' },
  cleanup_col_folder: { fr: 'Dossier', en: 'Folder' },
  cleanup_col_reason: { fr: 'Pourquoi', en: 'Why' },
  cleanup_no_subject: { fr: '(sans objet)', en: '(no subject)' },
  cleanup_keep_label: { fr: 'Garder « $1 »', en: 'Keep “$1”' },
  cleanup_largest: { fr: 'Les plus gros messages', en: 'The largest messages' },
  cleanup_largest_intro: {
    fr: 'Les $1 plus gros messages prévus, du plus gros au plus petit. Cochez « Garder » pour en laisser un de côté.',
    en: 'The $1 largest planned messages, largest first. Tick “Keep” to leave one out.',
  },
  cleanup_largest_none: { fr: 'Aucun message prévu.', en: 'No message planned.' },

  // The whole mailbox's largest messages (every folder, the trash included)
  cleanup_lm_open: { fr: 'Les plus gros messages de toute la boîte', en: 'The largest messages of the whole mailbox' },
  cleanup_lm_heading: { fr: 'Les $1 plus gros messages de la boîte', en: 'The $1 largest messages of the mailbox' },
  cleanup_lm_intro: {
    fr: 'Tous les dossiers, corbeille comprise, du plus gros au plus petit. Cochez ceux à mettre à la corbeille ; les autres sont gardés.',
    en: 'Every folder, the trash included, largest first. Tick those to move to the trash; the others are kept.',
  },
  cleanup_lm_loading: { fr: 'Recherche des plus gros messages : dossier $1 sur $2…', en: 'Looking for the largest messages: folder $1 of $2…' },
  cleanup_lm_none: { fr: 'La boîte ne contient aucun message.', en: 'The mailbox holds no message.' },
  cleanup_lm_failed: { fr: 'La liste n’a pas pu être lue ($1).', en: 'The list could not be read ($1).' },
  cleanup_lm_col_select: { fr: 'Corbeille', en: 'Trash' },
  cleanup_lm_col_attachments: { fr: 'Pièces jointes', en: 'Attachments' },
  cleanup_lm_select_label: { fr: 'Mettre « $1 » à la corbeille', en: 'Move “$1” to the trash' },
  cleanup_lm_select_trash_label: { fr: 'Supprimer définitivement « $1 » (déjà dans la corbeille)', en: 'Delete “$1” for good (already in the trash)' },
  cleanup_lm_in_trash: { fr: 'déjà dans la corbeille', en: 'already in the trash' },
  cleanup_lm_attachment_yes: { fr: 'oui (noms non fournis par ce webmail)', en: 'yes (names not given by this webmail)' },
  cleanup_lm_attachment_no: { fr: 'aucune', en: 'none' },
  cleanup_lm_attachment_unknown: { fr: 'non indiqué', en: 'not known' },
  cleanup_lm_attachment_noname: { fr: '(sans nom)', en: '(no name)' },
  cleanup_lm_selected: {
    fr: '$1 message(s) choisi(s) : $2 rendus une fois la corbeille vidée.',
    en: '$1 message(s) chosen: $2 given back once the trash is emptied.',
  },
  cleanup_lm_selected_none: { fr: 'Aucun message choisi : tout est gardé.', en: 'No message chosen: everything is kept.' },
  cleanup_lm_trash_note: {
    fr: 'Les messages déjà dans la corbeille passent par l’étape « supprimer définitivement », avec l’export proposé avant.',
    en: 'Messages already in the trash go through the “delete for good” step, with the export offered first.',
  },
  cleanup_lm_apply: { fr: 'Appliquer au(x) $1 message(s) choisi(s)', en: 'Apply to the $1 chosen message(s)' },
  cleanup_lm_back: { fr: 'Retour au nettoyage', en: 'Back to the cleanup' },
  cleanup_lm_export: { fr: 'Exporter la sélection ($1)', en: 'Export the selected ($1)', note: 'Button data-action="export-largest"; $1: count.' },
  cleanup_lm_export_heading: { fr: 'Export des messages choisis', en: 'Export of the chosen messages' },
  cleanup_lm_export_source: { fr: 'Les $1 message(s) choisi(s) parmi les plus lourds', en: 'The $1 chosen message(s) among the largest' },
  cleanup_lm_export_filename: { fr: 'Export Balise messages lourds $1', en: 'Balise export largest messages $1', note: 'Zip name; $1: date YYYY-MM-DD.' },
  cleanup_lm_select_all: { fr: 'Tout choisir', en: 'Choose all' },

  // Why a message is kept
  cleanup_why_unread: { fr: 'non lu', en: 'unread' },
  cleanup_why_flagged: { fr: 'suivi (drapeau)', en: 'flagged' },
  cleanup_why_recent: { fr: 'reçu récemment', en: 'received recently' },
  cleanup_why_clinical_xdm: { fr: 'document médical (IHE XDM)', en: 'medical document (IHE XDM)' },
  cleanup_why_clinical_hprim: { fr: 'résultats d’analyses (HPRIM)', en: 'lab results (HPRIM)' },
  cleanup_why_clinical_pdf: { fr: 'pièce jointe PDF (compte rendu ?)', en: 'PDF attachment (a report?)' },
  cleanup_why_unverified: { fr: 'n’a pas pu être vérifié (gardé par prudence)', en: 'could not be checked (kept to be safe)' },
  cleanup_why_kept: { fr: 'vous l’avez choisi', en: 'your choice' },

  // Clinical documents
  cleanup_clinical_heading: { fr: 'Documents médicaux', en: 'Medical documents' },
  cleanup_clinical_text: {
    fr: '$1 messages contiennent un document médical : $2 documents structurés (XDM), $3 résultats d’analyses (HPRIM), $4 pièces jointes PDF. Ils sont gardés. Les recommandations nationales MSSanté : d’abord classer ces documents dans le dossier patient de votre logiciel métier, ensuite les supprimer de la messagerie.',
    en: '$1 messages carry a medical document: $2 structured documents (XDM), $3 lab results (HPRIM), $4 PDF attachments. They are kept. The national MSSanté guidance: first file these documents in the patient record of your practice software, then delete them from the mailbox.',
  },
  cleanup_clinical_confirm: {
    fr: 'Ces documents sont classés dans le dossier patient de mon logiciel : je les inclus dans le nettoyage',
    en: 'These documents are filed in the patient record of my software: include them in the cleanup',
  },
  cleanup_clinical_included: {
    fr: 'Les messages avec un document médical sont inclus (sauf ceux gardés pour une autre raison).',
    en: 'Messages with a medical document are included (except those kept for another reason).',
  },
  cleanup_unverified_note: {
    fr: '$1 messages n’ont pas pu être vérifiés (téléchargement impossible) : ils sont gardés. Mettez l’aperçu à jour pour réessayer.',
    en: '$1 messages could not be checked (download failed): they are kept. Update the preview to try again.',
  },

  // Summary
  cleanup_summary_heading: { fr: 'Ce que le nettoyage va faire', en: 'What the cleanup will do' },
  cleanup_summary_move: { fr: 'Mettre $1 messages ($2) dans la corbeille.', en: 'Move $1 messages ($2) to the trash.' },
  cleanup_summary_trash_zero: {
    fr: 'Mettre à la corbeille ne libère encore aucune place (0 Mo) : la corbeille compte dans votre quota. La place n’est rendue qu’une fois la corbeille vidée, une deuxième étape que vous confirmerez.',
    en: 'Moving to the trash frees no space yet (0 MB): the trash counts in your quota. Space is only given back once the trash is emptied, a second step you will confirm.',
  },
  cleanup_summary_trash_only: {
    fr: '$1 messages ($2) sont déjà dans la corbeille : ils seront supprimés à la deuxième étape.',
    en: '$1 messages ($2) are already in the trash: they will be deleted in the second step.',
  },
  cleanup_summary_freed: { fr: 'Place rendue une fois la corbeille vidée : $1.', en: 'Space given back once the trash is emptied: $1.' },
  cleanup_summary_precision: { fr: 'À $1 près : le webmail arrondit les tailles.', en: 'Give or take $1: the webmail rounds sizes.' },
  cleanup_summary_projected: { fr: 'Quota après : $1 sur $2 ($3), au lieu de $4 aujourd’hui.', en: 'Quota afterwards: $1 of $2 ($3), instead of $4 today.' },
  cleanup_snapshot_note: {
    fr: 'Aperçu pris à $1 : seuls ces messages seront touchés. Ceux qui arrivent après ne le seront pas.',
    en: 'Preview taken at $1: only these messages will be touched. Messages arriving later will not be.',
  },
  cleanup_apply: { fr: 'Mettre $1 messages à la corbeille', en: 'Move $1 messages to the trash' },
  cleanup_apply_one: { fr: 'Mettre 1 message à la corbeille', en: 'Move 1 message to the trash' },
  cleanup_apply_nothing: { fr: 'Continuer', en: 'Continue' },
  cleanup_nothing: { fr: 'Rien à nettoyer avec ces réglages.', en: 'Nothing to clean up with these settings.' },

  // Running
  cleanup_progress_label: { fr: 'Avancement du nettoyage', en: 'Cleanup progress' },
  cleanup_progress: { fr: '$1 sur $2 messages – $3 sur $4', en: '$1 of $2 messages – $3 of $4' },
  cleanup_progress_failed: { fr: '$1 en échec jusqu’ici', en: '$1 failed so far' },
  cleanup_progress_batch: { fr: 'Lot $1 sur $2', en: 'Batch $1 of $2' },
  cleanup_running_trash: { fr: 'Mise à la corbeille en cours…', en: 'Moving to the trash…' },
  cleanup_running_delete: { fr: 'Suppression définitive en cours…', en: 'Deleting for good…' },
  cleanup_running_undo: { fr: 'Remise en place en cours…', en: 'Putting back…' },
  cleanup_running_export: { fr: 'Export en cours, avant toute suppression…', en: 'Exporting, before anything is deleted…' },
  cleanup_stop_run: { fr: 'Arrêter après le lot en cours', en: 'Stop after the current batch' },
  cleanup_stopping: { fr: 'Arrêt demandé : le lot en cours se termine…', en: 'Stop requested: the current batch is finishing…' },

  // Report
  cleanup_report_trash: { fr: 'Résultat : mise à la corbeille', en: 'Result: moved to the trash' },
  cleanup_report_delete: { fr: 'Résultat : suppression définitive', en: 'Result: deleted for good' },
  cleanup_report_undo: { fr: 'Résultat : annulation', en: 'Result: undo' },
  cleanup_report_moved: { fr: '$1 messages mis à la corbeille ($2).', en: '$1 messages moved to the trash ($2).' },
  cleanup_report_deleted: { fr: '$1 messages supprimés définitivement ($2).', en: '$1 messages deleted for good ($2).' },
  cleanup_report_restored: { fr: '$1 messages remis à leur place ($2).', en: '$1 messages put back where they were ($2).' },
  cleanup_report_failed: { fr: '$1 messages n’ont pas été traités :', en: '$1 messages were not handled:' },
  cleanup_report_split: {
    fr: 'Dont $1 en erreur, et $2 laissés tels quels sans être tentés.',
    en: 'Of these, $1 failed, and $2 were left as they were without being tried.',
  },
  cleanup_report_all_ok: { fr: 'Tous les messages prévus ont été traités.', en: 'Every planned message was handled.' },
  cleanup_report_cancelled: {
    fr: 'Nettoyage arrêté à votre demande : les messages restants n’ont pas été touchés.',
    en: 'Cleanup stopped at your request: the remaining messages were not touched.',
  },
  cleanup_report_interrupted: {
    fr: 'Le nettoyage a été interrompu. Il peut reprendre là où il s’est arrêté.',
    en: 'The cleanup was interrupted. It can resume where it stopped.',
  },
  cleanup_report_predicted: { fr: 'Place prévue : $1. Place réellement rendue (quota relu sur le serveur) : $2.', en: 'Space expected: $1. Space actually given back (quota read again from the server): $2.' },
  cleanup_report_unknown: { fr: 'inconnue (le quota n’a pas pu être relu)', en: 'unknown (the quota could not be read again)' },
  cleanup_report_trash_note: {
    fr: 'Ces messages sont dans la corbeille : la place n’est pas encore rendue. Videz la corbeille de ces messages pour la récupérer.',
    en: 'These messages are in the trash: the space is not given back yet. Empty the trash of these messages to get it back.',
  },
  cleanup_report_more: { fr: 'et $1 autres', en: 'and $1 more' },
  cleanup_undo: { fr: 'Annuler : remettre ces messages à leur place', en: 'Undo: put these messages back' },
  cleanup_undo_gone: {
    fr: 'Une suppression définitive ne peut pas être annulée.',
    en: 'A permanent deletion cannot be undone.',
  },
  cleanup_done: { fr: 'Terminé', en: 'Done' },
  cleanup_new_preview: { fr: 'Nouvel aperçu', en: 'New preview' },

  // Why something was not done (besides the core catalog's webmailError_*)
  cleanup_reason_cancelled: { fr: 'arrêté avant d’être traité', en: 'stopped before being handled' },
  cleanup_reason_not_in_snapshot: { fr: 'ne faisait pas partie de l’aperçu', en: 'was not part of the preview' },
  cleanup_reason_not_in_trash: { fr: 'n’est plus dans la corbeille', en: 'is no longer in the trash' },
  cleanup_reason_already_in_trash: { fr: 'était déjà dans la corbeille', en: 'was already in the trash' },
  cleanup_reason_not_exported: { fr: 'absent de l’export vérifié : pas supprimé', en: 'not in the checked export: not deleted' },
  cleanup_reason_export_failed: { fr: 'l’export a échoué : pas supprimé', en: 'the export failed: not deleted' },
  cleanup_reason_unconfirmed: {
    fr: 'envoyé au serveur sans confirmation : la reprise le vérifiera',
    en: 'sent to the server without confirmation: resuming will check it',
  },
  cleanup_reason_unknown_location: {
    fr: 'sa place dans la corbeille est inconnue : remettez-le à la main',
    en: 'its place in the trash is unknown: put it back by hand',
  },
  cleanup_reason_unread_not_restored: {
    fr: 'remis à sa place, mais il n’était pas lu avant : Balise n’a pas pu le marquer de nouveau « non lu », il peut apparaître comme lu',
    en: 'put back, but it was unread before: Balise could not mark it unread again, it may show as read',
  },
  cleanup_reason_lock_lost: { fr: 'un autre onglet a pris la main sur le nettoyage', en: 'another tab took over the cleanup' },
  cleanup_reason_interrupted: { fr: 'pas encore traité (interruption)', en: 'not handled yet (interrupted)' },
  cleanup_reason_store: {
    fr: 'Balise ne peut plus enregistrer son journal (extension mise à jour ?) : rechargez la page',
    en: 'Balise can no longer write its journal (extension updated?): reload the page',
  },
  cleanup_reason_other: { fr: 'raison inconnue ($1)', en: 'unknown reason ($1)' },

  // Permanent deletion
  cleanup_delete_forever: { fr: 'Vider la corbeille de ces messages…', en: 'Empty the trash of these messages…' },
  cleanup_delete_heading: { fr: 'Supprimer définitivement', en: 'Delete for good' },
  cleanup_delete_text: {
    fr: '$1 messages ($2) seront supprimés définitivement de la corbeille : ceux de l’aperçu et ceux que Balise vient d’y mettre, et rien d’autre. Cela ne peut pas être annulé.',
    en: '$1 messages ($2) will be deleted for good from the trash: those of the preview and those Balise just moved there, and nothing else. This cannot be undone.',
  },
  cleanup_delete_missing: {
    fr: '$1 messages mis à la corbeille n’ont pas pu y être retrouvés avec certitude : ils ne seront pas supprimés (supprimez-les à la main si besoin).',
    en: '$1 messages moved to the trash could not be found there with certainty: they will not be deleted (delete them by hand if needed).',
  },
  cleanup_delete_export: { fr: 'Exporter d’abord ces messages dans un fichier (recommandé)', en: 'Export these messages to a file first (recommended)' },
  cleanup_delete_export_how: {
    fr: 'Seuls les messages retrouvés à l’identique dans l’export relu seront supprimés.',
    en: 'Only messages found identical in the export, once read back, will be deleted.',
  },
  cleanup_delete_no_export: {
    fr: 'Sans export, ces messages seront perdus pour toujours. Vérifiez que tout ce qui compte est classé dans le dossier patient avant de continuer.',
    en: 'Without an export, these messages will be lost for ever. Make sure everything that matters is filed in the patient record before going on.',
  },
  cleanup_confirm_delete: { fr: 'Supprimer définitivement $1 messages', en: 'Delete $1 messages for good' },
  cleanup_confirm_delete_one: { fr: 'Supprimer définitivement 1 message', en: 'Delete 1 message for good' },
  cleanup_back: { fr: 'Retour', en: 'Back' },
  cleanup_delete_nothing: { fr: 'Aucun message à supprimer de la corbeille.', en: 'No message to delete from the trash.' },

  // Interrupted jobs, other tabs, errors
  cleanup_resume_text: {
    fr: 'Un nettoyage de cette boîte a été interrompu ($1 messages pas encore traités).',
    en: 'A cleanup of this mailbox was interrupted ($1 messages not handled yet).',
  },
  cleanup_resume: { fr: 'Reprendre', en: 'Resume' },
  cleanup_blocked: {
    fr: 'La protection du webmail (son pare-feu) a bloqué Balise. Balise n’envoie plus rien au webmail et ne réessaiera pas tout seul. Attendez quelques minutes, puis reprenez quand vous le décidez.',
    en: 'The webmail’s protection (its firewall) blocked Balise. Balise sends nothing more to the webmail and will not try again by itself. Wait a few minutes, then resume when you decide to.',
  },
  cleanup_blocked_state: {
    fr: 'État de la boîte : $1 messages traités, $2 pas encore traités et laissés où ils étaient (détail ci-dessous).',
    en: 'State of the mailbox: $1 messages handled, $2 not handled yet and left where they were (details below).',
  },
  cleanup_blocked_nothing: {
    fr: 'Rien n’a été modifié dans la boîte.',
    en: 'Nothing was changed in the mailbox.',
  },
  cleanup_blocked_resume: { fr: 'Reprendre maintenant', en: 'Resume now' },
  cleanup_abandon: { fr: 'Arrêter là', en: 'Stop here' },
  cleanup_locked: {
    fr: 'Un nettoyage de cette boîte est en cours dans un autre onglet. Attendez qu’il se termine, puis rouvrez le nettoyage.',
    en: 'A cleanup of this mailbox is running in another tab. Wait until it ends, then open the cleanup again.',
  },
  cleanup_error_locked: { fr: 'Un autre nettoyage de cette boîte est en cours.', en: 'Another cleanup of this mailbox is running.' },
  cleanup_error_unsupported: { fr: 'Ce webmail ne permet pas à Balise de déplacer les messages.', en: 'This webmail does not let Balise move messages.' },
  cleanup_error_nothing: { fr: 'Aucun message à traiter.', en: 'No message to handle.' },
  cleanup_error_nothing_to_undo: { fr: 'Il n’y a plus rien à annuler.', en: 'There is nothing left to undo.' },
  cleanup_error_store: {
    fr: 'Balise a été mise à jour ou rechargée : rechargez la page du webmail. Rien n’a été modifié.',
    en: 'Balise was updated or reloaded: reload the webmail page. Nothing was changed.',
  },
  cleanup_check_none_left: {
    fr: 'Vérification : la corbeille a été relue après la suppression ; aucun des $1 messages prévus n’y est plus.',
    en: 'Check: the trash was read again after the deletion; none of the $1 planned messages is still there.',
  },
  cleanup_check_left: {
    fr: 'Vérification : la corbeille a été relue après la suppression ; $1 des $2 messages prévus y sont encore.',
    en: 'Check: the trash was read again after the deletion; $1 of the $2 planned messages are still there.',
  },
  cleanup_check_unknown: {
    fr: 'Vérification : la corbeille n’a pas pu être relue après la suppression. Ouvrez-la dans le webmail pour voir ce qu’il y reste.',
    en: 'Check: the trash could not be read again after the deletion. Open it in the webmail to see what is left.',
  },
  cleanup_check_others: {
    fr: '$1 autres messages y restent (gardés, protégés ou arrivés depuis).',
    en: '$1 other messages stay there (kept, protected or arrived since).',
  },
  cleanup_error_other_webmail: {
    fr: 'Balise connaît cette boîte sur une autre adresse de webmail. Pour la nettoyer ici, indiquez ce webmail pour elle dans les options de Balise (Mes BAL). Rien n’a été modifié.',
    en: 'Balise knows this mailbox at another webmail address. To clean it up here, set this webmail for it in Balise’s options (My mailboxes / Mes BAL). Nothing was changed.',
  },
  cleanup_error_generic: { fr: 'L’opération n’a pas pu commencer ($1). Rien n’a été modifié.', en: 'The operation could not start ($1). Nothing was changed.' },
} satisfies Catalog;
