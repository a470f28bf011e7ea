import { t } from '../i18n/t';
import { Webmails } from './Webmails';
import { Thresholds } from './Thresholds';
import { MyBals } from './MyBals';
import { Managed } from './Managed';
import { Exports } from './Exports';

/** The options page: one section per concern; features add theirs to this list. */
export function OptionsApp() {
  return (
    <main class="options">
      <h1>{t('optionsTitle')}</h1>
      <Managed />
      <Webmails />
      <Thresholds />
      <Exports />
      <MyBals />
    </main>
  );
}
