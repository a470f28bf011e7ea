import { installWebmailPart } from '@/lib/content/part';
import { zimbraAdapter } from '@/lib/webmail/zimbra';

/** Zimbra's adapter and the features: the on-demand part the content script loads on a Zimbra page. */
export default defineUnlistedScript(() => {
  installWebmailPart('zimbra', zimbraAdapter);
});
