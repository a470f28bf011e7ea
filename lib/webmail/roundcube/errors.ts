/**
 * Roundcube's answers to WebmailError codes: HTTP statuses, the messages it displays, its login page.
 */
import type { WebmailErrorCode } from '../types';

export function codeForStatus(status: number): WebmailErrorCode {
  if (status === 401) return 'auth-expired';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'unsupported';
  if (status === 413 || status === 414) return 'server';
  if (status === 429 || status === 503) return 'busy';
  return 'server';
}

/** The code for an error Roundcube displayed ("Erreur de serveur : SELECT: Mailbox doesn't exist: X"). */
export function codeForMessage(text: string): WebmailErrorCode {
  const t = text.replace(/&#0?39;/g, "'");
  if (/doesn't exist|does not exist|NONEXISTENT|n'existe pas/i.test(t)) return 'not-found';
  if (/OVERQUOTA|quota/i.test(t)) return 'quota-exceeded';
  return 'server';
}

/**
 * True when Roundcube reports that its own IMAP login failed ("Erreur de serveur : AUTHENTICATE XOAUTH2: A0001 NO
 * [AUTHENTICATIONFAILED] Authentication failed."). With OpenID Connect (Mailiz) this is what the request that finds
 * the tokens expired gets: Roundcube kills the session and still answers it as an empty folder
 * (tests/fixtures/roundcube/mailiz/). Nothing read in that answer is true: the session is over.
 */
export function isImapAuthFailure(text: string): boolean {
  return /\bAUTHENTICATIONFAILED\b|\bAUTHENTICATE [A-Z0-9-]+: .*\bNO\b|\bLOGIN: .*\bNO\b.*\bAuthentication failed\b/.test(text);
}

export function looksLoggedOut(html: string): boolean {
  return /rcmail\.session_error\(/.test(html) || /<body[^>]*class="[^"]*\btask-login\b/.test(html) || /"task"\s*:\s*"login"/.test(html.slice(0, 200_000));
}
