/**
 * HTML pages and the small scripts they load. Every page is served from 127.0.0.1 and loads nothing from
 * another host.
 *
 * - login page: Zimbra/zm-web-client `WebRoot/public/login.jsp` (form#zLoginForm, loginOp=login, login_csrf
 *   matching the ZM_LOGIN_CSRF cookie, username, password).
 * - classic page: `WebRoot/public/launchZCS.jsp` (html class, title, css link, the inline script with
 *   appContextPath/appCurrentSkin/cacheKillerVersion/authTokenExpires/csrfToken and, from 8.8.15.p4 on,
 *   localStorage.setItem("csrfToken", …); script tags /js/JQuery_all.js, /js/Startup1_1_all.js,
 *   /js/Startup1_2_all.js, /js/skin.js). The application itself is a stand-in (client/classic-app.js).
 * - modern page: `WebRoot/public/modern.jsp` stores localStorage.csrfToken; the Modern UI lives under /modern/
 *   and has none of the classic ids (its real markup is not public).
 */
import { readFileSync } from 'node:fs';
import type { AuthSession, SimConfig } from './soap.ts';

const here = new URL('.', import.meta.url);
const clientFile = (name: string) => () => readFileSync(new URL(`client/${name}`, here));

export const ASSETS: Record<string, { type: string; body: () => Buffer | string }> = {
  '/js/JQuery_all.js': { type: 'application/javascript', body: () => '/* stand-in for Zimbra JQuery_all.js (Balise simulator) */\n' },
  '/js/Startup1_1_all.js': {
    type: 'application/javascript',
    body: () => '/* stand-in for Zimbra Startup1_1_all.js (Balise simulator): the Ajax toolkit is not simulated */\nwindow.AjxEnv = window.AjxEnv || {};\n',
  },
  '/js/Startup1_2_all.js': { type: 'application/javascript', body: clientFile('classic-app.js') },
  '/js/skin.js': { type: 'application/javascript', body: () => '/* stand-in for Zimbra skin.js (Balise simulator) */\n' },
  '/css/images,common,dwt,msgview,login,zm,spellcheck,skin.css': { type: 'text/css', body: clientFile('classic.css') },
  '/css/tinymce-content.css': { type: 'text/css', body: () => 'body{font-family:arial,helvetica,sans-serif;font-size:12pt;margin:8px}\n' },
  '/modern/app.js': { type: 'application/javascript', body: clientFile('modern-app.js') },
};

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function cacheKiller(c: SimConfig): string {
  // The real value is a build stamp; the simulator uses a fixed one per simulated release.
  return c.version === '8.8.15' ? `20230425094201_p${c.patch}` : '20240610093316';
}

const TEXT = {
  fr: { signIn: 'Se connecter', user: 'Nom d’utilisateur', pass: 'Mot de passe', bad: 'Le nom d’utilisateur ou le mot de passe est incorrect. Vérifiez que le verrouillage des majuscules n’est pas activé, puis réessayez.' },
  en: { signIn: 'Sign In', user: 'Username', pass: 'Password', bad: 'The username or password is incorrect. Verify that CAPS LOCK is not on, and then retype the current username and password.' },
};

