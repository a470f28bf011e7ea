/**
 * "My BALs" in the background: the registry (one preferred BAL per practice situation, enforced here in one
 * transaction), the person's details, signature templates (one per situation), the compose context webmail
 * pages ask for, and settings export/import (all or nothing, one transaction).
 */
import { db } from '../store/db';
import type { Bal, SignatureTemplate } from '../store/schemas';
import { getSettings } from './settings';
import { readSettings } from '../store/settings';
import { Profile, PROFILE_KEY, type BalInput, type TemplateInput } from '../registry/schemas';
import { choosePreferred, enforcePreferred, normalizeAddress, situationKey } from '../registry/rules';
import { mergeLimits } from '../registry/limits';
import { resolveSignature } from '../features/signature/resolve';
import { buildSettingsFile, checkSettingsFile, exportFilename, safetyDowngrades, type ImportProblem, type SafetyKey } from '../registry/transfer';
import { parseAddress } from '../mssante/addresses';
import { KNOWN_WEBMAILS } from '../origins';
import type { HandlersFor } from '../messages/router';
import type { registryMessages, ComposeContext } from '../messages/registry';
import { uiLang } from '../i18n/t';

export class RegistryError extends Error {
  constructor(
    readonly code: 'invalid-address' | 'preferred-inactive' | 'not-in-registry' | 'duplicate' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

export async function getProfile(): Promise<Profile> {
  const row = await db().kv.get(PROFILE_KEY);
  const parsed = Profile.safeParse(row?.value ?? {});
  return parsed.success ? parsed.data : {};
}

export async function saveProfile(profile: Profile): Promise<void> {
  await db().kv.put({ key: PROFILE_KEY, value: Profile.parse(profile) });
}

function cleanSituation(s: BalInput['situation']): Bal['situation'] {
  if (!s) return undefined;
  const label = s.label.trim();
  if (!label) return undefined;
  const out: NonNullable<Bal['situation']> = { label };
  for (const k of ['structure', 'finess', 'siret'] as const) {
    const v = s[k]?.trim();
    if (v) out[k] = v;
  }
  return out;
}

/** Add or change a registry BAL; the preferred mark follows the rules (lib/registry/rules.ts). */
export async function saveBal(input: BalInput, previous?: string): Promise<void> {
  const parsed = parseAddress(input.address);
  if (!parsed) throw new RegistryError('invalid-address', 'Invalid address');
  const address = normalizeAddress(input.address);
  const prev = previous ? normalizeAddress(previous) : address;
  if (input.preferred && input.status !== 'active') throw new RegistryError('preferred-inactive', 'An inactive BAL cannot be the preferred one');
  await db().transaction('rw', db().bals, async () => {
    const all = await db().bals.toArray();
    const old = all.find((b) => b.address === prev);
    if (address !== prev && all.some((b) => b.address === address && b.source === 'user')) {
      throw new RegistryError('duplicate', 'This BAL is already in the registry');
    }
    const sameAddr = all.find((b) => b.address === address);
    const base = old ?? sameAddr;
    const limits = mergeLimits(base?.limits, input.limits);
    const next: Bal = {
      address,
      kind: input.kind,
      status: input.status,
      preferred: input.preferred,
      source: 'user',
      ...(input.operator?.trim() ? { operator: input.operator.trim() } : {}),
      ...(input.webmailOrigin ? { webmailOrigin: input.webmailOrigin } : base?.webmailOrigin ? { webmailOrigin: base.webmailOrigin } : {}),
      ...(input.webmailKind ? { webmailKind: input.webmailKind } : base?.webmailKind ? { webmailKind: base.webmailKind } : {}),
      ...(cleanSituation(input.situation) ? { situation: cleanSituation(input.situation) } : {}),
      // Merged into what is stored: an edit that does not mention a limit keeps it (lib/registry/limits.ts).
      ...(limits ? { limits } : {}),
      ...(base?.lastSeen !== undefined ? { lastSeen: base.lastSeen } : {}),
      ...(base?.lastQuota !== undefined ? { lastQuota: base.lastQuota } : {}),
    };
    const rest = all.filter((b) => b.address !== prev && b.address !== address);
    const updated = enforcePreferred([next, ...rest], [address]);
    if (address !== prev) await db().bals.delete(prev);
    for (const b of updated) {
      const before = all.find((x) => x.address === b.address);
      if (b === next || before !== b) await db().bals.put(b);
    }
  });
}

export async function removeBal(address: string): Promise<void> {
  await db().bals.delete(normalizeAddress(address));
}

export async function setPreferred(address: string): Promise<void> {
  await db().transaction('rw', db().bals, async () => {
    const r = choosePreferred(await db().bals.toArray(), address);
    if ('problem' in r) {
      throw new RegistryError(r.problem === 'inactive' ? 'preferred-inactive' : 'not-in-registry', r.problem);
    }
    await db().bals.bulkPut(r.changed);
  });
}

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(9));
  return `tpl-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** Create or replace the template of a situation (matched by situationKey). */
export async function saveTemplate(input: TemplateInput, now = Date.now()): Promise<SignatureTemplate> {
  return db().transaction('rw', db().templates, async () => {
    const key = situationKey(input.situation);
    const all = await db().templates.toArray();
    const same = all.filter((t) => situationKey(t.situation) === key);
    const row: SignatureTemplate = {
      id: same[0]?.id ?? randomId(),
      situation: key === '' ? '' : input.situation.trim(),
      text: input.text,
      ...(input.html?.trim() ? { html: input.html } : {}),
      updatedAt: now,
    };
    for (const extra of same.slice(1)) await db().templates.delete(extra.id);
    await db().templates.put(row);
    return row;
  });
}

export async function removeTemplate(situation: string): Promise<void> {
  const key = situationKey(situation);
  await db().transaction('rw', db().templates, async () => {
    const all = await db().templates.toArray();
    for (const t of all) if (situationKey(t.situation) === key) await db().templates.delete(t.id);
  });
}

/** The attachment limit (MB) for a BAL on a webmail: the BAL's own, else the known platform's, else null. */
export async function attachmentLimitFor(bal: Bal | null, origin: string | null): Promise<number | null> {
  if (bal?.limits?.attachmentMB) return bal.limits.attachmentMB;
  if (!origin) return null;
  const known = KNOWN_WEBMAILS.find((k) => k.origin === origin);
  if (known?.attachmentLimitMB) return known.attachmentLimitMB;
  const entry = await db().origins.get(origin);
  const byId = entry?.knownId ? KNOWN_WEBMAILS.find((k) => k.id === entry.knownId) : undefined;
  return byId?.attachmentLimitMB ?? null;
}

/** The signature and compose facts for a message written from `from` on the webmail at `origin`. */
export async function composeContext(from: string | null, origin: string | null): Promise<ComposeContext> {
  const [bals, templates, profile, settings] = await Promise.all([db().bals.toArray(), db().templates.toArray(), getProfile(), getSettings()]);
  const r = resolveSignature({ bals, templates, profile, locale: uiLang() }, from, origin);
  return {
    signature: r.signature,
    from: r.context.from,
    preferredAddress: r.context.preferredAddress,
    notPreferred: r.context.notPreferred,
    situation: r.context.situation?.label ?? null,
    attachmentLimitMB: await attachmentLimitFor(r.context.bal, origin),
    autoInsert: settings.signature.autoInsert,
    checks: settings.compose.checks,
  };
}

export async function exportSettings(now = new Date()): Promise<{ json: string; filename: string }> {
  const [settings, profile, bals, templates, origins] = await Promise.all([
    getSettings(),
    getProfile(),
    db().bals.toArray(),
    db().templates.toArray(),
    db().origins.toArray(),
  ]);
  const file = buildSettingsFile({ settings, profile, bals, templates, origins }, now);
  return { json: JSON.stringify(file, null, 2), filename: exportFilename(now) };
}

export type ImportOutcome =
  | { ok: true; counts: { bals: number; templates: number }; origins: string[] }
  | { ok: false; problem: ImportProblem }
  | { ok: false; confirm: SafetyKey[] };

/**
 * Import a settings file: checked whole first, then written in ONE transaction (settings, person's details,
 * registry, templates). BALs only seen stay unless the file registers them. `hooks.afterBals` lets tests
 * make the transaction fail half-way.
 */
export async function importSettings(
  json: string,
  hooks: { afterBals?: () => void | Promise<void> } = {},
  now = Date.now(),
  confirmed: readonly SafetyKey[] = [],
): Promise<ImportOutcome> {
  const check = checkSettingsFile(json);
  if (!check.ok) return check;
  const file = check.file;
  const d = db();
  let asked: SafetyKey[] = [];
  await d.transaction('rw', [d.kv, d.bals, d.templates], async () => {
    // A file that turns a safety setting off needs the user's word for it (the options page shows the change).
    const downgrades = safetyDowngrades(await getSettings(), readSettings(file.settings));
    asked = downgrades.filter((k) => !confirmed.includes(k));
    if (asked.length) return;
    await d.kv.put({ key: 'settings', value: readSettings(file.settings) });
    await d.kv.put({ key: PROFILE_KEY, value: file.profile });
    const current = await d.bals.toArray();
    const imported = new Set(file.bals.map((b) => normalizeAddress(b.address)));
    for (const b of current) {
      if (b.source === 'user' || imported.has(b.address)) await d.bals.delete(b.address);
    }
    for (const b of file.bals) {
      const address = normalizeAddress(b.address);
      const seen = current.find((c) => c.address === address);
      await d.bals.put({
        ...b,
        address,
        source: 'user',
        ...(seen?.lastSeen !== undefined ? { lastSeen: seen.lastSeen } : {}),
        ...(seen?.lastQuota !== undefined ? { lastQuota: seen.lastQuota } : {}),
      });
    }
    await hooks.afterBals?.();
    await d.templates.clear();
    for (const t of file.templates) {
      await d.templates.put({
        id: randomId(),
        situation: situationKey(t.situation) === '' ? '' : t.situation.trim(),
        text: t.text,
        ...(t.html ? { html: t.html } : {}),
        updatedAt: now,
      });
    }
  });
  if (asked.length) return { ok: false, confirm: asked };
  const registered = new Set((await d.origins.toArray()).map((o) => o.origin));
  return { ok: true, counts: { bals: file.bals.length, templates: file.templates.length }, origins: file.origins.filter((o) => !registered.has(o)) };
}

function originOf(url: string | undefined): string | null {
  try {
    return url ? new URL(url).origin : null;
  } catch {
    return null;
  }
}

export function registryHandlers(): HandlersFor<typeof registryMessages> {
  return {
    'registry/get': async () => ({
      bals: await db().bals.toArray(),
      templates: await db().templates.toArray(),
      profile: await getProfile(),
    }),
    'registry/save-bal': async ({ bal, previous }) => {
      await saveBal(bal, previous);
      return { ok: true as const };
    },
    'registry/remove-bal': async ({ address }) => {
      await removeBal(address);
      return { ok: true as const };
    },
    'registry/set-preferred': async ({ address }) => {
      await setPreferred(address);
      return { ok: true as const };
    },
    'profile/save': async ({ profile }) => {
      await saveProfile(profile);
      return { ok: true as const };
    },
    'templates/save': ({ template }) => saveTemplate(template),
    'templates/remove': async ({ situation }) => {
      await removeTemplate(situation);
      return { ok: true as const };
    },
    'compose/context': ({ from }, sender) => composeContext(from, originOf(sender.url)),
    'transfer/export': () => exportSettings(),
    'transfer/import': ({ json, confirm }) => importSettings(json, {}, Date.now(), confirm ?? []),
  };
}
