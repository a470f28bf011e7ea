/**
 * What the content script does on a webmail page: wait until the page has loaded (so Balise never delays it),
 * detect the webmail, create its adapter, tell the background which BAL this is, mount the features.
 */
import { detectWebmail } from '../webmail/detect';
import { FEATURES, type FeatureContext } from '../features';
import { Bus } from '../features/bus';
import { send } from '../messages/send';
import { browser } from 'wxt/browser';
import { contentClassifier, createListener } from '../messages/router';
import { TabRequestSchema, tabMessageDefs } from '../messages/tab';
import { TEST_BUILD } from '../env';
import type { Detection, Webmail } from '../webmail/types';
import { installTestBridge, registerTestCommand } from '../test-bridge';

export interface ContentState {
  detection: Detection | null;
  webmail: Webmail | null;
  bus: Bus;
  mounted: string[];
  failed: { feature: string; message: string }[];
}

/** Resolves after the page's load event, then lets the page's own load handlers run first. */
export function afterLoad(win: Window): Promise<void> {
  return new Promise((resolve) => {
    const go = () => win.setTimeout(resolve, 0);
    if (win.document.readyState === 'complete') go();
    else win.addEventListener('load', go, { once: true });
  });
}

export async function startContent(win: Window, signal: AbortSignal): Promise<ContentState> {
  const state: ContentState = { detection: null, webmail: null, bus: new Bus(), mounted: [], failed: [] };
  if (TEST_BUILD) {
    registerTestCommand('state', () => ({
      detection: state.detection,
      mounted: state.mounted,
      failed: state.failed,
    }));
    registerTestCommand('ping', () => send('ping', {}));
    registerTestCommand('open-extension-page', (path) => send('test/open-page', { path: path as '/popup.html' }));
    // The signature context-menu entry's handler (lib/background/signature-menu.ts) on this tab.
    registerTestCommand('menu-insert-signature', (frameId) => send('test/menu-insert-signature', frameId === undefined ? {} : { frameId: Number(frameId) }));
    registerTestCommand('webmail', async (method, ...args) => {
      if (!state.webmail) throw new Error('no webmail detected');
      const fn = (state.webmail as unknown as Record<string, unknown>)[String(method)];
      if (typeof fn !== 'function') throw new Error(`no adapter method ${String(method)}`);
      return (fn as (...a: unknown[]) => unknown).apply(state.webmail, args);
    });
    // Compose editors (ComposeEditor methods are functions: they cannot cross the bridge as values).
    registerTestCommand('compose', async (method, editorId, ...args) => {
      if (!state.webmail) throw new Error('no webmail detected');
      const editors = state.webmail.composeEditors();
      if (method === 'list') {
        return editors.map((e) => ({
          id: e.id,
          mode: e.mode,
          fromAddress: e.fromAddress(),
          recipients: e.recipients(),
          attachmentsBytes: e.attachmentsBytes(),
          hasSignature: e.hasSignature(),
          subject: e.subject ? e.subject() : null,
        }));
      }
      const editor = editorId ? editors.find((e) => e.id === editorId) : editors[0];
      if (!editor) throw new Error('no compose editor');
      const fn = (editor as unknown as Record<string, unknown>)[String(method)];
      if (typeof fn !== 'function') throw new Error(`no editor method ${String(method)}`);
      const value = await (fn as (...a: unknown[]) => unknown).apply(editor, args);
      return value instanceof Element ? { tagName: value.tagName, id: value.id } : value;
    });
    // How many times the adapter's onHostQuotaChange fired: 'start' subscribes (and resets), 'count' reads.
    let quotaEvents = 0;
    let stopQuotaEvents: (() => void) | null = null;
    registerTestCommand('webmail-quota-events', (op) => {
      if (!state.webmail) throw new Error('no webmail detected');
      if (op === 'start') {
        stopQuotaEvents?.();
        quotaEvents = 0;
        stopQuotaEvents = state.webmail.onHostQuotaChange(() => void quotaEvents++);
      }
      return quotaEvents;
    });
    registerTestCommand('bus', (type, payload) => {
      state.bus.emit(type as 'open-cleanup', payload as { source: 'test' });
      return true;
    });
    // The cleanup runner with the page's adapter (lib/features/cleanup/run-test-commands.ts).
    registerTestCommand('cleanup-run', async (op, arg) =>
      (await import('../features/cleanup/run-test-commands')).cleanupRunCommand({ webmail: state.webmail, bus: state.bus, origin: win.location.origin }, op, arg),
    );
    // The export before delete with the page's adapter (lib/features/cleanup/export-test-commands.tsx).
    registerTestCommand('export', async (op, arg) =>
      (await import('../features/cleanup/export-test-commands')).exportCommand({ webmail: state.webmail, doc: win.document, signal }, op, arg),
    );
    // Dynamic: preact/hooks has module side effects, so a static import would stay in store builds.
    registerTestCommand('mount-probe', async () => (await import('../ui/probe')).mountProbe(win.document, signal));
    const uninstall = installTestBridge(win);
    signal.addEventListener('abort', uninstall, { once: true });
  }

  // Messages from the background or a Balise page (lib/messages/tab.ts): answered once the features are mounted,
  // so that 'tab/open-cleanup' reaches a listening cleanup panel; senders retry while the answer is 'not-ready'.
  let featuresReady!: (ready: boolean) => void;
  const ready = new Promise<boolean>((r) => (featuresReady = r));
  signal.addEventListener('abort', () => featuresReady(false), { once: true });
  const notReady = () => Object.assign(new Error('No webmail ready on this page'), { code: 'not-ready' });
  const onTabMessage = createListener(
    { defs: tabMessageDefs, union: TabRequestSchema },
    {
      'tab/open-cleanup': async ({ source }) => {
        if (!(await ready)) throw notReady();
        state.bus.emit('open-cleanup', { source });
        return { ok: true as const };
      },
    },
    contentClassifier(),
  );
  browser.runtime.onMessage.addListener(onTabMessage);
  signal.addEventListener('abort', () => browser.runtime.onMessage.removeListener(onTabMessage), { once: true });

  await afterLoad(win);
  if (signal.aborted) return state;

  const found = detectWebmail(win.document, win.location);
  if (!found) {
    featuresReady(false);
    return state;
  }
  state.detection = found.detection;
  const webmail = found.factory.create(win.document, found.detection);
  state.webmail = webmail;
  signal.addEventListener('abort', () => webmail.dispose(), { once: true });

  // Announce the mailbox this page shows before any feature asks about it: the background answers a page's
  // requests only for that mailbox (lib/background/ownership.ts). The quota is read and reported by the quota
  // meter ('quota/report'), within its one-request-a-minute budget.
  if (found.detection.supported && found.detection.page !== 'login') {
    try {
      const account = await webmail.account();
      await send('webmail/seen', { kind: found.detection.kind, address: account.address });
    } catch (e) {
      console.warn('[Balise] account', e);
    }
    if (signal.aborted) return state;
  }

  const ctx: FeatureContext = { webmail, detection: found.detection, doc: win.document, bus: state.bus, signal };
  for (const feature of FEATURES) {
    try {
      if (!feature.applies(ctx)) continue;
      await feature.mount(ctx);
      state.mounted.push(feature.id);
    } catch (e) {
      // One broken feature must not take the others (or the page) down.
      state.failed.push({ feature: feature.id, message: e instanceof Error ? e.message : String(e) });
      console.error('[Balise]', feature.id, e);
    }
  }
  featuresReady(found.detection.supported && found.detection.page !== 'login');
  return state;
}
