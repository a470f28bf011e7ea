/** Zimbra: attachments read from the MIME part tree a SearchRequest with `fetch` answers (no download). */
import { describe, expect, it } from 'vitest';
import { attachmentsFromParts } from '../../../../lib/webmail/zimbra/parts';

describe('attachmentsFromParts', () => {
  it('lists named and typed leaves, not the body, not an attached message’s own parts', () => {
    const mp = [
      {
        part: 'TEXT',
        ct: 'multipart/mixed',
        mp: [
          { part: '1', ct: 'multipart/alternative', mp: [{ part: '1.1', ct: 'text/plain', s: 10, body: true }, { part: '1.2', ct: 'text/html', s: 20 }] },
          { part: '2', ct: 'application/pdf', s: 120_000, cd: 'attachment', filename: 'CR opératoire.pdf' },
          { part: '3', ct: 'image/png', s: 3_000, cd: 'inline', ci: '<logo>' },
          { part: '4', ct: 'text/plain', s: 500, cd: 'attachment', filename: 'resultats.hpr' },
          { part: '5', ct: 'message/rfc822', s: 9_000, mp: [{ part: '5.1', ct: 'application/zip', s: 8_000, filename: 'IHE_XDM.ZIP' }] },
        ],
      },
    ];
    expect(attachmentsFromParts(mp)).toEqual([
      { name: 'CR opératoire.pdf', size: 120_000, type: 'application/pdf' },
      { name: '', size: 3_000, type: 'image/png' },
      { name: 'resultats.hpr', size: 500, type: 'text/plain' },
      { name: '', size: 9_000, type: 'message/rfc822' },
    ]);
  });

  it('answers nothing for a plain message and skips parts it cannot read', () => {
    expect(attachmentsFromParts([{ part: '1', ct: 'text/plain', s: 5, body: true }])).toEqual([]);
    expect(attachmentsFromParts(undefined)).toEqual([]);
    expect(attachmentsFromParts([{ ct: 42 }, 'x', null])).toEqual([]);
  });
});
