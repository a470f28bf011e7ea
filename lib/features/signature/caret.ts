/**
 * Signature insertion at the caret, for any editable field of any page (Medimail, Mailiz, a form…): the
 * function the background injects with scripting.executeScript when the user picks the context-menu entry or
 * presses the keyboard shortcut (lib/background/signature-menu.ts).
 *
 * It is serialised by the browser and run in the page's frame (in the extension's isolated world): it must
 * not use anything from outside its own body, and its argument is plain JSON.
 *
 * - On a webmail where Balise's content script has a compose editor (Roundcube, Zimbra), the content script's
 *   own insertion is used (the host's signature block, see lib/features/signature/feature.tsx).
 * - Text fields (textarea, text input): the text goes at the caret between two invisible markers
 *   ({@link TEXT_START}, {@link TEXT_END}); a field that already holds a marked block gets it replaced instead,
 *   unless that block is on a quoted line ("> ").
 * - Rich-text fields (contenteditable, designMode): a `<div data-balise-signature>` built node by node from the
 *   parsed signature (never from an HTML string); an existing one in the same field is replaced, unless it is
 *   inside a `<blockquote>` (a quoted message).
 * Returns what it did; when no field has the focus it shows a short note on the page and returns 'no-field'.
 */
import type { SigNode } from '../../webmail/kit/signature-html';

export const TEXT_START = '\u2063\u200D\u2063';
export const TEXT_END = '\u2063\u200C\u2063';
export const SIGNATURE_ATTR = 'data-balise-signature';
/** Where Balise's content script (signature feature) registers its handler, in the isolated world. */
export const EDITOR_HOOK = 'balise.signature.insert';

export interface CaretPayload {
  text: string;
  nodes: SigNode[];
  /** Shown on the page when no editable field has the focus. */
  noFieldMessage: string;
}

export type CaretResult = 'editor' | 'inserted' | 'replaced' | 'no-field' | 'cross-origin-frame';

