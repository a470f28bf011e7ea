/**
 * The HTML that renderSignature produces, as a small tree of nodes, so that every place that shows or inserts a
 * signature builds DOM nodes (createElement / createTextNode, or Preact elements) instead of assigning HTML.
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
/** Links a signature may carry (the same rule as template.ts). */
export const SAFE_HREF = /^(?:mailto:|https:\/\/)[^\s"<>`\\\u0000-\u001f\u007f-\u009f]+$/i;

/** Parses renderSignature's HTML into nodes. Never throws; unknown markup becomes text. */
export function parseSignatureHtml(html: string): SigNode[] {
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
    if ((m = OPEN.exec(rest))) {
      const el: SigNode = { t: 'el', tag: m[1] as SigTag, children: [] };
      top().children.push(el);
      stack.push({ tag: el.tag, children: el.children });
    } else if ((m = A.exec(rest))) {
      const href = decode(m[1] ?? '');
      const el: SigNode = { t: 'el', tag: 'a', children: [] };
      if (SAFE_HREF.test(href)) el.href = href;
      top().children.push(el);
      stack.push({ tag: 'a', children: el.children });
    } else if ((m = CLOSE.exec(rest))) {
      const tag = m[1] as SigTag;
      const at = stack.map((f) => f.tag).lastIndexOf(tag);
      if (at > 0) stack.length = at;
    } else if ((m = BR.exec(rest))) {
      top().children.push({ t: 'br' });
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
