/**
 * The options page's export section: whether Balise's exports (before a permanent deletion, "keep a copy", a folder,
 * a selection) start with the readable archive (settings.cleanup.exportReadable: index.html and a folder per message,
 * beside the .eml files). Each export view still lets the person change it for that export. When IT locked it
 * (lib/managed/), the box shows IT's value and cannot be changed. Control: data-action="default-export-readable".
 */
import { useEffect, useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { useAsync } from '../ui/useAsync';

export function Exports() {
  const [settings, reload] = useAsync(() => send('settings/get', {}));
  const [managed] = useAsync(() => send('managed/get', {}));
  const locked = managed.status === 'ready' && managed.value.locked.includes('cleanup.exportReadable');
  const [on, setOn] = useState<boolean | null>(null);
  const [notice, setNotice] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);

  useEffect(() => {
    if (settings.status === 'ready') setOn(settings.value.cleanup.exportReadable);
  }, [settings.status, settings.status === 'ready' ? settings.value.cleanup.exportReadable : null]);

  const onChange = async (value: boolean) => {
    setOn(value);
    try {
      await send('settings/update', { patch: { cleanup: { exportReadable: value } } });
      setNotice({ kind: 'ok', text: t('optionsSaved') });
    } catch (err) {
      setNotice({ kind: 'error', text: t('errorGeneric', err instanceof Error ? err.message : String(err)) });
    }
    reload();
  };

  return (
    <section aria-labelledby="exports-h" data-section="exports">
      <h2 id="exports-h">{t('optionsExportsHeading')}</h2>
      <p>
        <label>
          <input
            type="checkbox"
            data-action="default-export-readable"
            checked={on ?? true}
            disabled={on === null || locked}
            aria-describedby={locked ? 'exports-locked' : 'exports-hint'}
            data-locked={locked ? 'true' : undefined}
            onChange={(e) => void onChange((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          {t('optionsExportReadable')}
        </label>
      </p>
      <p id="exports-hint" class="muted">
        {t('optionsExportReadableHint')}
      </p>
      {locked ? (
        <p id="exports-locked" class="muted" data-managed="locked">
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
