import { browser } from 'wxt/browser';
import { send } from '../messages/send';
import { t, uiLang } from '../i18n/t';
import { useAsync } from '../ui/useAsync';
import { useEffect, useState } from 'preact/hooks';
import { sameHost } from '../origins';
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

/** After "enable here": how long the popup waits for the page to report its mailbox, and how often it looks (local reads only). */
const LOOK_FOR_MS = 15_000;
const LOOK_EVERY_MS = 1_000;

export function PopupApp() {
  const [state, reload] = useAsync(load);
  const [lookingSince, setLookingSince] = useState<number | null>(null);
  const lang = uiLang();
  const bals = state.status === 'ready' ? state.value.bals.length : 0;
  // Balise needs a moment on the page to find the mailbox there: the popup reads its own store again (the background,
  // never the webmail) until the page has reported one, for LOOK_FOR_MS at most.
  useEffect(() => {
    if (lookingSince === null) return;
    if (bals > 0 || Date.now() - lookingSince > LOOK_FOR_MS) {
      setLookingSince(null);
      return;
    }
    const id = setTimeout(reload, LOOK_EVERY_MS);
    return () => clearTimeout(id);
  }, [lookingSince, state]);
  const here = state.status === 'ready' ? state.value.place : null;
  const activeHere = !!here && state.status === 'ready' && state.value.registered.some((o) => sameHost(o, here.origin));
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
                setLookingSince(Date.now());
              }}
            />
          ) : null}
          {state.value.bals.length === 0 ? (
            lookingSince !== null ? (
              <p class="status" role="status" aria-busy="true" data-notice="looking">
                {t('popupLooking')}
              </p>
            ) : (
              <p data-notice={activeHere ? 'not-found-here' : 'no-bal'}>{t(activeHere ? 'popupNotFoundHere' : 'popupNoBal')}</p>
            )
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
