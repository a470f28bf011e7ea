/**
 * The export's UI pieces, for the cleanup panel (and anyone exporting, e.g. before a retention purge):
 * - ExportStatus: progress (messages, MB, what is happening), a stop button, then the result: each file saved,
 *   where, and whether it was checked; or the failure in plain words. Presentational: give it what the export
 *   reports.
 * - ExportPanel: the same with its own start button, running exportMessages() itself.
 *
 * Public contract (automation, e2e): the root carries data-export-state (idle | picking | exporting | verifying |
 * saving | verified | failed | cancelled) and data-exported-count (messages in the export so far, or in the
 * checked result); the start button is data-action="export", the stop button data-action="cancel-export"; each
 * file line carries data-file and data-verified; the "also write the readable archive" box is
 * data-action="export-readable" (checked by default: settings.cleanup.exportReadable). Text only, never HTML.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { send } from '../messages/send';
import type { Webmail } from '../webmail/types';
import { Button, Notice, ProgressBar } from '../ui/components';
import { formatBytes, type Lang } from '../format';
import { t } from '../i18n/t';
import {
  exportMessages,
  isExportError,
  type ExportDeps,
  type ExportError,
  type ExportItem,
  type ExportProgress,
  type ExportResult,
  type ExportTarget,
} from '.';

export type ExportUiState = 'idle' | 'picking' | 'exporting' | 'verifying' | 'saving' | 'verified' | 'failed' | 'cancelled';

export const EXPORT_CSS = `
.x-export { display: flex; flex-direction: column; gap: 0.35rem; }
.x-export p { margin: 0.2rem 0; }
.x-option { display: block; margin: 0.2rem 0; }
.x-files { margin: 0.2rem 0; padding-left: 1.2rem; }
.x-files li { margin: 0.15rem 0; word-break: break-all; }
.x-badge { display: inline-block; margin-left: 0.4rem; padding: 0 0.35rem; border-radius: 3px; background: #dafbe1; color: var(--b-ok); font-weight: 600; word-break: normal; }
`;

/** The UI state for an export progress report. */
export function stateOf(p: ExportProgress | null): ExportUiState {
  if (!p) return 'exporting';
  return p.phase === 'verify' ? 'verifying' : p.phase === 'save' ? 'saving' : 'exporting';
}

function errorKey(e: ExportError): Parameters<typeof t>[0] {
  switch (e.code) {
    case 'picker-cancelled':
      return 'export_error_picker_cancelled';
    case 'message-failed':
      return 'export_error_message_failed';
    case 'verify-failed':
      return 'export_error_verify_failed';
    case 'download-failed':
      return 'export_error_download_failed';
    case 'too-large':
      return 'export_error_too_large';
    case 'unsupported':
      return 'export_error_unsupported';
    case 'cancelled':
      return 'export_cancelled';
    default:
      return 'export_error_write_failed';
  }
}

/** Plain words for an export failure. */
export function exportErrorText(e: ExportError): string {
  if (e.code === 'message-failed') return t('export_error_message_failed', e.detail.subject || `${e.detail.ref?.folderId ?? ''} ${e.detail.ref?.id ?? ''}`.trim());
  return t(errorKey(e));
}

export function ExportStatus({
  state,
  progress,
  result,
  error,
  lang,
  onCancel,
}: {
  state: ExportUiState;
  progress: ExportProgress | null;
  result: ExportResult | null;
  error: ExportError | null;
  lang: Lang;
  onCancel?: () => void;
}) {
  const count = result ? (result.verified ? result.count : 0) : (progress?.done ?? 0);
  const running = state === 'picking' || state === 'exporting' || state === 'verifying' || state === 'saving';
  return (
    <section class="x-export" data-export-state={state} data-exported-count={count} aria-busy={running ? 'true' : 'false'}>
      {state === 'picking' ? <p>{t('export_phase_picking')}</p> : null}
      {progress && running ? (
        <>
          <ProgressBar
            value={state === 'verifying' ? (progress.checked ?? 0) : progress.done}
            max={state === 'verifying' ? (progress.toCheck ?? 1) : progress.total}
            label={t('export_progressLabel')}
          />
          <p>{t('export_progress', progress.done, progress.total, formatBytes(progress.bytes, lang))}</p>
          <p class="b-muted" role="status">
            {state === 'verifying'
              ? t('export_phase_verify', progress.checked ?? 0, progress.toCheck ?? 0)
              : state === 'saving'
                ? t('export_phase_save')
                : t('export_phase_download')}
          </p>
        </>
      ) : null}
      {running && onCancel ? (
        <div class="b-row">
          <Button action="cancel-export" variant="secondary" onClick={onCancel}>
            {t('export_cancel')}
          </Button>
        </div>
      ) : null}
      {result ? (
        <>
          {result.verified ? (
            <Notice kind="ok" data-verified="true">
              {t(result.verification.method === 'reread-saved-file' ? 'export_verified_file' : 'export_verified_downloads', result.count)}
            </Notice>
          ) : (
            <Notice kind="error" data-verified="false">
              {t('export_failed')}
            </Notice>
          )}
          <p>{t('export_savedIn')}</p>
          <ul class="x-files">
            {result.files.map((f) => (
              <li key={f.name} data-file={f.name} data-verified={f.check.matched === f.check.entries ? 'true' : 'false'}>
                {t('export_fileLine', f.savedAs || f.name, f.messages, formatBytes(f.bytes, lang))}
                {f.check.matched === f.check.entries ? (
                  <>
                    {' '}
                    <span class="x-badge">{t('export_verifiedBadge')}</span>
                  </>
                ) : null}
              </li>
            ))}
          </ul>
          {result.target === 'downloads' && result.files[0] ? (
            <p class="b-muted" data-saved-at={result.files[0].savedAs}>
              {t('export_savedAt', result.files[0].savedAs)}
            </p>
          ) : null}
        </>
      ) : null}
      {error ? (
        <Notice kind={error.code === 'cancelled' || error.code === 'picker-cancelled' ? 'info' : 'error'} data-export-error={error.code}>
          {exportErrorText(error)}
          {error.code !== 'cancelled' && error.code !== 'picker-cancelled' ? ` ${t('export_failed')}` : ''}
          {error.detail.leftFiles?.length ? (
            <>
              <br />
              {t('export_leftFiles')} {error.detail.leftFiles.join(', ')}
            </>
          ) : null}
        </Notice>
      ) : null}
      <Notice kind="warn" data-notice="patient-data">
        {t('export_reminder')}
      </Notice>
    </section>
  );
}

