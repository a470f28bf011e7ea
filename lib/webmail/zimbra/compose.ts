/**
 * Compose views of the classic client (Zimbra/zm-web-client `mail/view/ZmComposeView.js`, `core/ZmId.js`,
 * `share/view/htmlEditor/ZmHtmlEditor.js`, `templates/mail/Message.template`):
 *
 * - view `#zv__COMPOSE-<n>.ZmComposeView`; toolbar `#ztb__COMPOSE-<n>`; fields `<view>_to_cell` / `_cc_cell` /
 *   `_bcc_cell` (address bubbles `span.addrBubble`) with inputs `<view>_to_control`…, `<view>_subject_control`,
 *   `<view>_identity_control` (the From select), `<view>_attachments_div`;
 * - editor `#ZmHtmlEditor<N>.ZmHtmlEditor`: `textarea#ZmHtmlEditor<N>_body` holds the body in text mode; in HTML mode
 *   TinyMCE hides it and edits `iframe#ZmHtmlEditor<N>_body_ifr` (same origin: its body is reachable from here).
 *
 * Known limit: with zimbraPrefShortEmailAddress (default TRUE) an address bubble shows only the person's name, and
 * the address lives in the page's JavaScript only (`ZmAddressBubble.email`): recipients() returns the addresses the
 * page shows as text (typed addresses, bubbles without a name).
 */
import { pickAll } from '../kit/selectors';
import { ZIMBRA_SELECTORS } from './selectors';
import type { ComposeEditor } from '../types';
import {
  findHtmlSignatures,
  findTextSignatures,
  removeHtmlSignature,
  removeTextSignature,
  setHtmlSignature,
  setTextSignature,
  type SigStyle,
} from './signature';

const EMAIL_G = /[A-Za-z0-9._%+'-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export interface ComposeContext {
  /** zimbraPrefMailSignatureStyle, once known ('outlook' by default). */
  style(): SigStyle;
  /** Ids of the account's signatures (the host's signature div carries one), once known. */
  signatureIds(): readonly string[];
}

function emailsIn(text: string | null | undefined): string[] {
  return (text ?? '').match(EMAIL_G)?.map((s) => s.toLowerCase()) ?? [];
}

/** Hidden by an inline style or the hidden attribute, on the element or an ancestor up to `root` (TinyMCE and
 *  ZmHtmlEditor switch modes with inline display:none). */
function hiddenInline(el: Element, root: Element): boolean {
  for (let cur: Element | null = el; cur && cur !== root.parentElement; cur = cur.parentElement) {
    const h = cur as HTMLElement;
    if (h.hidden || h.style?.display === 'none') return true;
  }
  return false;
}

function isRendered(el: Element): boolean {
  return (el as HTMLElement).getClientRects?.().length > 0;
}

const SIZE_RE = /\((\d+(?:[.,]\d+)?)\s*(o|octets?|B|bytes?|ko|Ko|KB|kB|K|Mo|MB|M|Go|GB|G)\)/g;
const UNIT: Record<string, number> = { o: 1, octet: 1, octets: 1, b: 1, byte: 1, bytes: 1, ko: 1024, kb: 1024, k: 1024, mo: 1024 ** 2, mb: 1024 ** 2, m: 1024 ** 2, go: 1024 ** 3, gb: 1024 ** 3, g: 1024 ** 3 };

/** Sizes the attachment bubbles show ("CR.pdf (12 ko)", "(1,2 Mo)"), summed; formatted by the host, so approximate. */
export function parseShownSizes(text: string): number {
  let total = 0;
  for (const m of text.matchAll(SIZE_RE)) {
    const n = Number(m[1]!.replace(',', '.'));
    const unit = UNIT[m[2]!.toLowerCase()] ?? 1;
    if (Number.isFinite(n)) total += Math.round(n * unit);
  }
  return total;
}

export class ZimbraComposeEditor implements ComposeEditor {
  readonly id: string;
  private readonly vid: string;

  constructor(
    private readonly view: Element,
    private readonly editor: Element,
    private readonly ctx: ComposeContext,
  ) {
    this.id = editor.id;
    this.vid = view.id;
  }

  private get doc(): Document {
    return this.view.ownerDocument;
  }
  private byId(suffix: string): Element | null {
    return this.doc.getElementById(`${this.vid}${suffix}`);
  }
  private get textarea(): HTMLTextAreaElement | null {
    const t = this.doc.getElementById(`${this.id}_body`);
    return t instanceof HTMLTextAreaElement || t?.tagName === 'TEXTAREA' ? (t as HTMLTextAreaElement) : null;
  }
  private get iframe(): HTMLIFrameElement | null {
    const f = this.doc.getElementById(`${this.id}_body_ifr`);
    return f?.tagName === 'IFRAME' ? (f as HTMLIFrameElement) : null;
  }
  private get body(): HTMLElement | null {
    try {
      return this.iframe?.contentDocument?.body ?? null;
    } catch {
      return null;
    }
  }

