/** The cleanup panel's sections drawn by CleanupApp (App.tsx): summary, clinical choice, progress, blocked notice. */
import { t } from '../../../i18n/t';
import { formatBytes, formatDateTime, formatPercent, percentUsed, type Lang } from '../../../format';
import { Button, Notice, ProgressBar } from '../../../ui/components';
import type { Plan } from '../types';
import { plannedMessages, type PlanProgress } from '../plan';
import { refKey } from '../classify';
import type { PanelState } from './controller';
import { ExportStatus } from '../../../export/View';
import { onlyTrusted, trusted } from '../../../ui/trusted';

/**
 * A web firewall blocked Balise (WebmailError 'blocked'): every request is stopped (lib/webmail/kit/request.ts) and
 * stays stopped until the person presses the button. No automatic retry.
 */
export function BlockedNotice({ report, onResume }: { report?: { done: number; notDone: number } | null; onResume: () => void }) {
  return (
    <div class="b-notice error" role="alert" data-error="blocked">
      <p>{t('cleanup_blocked')}</p>
      <p data-blocked-state>{report ? t('cleanup_blocked_state', report.done, report.notDone) : t('cleanup_blocked_nothing')}</p>
      <Button action="resume-blocked" onClick={trusted(onResume)}>
        {t('cleanup_blocked_resume')}
      </Button>
    </div>
  );
}

export function planningText(p: PlanProgress, lang: Lang): string[] {
  if (p.phase === 'folders') return [t('cleanup_planning_folders')];
  if (p.phase === 'search') return [t('cleanup_planning_search', Math.min(p.done + 1, Math.max(p.total, 1)), Math.max(p.total, 1))];
  return [t('cleanup_planning_classify', p.done, p.total), t('cleanup_planning_bytes', formatBytes(p.downloadedBytes ?? 0, lang), p.cached ?? 0)];
}

export function Summary({ plan, lang }: { plan: Plan; lang: Lang }) {
  const planned = plannedMessages(plan);
  const toMove = planned.filter((m) => m.group !== 'trash');
  const inTrash = planned.filter((m) => m.group === 'trash');
  const moveBytes = toMove.reduce((a, m) => a + m.summary.size, 0);
  const trashBytes = inTrash.reduce((a, m) => a + m.summary.size, 0);
  const q = plan.quotaBefore;
  return (
    <section class="c-summary" data-freed-by-move={plan.freedByMove} data-freed-by-empty-trash={plan.freedByEmptyTrash} data-freed-precision={plan.freedPrecision} data-projected-used={plan.projectedUsed ?? ''} aria-labelledby="c-summary-h">
      <h3 id="c-summary-h" tabIndex={-1} data-focus>
        {t('cleanup_summary_heading')}
      </h3>
      {planned.length === 0 ? <p>{t('cleanup_nothing')}</p> : null}
      {toMove.length ? (
        <>
          <p data-figure="move">{t('cleanup_summary_move', toMove.length, formatBytes(moveBytes, lang))}</p>
          <p class="b-notice info" data-figure="freed-by-move">
            {t('cleanup_summary_trash_zero')}
          </p>
        </>
      ) : null}
      {inTrash.length ? <p data-figure="trash">{t('cleanup_summary_trash_only', inTrash.length, formatBytes(trashBytes, lang))}</p> : null}
      {planned.length ? (
        <p data-figure="freed">
          <strong>{t('cleanup_summary_freed', formatBytes(plan.freedByEmptyTrash, lang))}</strong>
          {plan.freedPrecision > 0 ? ` ${t('cleanup_summary_precision', formatBytes(plan.freedPrecision, lang))}` : ''}
        </p>
      ) : null}
      {q && q.limitBytes && plan.projectedUsed !== null && planned.length ? (
        <p data-figure="projected">
          {t(
            'cleanup_summary_projected',
            formatBytes(plan.projectedUsed, lang),
            formatBytes(q.limitBytes, lang),
            formatPercent(percentUsed(plan.projectedUsed, q.limitBytes), lang),
            formatPercent(percentUsed(q.usedBytes, q.limitBytes), lang),
          )}
        </p>
      ) : null}
      <p class="b-muted">{t('cleanup_snapshot_note', formatDateTime(plan.createdAt, lang))}</p>
    </section>
  );
}

