/**
 * IT's configuration in the background: read from the browser's managed storage (zod-checked, lib/managed/schema.ts),
 * cached, re-read when the browser says it changed, and applied: recommended settings written once per change,
 * locked ones enforced on every read (lib/background/settings.ts), webmail origins registered as soon as the
 * browser grants them, organisational BALs and their signature templates put in the registry.
 */
import { browser } from 'wxt/browser';
import { db } from '../store/db';
import { readManaged, isManagedEmpty, ManagedConfig, type ManagedBal } from '../managed/schema';
import { lockedPaths, patchOf, recommendationsToApply } from '../managed/merge';
import { normalizeOrigin } from '../origins';
import { TEST_BUILD } from '../env';

const APPLIED_KEY = 'managed-applied';

let cache: Promise<{ config: ManagedConfig; problems: string[] }> | null = null;

/** The browser's managed storage; empty where there is none (no policy, or a browser without the area). */
async function rawManaged(): Promise<unknown> {
  const area = (browser.storage as { managed?: { get(): Promise<Record<string, unknown>> } } | undefined)?.managed;
  if (!area) return {};
  try {
    return await area.get();
  } catch {
    // Firefox rejects when no policy names the extension; Chrome answers {}.
    return {};
  }
}

export function managedState(): Promise<{ config: ManagedConfig; problems: string[] }> {
  cache ??= rawManaged().then((raw) => {
    const r = readManaged(raw);
    if (r.problems.length) console.warn('[Balise] managed configuration: ignored', r.problems);
    return r;
  });
  return cache;
}

export async function managedConfig(): Promise<ManagedConfig> {
  return (await managedState()).config;
}

export function forgetManagedCache(): void {
  cache = null;
}

/** The webmail origins IT listed, normalized (https only, except loopback in test builds). */
export function managedOrigins(config: ManagedConfig): string[] {
  const out: string[] = [];
  for (const o of config.webmailOrigins ?? []) {
    const n = normalizeOrigin(o, { allowLoopbackHttp: TEST_BUILD });
    if (n && !out.includes(n)) out.push(n);
  }
  return out;
}

export interface ManagedDeps {
  updateSettings(patch: Record<string, unknown>): Promise<unknown>;
  addOrigin(origin: string): Promise<boolean>;
  isRegisteredOrigin(origin: string): Promise<boolean>;
  saveBal(bal: ManagedBal): Promise<void>;
  saveTemplate(t: { situation: string; text: string; html?: string }): Promise<unknown>;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Apply IT's configuration once more (at start, and when it changes). Returns what it did, for tests and logs. */
export async function applyManaged(deps: ManagedDeps): Promise<{ recommended: string[]; origins: string[]; bals: string[] }> {
  const config = await managedConfig();
  const row = await db().kv.get(APPLIED_KEY);
  const parsed = ManagedConfig.safeParse(row?.value);
  const applied = parsed.success ? parsed.data : null;
  const done = { recommended: [] as string[], origins: [] as string[], bals: [] as string[] };
  if (isManagedEmpty(config) && !applied) return done;

  const recs = recommendationsToApply(config, applied);
  if (Object.keys(recs).length) {
    try {
      await deps.updateSettings(patchOf(recs));
      done.recommended = Object.keys(recs);
    } catch (e) {
      console.warn('[Balise] managed recommendations not applied', e);
    }
  }
  for (const origin of managedOrigins(config)) {
    if (!(await deps.isRegisteredOrigin(origin)) && (await deps.addOrigin(origin))) done.origins.push(origin);
  }
  for (const bal of config.bals ?? []) {
    const before = applied?.bals?.find((b) => b.address.toLowerCase() === bal.address.toLowerCase());
    if (before && sameJson(before, bal)) continue;
    try {
      await deps.saveBal(bal);
      if (bal.signatureText !== undefined) {
        await deps.saveTemplate({ situation: bal.situation?.label ?? '', text: bal.signatureText, ...(bal.signatureHtml ? { html: bal.signatureHtml } : {}) });
      }
      done.bals.push(bal.address);
    } catch (e) {
      console.warn('[Balise] managed BAL not applied', bal.address, e);
    }
  }
  await db().kv.put({ key: APPLIED_KEY, value: config });
  return done;
}

/** What the options page shows: IT's values, which ones are locked, the origins it listed. */
export async function managedSummary(): Promise<{ managed: boolean; config: ManagedConfig; locked: string[]; origins: string[]; problems: string[] }> {
  const { config, problems } = await managedState();
  return { managed: !isManagedEmpty(config), config, locked: lockedPaths(config), origins: managedOrigins(config), problems };
}

export function startManaged(apply: () => Promise<unknown>): void {
  browser.storage?.onChanged?.addListener((_changes, area) => {
    if (area !== 'managed') return;
    forgetManagedCache();
    void apply();
  });
  void apply();
}
