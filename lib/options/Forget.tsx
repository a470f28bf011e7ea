/**
 * "Forget this mailbox" and "forget the mailboxes of a removed webmail": erase every row Balise derived from a
 * mailbox (lib/background/retention.ts). Two steps: the button shows what will go, a second button confirms.
 */
import { useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { errorText, type Notice } from './form-feedback';

export function ForgetBal({ address, onDone }: { address: string; onDone: (n: Notice) => void }) {
  const [asking, setAsking] = useState(false);
  const forget = async () => {
    try {
      const out = await send('registry/forget-bal', { address });
      onDone({ kind: 'ok', text: t('forgetDone', address, out.jobs, out.verdicts, out.quotaPoints) });
    } catch (err) {
      onDone({ kind: 'error', text: errorText(err) });
    } finally {
      setAsking(false);
    }
  };
  if (!asking) {
    return (
      <button type="button" class="secondary" data-action="forget-bal" onClick={() => setAsking(true)}>
        {t('forgetBal')}
      </button>
    );
  }
  return (
    <div class="card" role="alertdialog" data-confirm="forget-bal">
      <p>{t('forgetBalQuestion', address)}</p>
      <div class="row">
        <button type="button" data-action="confirm-forget-bal" onClick={() => void forget()}>
          {t('forgetConfirm')}
        </button>
        <button type="button" class="secondary" data-action="cancel-forget-bal" onClick={() => setAsking(false)}>
          {t('forgetCancel')}
        </button>
      </div>
    </div>
  );
}

/** After an origin was removed: offer to forget the mailboxes Balise still holds rows about from it. */
export function ForgetOrigin({ origin, mailboxes, onDone }: { origin: string; mailboxes: string[]; onDone: (n: Notice) => void }) {
  const forget = async () => {
    try {
      const out = await send('origins/forget', { origin });
      onDone({ kind: 'ok', text: t('forgetOriginDone', origin, out.bals.length) });
    } catch (err) {
      onDone({ kind: 'error', text: errorText(err) });
    }
  };
  return (
    <div class="card" role="alertdialog" data-confirm="forget-origin" data-origin={origin}>
      <p>{t('forgetOriginQuestion', origin)}</p>
      <ul>
        {mailboxes.map((m) => (
          <li key={m} data-mailbox={m}>
            {m}
          </li>
        ))}
      </ul>
      <div class="row">
        <button type="button" data-action="forget-origin" onClick={() => void forget()}>
          {t('forgetOriginConfirm')}
        </button>
        <button type="button" class="secondary" data-action="keep-origin-data" onClick={() => onDone(null)}>
          {t('forgetOriginKeep')}
        </button>
      </div>
    </div>
  );
}
