/**
 * Settings file: export everything Balise keeps about the user's set-up (settings, registry, templates, the
 * person's details, webmail origins) as one JSON file; import one back (all or nothing, checked first). Origins
 * from a file still need the browser's permission: they are listed and asked for on a click.
 */
import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { originToMatchPattern } from '../origins';
import { importMessageKey, importPlace } from '../registry/error-keys';
import { MAX_CHARS, type ImportProblem, type SafetyKey } from '../registry/transfer';
import { errorText, StatusLine, type Notice } from './form-feedback';

export function importProblemText(problem: ImportProblem): string {
  return t('trImportError', t(importMessageKey(problem.code), importPlace(problem, t)));
}

export function Transfer({ reload }: { reload: () => void }) {
  const [notice, setNotice] = useState<Notice>(null);
  const [origins, setOrigins] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  /** A file that turns safety settings off, waiting for the user's confirmation. */
  const [pending, setPending] = useState<{ json: string; keys: SafetyKey[] } | null>(null);

  const onExport = async () => {
    try {
      const { json, filename } = await send('transfer/export', {});
      const url = URL.createObjectURL(new Blob([json], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      a.setAttribute('data-export', filename);
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setNotice({ kind: 'ok', text: t('trExported', filename) });
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };

  const onImport = async (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    setOrigins([]);
    setPending(null);
    if (file.size > MAX_CHARS * 4) {
      setNotice({ kind: 'error', text: importProblemText({ code: 'too-large', path: [] }) });
      return;
    }
    setBusy(true);
    try {
      const text = await file.text();
      if (text.length > MAX_CHARS) {
        setNotice({ kind: 'error', text: importProblemText({ code: 'too-large', path: [] }) });
        return;
      }
      await runImport(text, []);
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const runImport = async (json: string, confirm: SafetyKey[]) => {
    const res = await send('transfer/import', { json, ...(confirm.length ? { confirm } : {}) });
    if (!res.ok) {
      if ('confirm' in res) {
        // Nothing was written: show the user what the file turns off, and wait for their word.
        setPending({ json, keys: res.confirm });
        setNotice(null);
      } else {
        setNotice({ kind: 'error', text: importProblemText(res.problem as ImportProblem) });
      }
      return;
    }
    setPending(null);
    setNotice({ kind: 'ok', text: t('trImported', res.counts.bals, res.counts.templates) });
    setOrigins(res.origins);
    reload();
  };

  const onConfirm = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      await runImport(pending.json, pending.keys);
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const onCancelImport = () => {
    setPending(null);
    setNotice({ kind: 'ok', text: t('trSafetyCancelled') });
  };

  const onGrant = () => {
    const patterns = [...new Set(origins.map(originToMatchPattern))];
    // No await before this call: the browser only asks inside the user's click.
    void browser.permissions
      .request({ origins: patterns })
      .then(async (ok) => {
        if (!ok) {
          setNotice({ kind: 'error', text: t('trDenied') });
          return;
        }
        const left: string[] = [];
        for (const origin of origins) {
          const r = await send('origins/add', { origin });
          if (!r.ok) left.push(origin);
        }
        setOrigins(left);
        setNotice(left.length ? { kind: 'error', text: t('trDenied') } : { kind: 'ok', text: t('trGranted') });
        reload();
      })
      .catch((err: unknown) => setNotice({ kind: 'error', text: errorText(err) }));
  };

  return (
    <section aria-labelledby="transfer-h" data-section="transfer">
      <h2 id="transfer-h">{t('trHeading')}</h2>
      <p class="muted">{t('trHelp')}</p>
      <button type="button" data-action="export" onClick={() => void onExport()}>
        {t('trExport')}
      </button>
      <label for="import-file">{t('trImportLabel')}</label>
      <p class="muted">{t('trImportHelp')}</p>
      <input id="import-file" type="file" accept="application/json,.json" disabled={busy} onChange={(e) => void onImport(e)} />
      <StatusLine notice={notice} />
      {pending ? (
        <div class="card" role="alertdialog" aria-labelledby="import-confirm-h" data-list="import-confirm">
          <p id="import-confirm-h">
            <strong>{t('trSafetyHeading')}</strong>
          </p>
          <ul>
            {pending.keys.map((k) => (
              <li key={k} data-safety={k}>
                {t(k === 'exportBeforeDelete' ? 'trSafetyExportBeforeDelete' : 'trSafetyProtectClinical')}
              </li>
            ))}
          </ul>
          <p>{t('trSafetyQuestion')}</p>
          <div class="row">
            <button type="button" class="danger" data-action="confirm-import" disabled={busy} onClick={() => void onConfirm()}>
              {t('trSafetyConfirm')}
            </button>
            <button type="button" class="secondary" data-action="cancel-import" disabled={busy} onClick={onCancelImport}>
              {t('trSafetyCancel')}
            </button>
          </div>
        </div>
      ) : null}
      {origins.length ? (
        <div class="card" data-list="import-origins">
          <p>{t('trOrigins')}</p>
          <ul>
            {origins.map((o) => (
              <li key={o} data-origin={o}>
                {o}
              </li>
            ))}
          </ul>
          <button type="button" data-action="grant-origins" onClick={onGrant}>
            {t('trGrant')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
