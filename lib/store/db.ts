/**
 * Balise's local database (IndexedDB through Dexie), owned by the background: content scripts run in the
 * webmail's origin and reach it only through messages (lib/messages/).
 *
 * Schema history (never edit a published version; add one):
 * - v1, the foundation's first cut: key-value settings, BAL registry, quota points, one flat journal table.
 * - v2: origins get their own table (they were a list inside the settings record), quota history is keyed by
 *   [bal+at] (one point per BAL per hour, enforced by the key), and the cleanup journal is split into jobs and
 *   their batches so that a job can resume batch by batch.
 * - v3: cleanup locks (one job per mailbox across tabs), a cache of message classifications (clinical or not:
 *   messages do not change, so a second plan need not download them again), and signature templates.
 *
 * Only add a version here with a migration test (tests/unit/store/db.test.ts).
 */
import Dexie, { type EntityTable, type Table } from 'dexie';
import type { Bal, Batch, ClassificationRow, Job, LockRow, OriginEntry, QuotaPoint, SignatureTemplate } from './schemas';

export interface KvRow {
  key: string;
  value: unknown;
}

export const DB_NAME = 'balise';
export const HOUR = 3_600_000;

export class BaliseDb extends Dexie {
  kv!: EntityTable<KvRow, 'key'>;
  bals!: EntityTable<Bal, 'address'>;
  origins!: EntityTable<OriginEntry, 'origin'>;
  quotaHistory!: Table<QuotaPoint, [string, number]>;
  jobs!: EntityTable<Job, 'id'>;
  batches!: Table<Batch, [string, number]>;
  locks!: EntityTable<LockRow, 'mailbox'>;
  classifications!: Table<ClassificationRow, [string, string, string]>;
  templates!: EntityTable<SignatureTemplate, 'id'>;

  constructor(name = DB_NAME) {
    super(name);
    this.version(1).stores({
      kv: 'key',
      bals: 'address',
      quota: '++id, bal, at',
      journal: '++id, jobId',
    });
    this.version(2)
      .stores({
        kv: 'key',
        bals: 'address, source',
        origins: 'origin',
        quotaHistory: '[bal+at], bal',
        quota: null,
        jobs: 'id, bal, state, createdAt',
        batches: '[jobId+seq], jobId, state',
        journal: null,
      })
      .upgrade(async (tx) => {
        // Origins: from settings.origins (a list of strings) to their own rows.
        const settingsRow = (await tx.table('kv').get('settings')) as KvRow | undefined;
        const value = settingsRow?.value as Record<string, unknown> | undefined;
        const list = Array.isArray(value?.origins) ? (value!.origins as unknown[]) : [];
        const now = Date.now();
        for (const origin of list) {
          if (typeof origin === 'string' && /^https?:\/\/[^/\s]+$/.test(origin)) {
            await tx.table('origins').put({ origin, addedAt: now, source: 'user' });
          }
        }
        if (value && 'origins' in value) {
          const { origins: _dropped, ...rest } = value;
          await tx.table('kv').put({ key: 'settings', value: rest });
        }
        // Quota points: keep the last point of each BAL per hour.
        const points = (await tx.table('quota').toArray()) as { bal: string; at: number; usedBytes: number; limitBytes: number | null }[];
        points.sort((a, b) => a.at - b.at);
        for (const p of points) {
          await tx.table('quotaHistory').put({
            bal: p.bal,
            at: Math.floor(p.at / HOUR) * HOUR,
            usedBytes: p.usedBytes,
            limitBytes: p.limitBytes ?? null,
          });
        }
        // v1 journal rows belonged to the prototype cleanup, which never ran on real mailboxes: nothing to carry.
      });
    this.version(3).stores({
      locks: 'mailbox',
      classifications: '[bal+folderId+id], bal',
      templates: 'id, situation',
    });
  }
}

let instance: BaliseDb | undefined;

/** The background's database (one per extension). */
export function db(): BaliseDb {
  instance ??= new BaliseDb();
  return instance;
}

/** For tests: forget the open instance. */
export function resetDbForTests(): void {
  instance?.close();
  instance = undefined;
}
