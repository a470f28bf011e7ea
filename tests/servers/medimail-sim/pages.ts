/**
 * The stand-in's HTML pages. Only the structure the facts give (see README.md: the manual's layout and labels, the
 * selectors and URLs public code read) is meant to be relied on; everything else here (class names of the layout
 * boxes, the order of the header's parts, the download URL, the compose form's ids) is a choice, and the adapter must
 * not depend on it. Every text from the mailbox is escaped.
 */
import { parisParts } from '../seed/mime.ts';
import { APICRYPT_ADDRESS, MEDIMAIL_ADDRESS, MSSANTE_ADDRESS, OWNER_NAME, escapeHtml as h, type SimFolder, type SimMailbox, type SimMessage } from './mailbox.ts';

export const PAGE_SIZE_DEFAULT = 50;
export const MAX_ATTACHMENTS_BYTES = 60 * 1024 * 1024;

const p2 = (n: number) => String(n).padStart(2, '0');

/** `yyyy-MM-dd HH:mm:ss`, Paris wall clock (the list's date format). */
export function listDate(t: number): string {
  const p = parisParts(new Date(t));
  return `${p.y}-${p2(p.mo)}-${p2(p.d)} ${p2(p.h)}:${p2(p.mi)}:${p2(p.s)}`;
}

/** "Envoyé le dd/mm/yyyy à HH:mm" (the manual gives the date; the time after it is a choice). */
export function sentLabel(t: number): string {
  const p = parisParts(new Date(t));
  return `Envoyé le ${p2(p.d)}/${p2(p.mo)}/${p.y} à ${p2(p.h)}:${p2(p.mi)}`;
}

/** French size label as webmails print it ("12,3 Ko"). */
export function sizeLabel(n: number): string {
  if (n < 1024) return `${n} o`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1).replace('.', ',')} Ko`;
  return `${(n / 1024 / 1024).toFixed(1).replace('.', ',')} Mo`;
}

const initials = (name: string) =>
  name
    .replace(/^Dr\s+/i, '')
    .split(/\s+/)
    .map((w) => w[0] ?? '')
    .join('')
    .toUpperCase();

function folderTree(box: SimMailbox, parent: number | null): string {
  const items = box.folders.filter((f) => f.parent === parent);
  if (!items.length) return '';
  return `<ul>${items
    .map((f) => `<li><a href="/?m=liste&amp;f=${f.id}&amp;o=title">${h(f.name)}</a>${folderTree(box, f.id)}</li>`)
    .join('')}</ul>`;
}

/** Header, vertical menu, main part, footer: the manual's layout. */
export function layout(box: SimMailbox, title: string, main: string, opts: { mssante?: boolean } = {}): string {
  const corr = opts.mssante === false ? '' : `<li>Correspondance MSSanté : ${h(MSSANTE_ADDRESS)}</li>`;
  return `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>${h(title)} - Medimail</title>
<link rel="stylesheet" href="/css/medimail.css"></head>
<body>
<header class="bandeau">
  <a class="logo" href="/?m=liste&amp;f=1&amp;o=date&amp;p=1"><img src="/img/logo.svg" alt="Medimail"></a>
  <span class="icones"><img src="/img/cadenas.svg" alt="Sécurité"> <img src="/img/enveloppe.svg" alt="Messages"> <a href="/?m=aide" title="Aide">?</a></span>
  <button type="button" class="bulle" title="${h(OWNER_NAME)}" onclick="var b=document.getElementById('boite-compte');b.hidden=!b.hidden">${h(initials(OWNER_NAME))}</button>
  <div id="boite-compte" class="boite-compte" hidden>
    <p class="nom">${h(OWNER_NAME)}</p>
    <p class="adresse">${h(MEDIMAIL_ADDRESS)}</p>
    <ul class="correspondances">${corr}<li>Correspondance Apicrypt : ${h(APICRYPT_ADDRESS)}</li></ul>
    <a class="bouton" href="/?m=compte">Gérer votre compte Medimail</a>
    <a class="bouton" href="/?m=deconnexion">Déconnexion</a>
  </div>
</header>
<nav class="menu">
  <a class="bouton nouveau" href="/?m=nouveau">Nouveau message</a>
  <div class="dossiers">${folderTree(box, null)}<a href="/?m=dossier">nouveau dossier</a></div>
  <a href="/?m=annuaire">Annuaire</a>
