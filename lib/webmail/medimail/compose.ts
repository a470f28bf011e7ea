/**
 * Medimail's compose form ("Nouveau message", manual): recipients "À" (comma-separated), "Pour information", "Objet",
 * a rich-text body, "Ajouter une pièce jointe" with a gauge of the attachments' total (60 MB at most), "Envoyer" and
 * "Sauvegarder le message". Fields are found by their labels; the body is whatever editable element the form holds
 * (a contenteditable element, an editor's same-origin frame, or a textarea): how the real editor is built is not
 * documented.
 *
 * The host's own signatures live in the account settings and how it puts one in a message is not documented either:
 * Balise manages one block of its own (marked data-balise-signature), never two.
 */
import { maskQuotes, replaceOwnTextSignature, textSignatureBlock } from '../roundcube/parse';
import { signatureFragment } from '../kit/signature-html';
import type { ComposeEditor } from '../types';
import { composeForms } from './detect';
import { LABELS, MAX_ATTACHMENTS_BYTES, MEDIMAIL_SELECTORS } from './selectors';

const MARK = 'data-balise-signature';

/**
 * Balise's blocks written in this editor: never one inside a quoted message (a reply or forward of a mail that
 * Balise signed carries the same marker, in a <blockquote>, or in the container mail clients put quotes in).
 */
