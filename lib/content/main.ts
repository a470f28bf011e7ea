/**
 * What the content script does on a webmail page: wait until the page has loaded (so Balise never delays it),
 * detect the webmail, load that webmail's part (its adapter and the features: lib/content/part.ts), tell the
 * background which BAL this is. Only this flow and the detection are loaded on every page.
 */
import { detectWebmail } from '../webmail/detect';
import { Bus } from '../features/bus';
import { send } from '../messages/send';
import { browser } from 'wxt/browser';
import { contentClassifier, createListener } from '../messages/router';
import { TabRequestSchema, tabMessageDefs } from '../messages/tab';
import { TEST_BUILD } from '../env';
import type { Detection, Webmail } from '../webmail/types';
import { loadPart } from '../parts/load';
import { webmailPartName } from '../parts/names';
import type { WebmailPartApi } from './part';
import { installContentTesting } from '../testing/content';

export type { ContentState } from './state';
import type { ContentState } from './state';

/** Resolves after the page's load event, then lets the page's own load handlers run first. */
export function afterLoad(win: Window): Promise<void> {
  return new Promise((resolve) => {
    const go = () => win.setTimeout(resolve, 0);
    if (win.document.readyState === 'complete') go();
    else win.addEventListener('load', go, { once: true });
  });
}

export async function startContent(win: Window, signal: AbortSignal): Promise<ContentState> {
  let settle!: () => void;
  const settled = new Promise<void>((r) => (settle = r));
  const state: ContentState = { detection: null, webmail: null, bus: new Bus(), mounted: [], failed: [], features: {}, settled };
  if (TEST_BUILD) installContentTesting(win, state, signal);
  try {
    await flow(win, signal, state, settle);
  } finally {
    settle();
  }
  return state;
}

async function flow(win: Window, signal: AbortSignal, state: ContentState, settle: () => void): Promise<void> {
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
  if (signal.aborted) return;

  const detected = detectWebmail(win.document, win.location);
  if (!detected) {
    featuresReady(false);
    return;
  }
  // state.detection is published once the part has confirmed it (a page the adapter does not recognise is marked
  // there), with the features it mounted: never a provisional "supported" for a page that is not.
  const part = webmailPartName(detected.kind);
  if (!part) {
    state.detection = detected;
    featuresReady(false);
    return;
  }
  let webmail: Webmail;
  let detection: Detection = detected;
  try {
    const api = await loadPart<WebmailPartApi>(part);
    if (signal.aborted) return;
    const started = await api.start({ doc: win.document, detection: detected, bus: state.bus, signal });
    // The part's adapter checked the whole page (a Medimail page it does not recognise is marked so there).
    detection = started.detection;
    Object.assign(state, { detection, webmail: started.webmail, mounted: started.mounted, failed: started.failed, features: started.features });
    webmail = started.webmail;
  } catch (e) {
    console.error('[Balise] webmail part', e);
    state.detection = detected;
    state.failed.push({ feature: part, message: e instanceof Error ? e.message : String(e) });
    featuresReady(false);
    return;
  }
  featuresReady(detection.supported && detection.page !== 'login');
  settle();

  if (detection.supported && detection.page !== 'login') {
    try {
      const account = await webmail.account();
      // The quota is read and reported by the quota meter ('quota/report'), within its one-request-a-minute budget.
      await send('webmail/seen', { kind: detection.kind, address: account.address });
    } catch (e) {
      console.warn('[Balise] account', e);
    }
  }
}