/**
 * A start button and the export's status. exportMessages() is called straight from the click (so Chromium's save
 * dialog gets the click's user activation).
 */
export function ExportPanel({
  webmail,
  items,
  filenameBase,
  lang,
  partBytes,
  target,
  deps,
  readable: readableProp,
  onVerified,
  onFailed,
  onBusy,
}: {
  webmail: Webmail;
  items: ExportItem[];
  filenameBase: string;
  lang: Lang;
  partBytes?: number;
  target?: ExportTarget;
  deps?: ExportDeps;
  /** Start with the readable archive on or off (default: the setting cleanup.exportReadable, else on). */
  readable?: boolean;
  onVerified?: (r: ExportResult) => void;
  onFailed?: (e: ExportError) => void;
  /** Told when an export starts and ends (a chooser keeps its choice still meanwhile). */
  onBusy?: (busy: boolean) => void;
}) {
  const [state, setState] = useState<ExportUiState>('idle');
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [result, setResult] = useState<ExportResult | null>(null);
  const [error, setError] = useState<ExportError | null>(null);
  const [readable, setReadable] = useState(readableProp ?? true);
  const [askWhere, setAskWhere] = useState(false);
  const touched = useRef(readableProp !== undefined);
  useEffect(() => {
    if (touched.current) return;
    let live = true;
    send('settings/get', {}).then(
      (s) => {
        if (live && !touched.current) setReadable(s.cleanup.exportReadable);
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, []);
  const ctl = useRef<AbortController | null>(null);
  const totalBytes = items.reduce((s, i) => s + (i.size ?? 0), 0);

  const start = () => {
    const abort = new AbortController();
    ctl.current = abort;
    setResult(null);
    setError(null);
    setProgress(null);
    setState('picking');
    // No await before this call: the save dialog needs the click.
    const running = exportMessages(
      webmail,
      items,
      {
        filenameBase,
        readable,
        askWhere,
        signal: abort.signal,
        ...(partBytes ? { partBytes } : {}),
        ...(target ? { target } : {}),
        onProgress: (p) => {
          setProgress(p);
          setState(stateOf(p));
        },
      },
      deps,
    );
    running.then(
      (r) => {
        setResult(r);
        setState(r.verified ? 'verified' : 'failed');
        if (r.verified) onVerified?.(r);
      },
      (e: unknown) => {
        const err = isExportError(e) ? e : null;
        setError(err);
        setState(err?.code === 'cancelled' || err?.code === 'picker-cancelled' ? 'cancelled' : 'failed');
        if (err) onFailed?.(err);
        else console.error('[Balise] export', e);
      },
    );
  };

  const busy = state === 'picking' || state === 'exporting' || state === 'verifying' || state === 'saving';
  useEffect(() => onBusy?.(busy), [busy]);
  return (
    <div class="x-panel">
      {state !== 'verified' ? (
        <div class="b-row">
          <Button action="export" onClick={start} disabled={busy || !items.length}>
            {items.length === 1 ? t('export_startOne', formatBytes(totalBytes, lang)) : t('export_start', items.length, formatBytes(totalBytes, lang))}
          </Button>
        </div>
      ) : null}
      {state !== 'verified' ? (
        <label class="x-option">
          <input
            type="checkbox"
            data-action="export-readable"
            checked={readable}
            disabled={busy}
            onChange={(e) => {
              touched.current = true;
              setReadable((e.currentTarget as HTMLInputElement).checked);
            }}
          />{' '}
          {t('export_readable')}
        </label>
      ) : null}
      {state !== 'verified' ? (
        <label class="x-option">
          <input type="checkbox" data-action="export-ask-where" checked={askWhere} disabled={busy} onChange={(e) => setAskWhere((e.currentTarget as HTMLInputElement).checked)} />{' '}
          {t('export_askWhere')}
        </label>
      ) : null}
      <ExportStatus state={state} progress={progress} result={result} error={error} lang={lang} onCancel={() => ctl.current?.abort()} />
    </div>
  );
}
