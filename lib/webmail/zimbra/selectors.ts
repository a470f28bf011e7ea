/**
 * Zimbra classic (Ajax) client: the page parts Balise reads (ids from Zimbra/zm-web-client core/ZmId.js), with where
 * they must match. The saved pages are the simulator's, as the browser builds them (tests/fixtures/zimbra/
 * record-pages.ts). Checked by tests/unit/webmail/selectors.test.ts; recognition() reports the required ones missing.
 */
import type { SelectorTable } from '../kit/selectors';

const MAIL = 'zimbra/mail-page.html';
const COMPOSE = 'zimbra/compose-page.html';
const LOGIN = 'zimbra/login-page.html';

export const ZIMBRA_SELECTORS = {
  /** The application shell: the classic client is running. */
  shell: { css: '#z_shell', requiredOn: ['mail'], fixtures: { [MAIL]: 1, [COMPOSE]: 1, [LOGIN]: 0 } },
  /** The host's quota display (the meter sits next to it; its changes trigger a refresh). */
  quota: { css: '#z_userQuota', requiredOn: [], fixtures: { [MAIL]: 1, [LOGIN]: 0 } },
  quotaBar: { css: '#z_userQuota .quotabar > div', requiredOn: [], fixtures: { [MAIL]: 1 } },
  quotaContainer: { css: '#skin_container_quota', requiredOn: [], fixtures: { [MAIL]: 1 } },
  userName: { css: '#z_userName', requiredOn: [], fixtures: { [MAIL]: 1, [LOGIN]: 0 } },
  /** The main toolbars (ztb__<app>-main) and the skin's toolbar container. */
  mainToolbar: { css: '[id^="ztb__"][id$="-main"]', requiredOn: [], fixtures: { [MAIL]: 1 } },
  toolbarContainer: { css: '#skin_container_app_top_toolbar', requiredOn: [], fixtures: { [MAIL]: 1 } },
  /** Folder labels in the tree (localised names). */
  folderLabels: { css: '[id^="zti__main_Mail__"][id$="_textCell"]', requiredOn: ['mail'], fixtures: { [MAIL]: 7, [LOGIN]: 0 } },
  /** Compose views and their editors (ZmComposeView, ZmHtmlEditor). */
  composeView: { css: '.ZmComposeView[id^="zv__"]', requiredOn: [], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  composeEditor: { css: '.ZmComposeView[id^="zv__"] .ZmHtmlEditor[id^="ZmHtmlEditor"]', requiredOn: [], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  loginForm: { css: 'form#zLoginForm input[name="loginOp"]', requiredOn: ['login'], fixtures: { [LOGIN]: 1, [MAIL]: 0 } },
} as const satisfies SelectorTable;
