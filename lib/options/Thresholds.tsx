import { useEffect, useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { useAsync } from '../ui/useAsync';

export function Thresholds() {
  const [settings, reload] = useAsync(() => send('settings/get', {}));
  const [managed] = useAsync(() => send('managed/get', {}));
  const locked = managed.status === 'ready' ? managed.value.locked : [];
  const warnLocked = locked.includes('quota.warnPercent');
  const critLocked = locked.includes('quota.criticalPercent');
  const [warn, setWarn] = useState('');
  const [crit, setCrit] = useState('');
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (settings.status === 'ready') {
      setWarn(String(settings.value.quota.warnPercent));
      setCrit(String(settings.value.quota.criticalPercent));
    }
  }, [settings.status]);

  const onSave = async (e: Event) => {
    e.preventDefault();
    const w = Number(warn);
    const c = Number(crit);
    if (!Number.isInteger(w) || !Number.isInteger(c) || w < 1 || c > 100 || c <= w) {
      setNotice({ kind: 'error', text: t('optionsThresholdsInvalid') });
      return;
    }
    try {
      await send('settings/update', { patch: { quota: { warnPercent: w, criticalPercent: c } } });
      setNotice({ kind: 'ok', text: t('optionsSaved') });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: t('errorGeneric', err instanceof Error ? err.message : String(err)) });
    }
  };

  return (
    <section aria-labelledby="thresholds-h" data-section="thresholds">
      <h2 id="thresholds-h">{t('optionsThresholdsHeading')}</h2>
      <form onSubmit={onSave} class="row">
        <div>
          <label for="warn">{t('optionsWarnLabel')}</label>
          <input id="warn" type="number" min={1} max={99} required readOnly={warnLocked} aria-describedby={warnLocked ? 'thresholds-locked' : undefined} data-locked={warnLocked ? 'true' : undefined} value={warn} onInput={(e) => setWarn((e.target as HTMLInputElement).value)} />
        </div>
        <div>
          <label for="crit">{t('optionsCritLabel')}</label>
          <input id="crit" type="number" min={2} max={100} required readOnly={critLocked} aria-describedby={critLocked ? 'thresholds-locked' : undefined} data-locked={critLocked ? 'true' : undefined} value={crit} onInput={(e) => setCrit((e.target as HTMLInputElement).value)} />
        </div>
        <div style="align-self:flex-end">
          <button type="submit" data-action="save-thresholds" disabled={warnLocked && critLocked}>
            {t('optionsSave')}
          </button>
        </div>
      </form>
      {warnLocked || critLocked ? (
        <p id="thresholds-locked" class="muted" data-managed="locked">
          {t('managedLockedNote')}
        </p>
      ) : null}
      <div aria-live="polite">
        {notice ? (
          <p class={`status ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-notice={notice.kind}>
            {notice.text}
          </p>
        ) : null}
      </div>
    </section>
  );
}
