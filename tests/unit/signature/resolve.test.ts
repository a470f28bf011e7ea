import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import type { Bal } from '../../../lib/store/schemas';
import { pickTemplate, resolveSignature, signatureVars } from '../../../lib/features/signature/resolve';
import { buildSignatureDom, nodesToHtml, parseSignatureHtml, type SigNode } from '../../../lib/webmail/kit/signature-html';
import { defaultTemplate, renderSignature } from '../../../lib/features/signature/template';
import { SignatureHtml } from '../../../lib/options/SignaturePreview';

const XSS = '<img src=x onerror=alert(1)>';

function bal(address: string, over: Partial<Bal> = {}): Bal {
  return { address, kind: 'PER', status: 'active', preferred: false, source: 'user', ...over };
}

const CAB = { label: 'Cabinet', structure: 'Cabinet Martin' };
const CHU = { label: 'CHU', structure: 'CHU de Nantes' };
const BALS = [
  bal('sophie@medecin.mssante.fr', { situation: CAB, preferred: true }),
  bal('cab@cab.mssante.fr', { situation: CAB, kind: 'CAB' }),
  bal('s.martin@chu.mssante.fr', { situation: CHU, preferred: true }),
];
const TEMPLATES = [
  { situation: 'cabinet', text: 'Dr {nom} – {structure}\n{bal_preferee}' },
  { situation: '', text: '{prenom} {nom}\n{situation}\n{bal_preferee}' },
];
const PROFILE = { prenom: 'Sophie', nom: 'Martin', profession: 'Médecin', rpps: '10000005479' };

describe('template choice', () => {
  it('situation template, else the user’s default, else the built-in default', () => {
    expect(pickTemplate(TEMPLATES, 'CABINET', 'fr')).toMatchObject({ source: 'situation', text: TEMPLATES[0]!.text });
    expect(pickTemplate(TEMPLATES, 'CHU', 'fr')).toMatchObject({ source: 'default', text: TEMPLATES[1]!.text });
    expect(pickTemplate([], 'CHU', 'fr')).toEqual({ source: 'builtin', text: defaultTemplate('fr') });
    expect(pickTemplate([], null, 'en')).toEqual({ source: 'builtin', text: defaultTemplate('en') });
  });

  it('the signature follows the BAL written from', () => {
    const src = { bals: BALS, templates: TEMPLATES, profile: PROFILE, locale: 'fr' as const };
    expect(resolveSignature(src, 'cab@cab.mssante.fr').signature.text).toBe('Dr Martin – Cabinet Martin\nsophie@medecin.mssante.fr');
    expect(resolveSignature(src, 's.martin@chu.mssante.fr').signature.text).toBe('Sophie Martin\nCHU\ns.martin@chu.mssante.fr');
    // The preferred BAL becomes a mailto link in the HTML rendering.
    expect(resolveSignature(src, 'cab@cab.mssante.fr').signature.html).toBe(
      'Dr Martin – Cabinet Martin<br><a href="mailto:sophie@medecin.mssante.fr">sophie@medecin.mssante.fr</a>',
    );
  });

  it('without any registry: the BAL written from, with the default template', () => {
    const r = resolveSignature({ bals: [], templates: [], profile: PROFILE, locale: 'fr' }, 'Dr.Durand@Medecin.mssante.fr');
    expect(r.signature.text).toBe('Sophie Martin\nMédecin\nRPPS 10000005479\nMSSanté : dr.durand@medecin.mssante.fr');
    expect(r.template.source).toBe('builtin');
    // Not even a profile yet: still a signature, with the address.
    const bare = resolveSignature({ bals: [], templates: [], profile: {}, locale: 'fr' }, 'dr.durand@medecin.mssante.fr');
    expect(bare.signature.text).toBe('MSSanté : dr.durand@medecin.mssante.fr');
  });

  it('signatureVars drops blanks and fills situation and structure from the context', () => {
    expect(signatureVars({ prenom: ' ', nom: 'M' }, { situation: CHU, preferredAddress: null })).toEqual({ nom: 'M', situation: 'CHU', structure: 'CHU de Nantes' });
  });
});

