import { browser } from 'wxt/browser';
import { t } from '../i18n/t';

/**
 * The page opened once, on first install: what Balise does, that nothing leaves the computer, how to enable it on
 * the webmail. Text only, from the catalogs (French first, English for English browsers); nothing remote.
 */
export function WelcomeApp() {
  return (
    <main class="welcome" data-page="welcome">
      <h1>{t('welcomeTitle')}</h1>
      <p class="lead">{t('welcomeIntro')}</p>
      <section aria-labelledby="what-h" data-section="what">
        <h2 id="what-h">{t('welcomeWhatHeading')}</h2>
        <ul>
          <li>{t('welcomeWhatQuota')}</li>
          <li>{t('welcomeWhatCleanup')}</li>
          <li>{t('welcomeWhatSignature')}</li>
        </ul>
      </section>
      <section aria-labelledby="privacy-h" data-section="privacy">
        <h2 id="privacy-h">{t('welcomePrivacyHeading')}</h2>
        <p>{t('welcomePrivacy')}</p>
      </section>
      <section aria-labelledby="how-h" data-section="how">
        <h2 id="how-h">{t('welcomeHowHeading')}</h2>
        <ol>
          <li>{t('welcomeHow1')}</li>
          <li>{t('welcomeHow2')}</li>
          <li>{t('welcomeHow3')}</li>
        </ol>
        <p class="muted">{t('welcomeHowOptions')}</p>
        <button type="button" data-action="open-options" onClick={() => void browser.runtime.openOptionsPage()}>
          {t('welcomeOpenOptions')}
        </button>
      </section>
    </main>
  );
}
