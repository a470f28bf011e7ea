/**
 * Pure parts of the page layer: the launchZCS.jsp inline script (CSRF token read as text, no main-world script),
 * the plain-text signature components (U+200B runs, ZmComposeView BC_TEXT_MARKER), shown attachment sizes.
 */
import { describe, expect, it } from 'vitest';
import { parseLaunchScript } from '../../../../lib/webmail/zimbra/page';
import { MARK, findTextSignatures, removeTextSignature, setTextSignature } from '../../../../lib/webmail/zimbra/signature';
import { parseShownSizes } from '../../../../lib/webmail/zimbra/compose';

// As launchZCS.jsp writes it (WebRoot/public/launchZCS.jsp, 10.1 / 8.8.15.p4+).
const LAUNCH = `
	window.appContextPath		= "";
	window.appCurrentSkin		= "harmony";
	window.appExtension			= "";
	window.cacheKillerVersion	= "20240610093316";
	window.appRequestLocaleId	= "fr";
	window.authTokenExpires     = 1780401600000;
	window.csrfToken            = "0_2f7a4c9e1b0d3e5f6a7b8c9d0e1f2a3b4c5d6e7f";
	window.appLang              = "fr";
	localStorage.setItem("csrfToken" , "0_2f7a4c9e1b0d3e5f6a7b8c9d0e1f2a3b4c5d6e7f");
`;

describe('parseLaunchScript', () => {
  it('reads the token and the build stamp from the inline script text', () => {
    expect(parseLaunchScript(LAUNCH)).toEqual({ csrfToken: '0_2f7a4c9e1b0d3e5f6a7b8c9d0e1f2a3b4c5d6e7f', cacheKillerVersion: '20240610093316' });
  });
  it('ignores other scripts and values that are not a plain token', () => {
    expect(parseLaunchScript('var csrfToken = "x";')).toBeNull();
    expect(parseLaunchScript('window.appContextPath = ""; window.csrfToken = "a b<script>";')?.csrfToken).toBeNull();
    expect(parseLaunchScript('window.appContextPath = ""; window.csrfToken = "";')?.csrfToken).toBeNull();
  });
});

const SIG = 'Dr Martin Durand\nMédecin généraliste';

describe('plain-text signature (U+200B runs: SIG_PRE = 2, SIG_POST = 6)', () => {
  it('replaces the host signature in place (outlook), keeping what follows', () => {
    const host = `\n\n${MARK}${MARK}Old signature\nline 2`;
    expect(setTextSignature(host, SIG, 'outlook')).toBe(`\n\n${MARK}${MARK}${SIG}`);
    const withQuote = `${MARK}Bonjour\n${MARK.repeat(2)}Old\n${MARK.repeat(3)}----- Original -----\n${MARK.repeat(5)}> quoted`;
    expect(setTextSignature(withQuote, SIG, 'outlook')).toBe(`${MARK}Bonjour\n${MARK.repeat(2)}${SIG}\n${MARK.repeat(3)}----- Original -----\n${MARK.repeat(5)}> quoted`);
  });

  it('replaces the internet-style block after its "-- " line', () => {
    const host = `Bonjour\n\n${MARK.repeat(6)}-- \nOld`;
    expect(setTextSignature(host, SIG, 'internet')).toBe(`Bonjour\n\n${MARK.repeat(6)}-- \n${SIG}`);
  });

  it('creates the block with Zimbra’s marker when there is none: before quoted text (outlook), at the end (internet)', () => {
    expect(setTextSignature('', SIG, 'outlook')).toBe(`\n\n${MARK}${MARK}${SIG}`);
    expect(setTextSignature('Bonjour\n\n', SIG, 'outlook')).toBe(`Bonjour\n\n${MARK}${MARK}${SIG}`);
    const reply = `Bonjour${MARK.repeat(3)}\n----- Original -----`;
    expect(setTextSignature(reply, SIG, 'outlook')).toBe(`Bonjour\n\n${MARK}${MARK}${SIG}\n${MARK.repeat(3)}\n----- Original -----`);
    expect(setTextSignature('Bonjour', SIG, 'internet')).toBe(`Bonjour\n\n${MARK.repeat(6)}-- \n${SIG}`);
  });

  it('never leaves two signatures, and removing restores the text', () => {
    let v = 'Bonjour';
    for (let i = 0; i < 3; i++) v = setTextSignature(v, `${SIG} ${i}`, 'outlook');
    expect(findTextSignatures(v)).toHaveLength(1);
    expect(v.endsWith(`${SIG} 2`)).toBe(true);
    expect(removeTextSignature(v)).toBe('Bonjour');
    const two = `a\n${MARK.repeat(2)}one\n${MARK.repeat(6)}-- \ntwo`;
    const set = setTextSignature(two, SIG, 'outlook');
    expect(findTextSignatures(set)).toHaveLength(1);
    expect(removeTextSignature(set)).toBe('a');
  });

  it('keeps marker characters out of the signature text (they would fake components)', () => {
    const v = setTextSignature('', `A${MARK.repeat(3)}B\r\nC\u0007`, 'outlook');
    expect(v).toBe(`\n\n${MARK}${MARK}AB\nC`);
    expect(findTextSignatures(v)).toHaveLength(1);
  });
});

describe('parseShownSizes', () => {
  it('sums the sizes the attachment bubbles show, French or English', () => {
    expect(parseShownSizes('CR.pdf (12 ko) scan.jpg (1,5 Mo)')).toBe(12 * 1024 + Math.round(1.5 * 1024 * 1024));
    expect(parseShownSizes('a.txt (300 B) b.doc (2.0 KB)')).toBe(300 + 2048);
    expect(parseShownSizes('nothing')).toBe(0);
  });
});
