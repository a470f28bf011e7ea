/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): Inline page scripts and AJAX answers: JSON arguments of `rcmail.set_env(…)`, `exec` strings, the quota.
 */
import * as z from 'zod/mini';

/**
 * End index (exclusive) of the balanced value starting at `start` (an opening `{`, `[` or `(`), skipping
 * JSON/JS strings. -1 when unbalanced.
 */
function balancedEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = null;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '{' || c === '[' || c === '(') depth++;
    else if (c === '}' || c === ']' || c === ')') {
      depth--;
      if (depth === 0) return i + 1;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

function jsonOrUndefined(s: string): unknown {
  try {
    return JSON.parse(s) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The JSON arguments of the first call `callee(` found in `text` (e.g. 'rcmail.set_env('), or null. Only the
 * argument list is parsed, as JSON: nothing is evaluated.
 */
export function callArgs(text: string, callee: string, from = 0): { args: unknown[]; end: number } | null {
  let at = text.indexOf(callee, from);
  while (at >= 0) {
    const open = at + callee.length - 1;
    if (text[open] === '(') {
      const end = balancedEnd(text, open);
      if (end > 0) {
        const args = jsonOrUndefined(`[${text.slice(open + 1, end - 1)}]`);
        if (Array.isArray(args)) return { args, end };
      }
    }
    at = text.indexOf(callee, at + 1);
  }
  return null;
}

/** Every argument list of `callee(` in `text`, in order. */
export function allCallArgs(text: string, callee: string): unknown[][] {
  const out: unknown[][] = [];
  let from = 0;
  for (;;) {
    const r = callArgs(text, callee, from);
    if (!r) return out;
    out.push(r.args);
    from = r.end;
  }
}

/** The object given to `rcmail.set_env({...})` in a page's inline script, or null. */
export function parseSetEnv(scriptText: string): Record<string, unknown> | null {
  // Some pages call set_env with (name, value): only the object form carries the environment.
  let from = 0;
  for (;;) {
    const r = callArgs(scriptText, 'rcmail.set_env(', from);
    if (!r) return null;
    const first = r.args[0];
    if (r.args.length === 1 && first && typeof first === 'object' && !Array.isArray(first)) return first as Record<string, unknown>;
    from = r.end;
  }
}

export interface ExecCall {
  name: string;
  /** JSON-parsed arguments; null when they were not JSON (never evaluated). */
  args: unknown[] | null;
}

const IDENT = /[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*/y;

/**
 * The commands of an AJAX `exec` string (`this.name(args);` separated by newlines), read top-level only, so
 * text inside a string argument (a subject containing "this.foo(") is never taken for a command.
 */
export function parseExec(exec: string): ExecCall[] {
  const out: ExecCall[] = [];
  let i = 0;
  const n = exec.length;
  while (i < n) {
    const at = exec.indexOf('this.', i);
    if (at < 0) break;
    IDENT.lastIndex = at + 5;
    const m = IDENT.exec(exec);
    if (!m) {
      i = at + 5;
      continue;
    }
    const open = at + 5 + m[0].length;
    if (exec[open] !== '(') {
      i = open;
      continue;
    }
    const end = balancedEnd(exec, open);
    if (end < 0) {
      out.push({ name: m[0], args: null });
      break;
    }
    const args = jsonOrUndefined(`[${exec.slice(open + 1, end - 1)}]`);
    out.push({ name: m[0], args: Array.isArray(args) ? args : null });
    i = end;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// AJAX responses

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
