/**
 * The list of features mounted on webmail pages (one feature, one folder; this list is the only place that
 * names them). Features know no webmail: they get the adapter interface and render in shadow roots.
 */
import type { Detection, Webmail } from '../webmail/types';
import type { Bus } from './bus';
import { cleanupFeature } from './cleanup/feature';
import { quotaMeter } from './quota-meter/feature';
import { signatureFeature } from './signature/feature';
import { composeChecksFeature } from './compose-checks/feature';
import { unrecognisedFeature } from './unrecognised/feature';

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

export const FEATURES: Feature[] = [
  cleanupFeature,
  quotaMeter,
  signatureFeature,
  composeChecksFeature,
  unrecognisedFeature,
];
