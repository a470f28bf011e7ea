/**
 * The one signature HTML → DOM path against hostile input: nothing but text, b i strong em, br and a[href=https:|mailto:]
 * ever comes out, whatever goes in; nesting is bounded; adapters' fragments are built in the target document.
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { MAX_DEPTH, nodesToHtml, parseSignatureHtml, signatureFragment, signatureText, type SigNode } from '../../../../lib/webmail/kit/signature-html';

const ALLOWED = new Set(['B', 'I', 'STRONG', 'EM', 'BR', 'A', 'SPAN']);

function doc(): Document {
  return parseHTML('<!doctype html><html><body></body></html>').document as unknown as Document;
}

function elementsOf(frag: DocumentFragment): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (const c of Array.from(n.childNodes)) {
      if (c.nodeType === 1) out.push(c as Element);
      walk(c);
    }
  };
  walk(frag);
  return out;
}

/** Text of a fragment (linkedom gives fragments no textContent): through a wrapper. */
function textOf(frag: DocumentFragment): string {
  const d = frag.ownerDocument.createElement('div');
  d.appendChild(frag);
  return d.textContent ?? '';
}

function depth(nodes: readonly SigNode[]): number {
  let d = 0;
  for (const n of nodes) if (n.t === 'el') d = Math.max(d, 1 + depth(n.children));
  return d;
}

const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<a href="JaVaScRiPt:alert(1)">x</a>',
  '<a href=" javascript:alert(1)">x</a>',
  '<a href="data:text/html,<script>alert(1)</script>">x</a>',
  '<a href="https://ok.example" onclick="alert(1)">x</a>',
  '<a href="https://ok.example/&quot; onmouseover=&quot;alert(1)">x</a>',
  '<b onmouseover="alert(1)">x</b>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="https://evil.example"></iframe>',
  '<style>body{display:none}</style>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '<<b>>x<</b>>',
  '<!-- <script>alert(1)</script> -->',
  '<a href="https://a.example">unclosed <b>tags <i>everywhere',
  '</b></a></i>stray closers',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<a href="mailto:x@y.fr?subject=a%0d%0aBcc:z@w.fr">x</a>',
  '<a href="https://a.example/\u0000x">x</a>',
  '<form action="https://evil.example"><input name=p></form>',
  '<base href="https://evil.example/">',
  '<meta http-equiv="refresh" content="0;url=https://evil.example">',
];

describe('signature HTML → DOM (one path, hostile input)', () => {
  it.each(HOSTILE)('%s gives only allowed elements, no attribute but a safe href', (input) => {
    const frag = signatureFragment(doc(), input);
    // Markup is left out, not shown (text typed as entities, e.g. "&lt;script&gt;", is the user's text and stays).
    if (!input.includes('&lt;')) expect(textOf(signatureFragment(doc(), input))).not.toMatch(/onerror|onclick|onmouseover|<script/i);
    for (const el of elementsOf(frag)) {
      expect(ALLOWED.has(el.tagName.toUpperCase()), el.tagName).toBe(true);
      for (const a of Array.from(el.attributes)) {
        expect(a.name).toBe('href');
        expect(el.tagName.toUpperCase()).toBe('A');
        expect(a.value).toMatch(/^(mailto:|https:\/\/)[^\s"<>`\\\u0000-\u001f]+$/i);
      }
    }
  });

  it('keeps the signature language exactly', () => {
    const html = 'Dr <b>Martin</b> <i>Durand</i><br><a href="mailto:martin.durand@medecin.mssante.fr">écrire</a> &amp; <a href="https://rpps.example/1">RPPS</a>';
    expect(nodesToHtml(parseSignatureHtml(html))).toBe(html);
    expect(signatureText(parseSignatureHtml(html))).toBe('Dr Martin Durand\nécrire & RPPS');
  });

  it('turns an unsafe link into its text (a span); into a message, other markup is left out, script content with it', () => {
    const frag = signatureFragment(doc(), '<a href="javascript:x">lien</a><div>bloc</div><img src=x onerror=alert(1)><script>alert(2)</script><!-- c -->');
    const els = elementsOf(frag);
    expect(els.map((e) => e.tagName.toLowerCase())).toEqual(['span']);
    expect(textOf(frag)).toBe('lienbloc');
  });

  it('for the preview, other markup stays visible as text (never an element)', () => {
    expect(parseSignatureHtml('<div>bloc</div>')).toEqual([{ t: 'text', s: '<div>bloc</div>' }]);
    expect(parseSignatureHtml('<div>bloc</div>', { unknown: 'drop' })).toEqual([{ t: 'text', s: 'bloc' }]);
  });

  it('bounds nesting at MAX_DEPTH, keeping the text', () => {
    const n = 5000;
    const html = '<b>'.repeat(n) + 'deep' + '</b>'.repeat(n);
    const nodes = parseSignatureHtml(html);
    expect(depth(nodes)).toBe(MAX_DEPTH);
    expect(signatureText(nodes)).toBe('deep');
  });

  it('drops the characters a host gives a meaning to (Zimbra’s U+200B marker)', () => {
    const frag = signatureFragment(doc(), '\u200BDr\u200B <b>Martin</b>', { dropChars: /\u200B/g });
    expect(textOf(frag)).toBe('Dr Martin');
  });

  it('never throws on anything', () => {
    for (const x of [undefined, null, 42, {}, '<', '<a href="', '&', '&#0;', '<b'.repeat(10_000)]) {
      expect(() => parseSignatureHtml(x as unknown as string)).not.toThrow();
    }
  });
});
