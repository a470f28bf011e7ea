/**
 * The store build's injected UI: closed shadow roots (the page's scripts cannot read Balise's panels), and the
 * cleanup panel's destructive and safety controls act only on trusted (user) events. Unit tests run with
 * TEST_BUILD on, so lib/env is mocked here as a store build.
 */
import { describe, expect, it, vi } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';

vi.mock('../../../lib/env', () => ({ TEST_BUILD: false, CONTENT_SCRIPT_FILE: 'content-scripts/webmail.js' }));

const { mountShadow, shadowModeFor } = await import('../../../lib/ui/shadow');
const { trusted, onlyTrusted } = await import('../../../lib/ui/trusted');

function dom() {
  const { document, window } = parseHTML('<!doctype html><html><body><div id="anchor"></div></body></html>');
  return { document, window };
}

describe('store build: closed shadow roots', () => {
  it('the page cannot reach inside Balise’s UI through the host', () => {
    const { document } = dom();
    const ui = mountShadow({ feature: 'cleanup', css: '', anchor: document.getElementById('anchor')!, placement: 'after' });
    ui.container.textContent = 'Dupont Jean – compte rendu.pdf';
    expect(ui.host.getAttribute('data-balise')).toBe('cleanup');
    expect(ui.host.shadowRoot).toBeNull();
    expect(ui.container.textContent).toContain('Dupont Jean');
    expect(ui.container.parentNode).toBe(ui.root);
    expect(shadowModeFor(false)).toBe('closed');
    // Test builds keep them open for automation (README says so).
    expect(shadowModeFor(true)).toBe('open');
  });
});

describe('destructive controls act only on trusted events', () => {
  it('an event a page script dispatches is stopped and cancelled; a user’s goes through', () => {
    const { document, window } = dom();
    const container = document.createElement('div');
    document.body.append(container);
    const apply = vi.fn();
    const toggled = vi.fn();
    render(
      h('div', null, [
        h('button', { 'data-action': 'apply', onClick: trusted(() => apply()) }),
        h('input', { type: 'checkbox', 'data-action': 'export-first', checked: true, onClick: onlyTrusted, onChange: trusted(() => toggled()) }),
      ]),
      container as unknown as Element,
    );
    const button = container.querySelector('[data-action="apply"]')!;
    const click = new window.Event('click', { bubbles: true, cancelable: true });
    button.dispatchEvent(click);
    expect(click.isTrusted).toBeFalsy(); // false in a browser; linkedom leaves it undefined
    expect(apply).not.toHaveBeenCalled();
    expect(click.defaultPrevented).toBe(true);
    const box = container.querySelector('[data-action="export-first"]')!;
    box.dispatchEvent(new window.Event('change', { bubbles: true }));
    expect(toggled).not.toHaveBeenCalled();
    // A trusted event (what the browser gives for a real click or key press).
    const user = { isTrusted: true, preventDefault: vi.fn(), stopImmediatePropagation: vi.fn() } as unknown as Event;
    trusted(() => apply())(user);
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('the cleanup panel wraps apply, delete for good, export first, include clinical documents and confirm', () => {
    // The dialog (App.tsx) and its sections (Sections.tsx: the clinical-documents choice lives there).
    const src = ['App.tsx', 'Sections.tsx']
      .map((f) => fs.readFileSync(path.resolve(import.meta.dirname, '../../../lib/features/cleanup/panel', f), 'utf8'))
      .join('\n');
    for (const action of ['apply', 'delete-forever', 'confirm-delete']) {
      expect(src, action).toMatch(new RegExp(`action="${action}"[^>]*onClick=\\{trusted\\(`));
    }
    for (const action of ['export-first', 'include-clinical']) {
      expect(src, action).toMatch(new RegExp(`data-action="${action}"[^>]*onClick=\\{onlyTrusted\\}[^>]*onChange=\\{trusted\\(`));
    }
  });
});
