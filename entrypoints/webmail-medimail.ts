import { installWebmailPart } from '@/lib/content/part';
import { medimailFactory } from '@/lib/webmail/medimail';

/** Medimail's adapter and the features: the on-demand part the content script loads on a Medimail page. */
export default defineUnlistedScript(() => {
  installWebmailPart('medimail', medimailFactory);
});
