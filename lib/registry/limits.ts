/**
 * A BAL's own limits (attachment size, trash lifetime, operator retention): how the options form reads what the
 * user typed, and how an edit is merged into what is stored. Pure (no Dexie, no browser).
 *
 * An edit never loses a limit it does not mention: the stored limits are the base, each key of the edit
 * replaces its own (a number sets it, null removes it), absent (or undefined) keys stay as they were.
 */
import type { Bal } from '../store/schemas';
import { AttachmentMB, LifetimeDays, type LimitsInput } from './schemas';

export type StoredLimits = NonNullable<Bal['limits']>;

export const LIMIT_KEYS = ['attachmentMB', 'trashLifetimeDays', 'retentionDays'] as const;
export type LimitKey = (typeof LIMIT_KEYS)[number];

/** The stored limits after an edit; undefined when none is left (the row then has no `limits`). */
export function mergeLimits(stored: StoredLimits | undefined, edit: LimitsInput | undefined): StoredLimits | undefined {
  const out: StoredLimits = {};
  for (const k of LIMIT_KEYS) {
    const asked = edit?.[k];
    const next = asked === undefined ? stored?.[k] : asked;
    if (typeof next === 'number' && Number.isFinite(next) && next > 0) out[k] = next;
  }
  return Object.keys(out).length ? out : undefined;
}

/** What the form shows for a limit: the stored number, or empty. */
export function limitText(limits: Bal['limits'], key: LimitKey): string {
  const v = limits?.[key];
  return typeof v === 'number' ? String(v) : '';
}

export type LimitsReading = { ok: true; limits: Required<LimitsInput> } | { ok: false; invalid: LimitKey[] };

/**
 * The three limit fields as typed (empty = no limit of this BAL's own: null, which removes a stored one).
 * Attachment size in MB (a decimal comma is fine), lifetimes in whole days; checked with the same zod schemas
 * the background checks the message with.
 */
export function readLimitFields(text: Record<LimitKey, string>): LimitsReading {
  const limits: Required<LimitsInput> = { attachmentMB: null, trashLifetimeDays: null, retentionDays: null };
  const invalid: LimitKey[] = [];
  for (const k of LIMIT_KEYS) {
    const raw = text[k].trim().replace(/\s+/g, '');
    if (!raw) continue;
    const normalized = k === 'attachmentMB' ? raw.replace(',', '.') : raw;
    const n = /^\d+(\.\d+)?$/.test(normalized) ? Number(normalized) : NaN;
    const r = (k === 'attachmentMB' ? AttachmentMB : LifetimeDays).safeParse(n);
    if (r.success) limits[k] = r.data;
    else invalid.push(k);
  }
  return invalid.length ? { ok: false, invalid } : { ok: true, limits };
}