describe('a hostile name stays text everywhere', () => {
  const src = { bals: [bal('a@medecin.mssante.fr', { situation: { label: XSS, structure: `"><script>alert(2)</script>` }, preferred: true })], templates: [], profile: { prenom: XSS, nom: 'Martin' }, locale: 'fr' as const };
  const r = resolveSignature(src, 'a@medecin.mssante.fr');
  const tpl = { text: '{prenom} {nom}\n{situation}\n{structure}', html: '<b>{prenom}</b> <a href="https://x.example/{nom}">{nom}</a>' };

  it('plain text keeps the characters as typed', () => {
    expect(r.signature.text.split('\n')[0]).toBe(`${XSS} Martin`);
  });

  it('HTML rendering escapes it, and its node tree has no element but the allowed ones', () => {
    expect(r.signature.html).not.toMatch(/<img|<script/);
    const nodes = parseSignatureHtml(r.signature.html);
    const tags: string[] = [];
    const walk = (list: SigNode[]) => list.forEach((n) => (n.t === 'el' ? (tags.push(n.tag), walk(n.children)) : n.t === 'br' ? tags.push('br') : null));
    walk(nodes);
    expect(tags.every((t) => ['b', 'i', 'strong', 'em', 'a', 'br'].includes(t))).toBe(true);
    expect(nodes[0]).toEqual({ t: 'text', s: `${XSS} Martin` });
  });

  it('inserted DOM nodes: text nodes, no <img> or <script> element', () => {
    const { document } = parseHTML('<!doctype html><html><body><div id="ed" contenteditable="true"></div></body></html>');
    for (const html of [r.signature.html, renderSignature(tpl, { prenom: XSS, nom: XSS }).html]) {
      const ed = document.getElementById('ed')!;
      ed.textContent = '';
      ed.appendChild(buildSignatureDom(document as unknown as Document, parseSignatureHtml(html)));
      expect(ed.querySelector('img, script')).toBeNull();
      expect(ed.textContent).toContain(XSS);
      for (const a of ed.querySelectorAll('a')) expect(a.getAttribute('href')).toMatch(/^(mailto:|https:\/\/)/);
    }
  });

  it('the options preview renders it as text', () => {
    const { document, window } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
    const g = globalThis as Record<string, unknown>;
    const saved = { document: g.document, window: g.window };
    g.document = document;
    g.window = window;
    try {
      const root = document.getElementById('root')!;
      render(h(SignatureHtml, { html: r.signature.html }), root as unknown as Element);
      expect(root.querySelector('img, script')).toBeNull();
      expect(root.querySelector('[data-preview="html"]')!.textContent).toContain(XSS);
      expect(root.querySelector('a')!.getAttribute('href')).toBe('mailto:a@medecin.mssante.fr');
      render(null, root as unknown as Element);
    } finally {
      g.document = saved.document;
      g.window = saved.window;
    }
  });
});

describe('signature HTML tree', () => {
  it('parses renderSignature output and prints it back identically', () => {
    const vars = { prenom: 'Anne & Co', nom: 'L’Hôte "x"', bal_preferee: 'anne@medecin.mssante.fr', telephone: "0'1" };
    for (const tpl of [
      { text: defaultTemplate('fr') },
      { text: '', html: '<b>{prenom}</b><br><i>{nom}</i> <a href="mailto:{bal_preferee}">écrire</a>\n<strong><em>{telephone}</em></strong>' },
      { text: '', html: '<b>unclosed {nom}\n<a href="javascript:alert(1)">x</a> < 3 & {prenom}' },
    ]) {
      const html = renderSignature(tpl, vars).html;
      expect(nodesToHtml(parseSignatureHtml(html))).toBe(html);
    }
  });

  it('turns anything outside renderSignature’s language into text', () => {
    expect(parseSignatureHtml('<img src=x onerror=alert(1)>')).toEqual([{ t: 'text', s: '<img src=x onerror=alert(1)>' }]);
    expect(parseSignatureHtml('<a href="javascript:alert(1)">x</a>')).toEqual([{ t: 'el', tag: 'a', children: [{ t: 'text', s: 'x' }] }]);
    expect(parseSignatureHtml('<b onclick="x">y</b>')).toEqual([{ t: 'text', s: '<b onclick="x">y' }]);
    expect(parseSignatureHtml('&lt;b&gt;')).toEqual([{ t: 'text', s: '<b>' }]);
  });

  it('property: any string parses without throwing and yields only allowed tags and safe links', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const check = (list: SigNode[]): void => {
          for (const n of list) {
            if (n.t !== 'el') continue;
            expect(['b', 'i', 'strong', 'em', 'a']).toContain(n.tag);
            if (n.href !== undefined) expect(n.href).toMatch(/^(mailto:|https:\/\/)/i);
            check(n.children);
          }
        };
        check(parseSignatureHtml(s));
      }),
      { numRuns: 500 },
    );
  });
});
