/**
 * A reply or forward quotes a message that carries a signature (Balise's, or the webmail's own markers): that
 * quoted block is never taken for this message's signature, never replaced, never removed. Only the block written
 * in this editor is, and there is never two of them. Each editor kind: Roundcube text and TinyMCE, Zimbra text and
 * HTML; the structures are those the hosts write (Roundcube 1.6 compose.php create_reply_body / get_forward_header /
 * prepare_html_body; Zimbra ZmComposeView components, as the simulator lays them out).
 */
import { describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { hasOwnTextSignature, maskQuotes, replaceOwnTextSignature, textSignatureBlock, unmaskQuotes } from '../../../lib/webmail/roundcube/parse';
import { ownSignatureBlocks, placeHtmlSignature } from '../../../lib/webmail/roundcube/compose';
import { MARK, findHtmlSignatures, findTextSignatures, removeHtmlSignature, removeTextSignature, setHtmlSignature, setTextSignature } from '../../../lib/webmail/zimbra/signature';

const OURS_A = 'Dr Alice Martin\nRPPS 10101010101';
const OURS_B = 'Dr Alice Martin — Cabinet B\nTél. 01 02 03 04 05';
const QUOTED_SIG = 'Dr Bernard Colin\nRPPS 20202020202';

function dom(body: string) {
  const { document, window } = parseHTML(`<!doctype html><html><body id="tinymce">${body}</body></html>`);
  (globalThis as { Node?: unknown }).Node ??= window.Node;
  return document as unknown as Document;
}

function count(hay: string, needle: string): number {
  return hay.split(needle).length - 1;
}

// ---- Roundcube, plain text ---------------------------------------------------------------------------------------

describe('Roundcube plain text: quoted signatures stay as they are', () => {
  const quote = `Le 07/12/2026 09:12, Bernard Colin a écrit :\n> Bonjour,\n> voici le compte rendu.\n> \n> -- \n> ${QUOTED_SIG.replace('\n', '\n> ')}`;
  const reply = `${quote}\n\n`;
  const ourA = textSignatureBlock(OURS_A);
  const ourB = textSignatureBlock(OURS_B);

  it('a reply (bottom posting): insert adds one block after the quote, replace and remove touch only it', () => {
    expect(hasOwnTextSignature(reply, [])).toBe(false);
    const inserted = replaceOwnTextSignature(reply, [], ourA);
    expect(inserted.startsWith(quote)).toBe(true);
    expect(count(inserted, ourA)).toBe(1);
    expect(hasOwnTextSignature(inserted, [ourA])).toBe(true);
    const again = replaceOwnTextSignature(inserted, [ourA], ourA);
    expect(again).toBe(inserted);
    const replaced = replaceOwnTextSignature(inserted, [ourA], ourB);
    expect(replaced.startsWith(quote)).toBe(true);
    expect(count(replaced, ourB)).toBe(1);
    expect(count(replaced, ourA)).toBe(0);
    const removed = replaceOwnTextSignature(replaced, [ourB], null);
    expect(removed.startsWith(quote)).toBe(true);
    expect(removed).not.toContain('Dr Alice');
  });

  it('a reply quoting a signature identical to ours: the quoted copy is not ours', () => {
    const same = `Le 07/12/2026 09:12, Alice Martin a écrit :\n> Texte\n> -- \n> ${OURS_A.replace('\n', '\n> ')}\n`;
    const out = replaceOwnTextSignature(same, [ourA], ourB);
    expect(out.startsWith(same.replace(/\n$/, ''))).toBe(true);
    expect(count(out, ourB)).toBe(1);
  });

  it('a forward: the forwarded message’s own "-- " signature is neither ours nor the tail to drop', () => {
    const fwd = `\n\n\n-------- Message original --------\nObjet: CR\nDate: 07/12/2026 09:12\nDe: Bernard Colin <b@x.mssante.fr>\nÀ: a@x.mssante.fr\n\nBonjour,\nvoici le CR.\n-- \n${QUOTED_SIG}`;
    expect(hasOwnTextSignature(fwd, [])).toBe(false);
    const inserted = replaceOwnTextSignature(fwd, [], ourA, true);
    expect(inserted).toContain(fwd.replace(/^\n+/, ''));
    expect(count(inserted, ourA)).toBe(1);
    expect(inserted.indexOf(ourA)).toBeLessThan(inserted.indexOf('-------- Message original'));
    const replaced = replaceOwnTextSignature(inserted, [ourA], ourB, true);
    expect(replaced).toContain(fwd.replace(/^\n+/, ''));
    expect(count(replaced, ourB) + count(replaced, ourA)).toBe(1);
    const removed = replaceOwnTextSignature(replaced, [ourB], null, true);
    expect(removed).toContain(fwd.replace(/^\n+/, ''));
    expect(removed).not.toContain('Dr Alice');
  });

  it('a forward where Roundcube appended the identity’s signature after the forwarded text: that one is ours to replace', () => {
    const host = '-- \nAlice (Roundcube)';
    const fwd = `\n\n\n-------- Message original --------\nObjet: CR\n\nTexte\n-- \n${QUOTED_SIG}\n\n${host}`;
    const out = replaceOwnTextSignature(fwd, [host], ourA);
    expect(out).toContain(`-------- Message original --------\nObjet: CR\n\nTexte\n-- \n${QUOTED_SIG}`);
    expect(out).not.toContain('Alice (Roundcube)');
    expect(count(out, ourA)).toBe(1);
  });

  it('masking is lossless', () => {
    const body = `Salut\n\nLe x, y a écrit :\n> a\n> -- \n> b\n\nsuite\n\n-------- Message original --------\nc\n-- \nd\n`;
    const m = maskQuotes(body);
    expect(m.quotes).toHaveLength(2);
    expect(m.text).not.toContain('-- ');
    expect(unmaskQuotes(m.text, m.quotes)).toBe(body);
  });
});

// ---- Roundcube, TinyMCE ------------------------------------------------------------------------------------------

describe('Roundcube HTML: a `_rc_sig` block inside the quote is not this editor’s', () => {
  const QUOTE = `<p id="reply-intro">Le 07/12/2026 09:12, Bernard Colin a écrit :</p><blockquote><div id="replybody1"><p>Voici le CR.</p><div id="_rc_sig">-- <br>Dr Bernard Colin<br>RPPS 20202020202</div></div></blockquote><p><br></p>`;

  it('insert adds one block outside the quote; replace and remove leave the quote byte-identical', () => {
    const doc = dom(QUOTE);
    const body = doc.body;
    const quoteHtml = () => body.querySelector('blockquote')!.outerHTML + body.querySelector('#reply-intro')!.outerHTML;
    const before = quoteHtml();
    expect(ownSignatureBlocks(body)).toHaveLength(0);
    placeHtmlSignature(body, '-- <br>Dr Alice Martin<br>RPPS 10101010101', false);
    expect(ownSignatureBlocks(body)).toHaveLength(1);
    expect(body.querySelectorAll('[id="_rc_sig"]')).toHaveLength(2);
    expect(quoteHtml()).toBe(before);
    placeHtmlSignature(body, '-- <br>Dr Alice Martin — Cabinet B', false);
    placeHtmlSignature(body, '-- <br>Dr Alice Martin — Cabinet B', false);
    const own = ownSignatureBlocks(body);
    expect(own).toHaveLength(1);
    expect(own[0]!.textContent).toContain('Cabinet B');
    expect(own[0]!.parentElement).toBe(body);
    expect(quoteHtml()).toBe(before);
    for (const el of ownSignatureBlocks(body)) el.remove();
    expect(body.textContent).not.toContain('Alice');
    expect(quoteHtml()).toBe(before);
  });

  it('a forward: the washed part’s container is quoted too; top posting puts ours first', () => {
    const doc = dom(`<br><p>-------- Message original --------</p><table><tbody><tr><th>Objet: </th><td>CR</td></tr></tbody></table><br><div id="forwardbody1"><div id="_rc_sig">-- <br>Dr Bernard Colin</div></div>`);
    const before = doc.getElementById('forwardbody1')!.outerHTML;
    const el = placeHtmlSignature(doc.body, '-- <br>Dr Alice Martin', true);
    expect(doc.body.firstElementChild?.nextElementSibling).toBe(el);
    expect(ownSignatureBlocks(doc.body)).toEqual([el]);
    expect(doc.getElementById('forwardbody1')!.outerHTML).toBe(before);
  });
});

// ---- Zimbra, plain text ------------------------------------------------------------------------------------------

describe('Zimbra plain text: runs inside the quoted part are the quoted message’s', () => {
  const Q = (n: number) => MARK.repeat(n);
  // A reply: SIG_PRE would go before the DIVIDER; the quoted message carries its own SIG_PRE and SIG_POST runs.
  const quoted = `${Q(3)}----- Message original -----\n${Q(4)}De: "Bernard Colin" <b@x.mssante.fr>\nObjet: CR\n\n${Q(5)}> Voici le CR.\n> ${Q(2)}${QUOTED_SIG.replace('\n', '\n> ')}\n> ${Q(6)}-- \n> Dr B\n`;
  const reply = `\n\n${quoted}`;

  it('outlook: insert adds one SIG_PRE before the divider, replace and remove leave the quote byte-identical', () => {
    expect(findTextSignatures(reply)).toHaveLength(0);
    const inserted = setTextSignature(reply, OURS_A, 'outlook');
    expect(inserted.endsWith(quoted)).toBe(true);
    expect(findTextSignatures(inserted)).toHaveLength(1);
    expect(count(inserted, OURS_A)).toBe(1);
    const replaced = setTextSignature(inserted, OURS_B, 'outlook');
    expect(replaced.endsWith(quoted)).toBe(true);
    expect(count(replaced, OURS_B)).toBe(1);
    expect(replaced).not.toContain(OURS_A);
    const removed = removeTextSignature(replaced);
    expect(removed.endsWith(quoted)).toBe(true);
    expect(removed).not.toContain('Alice');
  });

  it('internet: ours is the last component (SIG_POST), after the quote', () => {
    const inserted = setTextSignature(reply, OURS_A, 'internet');
    expect(inserted.startsWith(reply.replace(/\s+$/, ''))).toBe(true);
    const sigs = findTextSignatures(inserted);
    expect(sigs).toHaveLength(1);
    expect(sigs[0]!.kind).toBe('post');
    const replaced = setTextSignature(inserted, OURS_B, 'internet');
    expect(replaced.startsWith(reply.replace(/\s+$/, ''))).toBe(true);
    expect(count(replaced, OURS_B)).toBe(1);
    expect(removeTextSignature(replaced)).toBe(reply.replace(/\s+$/, ''));
  });
});

// ---- Zimbra, HTML ------------------------------------------------------------------------------------------------

describe('Zimbra HTML: markers inside the quoted part are the quoted message’s', () => {
  const QUOTE =
    `<hr id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>De: </b>"Bernard Colin" &lt;b@x.mssante.fr&gt;<br><b>Objet: </b>CR<br></div><br>` +
    `<div data-marker="__QUOTED_TEXT__"><div>Voici le CR.</div><div><br></div><div data-marker="__SIG_PRE__" data-balise-sig="1">Dr Bernard Colin<br>RPPS 20202020202</div>` +
    `<div data-marker="__SIG_POST__">-- <br></div><div id="sig-1">Dr B</div></div>`;

  for (const style of ['outlook', 'internet'] as const) {
    it(`${style}: insert adds one block outside the quote; replace and remove leave it byte-identical`, () => {
      const doc = dom(`<div><br></div>${QUOTE}`);
      const body = doc.body;
      const quoteHtml = () => Array.from(body.querySelectorAll('[data-marker="__DIVIDER__"],[data-marker="__HEADERS__"],[data-marker="__QUOTED_TEXT__"]')).map((e) => e.outerHTML).join('');
      const before = quoteHtml();
      expect(findHtmlSignatures(body, ['sig-1'])).toHaveLength(0);
      setHtmlSignature(body, 'Dr Alice Martin<br>RPPS 10101010101', style, ['sig-1']);
      const sigs = findHtmlSignatures(body, ['sig-1']);
      expect(sigs).toHaveLength(1);
      expect(sigs[0]!.block.parentElement).toBe(body);
      expect(quoteHtml()).toBe(before);
      setHtmlSignature(body, 'Dr Alice Martin — Cabinet B', style, ['sig-1']);
      setHtmlSignature(body, 'Dr Alice Martin — Cabinet B', style, ['sig-1']);
      const again = findHtmlSignatures(body, ['sig-1']);
      expect(again).toHaveLength(1);
      expect(again[0]!.block.textContent).toBe('Dr Alice Martin — Cabinet B');
      expect(body.querySelectorAll('[data-balise-sig]')).toHaveLength(2);
      expect(quoteHtml()).toBe(before);
      removeHtmlSignature(body, ['sig-1']);
      expect(findHtmlSignatures(body, ['sig-1'])).toHaveLength(0);
      expect(body.textContent).not.toContain('Alice');
      expect(quoteHtml()).toBe(before);
    });
  }
});

describe('Roundcube plain-text forward after an identity switch', () => {
  it('the identity’s signature appended after ours: both end the body, outside the quote; one block remains', () => {
    const ours = textSignatureBlock(OURS_A);
    const host = '-- \nSecrétariat';
    const fwdPart = `-------- Message original --------\nObjet: CR\n\nTexte\n-- \n${QUOTED_SIG}`;
    const body = `\n\n\n${fwdPart}\n\n${ours}\n\n${host}`;
    const out = replaceOwnTextSignature(body, [host, ours], ours);
    expect(out).toContain(fwdPart);
    expect(count(out, ours)).toBe(1);
    expect(out).not.toContain('Secrétariat');
  });
});
