/**
 * Roundcube 1.6, pure parsing: JavaScript text scanned for JSON arguments (`rcmail.set_env({…})`, AJAX `exec`
 * strings). No zod and no other import: the detector (detect.ts) uses it.
 */

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
