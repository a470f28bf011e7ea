/**
 * The settings file: settings + registry + signature templates + the person's details + the list of webmail
 * origins, with a format name and version. Pure: building the file and checking an imported one (the background
 * writes it, lib/background/registry.ts).
 *
 * An imported file is untrusted: it is read as text of bounded size, parsed as JSON, walked once to refuse
 * prototype-polluting keys and absurd nesting, then validated by strict zod schemas (unknown fields refused,
 * every string bounded). The first problem found is reported with where it is (path) and what is wrong (code),
 * for the options page to say in plain words.
 */
import * as z from 'zod/mini';
import { OriginString, Settings, Situation } from '../store/schemas';
import { BalFields, Limits, Profile, TemplateInput } from './schemas';
import { normalizeAddress, situationKey } from './rules';
import { parseAddress } from '../mssante/addresses';
import type { Bal, OriginEntry, SignatureTemplate } from '../store/schemas';

export const FORMAT = 'balise-settings';
export const FORMAT_VERSION = 1;
export const MAX_CHARS = 1_000_000;
const MAX_DEPTH = 16;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export const ExportedBal = z.strictObject({
  ...BalFields,
  situation: z.optional(z.strictObject(Situation.shape)),
  limits: z.optional(z.strictObject(Limits.shape)),
});

export const SettingsFile = z.strictObject({
  format: z.literal(FORMAT),
  version: z.literal(FORMAT_VERSION),
  exportedAt: z.optional(z.string().check(z.maxLength(40))),
  settings: Settings,
  profile: z.strictObject(Profile.shape),
  bals: z.array(ExportedBal).check(z.maxLength(500)),
  templates: z.array(z.strictObject(TemplateInput.shape)).check(z.maxLength(200)),
  origins: z.array(OriginString).check(z.maxLength(100)),
});
export type SettingsFile = z.infer<typeof SettingsFile>;

export type ImportCode =
  | 'too-large'
  | 'not-json'
  | 'not-object'
  | 'not-balise'
  | 'newer-version'
  | 'bad-version'
  | 'forbidden-key'
  | 'too-deep'
  | 'required'
  | 'wrong-type'
  | 'too-long'
  | 'too-many'
  | 'too-small'
  | 'unknown-field'
  | 'invalid-value'
  | 'invalid-address'
  | 'duplicate'
  | 'two-preferred'
  | 'preferred-inactive';

export interface ImportProblem {
  code: ImportCode;
  path: (string | number)[];
}

/**
 * The two settings that keep a cleanup from losing documents: export before a permanent deletion, and keep
 * messages with clinical documents out of the cleanup. A file that turns either off is imported only once the
 * user has seen that change and confirmed it (the options page asks; the background refuses without it).
 */
export const SAFETY_KEYS = ['exportBeforeDelete', 'protectClinical'] as const;
export type SafetyKey = (typeof SAFETY_KEYS)[number];

/** The safety settings that are on now and that the imported file turns off. */
export function safetyDowngrades(current: Pick<Settings, 'cleanup'>, incoming: Pick<Settings, 'cleanup'>): SafetyKey[] {
  return SAFETY_KEYS.filter((k) => current.cleanup[k] && !incoming.cleanup[k]);
}

export type ImportCheck = { ok: true; file: SettingsFile } | { ok: false; problem: ImportProblem };

function fail(code: ImportCode, path: (string | number)[] = []): ImportCheck {
  return { ok: false, problem: { code, path: path.slice(0, 32).map((p) => (typeof p === 'string' ? p.slice(0, 200) : p)) } };
}

/** First forbidden key or too-deep spot in a parsed JSON value, without recursion limits of its own. */
function walk(value: unknown): ImportProblem | null {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [] }];
  while (stack.length) {
    const { v, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (path.length > MAX_DEPTH) return { code: 'too-deep', path };
    if (Array.isArray(v)) {
      v.forEach((item, i) => stack.push({ v: item, path: [...path, i] }));
      continue;
    }
    for (const key of Object.keys(v)) {
      if (FORBIDDEN_KEYS.has(key)) return { code: 'forbidden-key', path: [...path, key] };
      stack.push({ v: (v as Record<string, unknown>)[key], path: [...path, key] });
    }
  }
  return null;
}

