/** Saved Medimail stand-in pages (tests/fixtures/medimail/, written by tests/servers/medimail-sim/record-fixtures.ts). */
import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';

export const FIXTURES = new URL('../../../fixtures/medimail/', import.meta.url);

export function page(file: string): Document {
  return parseHTML(readFileSync(new URL(file, FIXTURES), 'utf8')).document as unknown as Document;
}

export interface FixtureTruth {
  now: number;
  pageSize: number;
  inboxCount: number;
  withDocs: { id: number; subject: string; date: number; attachments: { filename: string; size: number; contentType: string }[] };
  plain: { id: number };
  xdm: { id: number; attachments: string[] };
  firstPage: { id: number; date: number; unread: boolean; subject: string; attachments: number }[];
}

export const truth: FixtureTruth = JSON.parse(readFileSync(new URL('truth.json', FIXTURES), 'utf8'));
