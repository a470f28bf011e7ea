/** Medimail detection from the page (never the host name), the page check, and the compose form, on saved pages. */
import { readFileSync } from 'node:fs';
import { DOMParser as LinkedomParser, parseHTML } from 'linkedom';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { detectMedimail } from '../../../../lib/webmail/medimail/detect';
import { confirmDetection } from '../../../../lib/webmail/medimail/check';
import { findComposeEditors } from '../../../../lib/webmail/medimail/compose';
import { MedimailWebmail } from '../../../../lib/webmail/medimail';
import { page } from './fixtures';

const loc = (search: string) => ({ search, href: `https://portail.example.fr/medimail/${search}` }) as Location;

describe('medimail detection', () => {
  it('recognises list, message, compose and login pages wherever they are served', () => {
    expect(detectMedimail(page('list-inbox-p1.html'), loc('?m=liste&f=1&o=date&p=1'))).toEqual({ kind: 'medimail', page: 'mail', supported: true });
    expect(detectMedimail(page('open-documents.html'), loc('?m=open&idk=1'))).toEqual({ kind: 'medimail', page: 'mail', supported: true });
    expect(detectMedimail(page('compose.html'), loc('?m=nouveau'))).toEqual({ kind: 'medimail', page: 'compose', supported: true });
    expect(detectMedimail(page('login.html'), loc('?m=connexion'))).toEqual({ kind: 'medimail', page: 'login', supported: true });
    expect(detectMedimail(page('list-empty-no-mssante.html'), null)).toEqual({ kind: 'medimail', page: 'mail', supported: true });
  });

  it('marks changed pages unrecognised, and the adapter names the missing part', () => {
    for (const [file, part] of [
      ['altered-row-without-id.html', 'rowId'],
      ['altered-no-pagination.html', 'pagination'],
      ['altered-bad-date.html', 'rowDate'],
      ['altered-unknown-layout.html', 'message'],
      ['altered-document-without-href.html', 'documents'],
    ] as const) {
      const doc = page(file);
      const where = loc(file.includes('row') || file.includes('pagination') || file.includes('date') ? '?m=liste&f=1' : '?m=open&idk=1');
      // The tiny detector (content script) knows Medimail; the part's check (before any feature) finds the change.
      expect(detectMedimail(doc, where), file).toEqual({ kind: 'medimail', page: 'mail', supported: true });
      Object.defineProperty(doc, 'location', { value: where });
      const d = confirmDetection(doc, detectMedimail(doc, where)!);
      expect(d, file).toEqual({ kind: 'medimail', page: 'mail', supported: false, unsupportedReason: 'unrecognised' });
      const w = new MedimailWebmail(doc, d!);
      expect(w.recognition().missing, file).toEqual([part]);
      expect(w.quota).toBeNull();
      expect(w.mailbox).toBeNull();
    }
  });

  it('does not take other webmails or a page merely naming Medimail for Medimail', () => {
    const other = parseHTML('<html><head><title>Medimail : la messagerie</title></head><body><p>Medimail est une messagerie sécurisée.</p></body></html>').document as unknown as Document;
    expect(detectMedimail(other, null)).toBeNull();
    const rc = parseHTML(readFileSync(new URL('../../../fixtures/roundcube/mail-page.html', import.meta.url), 'utf8')).document as unknown as Document;
    expect(detectMedimail(rc, null)).toBeNull();
  });
});

describe('medimail compose form', () => {
  // The signature's HTML is parsed inertly (DOMParser) before its nodes go into the editor.
  beforeEach(() => vi.stubGlobal('DOMParser', LinkedomParser));

  it('finds the fields by their labels and keeps one signature block', () => {
    const doc = page('compose.html');
    const [ed] = findComposeEditors(doc, () => 'martin.durand@medecin.mssante.fr');
    expect(ed).toBeDefined();
    expect(ed!.mode).toBe('html');
    (doc.getElementById('destinataires') as HTMLInputElement).value = 'a@x.mssante.fr, B <b@y.mssante.fr>';
    (doc.getElementById('copie') as HTMLInputElement).value = 'c@z.fr';
    expect(ed!.recipients()).toEqual(['a@x.mssante.fr', 'b@y.mssante.fr', 'c@z.fr']);
    expect(ed!.attachmentsBytes()).toBe(0);
    expect(ed!.fromAddress()).toBe('martin.durand@medecin.mssante.fr');
    expect(ed!.hasSignature()).toBe(false);
    ed!.setSignature({ html: '<b>Dr Durand</b><script>alert(1)</script>', text: 'Dr Durand' });
    ed!.setSignature({ html: '<b>Dr Durand</b>', text: 'Dr Durand' });
    expect(doc.querySelectorAll('[data-balise-signature]').length).toBe(1);
    expect(doc.querySelectorAll('[contenteditable] script').length).toBe(0);
    expect(ed!.hasSignature()).toBe(true);
    ed!.removeSignature();
    expect(doc.querySelectorAll('[data-balise-signature]').length).toBe(0);
    ed!.setSubject!('[FIN]');
    expect(ed!.subject!()).toBe('[FIN]');
  });

  it('a quoted message’s Balise block (same marker, in a blockquote) is never replaced nor removed (issue 15)', () => {
    const doc = page('compose.html');
    const [ed] = findComposeEditors(doc, () => 'martin.durand@medecin.mssante.fr');
    const body = doc.querySelector('[contenteditable]')!;
    body.innerHTML = '<p>Le 07/12/2026, Bernard Colin a écrit :</p><blockquote type="cite"><div>Voici le CR.</div><div data-balise-signature="1">-- <br>Dr Bernard Colin</div></blockquote>';
    const quote = body.querySelector('blockquote')!.outerHTML;
    expect(ed!.hasSignature()).toBe(false);
    ed!.setSignature({ html: '<b>Dr Durand</b>', text: 'Dr Durand' });
    ed!.setSignature({ html: 'Dr Durand-Leroy', text: 'Dr Durand-Leroy' });
    const own = Array.from(body.querySelectorAll('[data-balise-signature]')).filter((b) => !b.closest('blockquote'));
    expect(own).toHaveLength(1);
    expect(own[0]!.textContent).toContain('Durand-Leroy');
    expect(body.querySelector('blockquote')!.outerHTML).toBe(quote);
    ed!.removeSignature();
    expect(body.querySelectorAll('[data-balise-signature]')).toHaveLength(1);
    expect(body.querySelector('blockquote')!.outerHTML).toBe(quote);
  });
});
