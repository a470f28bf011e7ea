/**
 * Roundcube 1.6, the page: detection signals, the inline environment, the account, the list state, the quota
 * display, mount points and the compose editors (plain textarea and TinyMCE).
 *
 * The content script lives in an isolated world: `window.rcmail` is invisible, so everything is read from the
 * DOM and from the text of the page's inline scripts (parsed as JSON, never evaluated). Elements seen on the
 * elastic skin of Roundcube 1.6.5 (tests/fixtures/roundcube/*.html); larry's ids are the same for the parts used.
 */
import type { ComposeEditor, Detection, PageKind } from '../types';
import { countSeparators, insertTextSignature, parseSetEnv, parseSizeLabel, separatorOf, stripTextSignatures, textSignatureBlock } from './parse';

// ---------------------------------------------------------------------------------------------------------
// Inline environment

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

// ---------------------------------------------------------------------------------------------------------
// Detection

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

// ---------------------------------------------------------------------------------------------------------
// Account, list state

const EMAIL = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/;

export function emailIn(text: string | null | undefined): string | null {
  const m = EMAIL.exec(text ?? '');
  return m ? m[0].toLowerCase() : null;
}

/** The mailbox the page is logged in to, from the header's user name (elastic: .header-title.username). */
export function accountFromDom(doc: Document): string | null {
  for (const el of Array.from(doc.querySelectorAll('.header-title.username, .username, #username'))) {
    const a = emailIn(el.textContent);
    if (a) return a;
  }
  return null;
}

/** The account in a fetched mail page's HTML (same element, by text). */
export function accountFromHtml(html: string): string | null {
  const m = /<[^>]*class="[^"]*\busername\b[^"]*"[^>]*>([^<]*)</.exec(html);
  return m ? emailIn(m[1]) : null;
}

/** The folder and page the page shows, to put the session back there after our own requests. */
export function listState(doc: Document, env: Record<string, unknown> | null): { folder: string; page: number } | null {
  const sel = doc.querySelector<HTMLAnchorElement>('#mailboxlist li.selected > a[rel]');
  const folder = sel?.getAttribute('rel') || (typeof env?.mailbox === 'string' ? env.mailbox : null);
  if (!folder) return null;
  const pagesize = typeof env?.pagesize === 'number' && env.pagesize > 0 ? env.pagesize : 50;
  const count = doc.getElementById('rcmcountdisplay')?.textContent ?? '';
  const first = /(\d+)\D+\d+\D+\d+/.exec(count);
  let page = typeof env?.current_page === 'number' && env.current_page > 0 ? env.current_page : 1;
  if (first) page = Math.floor((Number(first[1]) - 1) / pagesize) + 1;
  return { folder, page: Math.max(1, page) };
}

