/**
 * Webmail origins: the only places Balise runs and the only hosts it ever talks to.
 * Pure functions plus the built-in list of known MSSanté webmails offered in the options page.
 */

import type { WebmailKind } from './webmail/kind';

export type KnownKind = WebmailKind | 'unknown';

export interface KnownWebmail {
  id: string;
  label: string;
  origin: string;
  /** What we believe the platform runs; Balise detects it on the page anyway. */
  kind: KnownKind;
  operator: string;
  /** Operator limits published to users, used as per-BAL defaults (the user can change them). */
  attachmentLimitMB?: number;
  retentionDays?: number;
  trashLifetimeDays?: number;
}

/**
 * Known MSSanté webmails (sources: operators' user documentation, see ../shared notes in the project's history).
 * Balise contacts none of them by itself: picking one only asks the browser for permission to run there.
 */
export const KNOWN_WEBMAILS: readonly KnownWebmail[] = [
  {
    id: 'pdl',
    label: 'Pays de la Loire – plateforme régionale (Enovacom)',
    origin: 'https://enrs.esante-paysdelaloire.fr',
    kind: 'zimbra',
    operator: 'GCS e-santé Pays de la Loire',
    attachmentLimitMB: 15,
    trashLifetimeDays: 30,
  },
  {
    id: 'esea-na',
    label: 'Nouvelle-Aquitaine – ProMess (ESEA)',
    origin: 'https://mail.sante-na.fr',
    kind: 'zimbra',
    operator: 'ESEA Nouvelle-Aquitaine',
  },
  {
    id: 'medimail',
    label: 'Medimail (Mipih)',
    origin: 'https://medimail.mipih.fr',
    kind: 'medimail',
    operator: 'Mipih',
    attachmentLimitMB: 60,
    retentionDays: 90,
  },
  {
    id: 'mailiz',
    label: 'Mailiz (national)',
    origin: 'https://mailiz.mssante.fr',
    kind: 'unknown',
    operator: 'ANS / Ordres',
  },
];

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The origin ("https://host[:port]") of what the user typed or picked, or null when it is not one Balise may
 * run on. Accepts a bare host or a full URL. Only https, except plain http on this computer (loopback)
 * when `allowLoopbackHttp` is set (test builds).
 */
export function normalizeOrigin(input: string, opts: { allowLoopbackHttp?: boolean } = {}): string | null {
  const raw = input.trim();
  if (!raw || raw.length > 2048) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.username || url.password) return null;
  const host = url.hostname;
  if (!host) return null;
  if (url.protocol === 'https:') {
    // A real host name: at least one dot, or loopback.
    if (!host.includes('.') && !LOOPBACK.has(host)) return null;
    return url.origin;
  }
  if (url.protocol === 'http:' && opts.allowLoopbackHttp && LOOPBACK.has(host)) return url.origin;
  return null;
}

/** The match pattern that covers an origin (match patterns cannot name a port: it covers every port of the host). */
export function originToMatchPattern(origin: string): string {
  const url = new URL(origin);
  return `${url.protocol}//${url.hostname}/*`;
}

/** Whether a page URL belongs to one of the given origins (exact origin, port included). */
export function urlMatchesOrigins(pageUrl: string, origins: readonly string[]): boolean {
  let origin: string;
  try {
    origin = new URL(pageUrl).origin;
  } catch {
    return false;
  }
  return origins.includes(origin);
}
