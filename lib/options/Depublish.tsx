/**
 * For a BAL the user no longer uses: what to do, in plain words (tell correspondents with an out-of-office,
 * ask the operator to depublish, only later delete), and a ready out-of-office text pointing to the preferred
 * BAL, with a copy button. Balise does none of it itself: only the operator can depublish or delete a BAL.
 */
import { useState } from 'preact/hooks';
import { t } from '../i18n/t';
import type { Bal } from '../store/schemas';
import type { Profile } from '../registry/schemas';
import { replacementFor } from '../registry/rules';
import { StatusLine, type Notice } from './form-feedback';

/** The out-of-office text for `bal`, or null when there is no preferred BAL to send correspondents to. */
export function autoReplyText(bal: Bal, bals: readonly Bal[], profile: Profile): string | null {
  const to = replacementFor(bals, bal);
  if (!to) return null;
  const name = [profile.prenom, profile.nom].filter((s) => s && s.trim()).join(' ');
  return t('depAutoreply', bal.address, to.address, name).trimEnd();
}

async function copyText(text: string, area: HTMLTextAreaElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!area) return false;
    area.focus();
    area.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

export function Depublish({ bal, bals, profile }: { bal: Bal; bals: readonly Bal[]; profile: Profile }) {
  const [notice, setNotice] = useState<Notice>(null);
  let area: HTMLTextAreaElement | null = null;
  const text = autoReplyText(bal, bals, profile);
  return (
    <div class="depublish card" data-panel="depublish" role="region" aria-label={t('depHeading', bal.address)}>
      <h4>{t('depHeading', bal.address)}</h4>
      <p>{t('depIntro')}</p>
      <ol>
        <li>{t('depStep1')}</li>
        <li>{t('depStep2', bal.operator?.trim() || t('depYourOperator'))}</li>
        <li>{t('depStep3')}</li>
      </ol>
      <p class="muted">{t('depNote')}</p>
      {text === null ? (
        <p class="status warn" data-notice="warn">
          {t('depNoPreferred')}
        </p>
      ) : (
        <>
          <label for={`autoreply-${bal.address}`}>{t('depAutoreplyLabel')}</label>
          <textarea
            id={`autoreply-${bal.address}`}
            data-autoreply=""
            readOnly
            rows={7}
            value={text}
            ref={(el) => {
              area = el;
            }}
          />
          <div class="row">
            <button
              type="button"
              data-action="copy-autoreply"
              onClick={() =>
                void copyText(text, area).then((ok) => setNotice(ok ? { kind: 'ok', text: t('depCopied') } : { kind: 'error', text: t('depCopyFailed') }))
              }
            >
              {t('depCopy')}
            </button>
          </div>
          <StatusLine notice={notice} />
        </>
      )}
    </div>
  );
}
