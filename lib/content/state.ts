/** What the content script knows of its page (lib/content/main.ts fills it; test builds read it). */
import type { Detection, Webmail } from '../webmail/types';
import type { Bus } from '../features/bus';

export interface ContentState {
  detection: Detection | null;
  webmail: Webmail | null;
  bus: Bus;
  mounted: string[];
  failed: { feature: string; message: string }[];
  /** Each mounted feature's handle (see Feature.mount). */
  features: Record<string, unknown>;
  /** Resolves once the flow below is over (webmail and features ready, or nothing to do here). */
  settled: Promise<void>;
}
