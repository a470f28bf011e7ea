/**
 * The undo report names, in plain words and per message, the restored messages that were unread before and could
 * not be marked unread again ('unread-not-restored'), apart from what was not done.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { parseHTML } from 'linkedom';
import { h, render } from 'preact';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ReportView } from '../../../lib/features/cleanup/panel/Report';
import type { Report, ReportLine } from '../../../lib/features/cleanup/types';
import { catalogs } from '../../../lib/i18n/catalog';

function useLanguage(lang: 'fr' | 'en') {
  const text = new Map<string, string>();
  for (const cat of Object.values(catalogs)) for (const [k, v] of Object.entries(cat)) text.set(k, (v as Record<string, string>)[lang]!);
  const i18n = fakeBrowser.i18n as unknown as Record<string, unknown>;
  i18n.getUILanguage = () => lang;
  i18n.getMessage = (key: string, subs?: string[]) => (text.get(key) ?? '').replace(/\$(\d)/g, (_, n: string) => subs?.[Number(n) - 1] ?? '');
}

beforeEach(() => useLanguage('fr'));

function draw(lines: ReportLine[]) {
  const report: Report = {
    jobId: 'u1',
    action: 'undo',
    state: 'done',
    movedCount: lines.filter((l) => l.outcome === 'restored').length,
    failedCount: 0,
    lines,
    predictedFreed: 0,
    actualFreed: 0,
    quotaAfter: null,
    startedAt: 0,
    endedAt: 0,
  };
  const { document } = parseHTML('<!doctype html><html><body><div id="root"></div></body></html>');
  const root = document.getElementById('root')!;
  render(h(ReportView, { report, lang: 'fr', sizeOf: () => 1000, message: () => undefined }), root as unknown as Element);
  return root.querySelector('[data-balise="cleanup-report"]')!;
}

describe('undo report: unread mark not given back', () => {
  const lines: ReportLine[] = [
    { ref: { folderId: 'Trash', id: '41' }, outcome: 'restored', now: { folderId: 'INBOX', id: '7' } },
    { ref: { folderId: 'Trash', id: '42' }, outcome: 'restored', now: { folderId: 'INBOX', id: '8' }, reason: 'unread-not-restored' },
    { ref: { folderId: 'Trash', id: '43' }, outcome: 'restored', now: { folderId: 'Patients', id: '3' }, reason: 'unread-not-restored' },
  ];

  it('lists those messages under their own plain-words reason, and counts them as restored', () => {
    const el = draw(lines);
    expect(el.getAttribute('data-moved-count')).toBe('3');
    const note = el.querySelector('[data-outcome="done-notes"] [data-reason="unread-not-restored"]')!;
    expect(note.getAttribute('data-count')).toBe('2');
    expect([...note.querySelectorAll('li[data-id]')].map((li) => li.getAttribute('data-id'))).toEqual(['42', '43']);
    expect(note.textContent).toContain('il n’était pas lu avant');
    // Nothing is reported as not done.
    expect(el.querySelector('[data-outcome="not-done"]')).toBeNull();
    expect(el.textContent).not.toMatch(/cleanup_|raison inconnue/);
  });

  it('has the English text too', () => {
    useLanguage('en');
    const el = draw(lines);
    expect(el.querySelector('[data-reason="unread-not-restored"]')!.textContent).toContain('could not mark it unread again');
  });

  it('shows no note when every message came back as it was', () => {
    const el = draw([lines[0]!]);
    expect(el.querySelector('[data-outcome="done-notes"]')).toBeNull();
  });
});
