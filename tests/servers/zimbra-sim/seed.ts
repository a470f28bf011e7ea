/**
 * The one place that knows where seeded mailboxes come from. It normalises whatever the seeder returns
 * into the small shape the simulator needs, so a change in the seeder touches only this file.
 */
import { generateMailbox } from './seed-standin.ts';

export type SeedFolderName = 'INBOX' | 'Sent' | 'Drafts' | 'Trash' | 'Junk' | 'Patients' | 'Patients/Archives';

export interface SeedInput {
  folder: SeedFolderName;
  raw: Buffer;
  internalDate: number;
  seen: boolean;
  flagged: boolean;
  answered: boolean;
  draft: boolean;
}

export interface LoadedSeed {
  address: string | null;
  messages: SeedInput[];
}

function toMs(d: unknown): number {
  if (d instanceof Date) return d.getTime();
  if (typeof d === 'number') return d;
  if (typeof d === 'string') return Date.parse(d);
  throw new Error(`seed: unreadable internalDate ${String(d)}`);
}

export function loadSeed(profile: 'realistic' | 'bench' | 'empty', seed: number, now: number): LoadedSeed {
  const out: unknown = generateMailbox({ profile, seed, now });
  const list = (Array.isArray(out) ? out : (out as { messages?: unknown[] }).messages ?? []) as Record<string, unknown>[];
  const address =
    !Array.isArray(out) && typeof (out as { address?: unknown }).address === 'string' ? ((out as { address: string }).address) : null;
  return {
    address,
    messages: list.map((m) => ({
      folder: m.folder as SeedFolderName,
      raw: Buffer.isBuffer(m.raw) ? (m.raw as Buffer) : Buffer.from(m.raw as Uint8Array),
      internalDate: toMs(m.internalDate),
      seen: Boolean(m.seen),
      flagged: Boolean(m.flagged),
      answered: Boolean(m.answered),
      draft: Boolean(m.draft),
    })),
  };
}
