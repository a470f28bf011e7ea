/**
 * Messages of the retention warning (webmails that delete every message after a fixed time: Medimail): the meter on
 * the page (lib/features/retention-meter/) reports, the background (lib/background/expiry.ts) notifies once.
 */
import * as z from 'zod/mini';
import { def, Ok } from './define';
import { Email } from '../store/schemas';

export const retentionMessages = {
  /**
   * The retention meter counted what a webmail that deletes by age (Medimail) deletes within its horizon for this
   * BAL: the background notifies once, a few days before the first deletion (lib/quota-rules/expiry-alert.ts).
   */
  'retention/report': def(
    {
      address: Email,
      lifetimeDays: z.number().check(z.int(), z.gte(1), z.lte(3650)),
      count: z.number().check(z.int(), z.gte(0)),
      firstExpiry: z.nullable(z.number().check(z.gte(0))),
      horizonEnd: z.number().check(z.gte(0)),
    },
    Ok,
    ['content'],
  ),
} as const;
