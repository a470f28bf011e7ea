/**
 * The one signature HTML → DOM path. The HTML that renderSignature (lib/features/signature/template.ts) produces,
 * as a small tree of nodes, so that every place that shows or inserts a signature (each adapter's setSignature, the
 * options preview, the context menu) builds DOM nodes (createElement / createTextNode, or Preact elements) instead
 * of assigning HTML. One set of tag and link rules (below), one depth limit (MAX_DEPTH).
 *
 * Why an allow-list builder and not DOMPurify: the input is Balise's own output language (five tags, one
 * attribute), never a stranger's HTML, and this file runs in the content script, which must stay small (DOMPurify
 * is ~20 KB minified, this is ~1 KB). The parser never uses the browser's HTML parser, so nothing in the input can
 * load or run anything; the hostile-input tests are tests/unit/webmail/kit/signature-html.test.ts.
 *
 * The parser only knows renderSignature's output language: text with the five entities escapeHtml writes,
 * `<b> <i> <strong> <em>` and their closing tags, `<br>`, `<a href="mailto:…|https://…">` and `</a>`. Anything
 * else (another tag, an attribute, an entity) stays text, so even a hostile string gives text nodes only.
 * Pure: no DOM, usable in the background's service worker.
 */

export type SigTag = 'b' | 'i' | 'strong' | 'em' | 'a';

export type SigNode = { t: 'text'; s: string } | { t: 'br' } | { t: 'el'; tag: SigTag; href?: string; children: SigNode[] };

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

function decode(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
}

const OPEN = /^<(b|i|strong|em)>/;
const CLOSE = /^<\/(b|i|strong|em|a)>/;
const BR = /^<br>/;
const A = /^<a href="([^"<>]*)">/;
/** Deepest nesting of elements kept; deeper tags are dropped (their text stays). */
export const MAX_DEPTH = 16;

/** Links a signature may carry (template.ts builds hrefs with this rule too). */
export const SAFE_HREF = /^(?:mailto:|https:\/\/)[^\s"<>`\\\u0000-\u001f\u007f-\u009f]+$/i;

/** Markup outside the signature language: a tag (with or without attributes), a comment, a declaration. */
const OTHER_TAG = /^<(?:\/?[A-Za-z][^<>]*|!--[\s\S]*?--|![^<>]*)>/;
/** Elements whose whole content goes with them when markup is dropped. */
const DROP_WITH_CONTENT = /^<(script|style|template|noscript|iframe|object|svg|math|title|textarea|xmp)\b[^<>]*>[\s\S]*?(?:<\/\1\s*>|$)/i;

export interface ParseOptions {
  /**
   * What becomes of markup outside the signature language (never an element either way):
   * 'text' (default) shows it as typed, for the options preview, where the user must see what their template holds;
   * 'drop' leaves it out (and the content of script-like elements with it), for what goes into a message.
   */
  unknown?: 'text' | 'drop';
}

/** Parses renderSignature's HTML into nodes. Never throws; unknown markup becomes text, or is dropped (ParseOptions). */
export function parseSignatureHtml(html: string, opts: ParseOptions = {}): SigNode[] {
  const drop = opts.unknown === 'drop';
  const root: SigNode[] = [];
  const stack: { tag: SigTag | null; children: SigNode[] }[] = [{ tag: null, children: root }];
  const top = () => stack[stack.length - 1]!;
  const pushText = (s: string) => {
    if (!s) return;
    const list = top().children;
    const last = list[list.length - 1];
    if (last?.t === 'text') last.s += s;
    else list.push({ t: 'text', s });
  };
  const src = typeof html === 'string' ? html : '';
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    if (lt === -1) {
      pushText(decode(src.slice(i)));
      break;
    }
    if (lt > i) pushText(decode(src.slice(i, lt)));
    const rest = src.slice(lt);
    let m: RegExpExecArray | null;
    // Too deep: an opening tag is dropped and its text stays (its closing tag then matches nothing and is dropped).
    const tooDeep = stack.length > MAX_DEPTH;
    if ((m = OPEN.exec(rest))) {
      if (!tooDeep) {
        const el: SigNode = { t: 'el', tag: m[1] as SigTag, children: [] };
        top().children.push(el);
        stack.push({ tag: el.tag, children: el.children });
      }
    } else if ((m = A.exec(rest))) {
      if (!tooDeep) {
        const href = decode(m[1] ?? '');
        const el: SigNode = { t: 'el', tag: 'a', children: [] };
        if (SAFE_HREF.test(href)) el.href = href;
        top().children.push(el);
        stack.push({ tag: 'a', children: el.children });
      }
    } else if ((m = CLOSE.exec(rest))) {
      const tag = m[1] as SigTag;
      const at = stack.map((f) => f.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
    } else if ((m = BR.exec(rest))) {
      top().children.push({ t: 'br' });
    } else if (drop && ((m = DROP_WITH_CONTENT.exec(rest)) || (m = OTHER_TAG.exec(rest)))) {
      // Left out, with the content of a script-like element.
    } else {
      pushText('<');
      i = lt + 1;
      continue;
    }
    i = lt + m[0].length;
  }
  return root;
}

function escape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/** Back to HTML (escaped): for tests and for hosts that take HTML through their own editor API. */
export function nodesToHtml(nodes: readonly SigNode[]): string {
  let s = '';
  for (const n of nodes) {
    if (n.t === 'text') s += escape(n.s);
    else if (n.t === 'br') s += '<br>';
    else if (n.tag === 'a') s += n.href ? `<a href="${escape(n.href)}">${nodesToHtml(n.children)}</a>` : nodesToHtml(n.children);
    else s += `<${n.tag}>${nodesToHtml(n.children)}</${n.tag}>`;
  }
  return s;
}

/** Builds DOM nodes (never through HTML parsing) for `nodes` in `doc`. */
export function buildSignatureDom(doc: Document, nodes: readonly SigNode[]): DocumentFragment {
  const frag = doc.createDocumentFragment();
  const add = (parent: Node, list: readonly SigNode[]) => {
    for (const n of list) {
      if (n.t === 'text') parent.appendChild(doc.createTextNode(n.s));
      else if (n.t === 'br') parent.appendChild(doc.createElement('br'));
      else {
        const el = doc.createElement(n.tag === 'a' && !n.href ? 'span' : n.tag);
        if (n.tag === 'a' && n.href) el.setAttribute('href', n.href);
        add(el, n.children);
        parent.appendChild(el);
      }
    }
  };
  add(frag, nodes);
  return frag;
}

/** The signature's text as it will show (line breaks as "\n"). */
export function signatureText(nodes: readonly SigNode[]): string {
  let s = '';
  for (const n of nodes) s += n.t === 'text' ? n.s : n.t === 'br' ? '\n' : signatureText(n.children);
  return s;
}

/**
 * Signature HTML (renderSignature's) → a fragment of `doc`, the one way adapters insert a signature. Markup outside
 * the language is left out (a message must not carry `<img onerror=…>` as text either).
 * `dropChars` removes characters the host gives a meaning to (Zimbra's U+200B signature marker) from the text.
 */
export function signatureFragment(doc: Document, html: string, opts: { dropChars?: RegExp } = {}): DocumentFragment {
  const nodes = parseSignatureHtml(opts.dropChars ? html.replace(opts.dropChars, '') : html, { unknown: 'drop' });
  return buildSignatureDom(doc, nodes);
}
