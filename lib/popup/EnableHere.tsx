import { useState } from 'preact/hooks';
import { t } from '../i18n/t';
import { sameHost } from '../origins';
import { describeOrigin, enableHere, type EnableOutcome, type TabPlace } from './enable';

export interface EnableHereProps {
  place: TabPlace;
  /** The origins Balise already runs on. */
  registered: readonly string[];
  /** Called once Balise runs on the tab (the popup reloads its figures). */
  onEnabled(): void;
}

/**
 * The popup's card for the tab the user is on: one button to enable Balise there, or a hint pointing at the mail
 * pages when the tab is an operator's portal or sign-in page. Nothing when Balise already runs there.
 */
export function EnableHere({ place, registered, onEnabled }: EnableHereProps) {
  const [state, setState] = useState<'idle' | 'working' | EnableOutcome>('idle');
  const info = describeOrigin(place.origin);
  const host = new URL(place.origin).host;
  const active = registered.some((o) => sameHost(o, place.origin));
  if (active && state === 'idle') return null;

  if (info.role === 'portal' || info.role === 'login') {
    return (
      <section class="card" data-section="enable-here" data-role={info.role} aria-labelledby="enable-h">
        <h2 id="enable-h">{t('enableHeading')}</h2>
        <p>{t(info.role === 'portal' ? 'enablePortal' : 'enableLogin', info.label ?? host, info.mailOrigin ?? '')}</p>
      </section>
    );
  }

  const onClick = () => {
    setState('working');
    // enableHere() opens the browser's prompt synchronously, inside this click.
    void enableHere(place, info).then((outcome) => {
      setState(outcome);
      if (outcome.ok) onEnabled();
    });
  };

  return (
    <section class="card" data-section="enable-here" data-role={info.role} data-origin={place.origin} aria-labelledby="enable-h">
      <h2 id="enable-h">{t('enableHeading')}</h2>
      {typeof state === 'object' && state.ok ? (
        <p class="status ok" role="status" data-enabled="">
          {t(state.reloaded ? 'enableDoneReloaded' : 'enableDone', info.label ?? host)}
        </p>
      ) : (
        <>
          <p>{t('enableNotYet', host)}</p>
          {info.label ? <p class="muted">{t('enableKnown', info.label)}</p> : null}
          <button type="button" data-action="enable-origin" disabled={state === 'working'} aria-busy={state === 'working'} onClick={onClick}>
            {state === 'working' ? t('enableWorking') : info.label ? t('enableButtonKnown', info.label) : t('enableButton')}
          </button>
          <p class="muted">{t('enableOnlyWebmail')}</p>
          {typeof state === 'object' && !state.ok ? (
            <p class="status error" role="alert" data-notice="error">
              {state.reason === 'denied' ? t('enableDenied', host) : t('errorGeneric', state.message ?? host)}
            </p>
          ) : null}
        </>
      )}
    </section>
  );
}
