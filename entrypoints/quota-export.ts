import { installExportPart } from '@/lib/export/part';

/** The export's on-demand part (lib/export/part-api.ts), loaded by the quota meter with lib/parts/load.ts. */
export default defineUnlistedScript(() => {
  installExportPart();
});
