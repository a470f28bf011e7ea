/**
 * The on-demand part that carries one webmail's adapter and the features (entrypoints/webmail-<kind>.ts): the
 * content script loaded on every webmail page only detects the webmail (lib/webmail/detect.ts) and then loads the
 * detected webmail's part with loadPart() (lib/parts/load.ts). The part creates the adapter and mounts the
 * features it supports, each on its own (one broken feature must not take the others, or the page, down).
 */
import { FEATURES, type FeatureContext } from '../features';
import type { Bus } from '../features/bus';
import type { Detection, Webmail, WebmailAdapterFactory } from '../webmail/types';
import { providePart } from '../parts/load';
import { webmailPartName } from '../parts/names';

export interface StartArgs {
  doc: Document;
  detection: Detection;
  /** The content script's bus: it forwards 'tab/open-cleanup' to it. */
  bus: Bus;
  signal: AbortSignal;
}

export interface Started {
  /** The detection after the adapter's own check of the page (WebmailAdapterFactory.confirm). */
  detection: Detection;
  webmail: Webmail;
  mounted: string[];
  failed: { feature: string; message: string }[];
  /** What each mounted feature's mount() returned (its handle: what it exposes to tests and the demo). */
  features: Record<string, unknown>;
}

export interface WebmailPartApi {
  start(args: StartArgs): Promise<Started>;
}

export async function startWebmail(factory: Pick<WebmailAdapterFactory, 'create' | 'confirm'>, { doc, detection: detected, bus, signal }: StartArgs): Promise<Started> {
  const detection = factory.confirm?.(doc, detected) ?? detected;
  const webmail = factory.create(doc, detection);
  signal.addEventListener('abort', () => webmail.dispose(), { once: true });
  const started: Started = { detection, webmail, mounted: [], failed: [], features: {} };
  const ctx: FeatureContext = { webmail, detection, doc, bus, signal };
  for (const feature of FEATURES) {
    try {
      if (!feature.applies(ctx)) continue;
      started.features[feature.id] = await feature.mount(ctx);
      started.mounted.push(feature.id);
    } catch (e) {
      started.failed.push({ feature: feature.id, message: e instanceof Error ? e.message : String(e) });
      console.error('[Balise]', feature.id, e);
    }
  }
  return started;
}

/** Run by the part's entry script: hand its API to the content script (same isolated world). */
export function installWebmailPart(kind: WebmailAdapterFactory['kind'], factory: Pick<WebmailAdapterFactory, 'create' | 'confirm'>): void {
  const name = webmailPartName(kind);
  if (!name) throw new Error(`no part for ${kind} in lib/parts/names.ts`);
  providePart<WebmailPartApi>(name, { start: (args) => startWebmail(factory, args) });
}
