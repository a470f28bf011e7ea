import { installWebmailPart } from '@/lib/content/part';
import { roundcubeFactory } from '@/lib/webmail/roundcube';

/** Roundcube's adapter and the features: the on-demand part the content script loads on a Roundcube page. */
export default defineUnlistedScript(() => {
  installWebmailPart('roundcube', roundcubeFactory);
});