/** Folders as the page lists them (#mailboxlist): id (a[rel]), display name, depth, role class. */
export function foldersFromDom(doc: Document): { id: string; name: string; depth: number; cls: string }[] {
  const out: { id: string; name: string; depth: number; cls: string }[] = [];
  const root = doc.getElementById('mailboxlist');
  if (!root) return out;
  for (const a of Array.from(root.querySelectorAll<HTMLAnchorElement>('li.mailbox > a[rel]'))) {
    const li = a.parentElement!;
    let depth = 0;
    for (let p = li.parentElement; p && p !== root; p = p.parentElement) if (p.tagName === 'UL') depth++;
    const name = Array.from(a.childNodes)
      .filter((n) => n.nodeType === 3)
      .map((n) => n.textContent ?? '')
      .join('')
      .trim();
    out.push({ id: a.getAttribute('rel')!, name: name || (a.textContent ?? '').trim(), depth, cls: li.className });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Quota display and mount points

/** Calls `cb` when Roundcube updates its quota display (set_quota after its own requests). */
export function observeQuotaDisplay(doc: Document, cb: () => void): () => void {
  const targets = [doc.getElementById('rcmquotadisplay'), doc.getElementById('quotadisplay')].filter((x): x is HTMLElement => !!x);
  if (!targets.length) return () => undefined;
  const win = doc.defaultView;
  let timer: number | undefined;
  // Every rcmail.set_quota rewrites the text and the title, even with the same values (a changed quota may
  // also look the same once formatted): any rewrite is a refresh. One call per burst of changes.
  const obs = new MutationObserver(() => {
    if (timer !== undefined) win?.clearTimeout(timer);
    timer = win?.setTimeout(() => {
      timer = undefined;
      try {
        cb();
      } catch (e) {
        console.error('[Balise] quota listener', e);
      }
    }, 50);
  });
  for (const t of targets) obs.observe(t, { attributes: true, childList: true, characterData: true, subtree: true });
  return () => {
    obs.disconnect();
    if (timer !== undefined) win?.clearTimeout(timer);
  };
}

export function findAnchor(doc: Document, kind: 'quota' | 'toolbar'): { element: Element; placement: 'before' | 'after' | 'prepend' | 'append' } | null {
  if (kind === 'quota') {
    const q = doc.getElementById('quotadisplay') ?? doc.getElementById('rcmquotadisplay')?.parentElement;
    if (q) return { element: q, placement: 'after' };
    const user = doc.querySelector('.header-title.username, .username');
    if (user) return { element: user, placement: 'after' };
    return null;
  }
  const bar =
    doc.getElementById('mailtoolbar') ??
    doc.getElementById('messagetoolbar') ??
    doc.querySelector('#layout-content .header [role="toolbar"] .toolbar, #layout-content [role="toolbar"]') ??
    doc.querySelector('#toolbar-menu, .toolbar[role="toolbar"]');
  return bar ? { element: bar, placement: 'append' } : null;
}

// ---------------------------------------------------------------------------------------------------------
// Compose editors

const SIG_TAGS = new Set(['B', 'I', 'STRONG', 'EM', 'BR', 'A', 'DIV', 'P', 'SPAN', 'SMALL', 'U']);
const DROP_TAGS = new Set(['SCRIPT', 'STYLE', 'IFRAME', 'OBJECT', 'EMBED', 'TEMPLATE', 'NOSCRIPT', 'LINK', 'META', 'SVG', 'MATH']);

/**
 * Signature HTML → nodes of `target`, through an inert parse and a whitelist (no attribute but a[href] with
 * https:/mailto: and div/span/p class="pre"): never innerHTML.
 */
export function sanitizedNodes(html: string, target: Document): Node[] {
  const parsed = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html');
  const convert = (node: Node): Node[] => {
    if (node.nodeType === 3) return [target.createTextNode(node.textContent ?? '')];
    if (node.nodeType !== 1) return [];
    const el = node as Element;
    const tag = el.tagName.toUpperCase();
    if (DROP_TAGS.has(tag)) return [];
    const kids = Array.from(el.childNodes).flatMap(convert);
    if (!SIG_TAGS.has(tag)) return kids;
    const out = target.createElement(tag.toLowerCase());
    if (tag === 'A') {
      const href = el.getAttribute('href') ?? '';
      if (/^(https:|mailto:)/i.test(href.trim())) out.setAttribute('href', href.trim());
    } else if ((tag === 'DIV' || tag === 'SPAN' || tag === 'P') && el.getAttribute('class') === 'pre') {
      out.setAttribute('class', 'pre');
    }
    for (const k of kids) out.appendChild(k);
    return [out];
  };
  return Array.from(parsed.body.childNodes).flatMap(convert);
}

/** The HTML signature with Roundcube's separator ("-- <br>") in front, unless it starts with one already. */
export function htmlSignatureWithSeparator(html: string, separator: string | null = '-- '): string {
  const text = new DOMParser().parseFromString(`<body>${html}</body>`, 'text/html').body.textContent ?? '';
  return !separator || /^\s*--/.test(text) ? html : `${separator}<br>${html}`;
}

function envSignatures(env: Record<string, unknown> | null): { id: string; text: string; html: string }[] {
  const sigs = env?.signatures;
  if (!sigs || typeof sigs !== 'object') return [];
  const out: { id: string; text: string; html: string }[] = [];
  for (const [id, v] of Object.entries(sigs as Record<string, unknown>)) {
    if (!v || typeof v !== 'object') continue;
    const t = (v as Record<string, unknown>).text;
    const h = (v as Record<string, unknown>).html;
    out.push({ id, text: typeof t === 'string' ? t : '', html: typeof h === 'string' ? h : '' });
  }
  return out;
}

type Mode = 'html' | 'text';

/**
 * The compose editor of a Roundcube compose page. Signatures go where Roundcube keeps its own:
 * - HTML (TinyMCE): the one `<div id="_rc_sig">` in the editor body (Roundcube's change_signature reuses it);
 * - text: the "-- \n" block, found by the exact texts Roundcube inserts (env.signatures) or the separator.
 * Once Balise set a signature, it stays the only one: after an identity switch (Roundcube swaps in the new
 * identity's signature) and after an editor mode switch, Balise's is put back in place of the host's.
 */
export class RcComposeEditor implements ComposeEditor {
  readonly id: string;
  private active: { html: string; text: string } | null = null;
  private lastMode: Mode;
  private readonly cleanups: (() => void)[] = [];
  private pollTimer: number | undefined;
  private readonly verifyTimers: number[] = [];

  constructor(
    private readonly doc: Document,
    private readonly env: Record<string, unknown> | null,
  ) {
    const cid = env?.compose_id;
    this.id = typeof cid === 'string' && cid ? cid : (doc.querySelector<HTMLInputElement>('input[name="_id"]')?.value ?? 'compose');
    this.lastMode = this.mode;
    this.install();
  }

  get mode(): Mode {
    const flag = this.doc.querySelector<HTMLInputElement>('input[name="_is_html"]');
    if (flag) return flag.value === '1' ? 'html' : 'text';
    return this.doc.getElementById('composebody_ifr') ? 'html' : 'text';
  }

  private textarea(): HTMLTextAreaElement | null {
    return this.doc.querySelector<HTMLTextAreaElement>('textarea#composebody, textarea[name="_message"]');
  }

  /** The TinyMCE body once the editor is ready (content loaded), else null. */
  private htmlBody(): HTMLElement | null {
    const frame = this.doc.getElementById('composebody_ifr') as HTMLIFrameElement | null;
    const body = frame?.contentDocument?.body ?? null;
    if (!body || body.getAttribute('contenteditable') !== 'true') return null;
    return body;
  }

  /** The separator Roundcube uses on this page ("-- ", "---" when top posting, or none). */
  private separator(): string | null {
    return separatorOf(envSignatures(this.env).map((s) => s.text));
  }

  private knownTextSignatures(): string[] {
    const known = envSignatures(this.env).map((s) => s.text.replace(/\r\n?/g, '\n'));
    if (this.active) known.push(textSignatureBlock(this.active.text, this.separator()));
    return known.filter((k) => k.length > 1);
  }

  fromAddress(): string | null {
    const sel = this.doc.querySelector<HTMLSelectElement>('select#_from, select[name="_from"]');
    if (sel) {
      const ids = this.env?.identities as Record<string, { email?: unknown }> | undefined;
      const email = ids?.[sel.value]?.email;
      if (typeof email === 'string' && emailIn(email)) return emailIn(email);
      return emailIn(sel.options[sel.selectedIndex]?.textContent ?? '');
    }
    const input = this.doc.querySelector<HTMLInputElement>('input#_from, input[name="_from"]');
    return emailIn(input?.value);
  }

  recipients(): string[] {
    const out = new Set<string>();
    for (const id of ['_to', '_cc', '_bcc']) {
      const el = this.doc.getElementById(id) as HTMLTextAreaElement | HTMLInputElement | null;
      for (const m of (el?.value ?? '').matchAll(new RegExp(EMAIL.source, 'g'))) out.add(m[0].toLowerCase());
    }
    for (const el of Array.from(this.doc.querySelectorAll('.recipient-input .recipient .email, .recipient-input li.recipient'))) {
      const a = emailIn(el.textContent);
      if (a) out.add(a);
    }
    return [...out];
  }

  attachmentsBytes(): number | null {
    const list = this.doc.getElementById('attachment-list');
    if (!list) return null;
    let total = 0;
    for (const li of Array.from(list.querySelectorAll('li'))) {
      if (li.classList.contains('uploading')) continue;
      const sizeEl = li.querySelector('.attachment-size');
      const label = (sizeEl?.textContent ?? '').replace(/[()]/g, '').trim();
      const s = label ? parseSizeLabel(label) : null;
      if (!s) return null;
      total += s.bytes;
    }
    return total;
  }

  private subjectInput(): HTMLInputElement | null {
    return this.doc.querySelector<HTMLInputElement>('input#compose-subject, input[name="_subject"]');
  }

  subject(): string | null {
    const el = this.subjectInput();
    return el ? el.value : null;
  }

  setSubject(subject: string): void {
    const el = this.subjectInput();
    if (!el || el.value === subject) return;
    el.value = subject;
    el.dispatchEvent(new Event('input', { bubbles: true }));
    el.dispatchEvent(new Event('change', { bubbles: true }));
  }

  anchor(): Element | null {
    const body = this.doc.getElementById('composebody');
    return body?.parentElement ?? this.doc.querySelector('#compose-content, form[name="form"]');
  }

  hasSignature(): boolean {
    if (this.mode === 'html') {
      const body = this.htmlBody();
      const sig = body?.ownerDocument.getElementById('_rc_sig');
      return !!sig && !!(sig.textContent ?? '').trim();
    }
    const ta = this.textarea();
    if (!ta) return false;
    const value = ta.value.replace(/\r\n?/g, '\n');
    return countSeparators(value) > 0 || this.knownTextSignatures().some((k) => value.includes(k));
  }

  setSignature(sig: { html: string; text: string }): void {
    this.active = { html: sig.html, text: sig.text };
    this.apply();
  }

  removeSignature(): void {
    this.active = null;
    if (this.mode === 'html') {
      const body = this.htmlBody();
      if (!body) return;
      for (const el of Array.from(body.querySelectorAll('[id="_rc_sig"]'))) el.remove();
      return;
    }
    const ta = this.textarea();
    if (!ta) return;
    const value = ta.value.replace(/\r\n?/g, '\n');
    const quotedAfter = (v: string) => {
      const lines = v.split('\n');
      const last = lines.lastIndexOf('-- ');
      return last >= 0 && lines.slice(last + 1).some((l) => l.startsWith('>'));
    };
    const stripped = stripTextSignatures(value, this.knownTextSignatures(), !quotedAfter(value));
    this.writeText(ta, stripped.body);
  }

  /** Puts the active signature in place in the current mode (when the editor is ready). */
  private apply(verify = true): void {
    const sig = this.active;
    if (!sig) return;
    if (this.mode === 'html') {
      const body = this.htmlBody();
      if (!body) {
        // TinyMCE is still loading: the poller applies it when it is ready.
        this.watchModeSettle();
        return;
      }
      const idoc = body.ownerDocument;
      const all = Array.from(body.querySelectorAll('[id="_rc_sig"]'));
      let el = all[0] as HTMLElement | undefined;
      for (const extra of all.slice(1)) extra.remove();
      if (!el) {
        el = idoc.createElement('div');
        el.id = '_rc_sig';
        const top = this.env?.top_posting === true && this.env?.sig_below !== true && !!(this.env?.compose_mode ?? this.env?.reply_uid);
        if (top && body.firstChild) {
          body.insertBefore(el, body.firstChild);
          const p = idoc.createElement('p');
          p.appendChild(idoc.createElement('br'));
          body.insertBefore(p, el);
        } else body.appendChild(el);
      }
      el.replaceChildren(...sanitizedNodes(htmlSignatureWithSeparator(sig.html, this.separator()), idoc));
      if (verify) this.verifyLater(el.textContent ?? '');
      return;
    }
    const ta = this.textarea();
    if (!ta) return;
    const value = ta.value.replace(/\r\n?/g, '\n');
    const lines = value.split('\n');
    const lastSep = lines.lastIndexOf('-- ');
    const quotedAfter = lastSep >= 0 && lines.slice(lastSep + 1).some((l) => l.startsWith('>'));
    const stripped = stripTextSignatures(value, this.knownTextSignatures(), !quotedAfter);
    const block = textSignatureBlock(sig.text, this.separator());
    const topPosting = this.env?.top_posting === true && this.env?.sig_below !== true;
    const at = stripped.at >= 0 ? stripped.at : topPosting && stripped.body.trim() ? 0 : -1;
    this.writeText(ta, insertTextSignature(stripped.body, block, at));
  }

  private writeText(ta: HTMLTextAreaElement, value: string): void {
    if (ta.value.replace(/\r\n?/g, '\n') === value) return;
    ta.value = value;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
    ta.dispatchEvent(new Event('change', { bubbles: true }));
  }

  /**
   * After a mode switch starts, re-applies Balise's signature once the new editor is ready (≤ 15 s): TinyMCE's
   * body is editable, or (back to text) TinyMCE's frame is gone and the textarea holds the converted text.
   */
  private watchModeSettle(): void {
    const win = this.doc.defaultView;
    if (!win || this.pollTimer !== undefined) return;
    const deadline = Date.now() + 15_000;
    const tick = () => {
      this.pollTimer = undefined;
      const mode = this.mode;
      const ready = mode === 'html' ? !!this.htmlBody() : !this.doc.getElementById('composebody_ifr');
      if (ready) {
        this.lastMode = mode;
        if (this.active) this.apply();
        return;
      }
      if (Date.now() < deadline) this.pollTimer = win.setTimeout(tick, 100);
    };
    this.pollTimer = win.setTimeout(tick, 100);
  }

  /**
   * Roundcube may still replace TinyMCE's content shortly after it became editable (it loads long messages
   * into the editor after init, #8108): check a few times that Balise's block is still the one in place.
   */
  private verifyLater(expected: string): void {
    const win = this.doc.defaultView;
    if (!win) return;
    for (const t of this.verifyTimers.splice(0)) win.clearTimeout(t);
    for (const delay of [300, 1000, 3000]) {
      this.verifyTimers.push(
        win.setTimeout(() => {
          if (!this.active || this.mode !== 'html') return;
          const sig = this.htmlBody()?.ownerDocument.getElementById('_rc_sig');
          if (!sig || (sig.textContent ?? '') !== expected) this.apply(false);
        }, delay),
      );
    }
  }

  private install(): void {
    const doc = this.doc;
    // Before Roundcube converts text → HTML (the "HTML" switch of the text editor, or the editor-type select),
    // put the identity's own signature text back in place of Balise's: Roundcube turns exactly that text into
    // its #_rc_sig block; Balise's signature is then written into that block once TinyMCE is ready.
    const beforeToggle = (e: Event) => {
      const t = e.target as Element | null;
      if (!t || !this.active || this.mode !== 'text') return;
      const toHtml =
        (e.type === 'click' && !!t.closest?.('a.mce-i-html')) ||
        (e.type === 'change' && (t as HTMLSelectElement).id === 'editor-selector' && (t as HTMLSelectElement).value === 'html');
      if (!toHtml) return;
      const ta = this.textarea();
      if (!ta) return;
      const identity = doc.querySelector<HTMLSelectElement>('select#_from')?.value ?? '';
      const host = envSignatures(this.env).find((s) => s.id === identity)?.text ?? '';
      const value = ta.value.replace(/\r\n?/g, '\n');
      const stripped = stripTextSignatures(value, [textSignatureBlock(this.active.text, this.separator())], false);
      ta.value = host ? insertTextSignature(stripped.body, host.replace(/\r\n?/g, '\n'), stripped.at) : stripped.body;
      this.watchModeSettle();
    };
    doc.addEventListener('click', beforeToggle, true);
    doc.addEventListener('change', beforeToggle, true);
    // Any other way the mode changes (TinyMCE's "plain text" button): watch the editor's container.
    const container = doc.getElementById('composebody')?.parentElement;
    if (container) {
      const obs = new MutationObserver(() => {
        if (this.mode !== this.lastMode) this.watchModeSettle();
      });
      obs.observe(container, { childList: true, attributes: true, attributeFilter: ['class'] });
      this.cleanups.push(() => obs.disconnect());
    }
    // Identity switch: Roundcube's inline onchange (target phase) swaps the signature first; then ours.
    const afterIdentity = (e: Event) => {
      const t = e.target as Element | null;
      if (!t || (t.id !== '_from' && t.getAttribute('name') !== '_from')) return;
      if (this.active) this.apply();
    };
    doc.addEventListener('change', afterIdentity, false);
    this.cleanups.push(() => {
      doc.removeEventListener('click', beforeToggle, true);
      doc.removeEventListener('change', beforeToggle, true);
      doc.removeEventListener('change', afterIdentity, false);
    });
  }

  dispose(): void {
    for (const c of this.cleanups.splice(0)) c();
    if (this.pollTimer !== undefined) this.doc.defaultView?.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
    for (const t of this.verifyTimers.splice(0)) this.doc.defaultView?.clearTimeout(t);
  }
}