export function loginPage(c: SimConfig, error: 'auth' | 'csrf' | null, loginCsrf: string): string {
  const t = c.locale === 'en' ? TEXT.en : TEXT.fr;
  const err = error ? `<div id="ZLoginErrorPanel"><table><tr><td><div class="ImgCritical_32"></div></td><td class="errorText">${esc(t.bad)}</td></tr></table></div>` : '';
  return `<!DOCTYPE html>
<html lang="${c.locale}">
<head>
<!-- login.jsp (Balise Zimbra simulator stand-in; not Zimbra) -->
<meta http-equiv="Content-Type" content="text/html;charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>Zimbra Web Client Sign In</title>
<link rel="stylesheet" type="text/css" href="/css/images,common,dwt,msgview,login,zm,spellcheck,skin.css?v=${cacheKiller(c)}&amp;skin=harmony">
</head>
<body>
<div class="LoginScreen">
  <div class="center">
    <div class="ImgAltBanner"></div>
    <h1>Zimbra</h1>
    <div class="content">
      ${err}
      <form id="zLoginForm" method="post" name="loginForm" action="/" accept-charset="UTF-8">
        <input type="hidden" name="loginOp" value="login"/>
        <input type="hidden" name="login_csrf" value="${loginCsrf}"/>
        <table class="form">
          <tr><td><label for="username">${esc(t.user)}:</label></td>
              <td><input id="username" class="zLoginField" name="username" type="text" value="" size="40" maxlength="1024" autocapitalize="off" autocorrect="off"/></td></tr>
          <tr><td><label for="password">${esc(t.pass)}:</label></td>
              <td><input id="password" autocomplete="off" class="zLoginField" name="password" type="password" value="" size="40" maxlength="1024"/></td></tr>
          <tr><td>&nbsp;</td><td><input type="submit" class="ZLoginButton DwtButton" id="loginButton" value="${esc(t.signIn)}"/></td></tr>
          <tr><td><label for="client">Version :</label></td>
              <td><select id="client" name="client"><option value="preferred" selected>Par défaut</option><option value="advanced">Classique</option><option value="modern">Moderne</option></select></td></tr>
        </table>
      </form>
    </div>
  </div>
</div>
</body>
</html>
`;
}

export function classicPage(c: SimConfig, a: AuthSession): string {
  const v = cacheKiller(c);
  const storeLine = c.version === '10.1' || c.patch >= 4 ? `\n\tlocalStorage.setItem("csrfToken" , "${a.csrf}");` : '';
  return `<!DOCTYPE html>
<html class="user_font_size_normal" lang="${c.locale}">
<head>
<!--
 launchZCS.jsp (Balise Zimbra simulator stand-in for Zimbra ${c.version === '8.8.15' ? `8.8.15 patch ${c.patch}` : '10.1'}; not Zimbra)
-->

<meta http-equiv="Content-Type" content="text/html;charset=utf-8">
<meta http-equiv="cache-control" content="no-cache"/>
<meta http-equiv="Pragma" content="no-cache"/>
<title>Zimbra</title>
<link href="/css/images,common,dwt,msgview,login,zm,spellcheck,skin.css?v=${v}&amp;debug=false&amp;skin=harmony&amp;locale=${c.locale}" rel="stylesheet" type="text/css" />
<link rel="SHORTCUT ICON" href="/img/logo/favicon.ico">
<script>
	window.appContextPath		= "";
	window.appCurrentSkin		= "harmony";
	window.appExtension			= "";
	window.cacheKillerVersion	= "${v}";
	window.appRequestLocaleId	= "${c.locale}";
	window.appDevMode			= false;
    window.appCoverageMode		= false;
    window.isScriptErrorOn		= false;
    window.isPerfMetric			= false;
	window.authTokenExpires     = ${a.expiresAt};
	window.csrfToken            = "${a.csrf}";
	window.appLang              = "${c.locale}";${storeLine}
	window.productHelpSupported = false;
</script>
<noscript><p><b>Javascript must be enabled to use this.</b></p></noscript>
</head>
<body>
<div id="skin_container_splash_screen" class="SplashScreen">Zimbra</div>
<div style='display:none;'>
<script src="/js/JQuery_all.js?v=${v}"></script>
<script src="/js/Startup1_1_all.js?v=${v}"></script>
<script src="/js/Startup1_2_all.js?v=${v}" data-poll-ms="${c.pollMs}"></script>
<script type="text/javascript" src="/js/skin.js?client=advanced&amp;skin=harmony&amp;locale=${c.locale}&amp;debug=false&amp;compress=true&amp;templates=only&amp;v=${v}"></script>
</div>
</body>
</html>
`;
}

export function modernPage(c: SimConfig, a: AuthSession): string {
  return `<!DOCTYPE html>
<html lang="${c.locale}">
<head>
<meta charset="utf-8">
<!-- Zimbra Modern UI (Balise simulator stand-in; the real Modern UI source is not public) -->
<title>Zimbra</title>
<script>localStorage.setItem("csrfToken", "${a.csrf}");</script>
</head>
<body>
<div id="zm-x-web"></div>
<script src="/modern/app.js"></script>
</body>
</html>
`;
}
