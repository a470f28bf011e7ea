import { installQuotaExport } from '@/lib/features/quota-meter/export-part';

/**
 * The quota meter's "keep a copy" export, loaded on demand by the content script with import() (see
 * lib/features/quota-meter/export-lazy.ts), in the content script's own world.
 */
export default defineUnlistedScript(() => {
  installQuotaExport();
});