function problemOf(issue: z.core.$ZodIssue, input: unknown): ImportProblem {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    return { code: 'unknown-field', path: [...path, ...(issue.keys.length ? [issue.keys[0]!] : [])] };
  }
  let value: unknown = input;
  for (const p of path) value = value && typeof value === 'object' ? (value as Record<string | number, unknown>)[p] : undefined;
  if (value === undefined) return { code: 'required', path };
  switch (issue.code) {
    case 'invalid_type':
      return { code: 'wrong-type', path };
    case 'too_big':
      return { code: issue.origin === 'array' ? 'too-many' : issue.origin === 'string' ? 'too-long' : 'invalid-value', path };
    case 'too_small':
      return { code: issue.origin === 'string' && issue.minimum === 1 ? 'required' : 'too-small', path };
    default:
      return { code: 'invalid-value', path };
  }
}

/** Checks an imported settings file, from its raw text. Never throws. */
export function checkSettingsFile(text: string): ImportCheck {
  if (typeof text !== 'string') return fail('not-json');
  if (text.length > MAX_CHARS) return fail('too-large');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('not-json');
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return fail('not-object');
  const head = raw as Record<string, unknown>;
  if (head.format !== FORMAT) return fail('not-balise', ['format']);
  if (typeof head.version !== 'number' || !Number.isInteger(head.version)) return fail('bad-version', ['version']);
  if (head.version > FORMAT_VERSION) return fail('newer-version', ['version']);
  if (head.version !== FORMAT_VERSION) return fail('bad-version', ['version']);
  const bad = walk(raw);
  if (bad) return { ok: false, problem: bad };

  const parsed = SettingsFile.safeParse(raw);
  if (!parsed.success) return { ok: false, problem: problemOf(parsed.error.issues[0]!, raw) };
  const file = parsed.data;

  // Rules zod cannot say: real addresses, no duplicates, one active preferred BAL per situation.
  const addresses = new Set<string>();
  const preferredBy = new Set<string>();
  for (const [i, bal] of file.bals.entries()) {
    if (!parseAddress(bal.address)) return fail('invalid-address', ['bals', i, 'address']);
    const addr = normalizeAddress(bal.address);
    if (addresses.has(addr)) return fail('duplicate', ['bals', i, 'address']);
    addresses.add(addr);
    if (bal.preferred) {
      if (bal.status !== 'active') return fail('preferred-inactive', ['bals', i, 'preferred']);
      const key = situationKey(bal.situation);
      if (preferredBy.has(key)) return fail('two-preferred', ['bals', i, 'preferred']);
      preferredBy.add(key);
    }
  }
  const situations = new Set<string>();
  for (const [i, tpl] of file.templates.entries()) {
    const key = situationKey(tpl.situation);
    if (situations.has(key)) return fail('duplicate', ['templates', i, 'situation']);
    situations.add(key);
  }
  if (new Set(file.origins).size !== file.origins.length) return fail('duplicate', ['origins']);
  return { ok: true, file };
}

/** The file for what Balise keeps now. BALs only seen (not in the registry) and sighting data are left out. */
export function buildSettingsFile(
  input: { settings: Settings; profile: Profile; bals: readonly Bal[]; templates: readonly SignatureTemplate[]; origins: readonly OriginEntry[] },
  now = new Date(),
): SettingsFile {
  return {
    format: FORMAT,
    version: FORMAT_VERSION,
    exportedAt: now.toISOString(),
    settings: input.settings,
    profile: input.profile,
    bals: input.bals
      .filter((b) => b.source === 'user')
      .map((b) => {
        const out: z.infer<typeof ExportedBal> = { address: b.address, kind: b.kind, status: b.status, preferred: b.preferred };
        if (b.operator !== undefined) out.operator = b.operator;
        if (b.webmailOrigin !== undefined) out.webmailOrigin = b.webmailOrigin;
        if (b.webmailKind !== undefined) out.webmailKind = b.webmailKind;
        if (b.situation !== undefined) out.situation = b.situation;
        if (b.limits !== undefined) out.limits = b.limits;
        return out;
      }),
    templates: input.templates.map((t) => ({ situation: t.situation, text: t.text, ...(t.html !== undefined ? { html: t.html } : {}) })),
    origins: input.origins.filter((o) => o.source === 'user').map((o) => o.origin),
  };
}

/** File name for an export: balise-reglages-2026-03-14.json */
export function exportFilename(now = new Date()): string {
  return `balise-reglages-${now.toISOString().slice(0, 10)}.json`;
}