export function Clinical({ state, onInclude }: { state: PanelState; onInclude: (on: boolean) => void }) {
  const snapshot = state.snapshot;
  // A plan made from the largest-messages view has no snapshot (no clinical check: the user chose each row).
  if (!snapshot) return null;
  // Clinical messages that only their document keeps (the ones the confirmation would include).
  const counts = { xdm: 0, hprim: 0, pdf: 0 };
  let total = 0;
  let unverified = 0;
  for (const c of snapshot.candidates) {
    const v = snapshot.verdicts.get(refKey(c.summary.ref));
    if (v === 'xdm' || v === 'hprim' || v === 'pdf') {
      counts[v]++;
      total++;
    } else if (v === 'unverified') unverified++;
  }
  if (!total && !unverified) return null;
  const included = !!state.rules?.includeClinical;
  return (
    <section class="c-clinical" data-clinical-count={total} data-included={included ? 'true' : 'false'} aria-labelledby="c-clinical-h">
      <h3 id="c-clinical-h">{t('cleanup_clinical_heading')}</h3>
      {total ? (
        <>
          <p>{t('cleanup_clinical_text', total, counts.xdm, counts.hprim, counts.pdf)}</p>
          <label class="c-confirm">
            <input
              type="checkbox"
              data-action="include-clinical"
              checked={included}
              disabled={state.clinicalLocked}
              aria-describedby={state.clinicalLocked ? 'c-clinical-locked' : undefined}
              onClick={onlyTrusted}
              onChange={trusted((e) => onInclude((e.currentTarget as HTMLInputElement).checked))}
            />{' '}
            {t('cleanup_clinical_confirm')}
          </label>
          {state.clinicalLocked ? (
            <p id="c-clinical-locked" class="b-muted" data-managed="locked">
              {t('managedLockedNote')}
            </p>
          ) : null}
          {included ? <Notice kind="warn">{t('cleanup_clinical_included')}</Notice> : null}
        </>
      ) : null}
      {unverified ? <p class="b-notice warn">{t('cleanup_unverified_note', unverified)}</p> : null}
    </section>
  );
}

export const EXPORT_RUNNING = new Set(['picking', 'exporting', 'verifying', 'saving']);

export function RunProgress({ state, lang, onCancel }: { state: PanelState; lang: Lang; onCancel: () => void }) {
  const s = state.stage;
  if (s.kind !== 'running') return null;
  const p = s.progress;
  const x = state.exportView && EXPORT_RUNNING.has(state.exportView.state) ? state.exportView : null;
  const title = x ? t('cleanup_running_export') : s.action === 'trash' ? t('cleanup_running_trash') : s.action === 'delete' ? t('cleanup_running_delete') : t('cleanup_running_undo');
  return (
    <section class="c-progress" data-running={s.action} data-done-count={p?.doneCount ?? 0} data-total-count={p?.totalCount ?? 0} aria-busy="true">
      <p tabIndex={-1} data-focus>
        {title}
      </p>
      {x ? (
        // The export's own view (lib/export/View.tsx): progress, stop button, then each file saved and checked.
        <ExportStatus state={x.state} progress={x.progress} result={x.result} error={x.error} lang={lang} onCancel={onCancel} />
      ) : p ? (
        <>
          <ProgressBar value={p.doneCount + p.failedCount} max={p.totalCount} label={t('cleanup_progress_label')} />
          <p>
            {t('cleanup_progress', p.doneCount, p.totalCount, formatBytes(p.doneBytes, lang), formatBytes(p.totalBytes, lang))}
            {p.failedCount ? ` – ${t('cleanup_progress_failed', p.failedCount)}` : ''}
          </p>
          {p.batches > 1 ? <p class="b-muted">{t('cleanup_progress_batch', Math.min(p.batch, p.batches), p.batches)}</p> : null}
        </>
      ) : (
        <ProgressBar value={0} max={1} label={t('cleanup_progress_label')} />
      )}
      {s.stopping ? <p class="b-muted">{t('cleanup_stopping')}</p> : null}
      {x ? null : (
        <Button action="cancel" variant="secondary" onClick={onCancel} disabled={s.stopping}>
          {t('cleanup_stop_run')}
        </Button>
      )}
    </section>
  );
}

/** One sentence for screen readers, announced as things progress. */
export function liveText(state: PanelState, lang: Lang): string {
  const s = state.stage;
  if (s.kind === 'planning') return planningText(s.progress, lang)[0]!;
  if (s.kind === 'running') {
    const x = state.exportView;
    if (x?.progress && EXPORT_RUNNING.has(x.state)) return t('export_progress', x.progress.done, x.progress.total, formatBytes(x.progress.bytes, lang));
    if (s.progress) return t('cleanup_progress', s.progress.doneCount, s.progress.totalCount, formatBytes(s.progress.doneBytes, lang), formatBytes(s.progress.totalBytes, lang));
  }
  if (s.kind === 'report' && state.report) return `${t('cleanup_done')}.`;
  return '';
}
