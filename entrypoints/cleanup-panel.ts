import { installPanelPart } from '@/lib/features/cleanup/panel/part';

/** The cleanup panel's on-demand part (lib/features/cleanup/panel/part-api.ts), loaded with lib/parts/load.ts. */
export default defineUnlistedScript(() => {
  installPanelPart();
});
