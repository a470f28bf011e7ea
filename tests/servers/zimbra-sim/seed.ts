/**
 * The one place that knows where seeded mailboxes come from: the shared seeder in tests/servers/seed/.
 * It normalises what the seeder yields into the small shape the simulator needs.
 */
import { OWNER } from '../seed/content.ts';
import { QUOTA_BYTES, generateMailbox } from '../seed/profile.ts';

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
  address: string;
  displayName: string;
  /** The quota the seeder sized its profile for (realistic ≈ 80 % of it). */
  defaultQuota: number;
  messages: SeedInput[];
}

export function loadSeed(profile: 'realistic' | 'bench' | 'empty', seed: number, now: number): LoadedSeed {
  const messages: SeedInput[] = [];
  if (profile !== 'empty') {
    for (const m of generateMailbox({ profile, seed, now: new Date(now) })) {
      messages.push({
        folder: m.folder,
        raw: m.raw,
        internalDate: m.internalDate.getTime(),
        seen: m.seen,
        flagged: m.flagged,
        answered: m.answered,
        draft: m.draft,
      });
    }
  }
  return {
    address: OWNER.address,
    displayName: OWNER.name,
    defaultQuota: profile === 'bench' ? 1024 ** 3 : QUOTA_BYTES,
    messages,
  };
}
