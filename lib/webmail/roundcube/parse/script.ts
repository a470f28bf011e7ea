/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): AJAX answers (their `exec` commands) and the quota.
 */
import * as z from 'zod/mini';
import { allCallArgs, type ExecCall } from './js';

export * from './js';

export const AjaxResponseSchema = z.looseObject({
  action: z.optional(z.string()),
  env: z.optional(z.record(z.string(), z.unknown())),
  exec: z.optional(z.string()),
});
export type AjaxResponse = z.infer<typeof AjaxResponseSchema>;

export interface DisplayedMessage {
  text: string;
  type: string;
}

/** display_message(text, type, …) commands: what Roundcube told the user ("error", "confirmation", …). */
export function displayedMessages(calls: ExecCall[]): DisplayedMessage[] {
  return calls
    .filter((c) => c.name === 'display_message' && c.args)
    .map((c) => ({ text: String(c.args![0] ?? ''), type: String(c.args![1] ?? '') }));
}

/** True when the response says the session is over (this.session_error(url)). */
export function isSessionError(calls: ExecCall[]): boolean {
  return calls.some((c) => c.name === 'session_error' || c.name === 'redirect' && typeof c.args?.[0] === 'string' && /_task=login/.test(c.args[0] as string));
}

// ---------------------------------------------------------------------------------------------------------
// Quota

export const QuotaSchema = z.looseObject({
  used: z.number(),
  total: z.number(),
});

/** Roundcube's set_quota object (KiB) to bytes. total <= 0 means no limit. Null when it is not a quota. */
export function quotaFromSetQuota(v: unknown): { usedBytes: number; limitBytes: number | null } | null {
  const r = QuotaSchema.safeParse(v);
  if (!r.success) return null;
  const { used, total } = r.data;
  if (!Number.isFinite(used) || used < 0) return null;
  return { usedBytes: Math.round(used * 1024), limitBytes: Number.isFinite(total) && total > 0 ? Math.round(total * 1024) : null };
}

/** The last set_quota(...) in a page's script text (`rcmail.set_quota(` or `parent.rcmail.set_quota(`). */
export function quotaFromScript(text: string): { usedBytes: number; limitBytes: number | null } | null {
  const all = allCallArgs(text, 'rcmail.set_quota(');
  for (let i = all.length - 1; i >= 0; i--) {
    const q = quotaFromSetQuota(all[i]![0]);
    if (q) return q;
  }
  return null;
}

export function quotaFromExec(calls: ExecCall[]): { usedBytes: number; limitBytes: number | null } | null {
  for (let i = calls.length - 1; i >= 0; i--) {
    const c = calls[i]!;
    if (c.name === 'set_quota' && c.args) {
      const q = quotaFromSetQuota(c.args[0]);
      if (q) return q;
    }
  }
  return null;
}
