/**
 * Everything the background does, wired once. The entrypoint (entrypoints/background.ts) only calls this.
 */
import { browser } from 'wxt/browser';
import { backgroundClassifier, createListener, type HandlersFor } from '../messages/router';
import { AnyRequestSchema, messageDefs } from '../messages';
import { addOrigin, isRegisteredOrigin, listOrigins, removeOrigin, syncContentScripts } from './origins';
import { getSettings, saveCleanupRuleDefaults, updateSettings } from './settings';
import { recordSeen } from './bals';
import { db } from '../store/db';
import { TEST_BUILD } from '../env';
import { normalizeOrigin } from '../origins';
import { CleanupJournal, cleanupHandlers, startCleanupBackground } from './cleanup';
import { browserEffects, quotaHandlers, refreshBadge, startQuota } from './quota';
import { expiryHandlers, startExpiry } from './expiry';
import { ExportParts, exportHandlers } from './export';
import { classificationHandlers } from './classifications';
import { registryHandlers } from './registry';
import { startSignatureMenu } from './signature-menu';
import { installBackgroundTesting } from '../testing/background';
import { enableOnTab } from './enable';
import { openWelcomeOnInstall } from './welcome';
import { applyManaged, managedSummary, startManaged, type ManagedDeps } from './managed';
import { saveBal, saveTemplate } from './registry';
import { guardContent, startOwnership, TabMailboxes } from './ownership';
import { forgetMailboxes, forgetOrigin, mailboxesOfOrigin, runRetention } from './retention';

/** Origin the test build pre-grants (host_permissions) and registers at install, like a user would. */
export const TEST_ORIGIN = 'http://127.0.0.1';

function originOf(url: string | undefined): string {
  return url ? new URL(url).origin : '';
}

export type { BackgroundHandlers } from './handlers';
import type { BackgroundHandlers } from './handlers';

const cleanupJournal = new CleanupJournal();
/** Which mailbox each webmail tab shows (the ownership check of content-script requests). */
export const tabMailboxes = new TabMailboxes();
/** Which downloads each export created (lib/background/export.ts). */
const exportParts = new ExportParts();

export function backgroundHandlers(): BackgroundHandlers {
  return {
    ping: () => ({ version: browser.runtime.getManifest().version, testBuild: TEST_BUILD }),
    'settings/get': () => getSettings(),
    'settings/update': async ({ patch }) => {
      const settings = await updateSettings(patch);
      void refreshBadge(browserEffects); // the thresholds colour the badge
      return settings;
    },
    'cleanup/save-rule-defaults': async ({ bal, rules }) => {
      await saveCleanupRuleDefaults(bal, rules);
      return { ok: true as const };
    },
    'origins/list': () => listOrigins(),
    'origins/add': async ({ origin, knownId }) => {
      const normalized = normalizeOrigin(origin, { allowLoopbackHttp: TEST_BUILD });
      if (!normalized) return { ok: false, reason: 'invalid' as const };
      const ok = await addOrigin(normalized, 'user', knownId);
      return ok ? { ok: true } : { ok: false, reason: 'not-granted' as const };
    },
    'origins/enable-tab': async ({ origin, tabId, knownId }) => {
      const normalized = normalizeOrigin(origin, { allowLoopbackHttp: TEST_BUILD });
      if (!normalized || normalized !== origin) return { ok: false, reason: 'invalid' as const };
      return enableOnTab(normalized, tabId, knownId);
    },
    'origins/remove': async ({ origin }) => {
      // A webmail IT listed stays (the options page shows it as managed, without a remove button).
      if ((await managedSummary()).origins.includes(origin)) throw new Error('This webmail is managed by your IT department');
      await removeOrigin(origin);
      return { ok: true as const, mailboxes: await mailboxesOfOrigin(origin) };
    },
    'origins/forget': async ({ origin }) => {
      const out = await forgetOrigin(origin);
      for (const address of out.bals) await tabMailboxes.forgetAddress(address);
      void refreshBadge(browserEffects);
      return out;
    },
    'registry/forget-bal': async ({ address }) => {
      const out = await forgetMailboxes([address]);
      await tabMailboxes.forgetAddress(address);
      void refreshBadge(browserEffects);
      return out;
    },
    'bals/list': () => db().bals.toArray(),
    'managed/get': () => managedSummary(),
    ...quotaHandlers(),
    ...expiryHandlers(),
    'webmail/seen': async ({ kind, address, quota }, sender) => {
      await recordSeen(address, kind, originOf(sender.url), quota);
      return { ok: true as const };
    },
    ...cleanupHandlers(cleanupJournal, {
      // A permanent deletion is about to start in this tab: what it exported so far is the only copy.
      beforeDelete: (tabId) => exportParts.seal(tabId),
    }),
    ...classificationHandlers(),
    ...exportHandlers(exportParts),
    ...registryHandlers(),
  };
}

/** How IT's configuration reaches the store (lib/background/managed.ts). */
export const managedDeps: ManagedDeps = {
  updateSettings: (patch) => updateSettings(patch, { fromManaged: true }),
  addOrigin: (origin) => addOrigin(origin, 'managed'),
  isRegisteredOrigin,
  saveBal: async (bal) => {
    const existing = await db().bals.get(bal.address.toLowerCase());
    await saveBal({
      address: bal.address,
      kind: bal.kind ?? 'ORG',
      status: 'active',
      preferred: existing?.source === 'user' ? existing.preferred : false,
      ...(bal.operator ? { operator: bal.operator } : {}),
      ...(bal.situation ? { situation: bal.situation } : {}),
    });
  },
  saveTemplate,
};

export function startBackground(): void {
  const raw = backgroundHandlers();
  if (TEST_BUILD) installBackgroundTesting(raw);
  // Content-script requests only concern the mailbox their own tab shows (lib/background/ownership.ts).
  const handlers = guardContent(raw, tabMailboxes);
  startOwnership(tabMailboxes);
  browser.runtime.onMessage.addListener(
    createListener({ defs: messageDefs, union: AnyRequestSchema }, handlers, backgroundClassifier(isRegisteredOrigin)),
  );

  browser.runtime.onInstalled.addListener(async (details) => {
    void openWelcomeOnInstall(details, { testBuild: TEST_BUILD }).catch((e: unknown) => console.warn('[Balise] welcome page', e));
    if (TEST_BUILD && !(await isRegisteredOrigin(TEST_ORIGIN))) await addOrigin(TEST_ORIGIN, 'test');
    await syncContentScripts();
  });
  browser.runtime.onStartup.addListener(() => void syncContentScripts());
  startManaged(() => applyManaged(managedDeps).catch((e: unknown) => console.warn('[Balise] managed configuration', e)));
  // An origin IT listed is registered as soon as the user (or the browser) grants it.
  browser.permissions.onAdded.addListener(() => void applyManaged(managedDeps).catch(() => undefined));
  startCleanupBackground(cleanupJournal);
  browser.tabs.onRemoved.addListener((tabId) => exportParts.seal(tabId));
  // Retention (lib/background/retention.ts): finished cleanup jobs do not outlive their use.
  void runRetention();
  startQuota();
  startExpiry();
  startSignatureMenu();
  // The user may withdraw a host permission from the browser's own settings: stop injecting there.
  browser.permissions.onRemoved.addListener(() => void syncContentScripts());
}