</nav>
<main class="principal">
${main}
</main>
<footer class="pied">Medimail - Mipih</footer>
</body></html>`;
}

export function loginPage(expired: boolean): string {
  return `<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Connexion - Medimail</title></head>
<body>
<h1>Medimail</h1>
${expired ? '<p class="alerte">Votre session a expiré. Veuillez vous reconnecter.</p>' : ''}
<form method="post" action="/?m=connexion">
  <p>Connexion par Pro Santé Connect (e-CPS) ou par code à usage unique.</p>
  <label for="code">Code à usage unique</label> <input id="code" name="code" autocomplete="one-time-code">
  <button type="submit">Se connecter</button>
</form>
</body></html>`;
}

function row(m: SimMessage, folder: SimFolder): string {
  const who = folder.role === 'sent' || folder.role === 'drafts'
    ? m.to.map((a) => a.name || a.address).join(', ')
    : m.from.name || m.from.address;
  const whoTitle = folder.role === 'sent' || folder.role === 'drafts' ? m.to.map((a) => a.address).join(', ') : m.from.address;
  const clip = m.attachments.length ? '<img src="/img/trombone.svg" alt="Pièce jointe" title="Pièce jointe">' : '';
  return `<tr class="${m.unread ? 'unopen' : 'open'}">
<td class="left"><input type="checkbox" name="sel[]" value="${m.id}" aria-label="Sélectionner"></td>
<td class="middle" onclick="document.location='/?m=open&amp;idk=${m.id}'">${clip}</td>
<td class="middle">${h(m.subject)}</td>
<td class="middle" title="${h(whoTitle)}">${h(who)}</td>
<td class="right">${listDate(m.date)}</td>
</tr>`;
}

export type SortKey = 'date' | 'title' | 'from';

export function listMain(box: SimMailbox, folder: SimFolder, page: number, pageSize: number, order: SortKey): { html: string; pages: number } {
  let all = box.inFolder(folder.id);
  if (order === 'title') all = [...all].sort((a, b) => a.subject.localeCompare(b.subject, 'fr') || b.id - a.id);
  if (order === 'from') all = [...all].sort((a, b) => (a.from.name || a.from.address).localeCompare(b.from.name || b.from.address, 'fr') || b.id - a.id);
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const p = Math.min(Math.max(1, page), pages);
  const rows = all.slice((p - 1) * pageSize, p * pageSize);
  const link = (n: number, label: string) => `<a href="/?m=liste&amp;f=${folder.id}&amp;o=${order}&amp;p=${n}">${label}</a>`;
  const whoLabel = folder.role === 'sent' || folder.role === 'drafts' ? 'Destinataires' : 'Expéditeur';
  const html = `<h2>${h(folder.name)}</h2>
<form class="recherche" method="get" action="/"><input type="hidden" name="m" value="recherche">
<input type="search" name="q" placeholder="Rechercher dans les messages"> <a href="/?m=liste&amp;f=${folder.id}&amp;o=date&amp;p=1">Effacer la recherche</a></form>
<form method="post" action="/?m=export"><button type="submit">Exporter</button>
<table class="liste">
<thead><tr><th></th><th></th><th><a href="/?m=liste&amp;f=${folder.id}&amp;o=title">Objet</a></th><th><a href="/?m=liste&amp;f=${folder.id}&amp;o=from">${whoLabel}</a></th><th><a href="/?m=liste&amp;f=${folder.id}&amp;o=date">Date</a></th></tr></thead>
<tbody>
${rows.map((m) => row(m, folder)).join('\n')}
</tbody></table></form>
${rows.length ? '' : '<p class="vide">Aucun message</p>'}
<div id="pagination">${p > 1 ? link(p - 1, '&lt;') : ''} Page ${p} sur ${pages} ${p < pages ? link(p + 1, '&gt;') : ''}</div>`;
  return { html, pages };
}

const addrText = (a: { name: string; address: string }) => (a.name ? `${a.name} <${a.address}>` : a.address);

export function openMain(m: SimMessage, folder: SimFolder): string {
  const docs = m.attachments.length
    ? `<div class="bloc"><h3>Document(s)</h3><ul>${m.attachments
        .map((a) => `<li><a href="/?m=piece&amp;idk=${m.id}&amp;n=${a.n}" target="_blank">${h(a.filename)}</a> <span class="taille">(${sizeLabel(a.data.length)})</span></li>`)
        .join('')}</ul></div>`
    : '';
  const cc = m.cc.length ? `<p>Pour information : ${h(m.cc.map(addrText).join(', '))}</p>` : '';
  return `<div id="corps">