  get mode(): 'html' | 'text' {
    const ta = this.textarea;
    const ifr = this.iframe;
    if (!ifr) return 'text';
    if (!ta) return 'html';
    const taHidden = hiddenInline(ta, this.editor);
    const ifrHidden = hiddenInline(ifr, this.editor);
    if (taHidden !== ifrHidden) return taHidden ? 'html' : 'text';
    return isRendered(ta) && !isRendered(ifr) ? 'text' : 'html';
  }

  fromAddress(): string | null {
    const ctl = this.byId('_identity_control') ?? this.view.querySelector('[id$="_identitySelect"],[id$="_fromSelect"],[id$="_from_select"]');
    if (!ctl) return null;
    const title = ctl.querySelector('.ZWidgetTitle') ?? ctl;
    const list = emailsIn(title.textContent);
    return list.length ? list[list.length - 1]! : null;
  }

  recipients(): string[] {
    const out = new Set<string>();
    for (const field of ['to', 'cc', 'bcc']) {
      const cell = this.byId(`_${field}_cell`);
      for (const b of Array.from(cell?.querySelectorAll('.addrBubble') ?? [])) {
        const fromAttr = [...emailsIn(b.getAttribute('aria-label')), ...emailsIn(b.getAttribute('title'))];
        for (const a of fromAttr.length ? fromAttr : emailsIn(b.textContent)) out.add(a);
      }
      const input = this.byId(`_${field}_control`) as HTMLInputElement | null;
      for (const a of emailsIn(input?.value)) out.add(a);
    }
    return [...out];
  }

  attachmentsBytes(): number | null {
    const div = this.byId('_attachments_div');
    if (!div) return null;
    const bubbles = Array.from(div.querySelectorAll('.attachmentBubble, .AttachmentSpan'));
    return parseShownSizes((bubbles.length ? bubbles.map((b) => b.textContent ?? '') : [div.textContent ?? '']).join(' '));
  }

  anchor(): Element | null {
    const tid = this.vid.replace(/^zv__/, '');
    return this.doc.getElementById(`ztb__${tid}`) ?? this.view.querySelector('.ZToolbar') ?? this.editor.parentElement;
  }

  hasSignature(): boolean {
    if (this.mode === 'text') return findTextSignatures(this.textarea?.value ?? '').length > 0;
    const body = this.body;
    return !!body && findHtmlSignatures(body, this.ctx.signatureIds()).length > 0;
  }

  setSignature(sig: { html: string; text: string }): void {
    if (this.mode === 'text') {
      const ta = this.textarea;
      if (!ta) return;
      ta.value = setTextSignature(ta.value, sig.text, this.ctx.style());
      this.changed(ta);
      return;
    }
    const body = this.body;
    if (!body) return;
    setHtmlSignature(body, sig.html, this.ctx.style(), this.ctx.signatureIds());
    this.changed(body);
  }

  removeSignature(): void {
    if (this.mode === 'text') {
      const ta = this.textarea;
      if (!ta) return;
      ta.value = removeTextSignature(ta.value);
      this.changed(ta);
      return;
    }
    const body = this.body;
    if (!body) return;
    removeHtmlSignature(body, this.ctx.signatureIds());
    this.changed(body);
  }

  subject(): string | null {
    const input = this.byId('_subject_control') as HTMLInputElement | null;
    return input ? input.value : null;
  }

  setSubject(subject: string): void {
    const input = this.byId('_subject_control') as HTMLInputElement | null;
    if (!input) return;
    input.value = subject.replace(/[\r\n\u0000-\u001f]+/g, ' ');
    this.changed(input);
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }

  /** The page's own handlers (TinyMCE's dirty state, Zimbra's field listeners) see the change. */
  private changed(el: Element): void {
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }
}

/** Every compose editor on the page, the visible ones first. */
export function findComposeEditors(doc: Document, ctx: ComposeContext): ZimbraComposeEditor[] {
  const out: { ed: ZimbraComposeEditor; visible: boolean }[] = [];
  for (const view of pickAll(doc, ZIMBRA_SELECTORS, 'composeView')) {
    const editor = view.querySelector('.ZmHtmlEditor[id^="ZmHtmlEditor"]');
    if (!editor || !/^ZmHtmlEditor\d+$/.test(editor.id)) continue;
    out.push({ ed: new ZimbraComposeEditor(view, editor, ctx), visible: isRendered(view) });
  }
  return out.sort((a, b) => Number(b.visible) - Number(a.visible)).map((x) => x.ed);
}
