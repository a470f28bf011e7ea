/** The cleanup panel: a modal dialog drawing the controller's state (controller.ts). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../../i18n/t';
import { formatBytes, formatDateTime, formatPercent, percentUsed, type Lang } from '../../../format';
import { Button, Notice, Panel, ProgressBar } from '../../../ui/components';
import type { Plan } from '../types';
import { plannedMessages, type PlanProgress } from '../plan';
import { refKey } from '../classify';
import type { CleanupController, PanelState } from './controller';
import { Groups, Largest } from './Groups';
import { LargestMailbox, largestSelection } from './LargestMailbox';
import { Rules } from './Rules';
import { ReportView } from './Report';
import { errorText } from './texts';
import { ExportStatus } from '../../../export/View';
import { onlyTrusted, trusted } from '../../../ui/trusted';

function useControllerState(c: CleanupController): PanelState {
  const [, setTick] = useState(0);
  useEffect(() => c.subscribe(() => setTick((n) => n + 1)), [c]);
  return c.state;
}

/**
 * When the step changes, the control that had focus may be gone: move focus to the new step's first element
 * marked data-focus (its heading or its main control), so keyboard and screen-reader users follow along.
 */
function useStepFocus(root: { current: HTMLElement | null }, step: string): void {
  useEffect(() => {
    const el = root.current?.querySelector<HTMLElement>('[data-focus]');
    el?.focus();
  }, [step]);
}

/**
 * A web firewall blocked Balise (WebmailError 'blocked'): every request is stopped (lib/webmail/kit/request.ts) and
 * stays stopped until the person presses the button. No automatic retry.
 */
