/**
 * The list of features mounted on webmail pages (one feature, one folder; this list is the only place that
 * names them). Features know no webmail: they get the adapter interface and render in shadow roots.
 */
import type { Detection, Webmail } from '../webmail/types';
import type { Bus } from './bus';
import { cleanupFeature } from './cleanup';
import { quotaMeter } from './quota-meter';
import { signatureFeature } from './signature/feature';
import { composeChecksFeature } from './compose-checks/feature';
import { unrecognisedFeature } from './unrecognised';
import { retentionMeter } from './retention-meter';

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
  mount(ctx: FeatureContext): void | Promise<void>;
}

export const FEATURES: Feature[] = [
  cleanupFeature,
  quotaMeter,
  signatureFeature,
  composeChecksFeature,
  unrecognisedFeature,
  retentionMeter,
];
