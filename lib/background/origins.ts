/**
 * The webmail origins Balise runs on: stored in Dexie, backed by an optional host permission the user granted,
 * and mirrored by one dynamically registered content script. Adding needs both the permission and the row;
 * removing drops the row, the registration and (when the browser allows) the permission.
 */
import { browser } from 'wxt/browser';
import { db } from '../store/db';
import type { OriginEntry } from '../store/schemas';
import { originToMatchPattern } from '../origins';
import { CONTENT_SCRIPT_FILE } from '../env';

export const CONTENT_SCRIPT_ID = 'balise-webmail';

export { sameHost } from '../origins';
import { sameHost } from '../origins';

export async function listOrigins(): Promise<OriginEntry[]> {
  return db().origins.orderBy('origin').toArray();
}

export async function isRegisteredOrigin(origin: string): Promise<boolean> {
  const all = await db().origins.toArray();
  return all.some((o) => sameHost(o.origin, origin));
}

async function hasPermission(origin: string): Promise<boolean> {
  return browser.permissions.contains({ origins: [originToMatchPattern(origin)] });
}

/** Make the registered content script match exactly the stored origins we still have permission for. */
export async function syncContentScripts(): Promise<string[]> {
  const origins = await listOrigins();
  const patterns: string[] = [];
  for (const o of origins) {
    const pattern = originToMatchPattern(o.origin);
    if (!patterns.includes(pattern) && (await hasPermission(o.origin))) patterns.push(pattern);
  }
  const existing = await browser.scripting.getRegisteredContentScripts({ ids: [CONTENT_SCRIPT_ID] });
  if (patterns.length === 0) {
    if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [CONTENT_SCRIPT_ID] });
    return patterns;
  }
  const script = {
    id: CONTENT_SCRIPT_ID,
    js: [CONTENT_SCRIPT_FILE],
    matches: patterns,
    // Registered at document_start and deferred to after `load` inside the script: the default document_idle
    // alone delays the webmail's load event by about 15 % (see bench/load.ts).
    runAt: 'document_start' as const,
    allFrames: false,
    persistAcrossSessions: true,
  };
  if (existing.length) await browser.scripting.updateContentScripts([script]);
  else await browser.scripting.registerContentScripts([script]);
  return patterns;
}

export async function addOrigin(origin: string, source: OriginEntry['source'], knownId?: string): Promise<boolean> {
  if (!(await hasPermission(origin))) return false;
  await db().origins.put({ origin, addedAt: Date.now(), source, ...(knownId ? { knownId } : {}) });
  await syncContentScripts();
  return true;
}

export async function removeOrigin(origin: string): Promise<void> {
  await db().origins.delete(origin);
  await syncContentScripts();
  const pattern = originToMatchPattern(origin);
  const stillNeeded = (await listOrigins()).some((o) => originToMatchPattern(o.origin) === pattern);
  // Give back only what was asked at run time; a host the manifest grants (test builds' 127.0.0.1) stays.
  const fromManifest = (browser.runtime.getManifest().host_permissions ?? []).includes(pattern);
  if (!stillNeeded && !fromManifest) {
    try {
      await browser.permissions.remove({ origins: [pattern] });
    } catch (e) {
      console.warn('[Balise] could not give back the permission for', pattern, e);
    }
  }
}
