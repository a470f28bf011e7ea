/**
 * Webmail origins: the only places Balise runs and the only hosts it ever talks to.
 * Pure functions plus the built-in list of known MSSanté webmails offered in the options page.
 */

import type { WebmailKind } from './webmail/kind';

export type KnownKind = WebmailKind | 'unknown';

/** An origin of a known platform that shows no mail: Balise has nothing to do there. */
export interface NotWebmailOrigin {
  origin: string;
  /** 'portal': a home page linking to the login; 'login': the identity provider's pages. */
  role: 'portal' | 'login';
}

export interface KnownWebmail {
  id: string;
  label: string;
  /** The origin of the mail pages: where Balise runs, and the one permission picking this entry asks for. */
  origin: string;
  /** What we believe the platform runs; Balise detects it on the page anyway. */
  kind: KnownKind;
  operator: string;
  /** Origins of the same platform with no mail on them (portal, login), so that adding one by hand is caught. */
  notWebmail: readonly NotWebmailOrigin[];
  /** Where the entry's facts come from, and as of when: operators move their pages. */
  source: string;
  /** Operator limits published to users, used as per-BAL defaults (the user can change them). */
  attachmentLimitMB?: number;
  retentionDays?: number;
  trashLifetimeDays?: number;
}

/**
 * Known MSSanté webmails, as data: one entry per platform, each with its source (public documents and code read
 * for the project's notes, December 2026). Operators move their pages: the user can always add any origin.
 * Balise contacts none of them by itself: picking one only asks the browser for permission to run there.
 */
export const KNOWN_WEBMAILS: readonly KnownWebmail[] = [
  {
    id: 'pdl',
    label: 'Pays de la Loire – plateforme régionale (Enovacom)',
    origin: 'https://enrs.esante-paysdelaloire.fr',
    kind: 'zimbra',
    operator: 'GCS e-santé Pays de la Loire',
    notWebmail: [],
    source: 'Operator documents named in the project’s notes (2026): Enovacom/Easycrypt Zimbra webmail at this origin; 15 MB of attachments per message, trash emptied every 30 days.',
    attachmentLimitMB: 15,
    trashLifetimeDays: 30,
  },
  {
    id: 'esea-na',
    label: 'Nouvelle-Aquitaine – ProMess (ESEA)',
    origin: 'https://mail.sante-na.fr',
    // The sources give the webmail's address only, not what it runs: detection decides on the page.
    kind: 'unknown',
    operator: 'ESEA Nouvelle-Aquitaine',
    notWebmail: [],
    source: 'ESEA sign-up confirmation mail (2026): the webmail link is https://mail.sante-na.fr/; its software is not stated.',
  },
  {
    id: 'medimail',
    label: 'Medimail (Mipih)',
    origin: 'https://medimail.mipih.fr',
    kind: 'medimail',
    operator: 'Mipih',
    notWebmail: [],
    source: 'Medimail webmail manual V1.5 (July 2023) and public code that read its pages: Mipih’s own webmail at this origin; 60 MB of attachments, messages deleted after 3 months.',
    attachmentLimitMB: 60,
    retentionDays: 90,
  },
  {
    id: 'mailiz',
    label: 'Mailiz (national)',
    origin: 'https://roundcube.mssante.fr',
    kind: 'roundcube',
    operator: 'ANS / Ordres',
    notWebmail: [
      { origin: 'https://mailiz.mssante.fr', role: 'portal' },
      { origin: 'https://auth-mailiz.mssante.fr', role: 'login' },
    ],
    source:
      'Public sources, as of 2026: a launcher app’s code opens the Keycloak login at auth-mailiz.mssante.fr with the redirect https://roundcube.mssante.fr/index.php/login/oauth (Roundcube’s OAuth action); mailiz.mssante.fr is the portal whose “Me connecter” leads there.',
  },
];

/** What an origin is to Balise: a known webmail's mail pages, another page of a known platform, or unknown. */
export type OriginKnowledge =
  | { type: 'webmail'; known: KnownWebmail }
  | { type: 'not-webmail'; known: KnownWebmail; role: NotWebmailOrigin['role']; webmailOrigin: string }
  | { type: 'unknown' };

/**
 * Classify the origin (or any URL) a user is on or typed. The comparison is on the whole origin (scheme, host,
 * port); anything that is not a URL is 'unknown'.
 */
export function classifyOrigin(input: string, known: readonly KnownWebmail[] = KNOWN_WEBMAILS): OriginKnowledge {
  let origin: string;
  try {
    origin = new URL(input).origin;
  } catch {
    return { type: 'unknown' };
  }
  for (const k of known) {
    if (k.origin === origin) return { type: 'webmail', known: k };
    const other = k.notWebmail.find((n) => n.origin === origin);
    if (other) return { type: 'not-webmail', known: k, role: other.role, webmailOrigin: k.origin };
  }
  return { type: 'unknown' };
}

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

/** Same scheme and host name: a registered origin covers every port of its host (match patterns, hence injection, ignore the port). */
export function sameHost(a: string, b: string): boolean {
  try {
    const x = new URL(a);
    const y = new URL(b);
    return x.protocol === y.protocol && x.hostname === y.hostname;
  } catch {
    return false;
  }
}
