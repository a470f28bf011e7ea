/**
 * The injected function on its own: it must run with nothing from its module (the browser serialises it), and
 * in a text field it inserts once and then replaces its own marked block. Real DOM behaviour (contenteditable,
 * frames, events) is checked in Chromium and Firefox by tests/e2e/signature/generic.e2e.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { insertSignatureAtCaret, TEXT_END, TEXT_START, type CaretPayload } from '../../../lib/features/signature/caret';

/** The function as the browser gets it: its source text alone. */
const standalone = new Function(`return (${insertSignatureAtCaret.toString()})`)() as typeof insertSignatureAtCaret;

class FakeField {
  tagName = 'TEXTAREA';
  readOnly = false;
  disabled = false;
  events: string[] = [];
  constructor(
    public value: string,
    public selectionStart: number,
    public selectionEnd = selectionStart,
  ) {}
  getAttribute() {
    return null;
  }
  setRangeText(text: string, start: number, end: number) {
    this.value = this.value.slice(0, start) + text + this.value.slice(end);
    this.selectionStart = this.selectionEnd = start + text.length;
  }
  dispatchEvent(e: Event) {
    this.events.push(e.type);
    return true;
  }
}

const g = globalThis as Record<string, unknown>;
afterEach(() => {
  delete g.document;
});

const payload = (text: string): CaretPayload => ({ text, nodes: [{ t: 'text', s: text }], noFieldMessage: 'x' });

describe('insertSignatureAtCaret (standalone)', () => {
  it('inserts at the caret between markers, then replaces its own block instead of adding another', async () => {
    const field = new FakeField('Bonjour,\nVoici le compte rendu.', 8);
    g.document = { activeElement: field };
    expect(await standalone(payload('Dr Martin\nmartin@medecin.mssante.fr'))).toBe('inserted');
    expect(field.value).toBe(`Bonjour,${'\n'}${TEXT_START}Dr Martin\nmartin@medecin.mssante.fr${TEXT_END}\nVoici le compte rendu.`);
    expect(field.events).toEqual(['input', 'change']);

    field.selectionStart = field.selectionEnd = field.value.length;
    expect(await standalone(payload('Dr Sophie Martin'))).toBe('replaced');
    expect(field.value).toBe(`Bonjour,\n${TEXT_START}Dr Sophie Martin${TEXT_END}\nVoici le compte rendu.`);
    expect(field.value.split(TEXT_START).length).toBe(2);
  });

  it('a marked block on a quoted line ("> ") is the quoted message’s: inserted, never replaced (issue 15)', async () => {
    const quote = `Le 07/12/2026, Bernard Colin a écrit :\n> Voici le CR.\n> ${TEXT_START}Dr Bernard Colin${TEXT_END}`;
    const field = new FakeField(`\n\n${quote}`, 0);
    g.document = { activeElement: field };
    expect(await standalone(payload('Dr Martin'))).toBe('inserted');
    expect(field.value.endsWith(quote)).toBe(true);
    expect(await standalone(payload('Dr Sophie Martin'))).toBe('replaced');
    expect(field.value.endsWith(quote)).toBe(true);
    expect(field.value).toContain('Dr Sophie Martin');
    expect(field.value).not.toContain('Dr Martin' + TEXT_END);
    expect(field.value.split(TEXT_START).length).toBe(3);
  });

  it('keeps a single-line input on one line', async () => {
    const input = new FakeField('', 0);
    input.tagName = 'INPUT';
    g.document = { activeElement: input };
    expect(await standalone(payload('Dr Martin\nRPPS 10000005479'))).toBe('inserted');
    expect(input.value).toBe(`${TEXT_START}Dr Martin · RPPS 10000005479${TEXT_END}`);
  });

  it('leaves read-only fields and password fields alone', async () => {
    const ro = new FakeField('x', 0);
    ro.readOnly = true;
    const pw = new FakeField('', 0);
    pw.tagName = 'INPUT';
    pw.getAttribute = () => 'password' as unknown as null;
    for (const el of [ro, pw]) {
      // No editable field: the function tries to show its note; without a DOM it just says so.
      g.document = { activeElement: el, createElement: () => { throw new Error('no DOM'); }, designMode: 'off' };
      expect(await standalone(payload('sig'))).toBe('no-field');
      expect(el.value).not.toContain(TEXT_START);
    }
  });

  it('hands over to Balise’s compose editor when the content script registered one', async () => {
    const key = Symbol.for('balise.signature.insert');
    let called = 0;
    (globalThis as Record<symbol, unknown>)[key] = async () => {
      called++;
      return true;
    };
    try {
      g.document = { activeElement: new FakeField('', 0) };
      expect(await standalone(payload('sig'))).toBe('editor');
      expect(called).toBe(1);
    } finally {
      delete (globalThis as Record<symbol, unknown>)[key];
    }
  });
});
