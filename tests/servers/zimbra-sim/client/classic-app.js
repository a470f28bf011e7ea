/*
 * Balise Zimbra simulator: a small stand-in for the Zimbra classic (Ajax) web client.
 * It is NOT Zimbra's code. It builds, asynchronously like the real client, the DOM an adapter relies on:
 * #z_shell, #skin_outer, #z_userName, #skin_container_quota > #z_userQuota (share.Quota templates, aria-label
 * "Using X (N%) of Y quota"), a folder tree (zti__main_Mail__<id>), a message list (zli__TV-main__<id>) and
 * compose views zv__COMPOSE-<n>.ZmComposeView with ZmHtmlEditor<n> (textarea ZmHtmlEditor<n>_body and, in HTML
 * mode, iframe ZmHtmlEditor<n>_body_ifr whose body is body#tinymce.mce-content-body[data-id]).
 * The iframe body is a contenteditable stand-in for TinyMCE.
 * Quota refresh: the page keeps a SOAP session and polls NoOpRequest; Header.context.notify[].modified.mbx[0].s
 * updates the quota display (ZmRequestMgr._handleModifies -> ZmSetting QUOTA_USED -> setUserInfo).
 */
(function () {
  'use strict';
  var script = document.currentScript;
  var POLL_MS = Number((script && script.getAttribute('data-poll-ms')) || 1000);
  var LOCALE = window.appRequestLocaleId === 'en' ? 'en' : 'fr';
  var MSG = {
    fr: {
      // ZmMsg_fr.properties / AjxMsg_fr.properties / I18nMsg_fr.properties
      usingDescLimited: 'Vous utilisez {0} {1} sur un quota total de {2}',
      usingDescUnlimited: 'Vous utilisez {0} sur\u00a0: illimit\u00e9',
      units: ['o', 'ko', 'Mo', 'Go'],
      dec: ',',
      newMessage: 'Nouveau message',
      reply: 'R\u00e9pondre',
      forward: 'Transf\u00e9rer',
      origMsg: '----- Mail original -----',
      hdrFrom: 'De\u00a0: ',
      hdrTo: '\u00c0\u00a0: ',
      hdrSent: 'Envoy\u00e9\u00a0: ',
      hdrSubject: 'Objet\u00a0: ',
      del: 'Supprimer',
      send: 'Envoyer',
      saveDraft: 'Enregistrer le brouillon',
      cancel: 'Annuler',
      toLabel: '\u00c0\u00a0:',
      ccLabel: 'Cc\u00a0:',
      fromLabel: 'Exp\u00e9diteur\u00a0:',
      subjectLabel: 'Sujet\u00a0:',
      attach: 'Joindre',
      formatAsHtml: 'Format HTML',
      formatAsText: 'Format texte simple',
      emptyTrash: 'Vider la corbeille',
      composeBody: 'R\u00e9diger le texte du mail',
      expired: 'Votre session a expir\u00e9. Veuillez vous reconnecter.',
      folders: { 1: 'Dossiers', 2: 'R\u00e9ception', 3: 'Corbeille', 4: 'Spam', 5: 'Envoy\u00e9', 6: 'Brouillons' },
    },
    en: {
      usingDescLimited: 'Using {0} {1} of {2} quota',
      usingDescUnlimited: 'Using {0} of unlimited',
      units: ['B', 'KB', 'MB', 'GB'],
      dec: '.',
      newMessage: 'New Message',
      reply: 'Reply',
      forward: 'Forward',
      origMsg: '----- Original Message -----',
      hdrFrom: 'From: ',
      hdrTo: 'To: ',
      hdrSent: 'Sent: ',
      hdrSubject: 'Subject: ',
      del: 'Delete',
      send: 'Send',
      saveDraft: 'Save Draft',
      cancel: 'Cancel',
      toLabel: 'To:',
      ccLabel: 'Cc:',
      fromLabel: 'From:',
      subjectLabel: 'Subject:',
      attach: 'Attach',
      formatAsHtml: 'Format As HTML',
      formatAsText: 'Format As Plain Text',
      emptyTrash: 'Empty Trash',
      composeBody: 'Compose body',
      expired: 'Your session has expired. Please log in again.',
      folders: { 1: 'Folders', 2: 'Inbox', 3: 'Trash', 4: 'Junk', 5: 'Sent', 6: 'Drafts' },
    },
  }[LOCALE];

  var MARK = '\u200B';
  var state = {
    sessionId: null,
    used: 0,
    quota: 0,
    info: null,
    folders: [],
    currentFolder: 2,
    signatures: [],
    identities: [],
    prefs: {},
    expired: false,
    composeCount: 0,
    editorCount: 0,
    domIds: 0,
    composes: {},
  };

  function byId(id) {
    return document.getElementById(id);
  }
  function esc(s) {
    return String(s == null ? '' : s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  }
  function fmt(pattern, args) {
    return pattern.replace(/\{(\d+)\}/g, function (_m, i) {
      return args[Number(i)];
    });
  }
  function nextDwtId() {
    state.domIds += 1;
    return 'DWT' + (1000 + state.domIds);
  }
  /** AjxUtil.formatSize(size, false, 1) */
  function formatSize(size) {
    var u = 0;
    var v = size;
    if (size >= 1073741824) {
      u = 3;
      v = size / 1073741824;
    } else if (size >= 1048576) {
      u = 2;
      v = size / 1048576;
    } else if (size > 1023) {
      u = 1;
      v = size / 1024;
    }
    var r = Math.round(v * 10) / 10;
    var s = String(r);
    if (s.indexOf('.') >= 0) s = s.replace('.', MSG.dec);
    return s + ' ' + MSG.units[u];
  }

  // ---- SOAP -------------------------------------------------------------------------------------------------
  function soap(name, ns, body) {
    var ctx = { _jsns: 'urn:zimbra', userAgent: { name: 'ZimbraWebClient - ' + (navigator.userAgent.indexOf('Firefox') >= 0 ? 'FF' : 'GC') + ' (Linux)' } };
    ctx.session = state.sessionId ? { _content: state.sessionId, id: state.sessionId } : {};
    if (window.csrfToken) ctx.csrfToken = window.csrfToken;
    var req = {};
    body = body || {};
    body._jsns = ns;
    req[name] = body;
    return fetch('/service/soap/' + name, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/soap+xml; charset=utf-8', 'X-Zimbra-Csrf-Token': window.csrfToken || '' },
      body: JSON.stringify({ Header: { context: ctx }, Body: req }),
    })
      .then(function (r) {
        return r.json();
      })
      .then(function (j) {
        if (j.Header && j.Header.context) handleHeader(j.Header.context);
        if (j.Body && j.Body.Fault) {
          var code = j.Body.Fault.Detail && j.Body.Fault.Detail.Error && j.Body.Fault.Detail.Error.Code;
          if (code === 'service.AUTH_EXPIRED' || code === 'service.AUTH_REQUIRED') sessionExpired();
          var err = new Error(j.Body.Fault.Reason.Text);
          err.code = code;
          throw err;
        }
        return j.Body[name.replace(/Request$/, 'Response')];
      });
  }

  function handleHeader(ctx) {
    if (ctx.session && ctx.session.id) state.sessionId = ctx.session.id;
    if (!ctx.notify) return;
    var refresh = false;
    for (var i = 0; i < ctx.notify.length; i++) {
      var n = ctx.notify[i];
      if (n.modified && n.modified.mbx) {
        for (var k = 0; k < n.modified.mbx.length; k++) {
          if (n.modified.mbx[k].s != null && n.modified.mbx[k].s !== state.used) {
            state.used = Number(n.modified.mbx[k].s);
            setUserInfo();
          }
        }
      }
      if (n.deleted || n.created || (n.modified && (n.modified.m || n.modified.folder))) refresh = true;
    }
    if (refresh) scheduleRefresh();
  }

  var refreshTimer = null;
  function scheduleRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      loadFolders().then(function () {
        return loadList();
      });
    }, 50);
  }

  function sessionExpired() {
    if (state.expired) return;
    state.expired = true;
    var d = document.createElement('div');
    d.id = 'ZmReloginDialog';
    d.className = 'DwtDialog';
    d.setAttribute('role', 'dialog');
    d.textContent = MSG.expired;
    document.body.appendChild(d);
  }

  // ---- quota (ZmZimbraMail.setUserInfo / setQuotaInfo, share.Quota templates) --------------------------------
  function setUserInfo() {
    var nameEl = byId('z_userName');
    var username = state.prefs.zimbraPrefFromDisplay || (state.info && state.info.name) || '';
    if (nameEl) {
      nameEl.textContent = username.length > 24 ? username.slice(0, 24) + '\u2026' : username;
      nameEl.setAttribute('aria-label', username);
      nameEl.setAttribute('aria-disabled', 'true');
    }
    var el = byId('z_userQuota');
    if (!el) return;
    var size = formatSize(state.used);
    var desc;
    var html;
    if (state.quota) {
      var limit = formatSize(state.quota);
      var percent = Math.min(Math.round((state.used / state.quota) * 100), 100);
      var cls = 'quotaUsed';
      if (percent < 85 && percent > 65) cls = 'quotaWarning';
      else if (percent >= 85) cls = 'quotaCritical';
      desc = fmt(MSG.usingDescLimited, [size, '(' + percent + '%)', limit]);
      html = "\n\t<div class='BannerBar'>\n\t \t<div class='quotabar'>\n\t\t\t<div style='width:" + percent + "%' class='" + cls + "'></div>\n\t \t</div>\n    </div>\t\n\t\n";
    } else {
      desc = fmt(MSG.usingDescUnlimited, [size]);
      html = "\n    <div class='BannerTextQuota' style='display:none;'>" + esc(desc) + '</div>\n';
    }
    el.innerHTML = html;
    el.setAttribute('aria-label', desc);
  }

  // ---- shell ------------------------------------------------------------------------------------------------
  function buildShell() {
    var splash = byId('skin_container_splash_screen');
    if (splash) splash.parentNode.removeChild(splash);
    var shell = document.createElement('div');
    shell.id = 'z_shell';
    shell.className = 'DwtShell';
    shell.innerHTML =
      '<div id="skin_outer" class="skin_layout">' +
      '<div id="skin_tr_top" class="skin_tr_top">' +
      '<div id="skin_container_logo" class="skin_container_logo"><span class="ImgAppBanner">Zimbra</span></div>' +
      '<div id="skin_container_search_builder_toolbar"></div>' +
      '<div id="skin_container_username" class="skin_container_username"><div id="z_userName" class="BannerTextUser" tabindex="0"></div></div>' +
      '<div id="skin_container_quota" class="skin_container_quota"><div id="z_userQuota" class="BannerTextQuota"></div></div>' +
      '</div>' +
      '<div id="skin_container_app_chooser_lite"><div id="zb__App__Mail" class="ZAppTab ZSelected">Mail</div></div>' +
      '<div id="skin_tr_main">' +
      '<div id="skin_container_tree" class="skin_container_tree"><div id="zov__main_Mail" class="ZmOverview"></div></div>' +
      '<div id="skin_td_main">' +
      '<div id="skin_container_app_top_toolbar"><div id="ztb__TV-main" class="ZToolbar">' +
      '<button type="button" id="zb__NEW_MENU" class="ZToolbarButton">' + esc(MSG.newMessage) + '</button>' +
      '<button type="button" id="zb__TV-main__REPLY" class="ZToolbarButton">' + esc(MSG.reply) + '</button>' +
      '<button type="button" id="zb__TV-main__FORWARD" class="ZToolbarButton">' + esc(MSG.forward) + '</button>' +
      '<button type="button" id="zb__TV-main__DELETE" class="ZToolbarButton">' + esc(MSG.del) + '</button>' +
      '<button type="button" id="zb__TV-main__EMPTY_FOLDER" class="ZToolbarButton" style="display:none">' + esc(MSG.emptyTrash) + '</button>' +
      '</div></div>' +
      '<div id="skin_container_app_main" class="skin_container_app_main">' +
      '<div id="zv__TV-main" class="ZmTradView"><div id="zl__TV-main" class="DwtListView ZmMailMsgListView"><div id="zl__TV-main__rows" class="DwtListView-Rows"></div></div></div>' +
      '</div></div></div></div>';
    document.body.appendChild(shell);
    byId('zb__NEW_MENU').addEventListener('click', function () {
      openCompose();
    });
    byId('zb__TV-main__DELETE').addEventListener('click', deleteSelected);
    byId('zb__TV-main__REPLY').addEventListener('click', function () {
      replyTo('reply');
    });
    byId('zb__TV-main__FORWARD').addEventListener('click', function () {
      replyTo('forward');
    });
    byId('zb__TV-main__EMPTY_FOLDER').addEventListener('click', function () {
      soap('FolderActionRequest', 'urn:zimbraMail', { action: { op: 'empty', id: String(state.currentFolder), recursive: true } }).catch(function () {});
    });
  }

  // ---- folders and list -------------------------------------------------------------------------------------
  function folderName(f) {
    return Number(f.id) < 256 && MSG.folders[f.id] ? MSG.folders[f.id] : f.name;
  }

  function loadFolders() {
    return soap('GetFolderRequest', 'urn:zimbraMail', { view: 'message' }).then(function (r) {
      var root = r.folder[0];
      var tree = byId('zov__main_Mail');
      if (!tree) return;
      var render = function (f, depth) {
        var id = 'zti__main_Mail__' + f.id;
        var label = folderName(f) + (f.u ? ' (' + f.u + ')' : '');
        var selected = Number(f.id) === state.currentFolder ? ' DwtTreeItem-selected' : '';
        var html =
          '<div id="' + id + '" class="DwtTreeItem' + selected + '" data-folder-id="' + f.id + '" data-count="' + f.n + '" data-size="' + f.s + '">' +
          '<div class="DwtTreeItem-Control" style="padding-left:' + depth * 16 + 'px"><span id="' + id + '_textCell" class="DwtTreeItem-Text">' + esc(label) + '</span></div>';
        if (f.folder && f.folder.length) {
          html += '<div id="' + id + '_childContainer" class="DwtTreeItemChildDiv">';
          for (var i = 0; i < f.folder.length; i++) if (f.folder[i].view === 'message' || Number(f.folder[i].id) === 3) html += render(f.folder[i], depth + 1);
          html += '</div>';
        }
        return html + '</div>';
      };
      var html = '';
      for (var i = 0; i < (root.folder || []).length; i++) {
        var f = root.folder[i];
        if (f.view === 'message' || Number(f.id) === 3) html += render(f, 0);
      }
      tree.innerHTML = '<div id="zti__main_Mail__1" class="DwtTreeItem DwtTreeItem-Root"><span class="DwtTreeItem-Text">' + esc(MSG.folders[1]) + '</span></div>' + html;
      var items = tree.querySelectorAll('.DwtTreeItem[data-folder-id]');
      for (var k = 0; k < items.length; k++) {
        items[k].firstChild.addEventListener('click', (function (fid) {
          return function (ev) {
            ev.stopPropagation();
            state.currentFolder = fid;
            var empty = byId('zb__TV-main__EMPTY_FOLDER');
            if (empty) empty.style.display = fid === 3 ? '' : 'none';
            showList();
            loadFolders();
            loadList();
          };
        })(Number(items[k].getAttribute('data-folder-id'))));
      }
    });
  }

  function loadList() {
    return soap('SearchRequest', 'urn:zimbraMail', {
      query: 'inid:' + state.currentFolder,
      types: 'message',
      sortBy: 'dateDesc',
      limit: 100,
      offset: 0,
    }).then(function (r) {
      var rows = byId('zl__TV-main__rows');
      if (!rows) return;
      var html = '';
      var list = r.m || [];
      for (var i = 0; i < list.length; i++) {
        var m = list[i];
        var from = (m.e || []).filter(function (e) {
          return e.t === 'f';
        })[0];
        var f = m.f || '';
        var cls = 'Row' + (f.indexOf('u') >= 0 ? ' Unread' : '') + (f.indexOf('f') >= 0 ? ' Flagged' : '');
        var p = 'zlif__TV-main__' + m.id;
        html +=
          '<div id="zli__TV-main__' + m.id + '" class="' + cls + '" data-id="' + m.id + '">' +
          '<input type="checkbox" class="ZmRowCheckbox" aria-label="select">' +
          '<span id="' + p + '__at" class="' + (f.indexOf('a') >= 0 ? 'ImgAttachment' : '') + '"></span>' +
          '<span id="' + p + '__fr" class="ZmFrom">' + esc(from ? from.p || from.a : '') + '</span> ' +
          '<span id="' + p + '__su" class="ZmSubject">' + esc(m.su) + '</span> ' +
          '<span id="' + p + '__dt" class="ZmDate">' + esc(new Date(m.d).toLocaleDateString(LOCALE)) + '</span> ' +
          '<span id="' + p + '__sz" class="ZmSize">' + esc(formatSize(m.s)) + '</span>' +
          '</div>';
      }
      rows.innerHTML = html;
    });
  }

  function deleteSelected() {
    var boxes = document.querySelectorAll('#zl__TV-main__rows input.ZmRowCheckbox:checked');
    var ids = [];
    for (var i = 0; i < boxes.length; i++) ids.push(boxes[i].parentNode.getAttribute('data-id'));
    if (!ids.length) return;
    var op = state.currentFolder === 3 ? 'delete' : 'trash';
    // ZmList.CHUNK_SIZE = 100: one request per 100 ids, one after the other.
    var chain = Promise.resolve();
    for (var k = 0; k < ids.length; k += 100) {
      (function (chunk) {
        chain = chain.then(function () {
          return soap('MsgActionRequest', 'urn:zimbraMail', { action: { op: op, id: chunk.join(',') } });
        });
      })(ids.slice(k, k + 100));
    }
    chain.catch(function () {});
  }

  function poll() {
    if (state.expired) return;
    soap('NoOpRequest', 'urn:zimbraMail', {})
      .catch(function () {})
      .then(function () {
        if (!state.expired) setTimeout(poll, POLL_MS);
      });
  }

  // ---- compose (ZmComposeView / ZmHtmlEditor stand-ins) -----------------------------------------------------
  function sigFor(identity) {
    if (state.prefs.zimbraPrefMailSignatureEnabled === 'FALSE') return null;
    var id = identity && identity._attrs && identity._attrs.zimbraPrefDefaultSignatureId;
    if (!id) return null;
    for (var i = 0; i < state.signatures.length; i++) if (state.signatures[i].id === id) return state.signatures[i];
    return null;
  }
  function sigContent(sig, type) {
    var html = '';
    var text = '';
    for (var i = 0; i < (sig.content || []).length; i++) {
      if (sig.content[i].type === 'text/html') html = sig.content[i]._content;
      else text = sig.content[i]._content;
    }
    if (type === 'html') return html || esc(text).replace(/\n/g, '<br>');
    return text || htmlToText(html);
  }
  function htmlToText(html) {
    var t = String(html)
      .replace(/<br\s*\/?>/gi, '\n')
      .replace(/<\/(div|p|li|tr)>/gi, '\n')
      .replace(/<[^>]*>/g, '');
    var ta = document.createElement('textarea');
    ta.innerHTML = t;
    return ta.value.replace(/\n+$/, '');
  }
  function textToHtml(text) {
    if (!text) return '';
    return text
      .split(/\r?\n/)
      .map(function (l) {
        return '<div>' + (l ? esc(l) : '<br>') + '</div>';
      })
      .join('');
  }

  /**
   * The quoted message of a reply or forward, as ZmComposeView lays out BC_DIVIDER, BC_HEADERS and BC_QUOTED_TEXT:
   * a reply quotes with a prefix (zimbraPrefReplyIncludeOriginalText includeBodyWithPrefix: a blockquote in HTML,
   * "> " in text), a forward includes the body as it is (includeBody). The original's HTML goes in unchanged, its
   * own signature markers (data-marker, data-balise-sig) included, as Zimbra-sent mail carries them.
   */
  function quoteComponents(mode, q) {
    if (!q) return '';
    var hdr = [[MSG.hdrFrom, q.from], [MSG.hdrTo, q.to], [MSG.hdrSent, q.date], [MSG.hdrSubject, q.subject]];
    if (mode === 'html') {
      var body = q.html || textToHtml(q.text);
      if (q.prefix) body = '<blockquote style="border-left:2px solid #1010FF;margin-left:5px;padding-left:5px;color:#000;font-weight:normal;font-style:normal;text-decoration:none;font-family:Helvetica,Arial,sans-serif;font-size:12pt;">' + body + '</blockquote>';
      return '<div><br></div><hr id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__">' +
        hdr.map(function (h) { return '<b>' + esc(h[0]) + '</b>' + esc(h[1]) + '<br>'; }).join('') +
        '</div><br><div data-marker="__QUOTED_TEXT__">' + body + '</div>';
    }
    var text = (q.text || htmlToText(q.html)).replace(/\r\n?/g, '\n');
    if (q.prefix) text = text.split('\n').map(function (l) { return '> ' + l; }).join('\n');
    return '\r\n\r\n' + MARK + MARK + MARK + MSG.origMsg + '\r\n' + MARK + MARK + MARK + MARK +
      hdr.map(function (h) { return h[0] + h[1]; }).join('\r\n') + '\r\n\r\n' + MARK + MARK + MARK + MARK + MARK + text.replace(/\n/g, '\r\n') + '\r\n';
  }

  /** ZmComposeView._layoutBodyComponents: NOTHING, TEXT_PRE, SIG_PRE, DIVIDER, HEADERS, QUOTED_TEXT, SIG_POST. */
  function layoutBody(mode, userText, sig, quote) {
    var html = mode === 'html';
    var style = state.prefs.zimbraPrefMailSignatureStyle === 'internet' ? 'internet' : 'outlook';
    var crlf = html ? '<br>' : '\r\n';
    var crlf2 = html ? '<div><br></div><div><br></div>' : '\r\n\r\n';
    var value = '';
    var prev = 'NOTHING';
    if (userText) {
      value += (html ? '' : MARK) + userText;
      prev = 'TEXT_PRE';
    }
    if (sig) {
      var sp = prev === 'NOTHING' ? crlf2 : crlf;
      if (style === 'outlook') {
        value += sp + (html ? '<div id="' + sig.id + '" data-marker="__SIG_PRE__">' + sigContent(sig, 'html') + '</div>' : MARK + MARK + sigContent(sig, 'text'));
        value += quoteComponents(mode, quote);
      } else {
        value += quoteComponents(mode, quote);
        value += (quote ? crlf : sp) + (html
          ? '<div data-marker="__SIG_POST__">-- ' + crlf + '</div><div id="' + sig.id + '">' + sigContent(sig, 'html') + '</div>'
          : MARK + MARK + MARK + MARK + MARK + MARK + '-- ' + crlf + sigContent(sig, 'text'));
      }
    } else value += quoteComponents(mode, quote);
    return value;
  }

  function userContent(c) {
    // What the user typed (TEXT_PRE), in the current mode.
    if (c.mode === 'html') {
      var body = c.iframe.contentDocument.body;
      var clone = body.cloneNode(true);
      var quoted = clone.querySelectorAll('[data-marker="__DIVIDER__"],[data-marker="__HEADERS__"],[data-marker="__QUOTED_TEXT__"]');
      for (var q = 0; q < quoted.length; q++) if (quoted[q].parentNode) quoted[q].parentNode.removeChild(quoted[q]);
      var sigEls = clone.querySelectorAll('[data-marker="__SIG_PRE__"],[data-marker="__SIG_POST__"],[data-balise-sig]');
      for (var i = 0; i < sigEls.length; i++) sigEls[i].parentNode.removeChild(sigEls[i]);
      for (var k = 0; k < state.signatures.length; k++) {
        var s = clone.querySelector('[id="' + state.signatures[k].id + '"]');
        if (s) s.parentNode.removeChild(s);
      }
      return clone.innerHTML.replace(/(<div><br><\/div>|<br>)+$/i, '').replace(/^(<div><br><\/div>)+/i, '');
    }
    var v = c.textarea.value;
    var cut = v.search(/\u200B{2,}/); // the first component after TEXT_PRE: SIG_PRE, or the quote's DIVIDER
    if (cut >= 0) v = v.slice(0, cut);
    return v.replace(/\u200B/g, '').replace(/\s+$/, '');
  }

  function setBody(c, value) {
    if (c.mode === 'html') c.iframe.contentDocument.body.innerHTML = value;
    else c.textarea.value = value;
  }

  function applyMode(c, mode, userText) {
    c.mode = mode;
    c.mce.style.display = mode === 'html' ? '' : 'none';
    c.textarea.style.display = mode === 'html' ? 'none' : '';
    if (mode === 'html') c.textarea.setAttribute('aria-hidden', 'true');
    else c.textarea.removeAttribute('aria-hidden');
    setBody(c, layoutBody(mode, userText, sigFor(c.identity), c.quote));
    c.view.setAttribute('data-compose-mode', mode);
  }

  function initIframe(iframe, editorId) {
    var doc = iframe.contentDocument;
    doc.open();
    doc.write(
      '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8">' +
        '<link type="text/css" rel="stylesheet" href="/css/tinymce-content.css"></head>' +
        '<body id="tinymce" class="mce-content-body " data-id="' + editorId + '_body" contenteditable="true" spellcheck="false"></body></html>',
    );
    doc.close();
  }

  function identityLabel(idn) {
    var a = idn._attrs || {};
    return '"' + (a.zimbraPrefFromDisplay || '') + '" <' + (a.zimbraPrefFromAddress || '') + '>';
  }

  function addBubble(c, field, text) {
    var addr = text.trim().replace(/[,;]+$/, '');
    if (!addr) return;
    var holder = byId(c.vid + '_' + field + '_cell').querySelector('.addrBubbleHolder, .addrBubbleHolder-empty');
    holder.className = 'addrBubbleHolder';
    var span = document.createElement('span');
    span.id = nextDwtId();
    span.className = 'addrBubble';
    span.setAttribute('tabindex', '0');
    span.setAttribute('aria-label', addr);
    span.innerHTML = '<span class="addrBubbleText">' + esc(addr) + '</span><span class="ImgBubbleDelete addrBubbleClose" role="button"></span>';
    span.lastChild.addEventListener('click', function () {
      span.parentNode.removeChild(span);
    });
    holder.appendChild(span);
  }

  function bubbles(c, field) {
    var out = [];
    var list = byId(c.vid + '_' + field + '_cell').querySelectorAll('.addrBubble');
    for (var i = 0; i < list.length; i++) out.push(list[i].getAttribute('aria-label'));
    var pending = byId(c.vid + '_' + field + '_control').value.trim();
    if (pending) out.push(pending);
    return out;
  }

  /** Reply / Forward on the checked message (or the first one): GetMsgRequest, then a compose view quoting it. */
  function replyTo(how) {
    var box = document.querySelector('#zl__TV-main__rows input.ZmRowCheckbox:checked') || document.querySelector('#zl__TV-main__rows input.ZmRowCheckbox');
    var row = box && box.closest('[data-id]');
    if (!row) return;
    var html = state.prefs.zimbraPrefComposeFormat !== 'text';
    soap('GetMsgRequest', 'urn:zimbraMail', { m: { id: row.getAttribute('data-id'), html: html ? 1 : 0 } })
      .then(function (r) {
        var m = r.m[0];
        var bodyOf = function (parts, ct) {
          for (var i = 0; parts && i < parts.length; i++) {
            if (parts[i].body && parts[i].ct === ct && typeof parts[i].content === 'string') return parts[i].content;
            var inner = bodyOf(parts[i].mp, ct);
            if (inner !== null) return inner;
          }
          return null;
        };
        var addr = function (t) {
          return (m.e || []).filter(function (e) { return e.t === t; }).map(function (e) { return e.p ? '"' + e.p + '" <' + e.a + '>' : e.a; }).join(', ');
        };
        var htmlBody = bodyOf(m.mp, 'text/html');
        var textBody = bodyOf(m.mp, 'text/plain');
        openCompose({
          prefix: how === 'reply',
          from: addr('f'),
          to: addr('t'),
          date: new Date(m.d).toLocaleString(LOCALE),
          subject: m.su || '',
          subjectLine: (how === 'reply' ? 'Re: ' : 'Fwd: ') + (m.su || ''),
          html: htmlBody,
          text: textBody !== null ? textBody : htmlBody !== null ? htmlToText(htmlBody) : '',
        });
      })
      .catch(function () {});
  }

  function showList() {
    for (var k in state.composes) state.composes[k].view.style.display = 'none';
    var tv = byId('zv__TV-main');
    if (tv) tv.style.display = '';
    var tb = byId('ztb__TV-main');
    if (tb) tb.style.display = '';
  }

  function closeCompose(c) {
    delete state.composes[c.vid];
    c.view.parentNode.removeChild(c.view);
    showList();
  }

  function openCompose(quote) {
    state.composeCount += 1;
    state.editorCount += 1;
    var n = state.composeCount;
    var vid = 'zv__COMPOSE-' + n;
    var tid = 'COMPOSE-' + n;
    var eid = 'ZmHtmlEditor' + state.editorCount;
    for (var k in state.composes) state.composes[k].view.style.display = 'none';
    byId('zv__TV-main').style.display = 'none';
    byId('ztb__TV-main').style.display = 'none';
    var identities = state.identities.slice();
    var identity = identities[0];
    var view = document.createElement('div');
    view.id = vid;
    view.className = 'ZmComposeView';
    view.setAttribute('role', 'region');
    var optRows = '';
    for (var i = 0; i < identities.length; i++) {
      optRows += '<div class="ZMenuItem" role="menuitem" data-index="' + i + '">' + esc(identityLabel(identities[i])) + '</div>';
    }
    view.innerHTML =
      '<div id="ztb__' + tid + '" class="ZToolbar">' +
      '<button type="button" id="zb__' + tid + '__SEND_MENU" class="ZToolbarButton">' + esc(MSG.send) + '</button>' +
      '<button type="button" id="zb__' + tid + '__CANCEL" class="ZToolbarButton">' + esc(MSG.cancel) + '</button>' +
      '<button type="button" id="zb__' + tid + '__SAVE_DRAFT" class="ZToolbarButton">' + esc(MSG.saveDraft) + '</button>' +
      '<button type="button" id="zmi__' + tid + '__FORMAT_HTML" class="ZMenuItem">' + esc(MSG.formatAsHtml) + '</button>' +
      '<button type="button" id="zmi__' + tid + '__FORMAT_TEXT" class="ZMenuItem">' + esc(MSG.formatAsText) + '</button>' +
      '</div>' +
      '<table id="' + vid + '_header" role="presentation" width="100%" class="ZPropertySheet" cellspacing="6">' +
      '<tr id="' + vid + '_identity_row"><td class="ZmFieldLabelRight">' + esc(MSG.fromLabel) + '</td><td>' +
      '<div id="' + vid + '_from_select"><div id="' + vid + '_identity_control" class="ZSelectAutoSizingContainer ZHasDropDown ZWidget" role="listbox" tabindex="0">' +
      '<table role="presentation"><tr><td id="' + vid + '_identity_control_title" class="ZWidgetTitle">' + esc(identityLabel(identity)) + '</td><td class="ZDropDown"><div class="ImgSelectPullDownArrow"></div></td></tr></table>' +
      '<div class="DwtMenu" style="display:none">' + optRows + '</div></div></div></td></tr>' +
      '<tr id="' + vid + '_to_row"><td id="' + vid + '_to_picker"><button type="button" class="ZButton">' + esc(MSG.toLabel) + '</button></td>' +
      '<td id="' + vid + '_to_cell"><div class="addrBubbleContainer"><div class="addrBubbleHolder-empty"></div>' +
      '<input id="' + vid + '_to_control" class="addrBubbleInput" autocomplete="off" aria-label="' + esc(MSG.toLabel) + '"></div></td></tr>' +
      '<tr id="' + vid + '_cc_row"><td id="' + vid + '_cc_picker"><button type="button" class="ZButton">' + esc(MSG.ccLabel) + '</button></td>' +
      '<td id="' + vid + '_cc_cell"><div class="addrBubbleContainer"><div class="addrBubbleHolder-empty"></div>' +
      '<input id="' + vid + '_cc_control" class="addrBubbleInput" autocomplete="off" aria-label="' + esc(MSG.ccLabel) + '"></div></td></tr>' +
      '<tr id="' + vid + '_subject_row"><td class="ZmFieldLabelRight">' + esc(MSG.subjectLabel) + '</td><td>' +
      '<input type="text" id="' + vid + '_subject_control" class="subjectField" autocomplete="off" aria-label="' + esc(MSG.subjectLabel) + '"></td></tr>' +
      '<tr id="' + vid + '_attachments_row"><td id="' + vid + '_attachments_btn" align="right"><label class="ZButton">' + esc(MSG.attach) +
      '<input type="file" id="' + vid + '_file_input_computer" multiple style="display:none"></label></td>' +
      '<td><div id="' + vid + '_attachments_div"><div class="attBubbleContainer"><div class="attBubbleHolder"></div></div></div></td></tr>' +
      '</table>' +
      '<div id="' + vid + '_body" class="ZmComposeViewBody"><div id="' + eid + '" class="ZmHtmlEditor">' +
      '<textarea id="' + eid + '_body" name="' + eid + '_body" class="ZmHtmlEditorTextArea" aria-label="' + esc(MSG.composeBody) + '" rows="12" style="width:100%"></textarea>' +
      '<div id="mceu_' + state.editorCount + '" class="mce-tinymce mce-container mce-panel" role="application">' +
      '<div class="mce-edit-area mce-container mce-panel"><iframe id="' + eid + '_body_ifr" frameborder="0" allowtransparency="true" title="Zone de texte riche" style="width:100%;height:280px;display:block"></iframe></div></div>' +
      '</div></div>';
    byId('skin_container_app_main').appendChild(view);
    var c = {
      vid: vid,
      view: view,
      identity: identity,
      textarea: byId(eid + '_body'),
      iframe: byId(eid + '_body_ifr'),
      mce: byId('mceu_' + state.editorCount),
      mode: 'html',
      files: [],
      quote: quote || null,
    };
    state.composes[vid] = c;
    initIframe(c.iframe, eid);
    if (quote) byId(vid + '_subject_control').value = quote.subjectLine;
    applyMode(c, state.prefs.zimbraPrefComposeFormat === 'text' ? 'text' : 'html', '');

    // From select (DwtSelect stand-in)
    var sel = byId(vid + '_identity_control');
    var menu = sel.querySelector('.DwtMenu');
    sel.addEventListener('click', function (ev) {
      var item = ev.target.closest ? ev.target.closest('.ZMenuItem') : null;
      if (item) {
        var idn = identities[Number(item.getAttribute('data-index'))];
        var text = userContent(c);
        c.identity = idn;
        byId(vid + '_identity_control_title').textContent = identityLabel(idn);
        setBody(c, layoutBody(c.mode, text, sigFor(idn), c.quote));
        menu.style.display = 'none';
      } else menu.style.display = menu.style.display === 'none' ? '' : 'none';
    });
    ['to', 'cc'].forEach(function (field) {
      var input = byId(vid + '_' + field + '_control');
      input.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ',' || ev.key === ';') {
          ev.preventDefault();
          addBubble(c, field, input.value);
          input.value = '';
        }
      });
      input.addEventListener('blur', function () {
        if (input.value.trim()) {
          addBubble(c, field, input.value);
          input.value = '';
        }
      });
    });
    byId(vid + '_file_input_computer').addEventListener('change', function (ev) {
      var files = ev.target.files || [];
      var holder = byId(vid + '_attachments_div').querySelector('.attBubbleHolder');
      for (var i = 0; i < files.length; i++) {
        var f = files[i];
        c.files.push(f);
        var span = document.createElement('span');
        span.id = nextDwtId();
        span.className = 'attachmentBubble AttachmentSpan';
        span.innerHTML = '<a class="AttLink" href="#">' + esc(f.name) + '</a> (' + esc(formatSize(f.size)) + ')<span tabindex="0" class="ImgBubbleDelete AttachmentClose" role="button"></span>';
        holder.appendChild(span);
      }
    });
    byId('zmi__' + tid + '__FORMAT_HTML').addEventListener('click', function () {
      if (c.mode === 'html') return;
      var t = userContent(c);
      applyMode(c, 'html', textToHtml(t));
    });
    byId('zmi__' + tid + '__FORMAT_TEXT').addEventListener('click', function () {
      if (c.mode === 'text') return;
      var t = htmlToText(userContent(c));
      applyMode(c, 'text', t);
    });
    byId('zb__' + tid + '__CANCEL').addEventListener('click', function () {
      closeCompose(c);
    });
    var buildMsg = function (draft) {
      var e = [];
      bubbles(c, 'to').forEach(function (a) {
        e.push({ t: 't', a: a.replace(/^.*<([^>]+)>.*$/, '$1') });
      });
      bubbles(c, 'cc').forEach(function (a) {
        e.push({ t: 'c', a: a.replace(/^.*<([^>]+)>.*$/, '$1') });
      });
      var mp;
      if (c.mode === 'html') {
        var body = c.iframe.contentDocument.body.cloneNode(true);
        if (!draft) {
          // ZmComposeView._cleanupSignatureIds: signature ids are dropped from sent mail, kept in drafts.
          for (var i = 0; i < state.signatures.length; i++) {
            var s = body.querySelector('[id="' + state.signatures[i].id + '"]');
            if (s) s.removeAttribute('id');
          }
        }
        mp = [{ ct: 'multipart/alternative', mp: [{ ct: 'text/plain', content: htmlToText(body.innerHTML) }, { ct: 'text/html', content: body.innerHTML }] }];
      } else {
        mp = [{ ct: 'text/plain', content: draft ? c.textarea.value : c.textarea.value.replace(/\u200B/g, '') }];
      }
      var m = { e: e, su: byId(vid + '_subject_control').value, mp: mp, idnt: c.identity && c.identity.id };
      if (c.draftId) m[draft ? 'id' : 'did'] = c.draftId;
      return m;
    };
    byId('zb__' + tid + '__SAVE_DRAFT').addEventListener('click', function () {
      soap('SaveDraftRequest', 'urn:zimbraMail', { m: buildMsg(true) })
        .then(function (r) {
          c.draftId = r.m[0].id;
        })
        .catch(function () {});
    });
    byId('zb__' + tid + '__SEND_MENU').addEventListener('click', function () {
      soap('SendMsgRequest', 'urn:zimbraMail', { m: buildMsg(false) })
        .then(function () {
          closeCompose(c);
        })
        .catch(function () {});
    });
    return c;
  }

  // ---- boot -------------------------------------------------------------------------------------------------
  function launch() {
    soap('GetInfoRequest', 'urn:zimbraAccount', { sections: 'mbox,prefs,attrs,idents,sigs' })
      .then(function (info) {
        state.info = info;
        state.used = Number(info.used || 0);
        state.quota = Number((info.attrs && info.attrs._attrs && info.attrs._attrs.zimbraMailQuota) || 0);
        state.prefs = (info.prefs && info.prefs._attrs) || {};
        state.signatures = (info.signatures && info.signatures.signature) || [];
        state.identities = (info.identities && info.identities.identity) || [];
        // Built after a delay, as the real client builds its shell asynchronously after the scripts load.
        return new Promise(function (r) {
          setTimeout(r, 150);
        });
      })
      .then(function () {
        buildShell();
        setUserInfo();
        return loadFolders();
      })
      .then(loadList)
      .then(function () {
        document.body.setAttribute('data-sim-ready', '1');
        setTimeout(poll, POLL_MS);
      })
      .catch(function (e) {
        document.body.setAttribute('data-sim-error', String(e && e.message));
      });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', launch);
  else setTimeout(launch, 0);
})();
