/**
 * Roundcube detection: tiny and synchronous, no zod and no request (the content script may load the rest of the
 * adapter only once this says yes: `load`). From the page's own markup only: the isolated world cannot see
 * `window.rcmail`, so the inline scripts are read as text (parsed as JSON, never evaluated).
 */
import type { Detection, PageKind, WebmailDetector } from '../types';
import { parseSetEnv } from './parse/js';

/** The object of the page's `rcmail.set_env({...})` (inline scripts only), or null. */
export function readPageEnv(doc: Document): Record<string, unknown> | null {
  for (const s of Array.from(doc.querySelectorAll('script:not([src])'))) {
    const text = s.textContent ?? '';
    if (!text.includes('rcmail.set_env(')) continue;
    const env = parseSetEnv(text);
    if (env) return env;
  }
  return null;
}

/** The request token: the inline env's request_token, else a form's hidden `_token`. */
export function readToken(doc: Document, env: Record<string, unknown> | null): string | null {
  const t = env?.request_token;
  if (typeof t === 'string' && /^[\w-]{8,128}$/.test(t)) return t;
  const input = doc.querySelector<HTMLInputElement>('input[name="_token"]');
  const v = input?.value ?? '';
  return /^[\w-]{8,128}$/.test(v) ? v : null;
}

/** rcversion 10605 → "1.6.5". */
export function versionText(rcversion: unknown): string | undefined {
  if (typeof rcversion !== 'number' || !Number.isSafeInteger(rcversion) || rcversion <= 0) return undefined;
  return `${Math.floor(rcversion / 10000)}.${Math.floor(rcversion / 100) % 100}.${rcversion % 100}`;
}

function bodyClass(doc: Document, prefix: string): string | null {
  const cls = doc.body?.className ?? '';
  const m = new RegExp(`(?:^|\\s)${prefix}-([\\w-]+)`).exec(cls);
  return m ? m[1]! : null;
}

/**
 * Roundcube from its own markup: the inline `rcmail.set_env`/`new rcube_webmail()` script, program/js/app.js,
 * the body classes task-… and action-…, and its well-known elements. Two independent signals are required.
 */
export function detectRoundcube(doc: Document): Detection | null {
  const env = readPageEnv(doc);
  let score = 0;
  if (env && typeof env.task === 'string') score += 2;
  else if (Array.from(doc.querySelectorAll('script:not([src])')).some((s) => (s.textContent ?? '').includes('new rcube_webmail()'))) score += 2;
  if (Array.from(doc.querySelectorAll('script[src]')).some((s) => /(^|\/)program\/js\/app(\.min)?\.js(\?|$)/.test(s.getAttribute('src') ?? ''))) score++;
  const taskClass = bodyClass(doc, 'task');
  if (taskClass) score++;
  if (doc.querySelector('#messagelist, #mailboxlist, #quotadisplay, #rcmloginuser, form#login-form, #composebody, #rcmquotadisplay')) score++;
  if (score < 3) return null;

  const task = (typeof env?.task === 'string' ? env.task : taskClass) ?? '';
  const action = (typeof env?.action === 'string' ? env.action : bodyClass(doc, 'action')) ?? '';
  const page = pageKind(task, action === 'none' ? '' : action, doc);
  const version = versionText(env?.rcversion);
  const rcversion = typeof env?.rcversion === 'number' ? env.rcversion : null;
  const token = readToken(doc, env);
  let supported = true;
  let unsupportedReason: Detection['unsupportedReason'];
  if (rcversion !== null && rcversion < 10400) {
    supported = false;
    unsupportedReason = 'unknown-version';
  } else if (page !== 'login' && !token) {
    supported = false;
    unsupportedReason = 'no-api';
  }
  return {
    kind: 'roundcube',
    variant: typeof env?.skin === 'string' ? env.skin : undefined,
    version,
    page,
    supported,
    ...(unsupportedReason ? { unsupportedReason } : {}),
  };
}

export function pageKind(task: string, action: string, doc?: Document): PageKind {
  if (task === 'login' || task === 'logout') return 'login';
  if (task === 'settings') return 'settings';
  if (task === 'mail') {
    if (action === 'compose' || (doc && doc.getElementById('composebody'))) return 'compose';
    if (action === '' || action === 'list' || action === 'index') return 'mail';
  }
  return 'other';
}

/** The detector and how to load the adapter (lib/webmail/adapters.ts lists these). */
export const roundcubeDetector: WebmailDetector = {
  kind: 'roundcube',
  detect: (doc) => detectRoundcube(doc),
  load: () => import('./index'),
};
