/**
 * Signatures in the classic client's compose body, through Zimbra's own markers (Zimbra/zm-web-client
 * `mail/view/ZmComposeView.js`: `BC_*` components, `_getSignatureContentSpan`, `_getSignatureSeparator`,
 * `getComponentContent`):
 *
 * - body components in order: NOTHING, TEXT_PRE, SIG_PRE, DIVIDER, HEADERS, QUOTED_TEXT, SIG_POST;
 * - HTML: the "outlook" style signature is `<div id="<sigId>" data-marker="__SIG_PRE__">…</div>`; the "internet"
 *   style is a separator `<div data-marker="__SIG_POST__">-- <br></div>` followed by `<div id="<sigId>">…</div>`.
 *   Zimbra finds components by searching the marker text in the editor's HTML, so a block that carries the marker
 *   is treated by Zimbra itself as THE signature (a signature switch or a mode switch replaces it: no duplicate);
 * - text: each component is prefixed by a run of U+200B as long as its index: SIG_PRE = 2, DIVIDER = 3,
 *   HEADERS = 4, QUOTED_TEXT = 5, SIG_POST = 6 (followed by "-- " and a line break).
 *
 * Balise writes its signature INTO the host's block when there is one, and otherwise creates a block with Zimbra's
 * own marker plus its own stable marker `data-balise-sig` (HTML). Never two blocks.
 */

import { signatureFragment } from '../kit/signature-html';
export const MARK = '\u200B';
export const BALISE_ATTR = 'data-balise-sig';
export type SigStyle = 'outlook' | 'internet';

// ---- plain-text mode (pure) ---------------------------------------------------------------------------------------

interface Run {
  index: number;
  len: number;
}

function markerRuns(v: string): Run[] {
  const out: Run[] = [];
  const re = /\u200B+/g;
  for (let m = re.exec(v); m; m = re.exec(v)) out.push({ index: m.index, len: m[0].length });
  return out;
}

export interface TextSig {
  /** Index of the marker run. */
  start: number;
  /** Where the signature's content starts (after the marker). */
  contentStart: number;
  /** Where it ends (the next component's marker, or the end). */
  end: number;
  kind: 'pre' | 'post';
}

/**
 * Every signature component of this message (marker run of exactly 2 or 6) in a text body, in order. A reply or
 * forward quotes another message from the first DIVIDER / HEADERS / QUOTED_TEXT run (3 to 5) on, and that message
 * may hold runs of its own (a draft, a client that kept them): past that point only SIG_POST counts, the last
 * component, so only the body's last run, when it is a 6 at a line's start (not behind a quote's ">") followed by "-- ".
 */
export function findTextSignatures(v: string): TextSig[] {
  const runs = markerRuns(v);
  const out: TextSig[] = [];
  const q = runs.findIndex((r) => r.len >= 3 && r.len <= 5);
  runs.forEach((r, i) => {
    if (r.len !== 2 && r.len !== 6) return;
    if (q >= 0 && i > q && !(i === runs.length - 1 && r.len === 6 && v[r.index - 1] === '\n' && v.startsWith('-- ', r.index + r.len))) return;
    const next = runs[i + 1];
    out.push({ start: r.index, contentStart: r.index + r.len, end: next ? next.index : v.length, kind: r.len === 2 ? 'pre' : 'post' });
  });
  return out;
}

/** What may go into a text body: no marker characters (they would fake components), no control characters. */
export function cleanSigText(t: string): string {
  return t
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(/\n+$/, '');
}

function withoutSegments(v: string, sigs: TextSig[]): string {
  let out = v;
  for (const s of [...sigs].reverse()) {
    const before = out.slice(0, s.start);
    const after = out.slice(s.end);
    out = after ? before + after : before.replace(/\s+$/, '');
  }
  return out;
}

export function removeTextSignature(v: string): string {
  return withoutSegments(v, findTextSignatures(v));
}

