/**
 * Roundcube 1.6 (elastic skin; larry shares the ids used): the page parts Balise reads, with where they must match.
 * Checked against the saved pages by tests/unit/webmail/selectors.test.ts; recognition() reports the required ones
 * missing on a live page.
 */
import type { SelectorTable } from '../kit/selectors';

const MAIL = 'roundcube/mail-page.html';
const COMPOSE = 'roundcube/compose-page.html';
const LOGIN = 'roundcube/login-page.html';

export const ROUNDCUBE_SELECTORS = {
  /** The folder list: folder names and depths as the user sees them, the selected folder (list state). */
  folderList: { css: '#mailboxlist', requiredOn: ['mail'], fixtures: { [MAIL]: 1, [COMPOSE]: 0, [LOGIN]: 0 } },
  folderLinks: { css: '#mailboxlist li.mailbox > a[rel]', requiredOn: ['mail'], fixtures: { [MAIL]: 7, [COMPOSE]: 0 } },
  /** The mailbox address in the header (the account). */
  userName: { css: '.header-title.username, .username, #username', requiredOn: ['mail'], fixtures: { [MAIL]: 1, [LOGIN]: 0 } },
  /** Roundcube's own quota display (the quota meter sits next to it; its changes trigger a refresh). */
  quotaDisplay: { css: '#quotadisplay, #rcmquotadisplay', requiredOn: [], fixtures: { [MAIL]: 2, [COMPOSE]: 0 } },
  /** "Messages 1 to 50 of 1,234": the page the list shows. */
  countDisplay: { css: '#rcmcountdisplay', requiredOn: [], fixtures: { [MAIL]: 1, [COMPOSE]: 0 } },
  mailToolbar: { css: '#mailtoolbar', requiredOn: [], fixtures: { [MAIL]: 1, [COMPOSE]: 0 } },
  messageToolbar: { css: '#messagetoolbar', requiredOn: [], fixtures: { [MAIL]: 0, [COMPOSE]: 1 } },
  /** The request token when the inline environment has none. */
  tokenInput: { css: 'input[name="_token"]', requiredOn: [], fixtures: { [MAIL]: 1, [COMPOSE]: 2, [LOGIN]: 1 } },
  /** The compose body (textarea; TinyMCE's iframe is built next to it). */
  composeBody: { css: 'textarea#composebody, textarea[name="_message"]', requiredOn: ['compose'], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  composeFrom: { css: 'select#_from, select[name="_from"], input#_from, input[name="_from"]', requiredOn: ['compose'], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  composeRecipients: { css: '#_to, #_cc, #_bcc', requiredOn: ['compose'], fixtures: { [COMPOSE]: 3, [MAIL]: 0 } },
  composeSubject: { css: 'input#compose-subject, input[name="_subject"]', requiredOn: [], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  composeIsHtml: { css: 'input[name="_is_html"]', requiredOn: [], fixtures: { [COMPOSE]: 1 } },
  attachmentList: { css: '#attachment-list', requiredOn: [], fixtures: { [COMPOSE]: 1, [MAIL]: 0 } },
  loginUser: { css: '#rcmloginuser', requiredOn: ['login'], fixtures: { [LOGIN]: 1, [MAIL]: 0 } },
} as const satisfies SelectorTable;