<h2 class="objet">${h(m.subject)}</h2>
<p class="date">${sentLabel(m.date)}</p>
<p class="outils"><a href="/?m=repondre&amp;idk=${m.id}">Répondre</a> <select aria-label="Plus d'actions"><option>Transférer</option><option>Exporter</option></select></p>
<p class="de">De : ${h(addrText(m.from))}</p>
<p class="a">À : ${h(m.to.map(addrText).join(', '))}</p>
${cc}
<div id="kvp_content">${m.html}</div>
<div id="kvp_param">
${docs}
<div class="bloc"><h3>Evénements</h3><ul><li>Ouvert par ${h(MSSANTE_ADDRESS)}</li></ul></div>
</div>
<p class="boutons"><a class="bouton" href="/?m=liste&amp;f=${folder.id}&amp;o=date&amp;p=1">Retour à la liste</a>
<a class="bouton" href="/?m=repondre&amp;idk=${m.id}">Répondre</a>
<button type="button" class="bouton">Supprimer</button></p>
</div>`;
}

export function composeMain(prefill: { to?: string; subject?: string } = {}): string {
  return `<h2>Nouveau message</h2>
<form id="redaction" method="post" action="/?m=envoyer">
<p><label for="destinataires">À</label> <input id="destinataires" name="destinataires" value="${h(prefill.to ?? '')}" placeholder="Adresses séparées par des virgules"></p>
<p><label for="copie">Pour information</label> <input id="copie" name="copie"></p>
<p><label for="objet">Objet</label> <input id="objet" name="objet" value="${h(prefill.subject ?? '')}"></p>
<div class="editeur" contenteditable="true" role="textbox" aria-multiline="true" aria-label="Message"><p><br></p></div>
<input type="hidden" name="corps">
<p><label>Ajouter une pièce jointe <input type="file" multiple></label></p>
<p class="jauge"><progress max="${MAX_ATTACHMENTS_BYTES}" value="0"></progress> <span class="jauge-texte">0 Mo / 60 Mo</span></p>
<p><button type="submit" name="action" value="envoyer">Envoyer</button>
<button type="submit" name="action" value="sauvegarder">Sauvegarder le message</button></p>
</form>
<script>
(function () {
  var form = document.getElementById('redaction');
  var file = form.querySelector('input[type=file]');
  file.addEventListener('change', function () {
    var total = 0;
    for (var i = 0; i < file.files.length; i++) total += file.files[i].size;
    form.querySelector('progress').value = total;
    form.querySelector('.jauge-texte').textContent = (total / 1048576).toFixed(1).replace('.', ',') + ' Mo / 60 Mo';
  });
  form.addEventListener('submit', function () { form.elements.corps.value = form.querySelector('.editeur').innerHTML; });
})();
</script>`;
}

export function simplePage(title: string, text: string): string {
  return `<h2>${h(title)}</h2><p>${h(text)}</p>`;
}

export const ASSETS: Record<string, { type: string; body: string }> = {
  '/img/logo.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><text x="0" y="24" font-size="22">Medimail</text></svg>' },
  '/img/cadenas.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="3" y="7" width="10" height="8"/></svg>' },
  '/img/enveloppe.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="1" y="3" width="14" height="10" fill="none" stroke="#000"/></svg>' },
  '/img/trombone.svg': { type: 'image/svg+xml', body: '<svg xmlns="http://www.w3.org/2000/svg" width="12" height="16"><path d="M3 4v8a3 3 0 0 0 6 0V3" fill="none" stroke="#000"/></svg>' },
  '/css/medimail.css': {
    type: 'text/css',
    body: 'body{font-family:sans-serif;margin:0;display:grid;grid-template-columns:220px 1fr;grid-template-rows:auto 1fr auto}' +
      '.bandeau,.pied{grid-column:1/3;padding:8px;background:#eef}.menu{padding:8px}.principal{padding:8px}' +
      '.bulle{border-radius:50%;background:#26c;color:#fff;border:0;width:32px;height:32px}.boite-compte{position:absolute;right:8px;background:#fff;border:1px solid #ccc;padding:8px}' +
      'tr.unopen{font-weight:bold}td.middle:first-of-type{cursor:pointer}.editeur{min-height:160px;border:1px solid #999;padding:4px}',
  },
};
