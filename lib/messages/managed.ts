/** What IT configured (managed storage), for Balise's pages: shown as such, locked settings not editable. */
import * as z from 'zod/mini';
import { def } from './define';
import { ManagedConfig } from '../managed/schema';

export const managedMessages = {
  'managed/get': def(
    {},
    z.object({
      managed: z.boolean(),
      config: ManagedConfig,
      locked: z.array(z.string()),
      origins: z.array(z.string()),
      problems: z.array(z.string()),
    }),
    ['page', 'content'],
  ),
} as const;
