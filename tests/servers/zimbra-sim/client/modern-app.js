/*
 * Balise Zimbra simulator: stand-in for the Zimbra Modern UI under /modern/. Not Zimbra code. The real
 * Modern UI's markup is not public; this page only has what the simulator needs: none of the classic ids
 * (#z_shell, #skin_outer, ZmHtmlEditor…), the #zm-x-web root of the 2018 public fork, and SOAP calls that
 * use localStorage.csrfToken like @zimbra/api-client (header only).
 */
(function () {
  'use strict';
  var root = document.getElementById('zm-x-web');
  var token = localStorage.getItem('csrfToken') || '';
  root.innerHTML = '<div class="zimbra-client"><header class="zimbra-client_header">Zimbra</header><main class="zimbra-client_main"><div class="mail-list">…</div></main></div>';
  fetch('/service/soap/GetInfoRequest', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'X-Zimbra-Csrf-Token': token },
    body: JSON.stringify({ Header: { context: { _jsns: 'urn:zimbra' } }, Body: { GetInfoRequest: { _jsns: 'urn:zimbraAccount', sections: 'mbox' } } }),
  })
    .then(function (r) { return r.json(); })
    .then(function (j) {
      var info = j.Body.GetInfoResponse;
      if (info) root.querySelector('header').textContent = 'Zimbra – ' + info.name;
      document.body.setAttribute('data-sim-ready', '1');
    });
})();
