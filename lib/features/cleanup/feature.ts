/**
 * The cleanup feature, as mounted on webmail pages: only a listener. The panel itself (planner, classifier,
 * views) is an on-demand part (panel/part-api.ts) loaded the first time the user opens it, from the quota meter's
 * button, the popup ('tab/open-cleanup', forwarded to the bus by the content script) or a notification.
 */
import type { Feature, FeatureContext } from '../context';
import { loadPart } from '../../parts/load';
import { PANEL_PART, type CleanupPanelApi } from './panel/part-api';

/** The panel's API, loading its part once. */
export function loadPanel(): Promise<CleanupPanelApi> {
  return loadPart<CleanupPanelApi>(PANEL_PART);
}

export const cleanupFeature: Feature = {
  id: 'cleanup',
  // A webmail Balise cannot move messages on (no mailbox part: Medimail, which deletes by age itself) gets no cleanup
  // panel: a preview whose "apply" can never work would only mislead.
  applies: (ctx) => ctx.detection.supported && ctx.detection.page !== 'login' && ctx.webmail.capabilities.search && ctx.webmail.mailbox !== null,
  mount(ctx: FeatureContext) {
    ctx.bus.on(
      'open-cleanup',
      ({ source, view, folders }) => {
        loadPanel().then(
          (api) => !ctx.signal.aborted && api.open(ctx, source, view, folders),
          (e: unknown) => console.error('[Balise] cleanup panel', e),
        );
      },
      ctx.signal,
    );
  },
};