export function setTextSignature(v: string, text: string, style: SigStyle): string {
  const sig = cleanSigText(text);
  const sigs = findTextSignatures(v);
  if (sigs.length) {
    const first = sigs[0]!;
    // Extra signature components (never expected) go first, from the end, so `first` keeps its offsets.
    let base = withoutSegments(v, sigs.slice(1));
    const end = Math.min(first.end, base.length);
    const old = base.slice(first.contentStart, end);
    let trailing = /\n*$/.exec(old)?.[0] ?? '';
    if (end < base.length && !trailing) trailing = '\n';
    const content = first.kind === 'post' ? `-- \n${sig}` : sig;
    base = base.slice(0, first.contentStart) + content + trailing + base.slice(end);
    return base;
  }
  const runs = markerRuns(v);
  const quoted = style === 'outlook' ? runs.find((r) => r.len >= 3 && r.len <= 5) : undefined;
  const at = quoted ? quoted.index : v.length;
  const before = v.slice(0, at).replace(/\s+$/, '');
  const after = v.slice(at);
  const block = style === 'internet' ? `${MARK.repeat(6)}-- \n${sig}` : `${MARK.repeat(2)}${sig}`;
  return `${before}\n\n${block}${after ? `\n${after}` : ''}`;
}

// ---- HTML mode (DOM) ----------------------------------------------------------------------------------------------

const SIG_PRE = '[data-marker="__SIG_PRE__"]';
const SIG_POST = '[data-marker="__SIG_POST__"]';
const LATER_COMPONENTS = '[data-marker="__DIVIDER__"],[data-marker="__HEADERS__"],[data-marker="__QUOTED_TEXT__"]';

export interface HtmlSig {
  block: Element;
  /** The "-- " separator of the internet style, when there is one. */
  sep: Element | null;
}

