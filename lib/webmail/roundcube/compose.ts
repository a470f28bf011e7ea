/**
 * Roundcube 1.6, the compose editors (plain textarea and TinyMCE) and their signatures. Signature HTML becomes DOM
 * through the one shared path (lib/webmail/kit/signature-html.ts), never innerHTML.
 */
import type { ComposeEditor } from '../types';
import { parseSignatureHtml, signatureFragment, signatureText } from '../kit/signature-html';
import { hasOwnTextSignature, insertTextSignature, maskQuotes, parseSizeLabel, replaceOwnTextSignature, separatorOf, stripTextSignatures, textSignatureBlock, unmaskQuotes } from './parse';
import { EMAIL, emailIn } from './page';
import { pick } from '../kit/selectors';
import { ROUNDCUBE_SELECTORS } from './selectors';

/** The HTML signature with Roundcube's separator ("-- <br>") in front, unless it starts with one already. */
export function htmlSignatureWithSeparator(html: string, separator: string | null = '-- '): string {
  const text = signatureText(parseSignatureHtml(html));
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
 * Where TinyMCE's body holds another message (compose.php create_reply_body / create_forward_body /
 * prepare_html_body): the reply's `<blockquote>` and its `<p id="reply-intro">`, the washed part's container
 * (`<div id="replybody1">`, `forwardbody1`…). A signature block in there belongs to the quoted message.
 */
const QUOTED_HTML = 'blockquote, #reply-intro, [id^="replybody"], [id^="forwardbody"]';

/** Roundcube's signature blocks written in this editor (`<div id="_rc_sig">`), never one inside a quoted message. */
export function ownSignatureBlocks(body: Element): HTMLElement[] {
  return Array.from(body.querySelectorAll<HTMLElement>('[id="_rc_sig"]')).filter((el) => {
    for (let cur = el.parentElement; cur && cur !== body; cur = cur.parentElement) if (cur.matches(QUOTED_HTML)) return false;
    return true;
  });
}

/**
 * Puts the signature (HTML, already with its separator) into this editor's own block, creating it where Roundcube
 * would (at the end, or at the top when top posting a reply); extra own blocks go, quoted ones stay as they are.
 */
export function placeHtmlSignature(body: HTMLElement, html: string, top: boolean): HTMLElement {
  const idoc = body.ownerDocument;
  const all = ownSignatureBlocks(body);
  let el = all[0];
  for (const extra of all.slice(1)) extra.remove();
  if (!el) {
    el = idoc.createElement('div');
    el.id = '_rc_sig';
    if (top && body.firstChild) {
      body.insertBefore(el, body.firstChild);
      const p = idoc.createElement('p');
      p.appendChild(idoc.createElement('br'));
      body.insertBefore(p, el);
    } else body.appendChild(el);
  }
  el.replaceChildren(signatureFragment(idoc, html));
  return el;
}

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
  /** Every text block Balise wrote in this editor: after a replace, the previous one is still known as ours. */
  private readonly written = new Set<string>();
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
    const flag = pick<HTMLInputElement>(this.doc, ROUNDCUBE_SELECTORS, 'composeIsHtml');
    if (flag) return flag.value === '1' ? 'html' : 'text';
    return this.doc.getElementById('composebody_ifr') ? 'html' : 'text';
  }

  private textarea(): HTMLTextAreaElement | null {
    return pick<HTMLTextAreaElement>(this.doc, ROUNDCUBE_SELECTORS, 'composeBody');
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
    known.push(...this.written);
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
    const list = pick(this.doc, ROUNDCUBE_SELECTORS, 'attachmentList');
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
    return pick<HTMLInputElement>(this.doc, ROUNDCUBE_SELECTORS, 'composeSubject');
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
      return !!body && ownSignatureBlocks(body).some((sig) => !!(sig.textContent ?? '').trim());
    }
    const ta = this.textarea();
    if (!ta) return false;
    return hasOwnTextSignature(ta.value, this.knownTextSignatures());
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
      for (const el of ownSignatureBlocks(body)) el.remove();
      return;
    }
    const ta = this.textarea();
    if (!ta) return;
    this.writeText(ta, replaceOwnTextSignature(ta.value, this.knownTextSignatures(), null));
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
      const top = this.env?.top_posting === true && this.env?.sig_below !== true && !!(this.env?.compose_mode ?? this.env?.reply_uid);
      const el = placeHtmlSignature(body, htmlSignatureWithSeparator(sig.html, this.separator()), top);
      if (verify) this.verifyLater(el.textContent ?? '');
      return;
    }
    const ta = this.textarea();
    if (!ta) return;
    const topPosting = this.env?.top_posting === true && this.env?.sig_below !== true;
    const block = textSignatureBlock(sig.text, this.separator());
    this.writeText(ta, replaceOwnTextSignature(ta.value, this.knownTextSignatures(), block, topPosting));
    this.written.add(block);
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
          const body = this.htmlBody();
          const sig = body ? ownSignatureBlocks(body)[0] : undefined;
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
      const ours = [textSignatureBlock(this.active.text, this.separator())];
      const masked = maskQuotes(ta.value, ours);
      const stripped = stripTextSignatures(masked.text, ours, false);
      ta.value = unmaskQuotes(host ? insertTextSignature(stripped.body, host.replace(/\r\n?/g, '\n'), stripped.at) : stripped.body, masked.quotes);
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