function ownBlocks(root: Element): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(`[${MARK}]`)).filter((b) => {
    for (let cur = b.parentElement; cur && cur !== root; cur = cur.parentElement) if (cur.matches('blockquote, [type="cite"]')) return false;
    return true;
  });
}
const text = (el: Element | null | undefined) => (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
const EMAIL_G = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** The control a label names: its `for` target, or the control inside it. */
function controlFor(form: HTMLFormElement, label: RegExp): HTMLInputElement | HTMLTextAreaElement | null {
  for (const l of Array.from(form.querySelectorAll('label'))) {
    const own = Array.from(l.childNodes).filter((n) => n.nodeType === 3).map((n) => n.textContent ?? '').join(' ');
    if (!label.test(own.trim() ? own : text(l))) continue;
    const id = l.getAttribute('for');
    const target = (id ? form.ownerDocument.getElementById(id) : null) ?? l.querySelector('input, textarea');
    if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return target as HTMLInputElement;
  }
  return null;
}

/** An input/change event of the element's own window, as the page's own handlers expect. */
function fire(el: Element, type: 'input' | 'change'): void {
  const Ev = (el.ownerDocument.defaultView as (Window & typeof globalThis) | null)?.Event ?? Event;
  el.dispatchEvent(new Ev(type, { bubbles: true }));
}

const ids = new WeakMap<Element, string>();
let counter = 0;

export class MedimailCompose implements ComposeEditor {
  readonly id: string;
  private active: { html: string; text: string } | null = null;

  constructor(
    private readonly form: HTMLFormElement,
    private readonly account: () => string | null,
  ) {
    let id = ids.get(form);
    if (!id) {
      id = `medimail-compose-${++counter}`;
      ids.set(form, id);
    }
    this.id = id;
  }

  /** The editable body: a contenteditable element, a same-origin editor frame's body, or a textarea. */
  private editable(): { kind: 'html'; el: HTMLElement } | { kind: 'text'; el: HTMLTextAreaElement } | null {
    const rich = this.form.querySelector<HTMLElement>('[contenteditable="true"], [contenteditable=""]');
    if (rich) return { kind: 'html', el: rich };
    for (const f of Array.from(this.form.querySelectorAll('iframe'))) {
      try {
        const b = (f as HTMLIFrameElement).contentDocument?.body;
        if (b && (b.isContentEditable || b.ownerDocument.designMode === 'on')) return { kind: 'html', el: b };
      } catch {
        // a frame of another origin: not an editor we can reach
      }
    }
    const to = controlFor(this.form, LABELS.composeTo);
    const ta = Array.from(this.form.querySelectorAll('textarea')).find((t) => t !== to);
    return ta ? { kind: 'text', el: ta } : null;
  }

  get mode(): 'html' | 'text' {
    return this.editable()?.kind ?? 'html';
  }

  fromAddress(): string | null {
    return this.account();
  }

  recipients(): string[] {
    const vals = [controlFor(this.form, LABELS.composeTo), controlFor(this.form, LABELS.composeCc)].map((c) => c?.value ?? '');
    return vals.join(',').match(EMAIL_G)?.map((a) => a.toLowerCase()) ?? [];
  }

  attachmentsBytes(): number | null {
    const m = LABELS.gauge.exec(text(this.form));
    if (m) {
      const unit = m[2]!.toLowerCase() === 'mo' ? 1024 * 1024 : m[2]!.toLowerCase() === 'ko' ? 1024 : 1;
      return Math.round(Number(m[1]!.replace(',', '.')) * unit);
    }
    const p = this.form.querySelector('progress');
    if (p && Math.abs(Number(p.getAttribute('max')) - MAX_ATTACHMENTS_BYTES) < 1024 * 1024) return Number((p as HTMLProgressElement).value) || 0;
    return null;
  }

  /** The limit the form's gauge states ("… / 60 Mo", or its progress bar's max when that is about 60 MB). */
  attachmentsLimitBytes(): number | null {
    const m = LABELS.gauge.exec(text(this.form));
    if (m) return MAX_ATTACHMENTS_BYTES;
    const p = this.form.querySelector('progress');
    const max = Number(p?.getAttribute('max'));
    return p && Math.abs(max - MAX_ATTACHMENTS_BYTES) < 1024 * 1024 ? max : null;
  }

  anchor(): Element | null {
    const e = this.editable();
    return e?.kind === 'html' && e.el.ownerDocument !== this.form.ownerDocument ? this.form : (e?.el.parentElement ?? this.form);
  }

  subject(): string | null {
    return controlFor(this.form, LABELS.composeSubject)?.value ?? null;
  }

  setSubject(subject: string): void {
    const el = controlFor(this.form, LABELS.composeSubject);
    if (!el || el.value === subject) return;
    el.value = subject;
    fire(el, 'input');
    fire(el, 'change');
  }

  hasSignature(): boolean {
    const e = this.editable();
    if (!e) return false;
    if (e.kind === 'html') return ownBlocks(e.el).some((b) => !!text(b));
    return !!this.active && maskQuotes(e.el.value).text.includes(textSignatureBlock(this.active.text));
  }

  setSignature(sig: { html: string; text: string }): void {
    const e = this.editable();
    const previous = this.active;
    this.active = { html: sig.html, text: sig.text };
    if (!e) return;
    if (e.kind === 'html') {
      const doc = e.el.ownerDocument;
      const all = ownBlocks(e.el);
      for (const extra of all.slice(1)) extra.remove();
      let block = all[0];
      if (!block) {
        block = doc.createElement('div');
        block.setAttribute(MARK, '1');
        e.el.appendChild(block);
      }
      block.replaceChildren(doc.createTextNode('-- '), doc.createElement('br'), signatureFragment(doc, sig.html));
      fire(e.el, 'input');
      return;
    }
    const known = previous ? [textSignatureBlock(previous.text)] : [];
    // Quoted parts ("> " lines, a forwarded message) are left as they are, their own "-- " signature included.
    this.writeText(e.el, replaceOwnTextSignature(e.el.value, known, textSignatureBlock(sig.text)));
  }

  removeSignature(): void {
    const e = this.editable();
    const previous = this.active;
    this.active = null;
    if (!e) return;
    if (e.kind === 'html') {
      for (const b of ownBlocks(e.el)) b.remove();
      fire(e.el, 'input');
      return;
    }
    this.writeText(e.el, replaceOwnTextSignature(e.el.value, previous ? [textSignatureBlock(previous.text)] : [], null));
  }

  private writeText(ta: HTMLTextAreaElement, value: string): void {
    if (ta.value === value) return;
    ta.value = value;
    fire(ta, 'input');
    fire(ta, 'change');
  }
}

/** The compose editors on the page (the forms with the manual's buttons and an editable body). */
export function findComposeEditors(doc: Document, account: () => string | null): MedimailCompose[] {
  return composeForms(doc)
    .filter((f) => f.querySelector(MEDIMAIL_SELECTORS.editable.css) || f.querySelector('iframe'))
    .map((f) => new MedimailCompose(f, account));
}
