import { describe, expect, it } from 'vitest';
import { buildIndexPage, indexPagePieces, type IndexRecord } from '../../../../lib/export/readable/index-page';
import { texts } from './helpers';

const rec = (over: Partial<IndexRecord>): IndexRecord => ({
  dir: 'Messages/x',
  date: null,
  from: 'Laboratoire Biopôle <resultats@biopole.mssante.fr>',
  subject: 'Résultats',
  mailboxFolder: 'INBOX',
  docType: 'biologie',
  kinds: ['hprim'],
  attachments: [],
  emlPath: 'INBOX/1.eml',
  status: 'ok',
  size: 1000,
  ...over,
});

describe('index page', () => {
  const records = [
    rec({ dir: 'Messages/a', date: new Date(2025, 0, 10, 9).getTime(), subject: 'Janvier 1' }),
    rec({ dir: 'Messages/b', date: new Date(2025, 2, 2, 9).getTime(), subject: 'Mars 1', from: 'CH de Rennes <dpi@chu.mssante.fr>', kinds: ['xdm'], docType: 'lettre', attachments: [{ file: 'IHE_XDM.ZIP', size: 4096, kind: 'xdm' }] }),
    rec({ dir: 'Messages/c', date: new Date(2025, 2, 20, 9).getTime(), subject: 'Mars 2 <script>', from: 'ángela <a@b.fr>' }),
    rec({ dir: 'Messages/d', date: null, subject: '', status: 'too-large', from: '' }),
  ];
  const html = new TextDecoder().decode(buildIndexPage(records, { exportedAt: new Date(2026, 11, 7, 2, 0).getTime(), mailbox: 'dr@medecin.mssante.fr' }, texts));

  it('groups by month, newest first, then messages without a date', () => {
    const months = [...html.matchAll(/<h3 id="m-([^"]+)">([^<]+)/g)].map((m) => [m[1], m[2]!.trim()]);
    expect(months).toEqual([
      ['2025-03', 'Mars 2025'],
      ['2025-01', 'Janvier 2025'],
      ['none', 'sans date'],
    ]);
    expect(html.indexOf('Mars 2 &lt;script&gt;')).toBeLessThan(html.indexOf('>Mars 1<'));
  });

  it('groups by sender alphabetically (accents and case ignored), with counts', () => {
    const part = html.slice(html.indexOf('id="by-sender"'));
    const senders = [...part.matchAll(/<h3>([^<]+) <span class="muted">\(([^)]+)\)/g)].map((m) => [m[1], m[2]]);
    expect(senders).toEqual([
      ['ángela &lt;a@b.fr&gt;', '1 message'],
      ['CH de Rennes &lt;dpi@chu.mssante.fr&gt;', '1 message'],
      ['expéditeur inconnu', '1 message'],
      ['Laboratoire Biopôle &lt;resultats@biopole.mssante.fr&gt;', '1 message'],
    ]);
  });

  it('links each message and attachment, says what was not shown, and holds no script', () => {
    expect(html).toContain('<a href="Messages/b/message.html">Mars 1</a>');
    expect(html).toContain('<a href="Messages/b/IHE_XDM.ZIP">IHE_XDM.ZIP</a> <span class="size">4,0 Ko</span>');
    expect(html).toContain('<a href="Messages/d/message.html">(sans objet)</a> <span class="muted">(non affiché : voir le .eml)</span>');
    expect(html).toContain('Exporté le 2026-12-07 02:00 depuis la boîte dr@medecin.mssante.fr : 4 messages.');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain("default-src &#39;none&#39;");
  });

  it('comes in pieces that add up to the same page', () => {
    const pieces = [...indexPagePieces(records, { exportedAt: new Date(2026, 11, 7, 2, 0).getTime(), mailbox: 'dr@medecin.mssante.fr' }, texts)];
    expect(pieces.length).toBeGreaterThan(5);
    expect(pieces.join('')).toBe(html);
  });
});