/** An id as a quoted attribute value in a selector. */
function cssString(id: string): string {
  return id.replace(/["\\]/g, '\\$&');
}

function topLevel(body: Element, el: Element): Element {
  let cur = el;
  while (cur.parentElement && cur.parentElement !== body) cur = cur.parentElement;
  return cur;
}

/**
 * Where a reply or forward holds the other message (ZmComposeView BC_DIVIDER, BC_HEADERS, BC_QUOTED_TEXT; the
 * quote's `<blockquote>` when Zimbra prefixes it): signature markers in there belong to the quoted message.
 */
const QUOTED = '[data-marker="__DIVIDER__"],[data-marker="__HEADERS__"],[data-marker="__QUOTED_TEXT__"],blockquote';

function inQuote(body: Element, el: Element): boolean {
  for (let cur: Element | null = el; cur && cur !== body; cur = cur.parentElement) if (cur.matches(QUOTED)) return true;
  return false;
}

/**
 * Signature blocks of this message in an editor body, in document order: Balise's, the host's SIG_PRE, the host's
 * SIG_POST; never one inside a quoted message.
 */
export function findHtmlSignatures(body: Element, knownSigIds: readonly string[] = []): HtmlSig[] {
  const found = new Map<Element, HtmlSig>();
  const add = (block: Element | null, sep: Element | null) => {
    if (!block || block === body || inQuote(body, block)) return;
    // A block inside another signature block is part of it.
    for (const other of found.keys()) if (other.contains(block)) return;
    for (const other of [...found.keys()]) if (block.contains(other)) found.delete(other);
    const prev = found.get(block);
    found.set(block, { block, sep: sep ?? prev?.sep ?? null });
  };
  for (const sep of Array.from(body.querySelectorAll(SIG_POST))) {
    const next = sep.nextElementSibling;
    if (next && !next.hasAttribute('data-marker')) add(next, sep);
  }
  for (const el of Array.from(body.querySelectorAll(`[${BALISE_ATTR}]`))) {
    const prev = el.previousElementSibling;
    add(el, prev && prev.matches(SIG_POST) ? prev : null);
  }
  for (const el of Array.from(body.querySelectorAll(SIG_PRE))) add(el, null);
  for (const id of knownSigIds) {
    for (const el of Array.from(body.querySelectorAll(`[id="${cssString(id)}"]`))) {
      const prev = el.previousElementSibling;
      add(el, prev && prev.matches(SIG_POST) ? prev : null);
    }
  }
  return [...found.values()].sort((a, b) => (a.block.compareDocumentPosition(b.block) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
}

function isEmptyLine(n: Node): boolean {
  if (n.nodeType === Node.TEXT_NODE) return !(n.textContent ?? '').replace(/[\s\u00a0\u200B]/g, '');
  if (n.nodeType !== Node.ELEMENT_NODE) return false;
  const el = n as Element;
  if (el.tagName === 'BR') return true;
  if (el.tagName !== 'DIV' && el.tagName !== 'P') return false;
  if (el.attributes.length) return false;
  return Array.from(el.childNodes).every((c) => (c.nodeType === Node.ELEMENT_NODE ? (c as Element).tagName === 'BR' : isEmptyLine(c)));
}

function removeEmptyLinesBefore(el: Element): void {
  for (let prev = el.previousSibling; prev && isEmptyLine(prev); prev = el.previousSibling) prev.remove();
}

function hasContentBefore(body: Element, ref: Node | null): boolean {
  for (let n = body.firstChild; n && n !== ref; n = n.nextSibling) if (!isEmptyLine(n)) return true;
  return false;
}

/** Signature HTML into `parent` through the one shared path (lib/webmail/kit/signature-html.ts); text never holds the marker. */
function appendSignature(parent: Element, html: string): void {
  parent.appendChild(signatureFragment(parent.ownerDocument, html, { dropChars: /\u200B/g }));
}

/** Puts the signature in the host's block (or a new one with Zimbra's marker); removes any other block. */
export function setHtmlSignature(body: Element, html: string, style: SigStyle, knownSigIds: readonly string[] = []): void {
  const doc = body.ownerDocument;
  const sigs = findHtmlSignatures(body, knownSigIds);
  if (sigs.length) {
    const [keep, ...others] = sigs as [HtmlSig, ...HtmlSig[]];
    for (const o of others) {
      o.sep?.remove();
      o.block.remove();
    }
    while (keep.block.firstChild) keep.block.firstChild.remove();
    appendSignature(keep.block, html);
    keep.block.setAttribute(BALISE_ATTR, '1');
    return;
  }
  const block = doc.createElement('div');
  appendSignature(block, html);
  block.setAttribute(BALISE_ATTR, '1');
  let first: Element = block;
  if (style === 'internet') {
    // SIG_POST is the last component: at the end, after its "-- " separator.
    const sep = doc.createElement('div');
    sep.setAttribute('data-marker', '__SIG_POST__');
    sep.appendChild(doc.createTextNode('-- '));
    sep.appendChild(doc.createElement('br'));
    body.appendChild(sep);
    body.appendChild(block);
    first = sep;
  } else {
    block.setAttribute('data-marker', '__SIG_PRE__');
    const later = body.querySelector(LATER_COMPONENTS);
    const ref = later ? topLevel(body, later) : null;
    body.insertBefore(block, ref);
  }
  // Spacing as Zimbra lays it out: two empty lines when the signature comes first, one after the user's text.
  removeEmptyLinesBefore(first);
  const lines = hasContentBefore(body, first) ? 1 : 2;
  for (let i = 0; i < lines; i++) {
    const line = doc.createElement('div');
    line.appendChild(doc.createElement('br'));
    body.insertBefore(line, first);
  }
}

export function removeHtmlSignature(body: Element, knownSigIds: readonly string[] = []): void {
  for (const s of findHtmlSignatures(body, knownSigIds).reverse()) {
    const first = s.sep ?? s.block;
    removeEmptyLinesBefore(first);
    s.sep?.remove();
    s.block.remove();
  }
}
