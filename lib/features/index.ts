/**
 * The list of features mounted on webmail pages (one feature, one folder; this list is the only place that
 * names them). Features know no webmail: they get the adapter interface and render in shadow roots.
 */
import { cleanupFeature } from './cleanup/feature';
import { quotaMeter } from './quota-meter/feature';
import { signatureFeature } from './signature/feature';
import { composeChecksFeature } from './compose-checks/feature';
import { unrecognisedFeature } from './unrecognised/feature';
import { retentionMeter } from './retention-meter/feature';

export type { Feature, FeatureContext } from './context';
import type { Feature } from './context';

export const FEATURES: Feature[] = [
  cleanupFeature,
  quotaMeter,
  signatureFeature,
  composeChecksFeature,
  unrecognisedFeature,
  retentionMeter,
];