function BlockedNotice({ report, onResume }: { report?: { done: number; notDone: number } | null; onResume: () => void }) {
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

function planningText(p: PlanProgress, lang: Lang): string[] {
  if (p.phase === 'folders') return [t('cleanup_planning_folders')];
  if (p.phase === 'search') return [t('cleanup_planning_search', Math.min(p.done + 1, Math.max(p.total, 1)), Math.max(p.total, 1))];
  return [t('cleanup_planning_classify', p.done, p.total), t('cleanup_planning_bytes', formatBytes(p.downloadedBytes ?? 0, lang), p.cached ?? 0)];
}

function Summary({ plan, lang }: { plan: Plan; lang: Lang }) {
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

function Clinical({ state, onInclude }: { state: PanelState; onInclude: (on: boolean) => void }) {
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

const EXPORT_RUNNING = new Set(['picking', 'exporting', 'verifying', 'saving']);

function RunProgress({ state, lang, onCancel }: { state: PanelState; lang: Lang; onCancel: () => void }) {
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
function liveText(state: PanelState, lang: Lang): string {
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

export function CleanupApp({ controller, lang, onClose }: { controller: CleanupController; lang: Lang; onClose: () => void }) {
  const state = useControllerState(controller);
  const s = state.stage;
  const root = useRef<HTMLDivElement>(null);
  useStepFocus(root, s.kind);
  const plan = state.plan;
  const planned = plan ? plannedMessages(plan) : [];
  const toMove = planned.filter((m) => m.group !== 'trash').length;
  const sizeOf = (k: string) => controller.message(k)?.summary.size ?? 0;
  const deleteBytes = state.deleteItems.reduce((a, i) => a + i.size, 0);

  let body;
  let footer = null;
  switch (s.kind) {
    case 'opening':
      body = <p aria-busy="true">…</p>;
      break;
    case 'locked':
      body = <Notice kind="warn">{t('cleanup_locked')}</Notice>;
      break;
    case 'planning': {
      const lines = planningText(s.progress, lang);
      body = (
        <section class="c-planning" data-phase={s.progress.phase} data-done={s.progress.done} data-total={s.progress.total} aria-busy="true">
          <h3 tabIndex={-1} data-focus>
            {t('cleanup_planning_label')}
          </h3>
          <ProgressBar value={s.progress.done} max={s.progress.total} label={t('cleanup_planning_label')} />
          {lines.map((l) => (
            <p key={l}>{l}</p>
          ))}
          {s.progress.phase === 'classify' ? <p class="b-muted">{t('cleanup_planning_slow')}</p> : null}
          <Button action="cancel" variant="secondary" onClick={() => controller.cancel()}>
            {t('cleanup_stop')}
          </Button>{' '}
          <Button action="largest-mailbox" variant="secondary" onClick={() => void controller.openLargest()}>
            {t('cleanup_lm_open')}
          </Button>
        </section>
      );
      break;
    }
    case 'failed':
    case 'cancelled':
      body = (
        <>
          {s.kind === 'failed' && s.reason === 'blocked' ? (
            <BlockedNotice onResume={() => void controller.unblock()} />
          ) : s.kind === 'failed' ? (
            <Notice kind="error" data-error={s.reason}>
              {t('cleanup_planning_failed', errorText(s.reason))}
            </Notice>
          ) : (
            <Notice kind="info">{t('cleanup_planning_cancelled')}</Notice>
          )}
          <Button action="retry" onClick={() => void controller.refresh()}>
            {t('cleanup_retry')}
          </Button>
        </>
      );
      break;
    case 'preview':
      body = plan ? (
        <>
          <p class="b-muted">{t('cleanup_intro')}</p>
          {state.resumable ? (
            <div class="b-notice warn" role="alert" data-resumable={state.resumable.jobId}>
              {t('cleanup_resume_text', state.resumable.pendingCount)}{' '}
              <Button action="resume" onClick={() => void controller.resume()}>
                {t('cleanup_resume')}
              </Button>{' '}
              <Button action="abandon" variant="secondary" onClick={() => void controller.abandon()}>
                {t('cleanup_abandon')}
              </Button>
            </div>
          ) : null}
          {state.rules ? (
            <Rules
              rules={state.rules}
              folders={state.folders}
              stale={state.stale}
              saved={state.rulesSaved}
              onChange={(r) => void controller.setRules(r)}
              onRefresh={() => void controller.refresh()}
              onSave={() => void controller.saveRules()}
            />
          ) : null}
          <Summary plan={plan} lang={lang} />
          <Clinical state={state} onInclude={(on) => controller.setIncludeClinical(on)} />
          <h3>{t('cleanup_groups_heading')}</h3>
          <Groups plan={plan} folders={state.folders} lang={lang} onKeep={(k, keep) => controller.setKept(k, keep)} />
          <Largest plan={plan} lang={lang} onKeep={(k, keep) => controller.setKept(k, keep)} />
          <p>
            <Button action="largest-mailbox" variant="secondary" onClick={() => void controller.openLargest()}>
              {t('cleanup_lm_open')}
            </Button>
          </p>
        </>
      ) : null;
      footer = plan ? (
        <Button action="apply" disabled={state.stale || planned.length === 0} onClick={trusted(() => void controller.apply())} data-count={toMove}>
          {toMove === 0 ? t('cleanup_apply_nothing') : toMove === 1 ? t('cleanup_apply_one') : t('cleanup_apply', toMove)}
        </Button>
      ) : null;
      break;
    case 'largest': {
      const l = state.largest;
      const sel = l ? largestSelection(l) : null;
      body = l ? <LargestMailbox state={l} lang={lang} onSelect={(k, on) => controller.setLargestSelected(k, on)} /> : null;
      footer = (
        <>
          <Button action="largest-back" variant="secondary" onClick={() => void controller.leaveLargest()}>
            {t('cleanup_lm_back')}
          </Button>
          {l?.status === 'failed' ? (
            <Button action="retry" onClick={() => void controller.openLargest()}>
              {t('cleanup_retry')}
            </Button>
          ) : null}
          <Button action="apply-largest" disabled={!sel?.count || l?.status !== 'ready'} onClick={trusted(() => void controller.applyLargest())} data-count={sel?.count ?? 0}>
            {t('cleanup_lm_apply', sel?.count ?? 0)}
          </Button>
        </>
      );
      break;
    }
    case 'running':
      body = <RunProgress state={state} lang={lang} onCancel={() => controller.cancel()} />;
      break;
    case 'report': {
      const r = state.report;
      const blocked = r?.state === 'interrupted' && r.stopReason === 'blocked';
      const done = r ? r.lines.filter((l) => l.outcome === 'moved' || l.outcome === 'deleted' || l.outcome === 'restored').length : 0;
      body = r ? (
        <>
          {blocked ? <BlockedNotice report={{ done, notDone: r.lines.length - done }} onResume={() => void controller.unblock()} /> : null}
          <ReportView report={r} lang={lang} sizeOf={sizeOf} message={(k) => controller.message(k)} />
        </>
      ) : null;
      footer = (
        <>
          {state.undoable && state.report?.action === 'trash' ? (
            <Button action="undo" variant="secondary" onClick={() => void controller.undo()}>
              {t('cleanup_undo')}
            </Button>
          ) : null}
          {state.report?.action === 'trash' && (state.report.movedCount > 0 || (plan?.groups.find((g) => g.kind === 'trash')?.count ?? 0) > 0) ? (
            <Button action="delete-forever" variant="danger" onClick={trusted(() => void controller.deleteForever())}>
              {t('cleanup_delete_forever')}
            </Button>
          ) : null}
          <Button action="new-preview" variant="secondary" onClick={() => void controller.refresh()}>
            {t('cleanup_new_preview')}
          </Button>
        </>
      );
      if (state.exportView) {
        const x = state.exportView;
        body = (
          <>
            {body}
            <ExportStatus state={x.state} progress={x.progress} result={x.result} error={x.error} lang={lang} />
          </>
        );
      }
      break;
    }
    case 'confirm-delete':
      body = (
        <section class="c-confirm-delete" data-count={state.deleteItems.length} data-bytes={deleteBytes} aria-labelledby="c-del-h">
          <h3 id="c-del-h" tabIndex={-1} data-focus>
            {t('cleanup_delete_heading')}
          </h3>
          {state.deleteItems.length ? (
            <p>{t('cleanup_delete_text', state.deleteItems.length, formatBytes(deleteBytes, lang))}</p>
          ) : (
            <p>{t('cleanup_delete_nothing')}</p>
          )}
          {state.deleteMissing ? <Notice kind="warn">{t('cleanup_delete_missing', state.deleteMissing)}</Notice> : null}
          <label class="c-confirm">
            <input
              type="checkbox"
              data-action="export-first"
              checked={state.exportFirst}
              disabled={state.exportLocked}
              aria-describedby={state.exportLocked ? 'c-export-locked' : undefined}
              onClick={onlyTrusted}
              onChange={trusted((e) => controller.setExportFirst((e.currentTarget as HTMLInputElement).checked))}
            />{' '}
            {t('cleanup_delete_export')}
          </label>
          {state.exportLocked ? (
            <p id="c-export-locked" class="b-muted" data-managed="locked">
              {t('managedLockedNote')}
            </p>
          ) : null}
          {state.exportFirst ? (
            <>
              <label class="c-confirm">
                <input
                  type="checkbox"
                  data-action="export-readable"
                  checked={state.exportReadable}
                  onChange={(e) => controller.setExportReadable((e.currentTarget as HTMLInputElement).checked)}
                />{' '}
                {t('export_readable')}
              </label>
              <p class="b-muted">{t('cleanup_delete_export_how')}</p>
              <Notice kind="info">{t('export_reminder')}</Notice>
            </>
          ) : (
            <Notice kind="error" data-warning="no-export">
              {t('cleanup_delete_no_export')}
            </Notice>
          )}
        </section>
      );
      footer = (
        <>
          <Button action="back" variant="secondary" onClick={() => controller.back()}>
            {t('cleanup_back')}
          </Button>
          <Button action="confirm-delete" variant="danger" disabled={!state.deleteItems.length} onClick={trusted(() => void controller.confirmDelete())}>
            {state.deleteItems.length === 1 ? t('cleanup_confirm_delete_one') : t('cleanup_confirm_delete', state.deleteItems.length)}
          </Button>
        </>
      );
      break;
  }

  return (
    <Panel title={t('cleanup_title')} onClose={onClose} closeLabel={t('cleanup_close')} footer={footer} data-stage={s.kind}>
      <div ref={root} class="c-root">
      {state.bal ? <p class="b-muted c-bal">{t('cleanup_bal', state.bal)}</p> : null}
      {state.error === 'blocked' ? (
        <BlockedNotice onResume={() => void controller.unblock()} />
      ) : state.error ? (
        <Notice kind="error" data-error={state.error}>
          {errorText(state.error)}
        </Notice>
      ) : null}
      {body}
      <div class="b-sr" role="status" aria-live="polite" data-live>
        {liveText(state, lang)}
      </div>
      </div>
    </Panel>
  );
}

