/** "Export the selected" of the largest-messages view: exactly the chosen rows, with where they are and what they say. */
import { describe, expect, it } from 'vitest';
import { largestExportItems } from '../../../lib/features/cleanup/panel/LargestMailbox';
import { refKey } from '../../../lib/features/cleanup/classify';
import type { LargeRow } from '../../../lib/features/cleanup/largest';
import type { LargestState } from '../../../lib/features/cleanup/panel/state';

const row = (folderId: string, id: string, size: number, folderPath: string, inTrash = false): LargeRow => ({
  summary: { ref: { folderId, id }, date: 1_700_000_000_000, size, sizePrecision: 0, from: 'imagerie@chu.mssante.fr', subject: `IRM ${id}`, unread: false, flagged: false, hasAttachment: true },
  folderPath,
  inTrash,
  attachments: null,
});

describe('largestExportItems', () => {
  it('gives the chosen rows only, in the table order, with their folder path, size and summary', () => {
    const rows = [row('INBOX', '9', 9_000_000, 'Boîte de réception'), row('Trash', '4', 8_000_000, 'Corbeille', true), row('Patients', '2', 7_000_000, 'Patients')];
    const state: LargestState = { status: 'ready', progress: { done: 3, total: 3 }, rows, selected: new Set([refKey(rows[2]!.summary.ref), refKey(rows[0]!.summary.ref)]), error: null, ms: 1, calls: 1 };
    expect(largestExportItems(state)).toEqual([
      { ref: { folderId: 'INBOX', id: '9' }, folderPath: 'Boîte de réception', size: 9_000_000, summary: { date: 1_700_000_000_000, from: 'imagerie@chu.mssante.fr', subject: 'IRM 9' } },
      { ref: { folderId: 'Patients', id: '2' }, folderPath: 'Patients', size: 7_000_000, summary: { date: 1_700_000_000_000, from: 'imagerie@chu.mssante.fr', subject: 'IRM 2' } },
    ]);
    expect(largestExportItems({ ...state, selected: new Set() })).toEqual([]);
  });
});
