/** What every feature gets on a webmail page, and what a feature is (the list of features is index.ts). */
import type { Detection, Webmail } from '../webmail/types';
import type { Bus } from './bus';

export interface FeatureContext {
  webmail: Webmail;
  detection: Detection;
  doc: Document;
  bus: Bus;
  /** Aborted when the content script is invalidated (extension updated or removed): clean up. */
  signal: AbortSignal;
}

export interface Feature {
  id: string;
  /** Whether the feature has something to do on this page. */
  applies(ctx: FeatureContext): boolean;
  /**
   * Mount on the page. What it returns (or resolves to) is the feature's handle: what it exposes to tests and the
   * demo (e.g. the quota meter's inspect()), kept by the content script; features register no test command.
   */
  mount(ctx: FeatureContext): unknown;
}
