import { browser } from 'wxt/browser';
import { send } from '../messages/send';
import { t, uiLang } from '../i18n/t';
import { useAsync } from '../ui/useAsync';
import type { Bal, Settings } from '../store/schemas';
import { BalCard } from './BalCard';
import { EnableHere } from './EnableHere';
import { activeTab, type TabPlace } from './enable';

async function load(): Promise<{ settings: Settings; bals: Bal[]; origins: number; registered: string[]; place: TabPlace | null }> {
  const [settings, bals, origins, place] = await Promise.all([
    send('settings/get', {}),
    send('bals/list', {}),
    send('origins/list', {}),
    activeTab().catch(() => null),
  ]);
  return { settings, bals, origins: origins.length, registered: origins.map((o) => o.origin), place };
}

export function PopupApp() {
  const [state, reload] = useAsync(load);
  const lang = uiLang();
  return (
    <main>
      <h1>{t('popupHeading')}</h1>
      {state.status === 'loading' ? <p aria-busy="true">…</p> : null}
      {state.status === 'error' ? (
        <p class="status error" role="alert">
          {t('errorGeneric', state.error.message)}
        </p>
      ) : null}
      {state.status === 'ready' ? (
        <>
          {state.value.place ? (
            <EnableHere
              place={state.value.place}
              registered={state.value.registered}
              onEnabled={() => {
                reload();
                // Balise needs a moment on the page to find the BAL there: read again once it has.
                setTimeout(reload, 2500);
              }}
            />
          ) : null}
          {state.value.bals.length === 0 ? (
            <p>{t('popupNoBal')}</p>
          ) : (
            <ul class="plain" aria-label={t('popupHeading')}>
              {state.value.bals.map((b) => (
                <BalCard key={b.address} bal={b} settings={state.value.settings} lang={lang} />
              ))}
            </ul>
          )}
          <p
            class="muted"
            data-setting="thresholds"
            data-warn={state.value.settings.quota.warnPercent}
            data-critical={state.value.settings.quota.criticalPercent}
          >
            {t('popupThresholds', state.value.settings.quota.warnPercent, state.value.settings.quota.criticalPercent)}
          </p>
          <p class="muted" data-setting="origins" data-count={state.value.origins}>
            {t('popupWebmails', state.value.origins)}
          </p>
        </>
      ) : null}
      <button type="button" class="secondary" data-action="open-options" onClick={() => void browser.runtime.openOptionsPage()}>
        {t('popupOpenOptions')}
      </button>
    </main>
  );
}
