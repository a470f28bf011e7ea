/** The cleanup panel: a modal dialog drawing the controller's state (controller.ts). */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../../i18n/t';
import { formatBytes, type Lang } from '../../../format';
import { Button, Notice, Panel, ProgressBar } from '../../../ui/components';
import { plannedMessages } from '../plan';
import type { CleanupController, PanelState } from './controller';
import { Groups, Largest } from './Groups';
import { LargestMailbox, largestExportItems, largestSelection } from './LargestMailbox';
import { Rules } from './Rules';
import { ReportView } from './Report';
import { countText, errorText, groupTitle } from './texts';
import { ExportStatus } from '../../../export/View';
import { ExportChooser } from '../../../export/Chooser';
import { isoDay, itemsSource } from '../../../export/sources';
import { onlyTrusted, trusted } from '../../../ui/trusted';
import { BlockedNotice, planningText, Summary, Clinical, RunProgress, liveText } from './Sections';

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
  /** "Export the selected" of the largest-messages view: open (the export view below the table) or not. */
  const [exportLargest, setExportLargest] = useState(false);

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
          {s.progress.preliminary && state.rules ? (
            <section class="c-preliminary" data-preliminary aria-labelledby="c-preliminary-h">
              <h4 id="c-preliminary-h">{t('cleanup_planning_groups')}</h4>
              <ul>
                {s.progress.preliminary.map((g) => (
                  <li key={g.kind} data-group={g.kind} data-count={g.count} data-bytes={g.bytes}>
                    {groupTitle(g, state.rules!, state.folders)} : {countText(g.count)}, {formatBytes(g.bytes, lang)}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
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
      const items = l && exportLargest && l.status === 'ready' ? largestExportItems(l) : [];
      body = l ? (
        <>
          <LargestMailbox state={l} lang={lang} onSelect={(k, on) => controller.setLargestSelected(k, on)} />
          {items.length ? (
            <section class="c-lm-export" data-export="largest" aria-label={t('cleanup_lm_export_heading')}>
              <ExportChooser
                key={items.map((i) => `${i.ref.folderId}/${i.ref.id}`).join('|')}
                webmail={controller.webmail}
                sources={[itemsSource('selected', t('cleanup_lm_export_source', items.length), t('cleanup_lm_export_filename', isoDay(Date.now())), items)]}
                lang={lang}
              />
            </section>
          ) : null}
        </>
      ) : null;
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
          <Button action="export-largest" variant="secondary" disabled={!sel?.count || l?.status !== 'ready'} onClick={() => setExportLargest(true)} data-count={sel?.count ?? 0}>
            {t('cleanup_lm_export', sel?.count ?? 0)}
          </Button>
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

