/**
 * The cleanup feature, as mounted on every webmail page: only a listener. The panel itself (planner,
 * classifier, views) is loaded into the page the first time the user opens it (see lazy.ts), from the quota
 * meter's button, the popup ('tab/open-cleanup', forwarded to the bus by the content script) or a notification.
 */
import type { Feature, FeatureContext } from '../index';
import { browser } from 'wxt/browser';
import { TEST_BUILD } from '../../env';
import { registerTestCommand } from '../../test-bridge';
import { PANEL_FILE, PANEL_GLOBAL, type CleanupPanelApi } from './lazy';

let loading: Promise<CleanupPanelApi> | null = null;

function loaded(): CleanupPanelApi | undefined {
  return (globalThis as unknown as Record<string, CleanupPanelApi | undefined>)[PANEL_GLOBAL];
}

/**
 * The panel's API, loading its script once with import() (see lazy.ts): the module runs in this content script's
 * own isolated world (Chromium) / sandbox (Firefox), so the panel uses the adapter's objects, streams and bytes
 * as the content script itself would.
 */
export function loadPanel(): Promise<CleanupPanelApi> {
  const ready = loaded();
  if (ready) return Promise.resolve(ready);
  loading ??= import(/* @vite-ignore */ browser.runtime.getURL(PANEL_FILE)).then(
    () => {
      const api = loaded();
      if (!api) throw new Error('The cleanup panel did not load');
      return api;
    },
    (e: unknown) => {
      loading = null;
      throw e;
    },
  );
  return loading;
}

export const cleanupFeature: Feature = {
  id: 'cleanup',
  applies: (ctx) => ctx.detection.supported && ctx.detection.page !== 'login' && ctx.webmail.capabilities.search,
  mount(ctx: FeatureContext) {
    ctx.bus.on(
      'open-cleanup',
      ({ source }) => {
        loadPanel().then(
          (api) => !ctx.signal.aborted && api.open(ctx, source),
          (e: unknown) => console.error('[Balise] cleanup panel', e),
        );
      },
      ctx.signal,
    );
    if (TEST_BUILD) {
      registerTestCommand('cleanup-state', async () => (loaded() ? loaded()!.debugState() : null));
      registerTestCommand('cleanup-close', async () => loaded()?.close() ?? null);
    }
  },
};
