/** Messages of the first steps: enabling Balise on the webmail tab the user is on, from the toolbar popup. */
import * as z from 'zod/mini';
import { def } from './define';
import { OriginString } from '../store/schemas';

export const onboardingMessages = {
  /**
   * Sent by the popup just BEFORE it asks the browser for the origin (the request must stay in the click, and
   * Firefox may close the popup while its prompt is shown): the background waits for the permission, registers
   * the origin and brings Balise up in that tab. Answers once done, or `not-granted` after a while.
   */
  'origins/enable-tab': def(
    {
      origin: OriginString,
      tabId: z.number().check(z.int(), z.gte(0)),
      knownId: z.optional(z.string().check(z.maxLength(64))),
    },
    z.object({
      ok: z.boolean(),
      reason: z.optional(z.enum(['not-granted', 'invalid', 'tab-moved'])),
      /** 'injected': Balise started in the open tab; 'reloaded': the tab was reloaded instead; 'none': neither. */
      started: z.optional(z.enum(['injected', 'reloaded', 'none'])),
    }),
    ['page'],
  ),
} as const;