export async function insertSignatureAtCaret(payload: CaretPayload): Promise<CaretResult> {
  const START = '\u2063\u200D\u2063';
  const END = '\u2063\u200C\u2063';
  const ATTR = 'data-balise-signature';

  const hook = (globalThis as unknown as Record<symbol, unknown>)[Symbol.for('balise.signature.insert')];
  if (typeof hook === 'function') {
    try {
      if (await (hook as () => Promise<boolean>)()) return 'editor';
    } catch {
      // fall through to the generic insertion
    }
  }

  // The focused element, through same-origin frames and open shadow roots.
  let el: Element | null = document.activeElement;
  for (;;) {
    if (el && (el.tagName === 'IFRAME' || el.tagName === 'FRAME')) {
      let inner: Document | null = null;
      try {
        inner = (el as HTMLIFrameElement).contentDocument;
      } catch {
        inner = null;
      }
      if (!inner) return 'cross-origin-frame';
      el = inner.activeElement;
      continue;
    }
    if (el && el.shadowRoot && el.shadowRoot.activeElement) {
      el = el.shadowRoot.activeElement;
      continue;
    }
    break;
  }

  const TEXT_TYPES = ['', 'text', 'search', 'url', 'tel'];
  const isTextarea = !!el && el.tagName === 'TEXTAREA';
  const isInput = !!el && el.tagName === 'INPUT' && TEXT_TYPES.includes(((el as HTMLInputElement).getAttribute('type') ?? '').toLowerCase());
  if (el && (isTextarea || isInput) && !(el as HTMLTextAreaElement).readOnly && !(el as HTMLTextAreaElement).disabled) {
    const field = el as HTMLTextAreaElement | HTMLInputElement;
    const text = isInput ? payload.text.replace(/\s*\n+\s*/g, ' · ') : payload.text;
    const block = START + text + END;
    const value = field.value;
    // A marked block on a quoted line ("> …": a reply to a mail signed this way) belongs to the quoted message.
    let s = -1;
    let e = -1;
    for (let from = value.indexOf(START); from !== -1; from = value.indexOf(START, from + START.length)) {
      const lineStart = from > 0 ? value.lastIndexOf('\n', from - 1) + 1 : 0;
      if (value[lineStart] === '>') continue;
      const end = value.indexOf(END, from + START.length);
      if (end !== -1) {
        s = from;
        e = end;
      }
      break;
    }
    let result: CaretResult;
    if (s !== -1 && e !== -1) {
      field.setRangeText(block, s, e + END.length, 'end');
      result = 'replaced';
    } else {
      const a = field.selectionStart ?? value.length;
      const b = field.selectionEnd ?? a;
      const before = a > 0 && isTextarea && value[a - 1] !== '\n' ? '\n' : '';
      field.setRangeText(before + block, a, b, 'end');
      result = 'inserted';
    }
    field.dispatchEvent(new Event('input', { bubbles: true }));
    field.dispatchEvent(new Event('change', { bubbles: true }));
    return result;
  }

  const html = el as HTMLElement | null;
  const doc = html?.ownerDocument;
  const editable = !!html && !!doc && (html.isContentEditable || doc.designMode === 'on');
  if (html && doc && editable) {
    // The editable root: the outermost contenteditable ancestor (or the body in designMode).
    let root: HTMLElement = html;
    if (doc.designMode === 'on') root = doc.body;
    else while (root.parentElement && root.parentElement.isContentEditable) root = root.parentElement;

    const wrapper = doc.createElement('div');
    wrapper.setAttribute(ATTR, '1');
    const build = (parent: Node, list: SigNode[]): void => {
      for (const n of list) {
        if (!n || typeof n !== 'object') continue;
        if (n.t === 'text') parent.appendChild(doc.createTextNode(String(n.s)));
        else if (n.t === 'br') parent.appendChild(doc.createElement('br'));
        else if (n.t === 'el' && ['b', 'i', 'strong', 'em', 'a'].includes(n.tag)) {
          const href = n.tag === 'a' && typeof n.href === 'string' && /^(?:mailto:|https:\/\/)[^\s"<>`\\]+$/i.test(n.href) ? n.href : null;
          const child = doc.createElement(n.tag === 'a' && !href ? 'span' : n.tag);
          if (href) child.setAttribute('href', href);
          build(child, Array.isArray(n.children) ? n.children : []);
          parent.appendChild(child);
        }
      }
    };
    build(wrapper, Array.isArray(payload.nodes) ? payload.nodes : []);

    // Never a block inside a quoted message (a reply to a mail signed this way carries the same marker).
    const existing = Array.from(root.querySelectorAll(`[${ATTR}]`)).find((b) => {
      for (let cur = b.parentElement; cur && cur !== root; cur = cur.parentElement) if (cur.tagName === 'BLOCKQUOTE') return false;
      return true;
    });
    let result: CaretResult;
    if (existing) {
      existing.replaceWith(wrapper);
      result = 'replaced';
    } else {
      const sel = doc.getSelection();
      const range = sel && sel.rangeCount > 0 ? sel.getRangeAt(0) : null;
      if (range && root.contains(range.commonAncestorContainer)) {
        range.deleteContents();
        range.insertNode(wrapper);
      } else {
        root.appendChild(wrapper);
      }
      result = 'inserted';
    }
    const sel = doc.getSelection();
    if (sel) {
      const after = doc.createRange();
      after.setStartAfter(wrapper);
      after.collapse(true);
      sel.removeAllRanges();
      sel.addRange(after);
    }
    root.dispatchEvent(new Event('input', { bubbles: true }));
    return result;
  }

  // Nothing to write into: say so briefly, where the user is looking.
  try {
    const host = document.createElement('balise-note');
    host.setAttribute('data-balise', 'signature-note');
    const shadow = host.attachShadow({ mode: 'open' });
    const box = document.createElement('div');
    box.setAttribute('role', 'status');
    box.textContent = payload.noFieldMessage;
    box.style.cssText =
      'position:fixed;z-index:2147483000;right:16px;bottom:16px;max-width:360px;padding:10px 14px;border-radius:8px;' +
      'background:#1f2328;color:#fff;font:14px/1.4 system-ui,sans-serif;box-shadow:0 6px 24px rgba(0,0,0,.3)';
    shadow.appendChild(box);
    document.documentElement.appendChild(host);
    setTimeout(() => host.remove(), 5000);
  } catch {
    // a page that refuses custom elements: the result still says it
  }
  return 'no-field';
}
