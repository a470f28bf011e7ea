import { send } from '../messages/send';
import { t, type MessageKey } from '../i18n/t';
import { useAsync } from '../ui/useAsync';
import { managedValue } from '../managed/merge';
import { MANAGED_SETTINGS, type ManagedSetting } from '../managed/schema';

/** The label of each setting IT may set, as the options and the cleanup panel name it. */
const LABELS: Record<ManagedSetting, MessageKey> = {
  'quota.warnPercent': 'optionsWarnLabel',
  'quota.criticalPercent': 'optionsCritLabel',
  'cleanup.oldMonths': 'managedOldMonths',
  'cleanup.largeMB': 'managedLargeMB',
  'cleanup.largeOlderThanMonths': 'managedLargeOlderThanMonths',
  'cleanup.recentDays': 'managedRecentDays',
  'cleanup.protectUnread': 'managedProtectUnread',
  'cleanup.protectFlagged': 'managedProtectFlagged',
  'cleanup.protectClinical': 'managedProtectClinical',
  'cleanup.exportBeforeDelete': 'managedExportBeforeDelete',
  'cleanup.exportReadable': 'managedExportReadable',
};

/** Shown only when IT configured Balise: what it set, what is locked, its webmails and organisational BALs. */
export function Managed() {
  const [state] = useAsync(() => send('managed/get', {}));
  if (state.status !== 'ready' || !state.value.managed) return null;
  const { config, locked, origins } = state.value;
  const rows = MANAGED_SETTINGS.filter((p) => managedValue(config, p) !== undefined || locked.includes(p));
  const show = (v: number | boolean | undefined) => (v === undefined ? t('managedDefault') : typeof v === 'boolean' ? t(v ? 'managedOn' : 'managedOff') : String(v));
  return (
    <section aria-labelledby="managed-h" data-section="managed">
      <h2 id="managed-h">{t('managedBadge')}</h2>
      {origins.length ? <p data-managed="origins">{t('managedOrigins', origins.join(', '))}</p> : null}
      {rows.length ? (
        <table class="managed">
          <caption class="muted">{t('managedSettingsCaption')}</caption>
          <tbody>
            {rows.map((p) => (
              <tr key={p} data-managed-setting={p} data-locked={locked.includes(p) ? 'true' : 'false'}>
                <th scope="row">{t(LABELS[p])}</th>
                <td>{show(managedValue(config, p))}</td>
                <td>{locked.includes(p) ? t('managedLocked') : t('managedRecommended')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {config.bals?.length ? (
        <ul class="plain" data-managed="bals">
          {config.bals.map((b) => (
            <li key={b.address} class="card">
              {b.address}
              {b.situation ? ` — ${b.situation.label}` : ''}
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
