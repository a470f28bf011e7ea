import type { Catalog } from './types';

/** The cleanup's export (lib/export/). */
export default {
  export_reminder: {
    fr: 'Cet export contient des données de santé de vos patients. Enregistrez-le dans un endroit protégé (le dossier sécurisé du cabinet ou de l’établissement) ou classez les documents dans votre logiciel de dossier patient. Ne le laissez pas sur une clé USB, un ordinateur partagé ou un service de stockage en ligne, et supprimez-le quand vous n’en avez plus besoin.',
    en: 'This export holds your patients’ health data. Save it somewhere protected (your practice’s or facility’s secure folder) or file the documents in your patient record software. Do not leave it on a USB stick, a shared computer or an online storage service, and delete it once you no longer need it.',
  },
  export_start: { fr: 'Exporter $1 messages ($2)', en: 'Export $1 messages ($2)' },
  export_startOne: { fr: 'Exporter 1 message ($1)', en: 'Export 1 message ($1)' },
  export_cancel: { fr: 'Arrêter l’export', en: 'Stop the export' },
  export_progressLabel: { fr: 'Avancement de l’export', en: 'Export progress' },
  export_progress: { fr: '$1 sur $2 messages – $3', en: '$1 of $2 messages – $3' },
  export_phase_picking: { fr: 'Choisissez où enregistrer le fichier…', en: 'Choose where to save the file…' },
  export_phase_download: { fr: 'Copie des messages depuis le serveur…', en: 'Copying the messages from the server…' },
  export_phase_save: { fr: 'Enregistrement d’une partie dans Téléchargements…', en: 'Saving a part to Downloads…' },
  export_phase_verify: {
    fr: 'Vérification : relecture du fichier enregistré ($1 sur $2)…',
    en: 'Checking: reading the saved file back ($1 of $2)…',
  },
  export_verified_file: {
    fr: 'Export vérifié : le fichier a été relu et ses $1 messages sont identiques, octet pour octet, à ceux du serveur.',
    en: 'Export checked: the file was read back and its $1 messages are identical, byte for byte, to those on the server.',
  },
  export_verified_downloads: {
    fr: 'Export vérifié : chaque partie a été relue avant d’être enregistrée (ses $1 messages sont identiques à ceux du serveur) et le navigateur confirme que chaque fichier est complet.',
    en: 'Export checked: each part was read back before being saved (its $1 messages are identical to those on the server) and the browser confirms each file is complete.',
  },
  export_savedIn: { fr: 'Enregistré ici :', en: 'Saved here:' },
  export_askWhere: {
    fr: 'Choisir où enregistrer (une fenêtre par partie quand l’export en a plusieurs)',
    en: 'Choose where to save (one dialog per part when the export has several)',
  },
  export_savedAt: {
    fr: 'Enregistré ici : $1. Gardez cette copie sur un support sécurisé (pas un dossier synchronisé avec un service en ligne).',
    en: 'Saved here: $1. Keep this copy on secure storage (not a folder synchronised with an online service).',
  },
  export_fileLine: { fr: '$1 – $2 messages, $3', en: '$1 – $2 messages, $3' },
  export_verifiedBadge: { fr: 'vérifié', en: 'checked' },
  export_failed: { fr: 'L’export n’a pas abouti : rien n’a été supprimé.', en: 'The export did not complete: nothing was deleted.' },
  export_cancelled: {
    fr: 'Export arrêté : rien n’a été supprimé, et les fichiers commencés ont été effacés.',
    en: 'Export stopped: nothing was deleted, and the files begun were removed.',
  },
  export_error_picker_cancelled: {
    fr: 'Aucun emplacement n’a été choisi : l’export n’a pas commencé.',
    en: 'No location was chosen: the export did not start.',
  },
  export_error_message_failed: {
    fr: 'Le message « $1 » n’a pas pu être copié depuis le serveur. Réessayez ; s’il échoue encore, retirez-le du nettoyage.',
    en: 'The message “$1” could not be copied from the server. Try again; if it fails again, leave it out of the cleanup.',
  },
  export_error_write_failed: {
    fr: 'Le fichier n’a pas pu être écrit (disque plein ou dossier protégé en écriture ?). Choisissez un autre emplacement.',
    en: 'The file could not be written (disk full or read-only folder?). Choose another location.',
  },
  export_error_verify_failed: {
    fr: 'La relecture du fichier a montré une différence avec les messages du serveur : l’export est écarté et le fichier effacé.',
    en: 'Reading the file back showed a difference with the messages on the server: the export is set aside and the file removed.',
  },
  export_error_download_failed: {
    fr: 'Le navigateur n’a pas pu enregistrer une partie de l’export dans Téléchargements (disque plein ?).',
    en: 'The browser could not save a part of the export to Downloads (disk full?).',
  },
  export_error_too_large: {
    fr: 'Cet export dépasse ce qu’un seul fichier zip peut contenir (4 Go ou 65 000 messages) : exportez en plusieurs fois.',
    en: 'This export is more than one zip file can hold (4 GB or 65,000 messages): export in several goes.',
  },
  export_error_unsupported: {
    fr: 'Ce webmail ne permet pas de copier les messages : l’export est impossible ici.',
    en: 'This webmail does not allow copying messages: export is not possible here.',
  },
  export_leftFiles: {
    fr: 'Ces fichiers incomplets n’ont pas pu être effacés ; supprimez-les vous-même :',
    en: 'These incomplete files could not be removed; delete them yourself:',
  },
  // Inside the zip.
  export_noSubject: { fr: '(sans objet)', en: '(no subject)' },
  export_noDate: { fr: 'sans date', en: 'no date' },
  export_partWord: { fr: 'partie', en: 'part', note: 'In part file names: "<name>-partie-01.zip".' },
  export_manifestName: { fr: 'manifeste', en: 'manifest', note: 'File name of the list of messages in the zip.' },
  export_readmeName: { fr: 'LISEZMOI.txt', en: 'README.txt' },
  export_readable: {
    fr: 'Ajouter une version lisible sans logiciel de messagerie (index.html, un dossier par message avec ses pièces jointes)',
    en: 'Add a version readable without a mail program (index.html, one folder per message with its attachments)',
    note: 'Checkbox of the export views (data-action="export-readable").',
  },
  export_readmeReadable: {
    fr: '\r\nPour lire les messages sans logiciel de messagerie, ouvrez index.html dans votre navigateur : il les liste par mois et par expéditeur. Chaque message a son dossier dans « Messages », avec sa page (message.html) et ses pièces jointes, à glisser dans votre logiciel de dossier patient. Ces pages n’affichent aucune image distante et ne se connectent nulle part ; les liens vers des sites sont montrés sans être cliquables.\r\n',
    en: '\r\nTo read the messages without a mail program, open index.html in your browser: it lists them by month and by sender. Each message has its own folder in "Messages", with its page (message.html) and its attachments, ready to drag into your patient record software. These pages show no remote image and connect nowhere; links to websites are shown but not clickable.\r\n',
    note: 'Added to export_readme when the export writes the readable archive. The folder name is readable_dirName.',
  },
  export_readmeReadableParts: {
    fr: '\r\nCet export est en plusieurs parties : décompressez-les toutes dans le même dossier. Chaque partie a sa propre page de liste (index-partie-01.html, index-partie-02.html…) pour les messages qu’elle contient ; leurs dossiers se rangent ensemble dans « Messages » sans se mélanger.\r\n',
    en: '\r\nThis export comes in several parts: unzip them all into the same folder. Each part has its own list page (index-part-01.html, index-part-02.html…) for the messages it holds; their folders sit together in "Messages" without mixing.\r\n',
    note: 'Added after export_readmeReadable when the export is split into parts. The file names follow export_partWord.',
  },
  export_readme: {
    fr: 'Export Balise de messages MSSanté.\r\n\r\nCe fichier contient des données de santé de patients. Conservez-le dans un endroit protégé (dossier sécurisé du cabinet ou de l’établissement) ou classez les documents dans le logiciel de dossier patient, puis supprimez-le quand vous n’en avez plus besoin.\r\n\r\nChaque message est un fichier .eml (il s’ouvre avec Thunderbird ou Outlook), rangé dans le dossier de la boîte où il se trouvait. Le manifeste (.csv pour Excel, .json) liste chaque message : dossier, date, expéditeur, objet, taille et empreinte SHA-256 du fichier .eml.\r\n',
    en: 'Balise export of MSSanté messages.\r\n\r\nThis file holds patients’ health data. Keep it somewhere protected (your practice’s or facility’s secure folder) or file the documents in the patient record software, then delete it once you no longer need it.\r\n\r\nEach message is an .eml file (it opens in Thunderbird or Outlook), in the folder of the mailbox it was in. The manifest (.csv for Excel, .json) lists every message: folder, date, sender, subject, size and SHA-256 fingerprint of the .eml file.\r\n',
  },
  export_col_part: { fr: 'Partie', en: 'Part' },
  export_col_file: { fr: 'Fichier', en: 'File' },
  export_col_folder: { fr: 'Dossier', en: 'Folder' },
  export_col_date: { fr: 'Date', en: 'Date' },
  export_col_from: { fr: 'Expéditeur', en: 'From' },
  export_col_subject: { fr: 'Objet', en: 'Subject' },
  export_col_size: { fr: 'Taille (octets)', en: 'Size (bytes)' },
  export_col_sha256: { fr: 'SHA-256', en: 'SHA-256' },
  export_col_folderId: { fr: 'Identifiant du dossier', en: 'Folder id' },
  export_col_id: { fr: 'Identifiant du message', en: 'Message id' },
  // The export view's choice of what to export (lib/export/Chooser.tsx)
  export_sourceLegend: { fr: 'Que voulez-vous exporter ?', en: 'What do you want to export?' },
  export_sourceOne: { fr: 'À exporter : $1', en: 'To export: $1', note: '$1: what (a folder path, "the selected messages"…).' },
  export_sourceLoading: { fr: 'Liste des messages à exporter…', en: 'Listing the messages to export…' },
  export_sourceFailed: {
    fr: 'Balise n’a pas pu lister ces messages. Rien n’a été exporté ; réessayez dans un moment.',
    en: 'Balise could not list these messages. Nothing was exported; try again in a moment.',
  },
  export_sourceEmpty: { fr: 'Aucun message à exporter ici.', en: 'No message to export here.' },
  export_sourceCount: { fr: '$1 message(s) à exporter.', en: '$1 message(s) to export.', note: '$1: count, formatted.' },
} satisfies Catalog;
