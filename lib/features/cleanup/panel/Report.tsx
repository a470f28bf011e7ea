/** A job's report: what moved, what did not and why (plain words), predicted vs actual space freed. */
import { t } from '../../../i18n/t';
import { formatBytes, type Lang } from '../../../format';
import type { PlannedMessage, Report, ReportLine } from '../types';
import { refKey } from '../classify';
import { reasonText } from './texts';

const DONE = new Set<ReportLine['outcome']>(['moved', 'deleted', 'restored']);
const SHOWN_PER_REASON = 20;
const SHOWN_DONE = 300;

/** Lines grouped by key, in first-seen order (linear: a report may have tens of thousands of lines). */
function groupBy<T>(xs: T[], key: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of xs) {
    const k = key(x);
    const list = out.get(k);
    if (list) list.push(x);
    else out.set(k, [x]);
  }
  return out;
}

/** One entry per reason (plain words and a count), with the first messages it concerns. */
function ReasonList({ groups, message, outcome }: { groups: Map<string, ReportLine[]>; message: (key: string) => PlannedMessage | undefined; outcome?: string }) {
  return (
    <ul class="c-reasons" data-outcome={outcome}>
      {[...groups.entries()].map(([reason, lines]) => (
        <li key={reason} data-reason={reason} data-count={lines.length}>
          <strong>
            {lines.length} – {reasonText(reason)}
          </strong>
          <ul>
            {lines.slice(0, SHOWN_PER_REASON).map((l) => {
              const m = message(refKey(l.ref));
              return (
                <li key={refKey(l.ref)} data-folder={l.ref.folderId} data-id={l.ref.id}>
                  {m ? `${m.summary.subject || t('cleanup_no_subject')} – ${m.summary.from}` : `${l.ref.folderId} #${l.ref.id}`}
                </li>
              );
            })}
            {lines.length > SHOWN_PER_REASON ? <li>{t('cleanup_report_more', lines.length - SHOWN_PER_REASON)}</li> : null}
          </ul>
        </li>
      ))}
    </ul>
  );
}

/** Predicted and measured space differ by more than rounding (5 % and 64 KiB): the report says why. */
export function freedDiffers(report: Report): boolean {
  if (report.actualFreed === null) return false;
  const gap = Math.abs(report.actualFreed - report.predictedFreed);
  return gap > 64 * 1024 && gap > 0.05 * Math.max(report.predictedFreed, 1);
}

export function ReportView({
  report,
  lang,
  sizeOf,
  message,
}: {
  report: Report;
  lang: Lang;
  sizeOf: (key: string) => number;
  message: (key: string) => PlannedMessage | undefined;
}) {
  const done = report.lines.filter((l) => DONE.has(l.outcome));
  const notDone = report.lines.filter((l) => !DONE.has(l.outcome));
  // Every item the job was given has exactly one line: moved (or deleted, restored) + failed + skipped = planned.
  const skipped = report.lines.filter((l) => l.outcome === 'skipped').length;
  const failed = notDone.length - skipped;
  const doneBytes = done.reduce((a, l) => a + sizeOf(refKey(l.ref)), 0);
  const byReason = groupBy(notDone, (l) => l.reason ?? l.outcome);
  // Done, with something to say (undo: back home but still read, 'unread-not-restored').
  const notes = groupBy(
    done.filter((l) => l.reason),
    (l) => l.reason!,
  );
  const heading = report.action === 'trash' ? t('cleanup_report_trash') : report.action === 'delete' ? t('cleanup_report_delete') : t('cleanup_report_undo');
  const doneText =
    report.action === 'trash'
      ? t('cleanup_report_moved', done.length, formatBytes(doneBytes, lang))
      : report.action === 'delete'
        ? t('cleanup_report_deleted', done.length, formatBytes(doneBytes, lang))
        : t('cleanup_report_restored', done.length, formatBytes(doneBytes, lang));
  return (
    <section
      class="c-report"
      data-balise="cleanup-report"
      data-job={report.jobId}
      data-action-kind={report.action}
      data-state={report.state}
      data-moved-count={report.movedCount}
      data-failed-count={report.failedCount}
      data-skipped-count={skipped}
      data-planned-count={report.lines.length}
      data-predicted-freed={report.predictedFreed}
      data-actual-freed={report.actualFreed ?? ''}
      aria-labelledby="c-report-h"
    >
      <h3 id="c-report-h" tabIndex={-1} data-focus>
        {heading}
      </h3>
      <p data-outcome="done">{doneText}</p>
      {report.trashCheck ? <TrashCheck check={report.trashCheck} /> : null}
      {done.length ? (
        <details class="c-done-list">
          <summary>{t('cleanup_show')}</summary>
          <ul data-list="done">
            {done.slice(0, SHOWN_DONE).map((l) => {
              const m = message(refKey(l.ref));
              return (
                <li key={refKey(l.ref)} data-folder={l.ref.folderId} data-id={l.ref.id}>
                  {m ? `${m.summary.subject || t('cleanup_no_subject')} – ${m.summary.from} (${m.folderPath})` : `${l.ref.folderId} #${l.ref.id}`}
                </li>
              );
            })}
            {done.length > SHOWN_DONE ? <li>{t('cleanup_report_more', done.length - SHOWN_DONE)}</li> : null}
          </ul>
        </details>
      ) : null}
      {notes.size ? <ReasonList groups={notes} message={message} outcome="done-notes" /> : null}
      {report.state === 'cancelled' ? <p class="b-notice info">{t('cleanup_report_cancelled')}</p> : null}
      {report.state === 'interrupted' ? (
        <p class="b-notice warn" data-stop-reason={report.stopReason ?? ''}>
          {t('cleanup_report_interrupted')} {report.stopReason ? reasonText(report.stopReason) : ''}
        </p>
      ) : null}
      {notDone.length ? (
        <div data-outcome="not-done">
          <p>{t('cleanup_report_failed', notDone.length)}</p>
          {failed && skipped ? <p class="b-muted">{t('cleanup_report_split', failed, skipped)}</p> : null}
          <ReasonList groups={byReason} message={message} />
        </div>
      ) : (
        <p class="b-muted">{t('cleanup_report_all_ok')}</p>
      )}
      <p data-figures="freed">
        {t(
          'cleanup_report_predicted',
          formatBytes(report.predictedFreed, lang),
          report.actualFreed === null ? t('cleanup_report_unknown') : formatBytes(Math.max(0, report.actualFreed), lang),
        )}
      </p>
      {freedDiffers(report) ? <p class="b-muted" data-note="freed-differs">{t('cleanup_report_freed_differs')}</p> : null}
      {report.action === 'trash' && done.length ? <p class="b-notice info">{t('cleanup_report_trash_note')}</p> : null}
      {report.action === 'delete' ? <p class="b-muted">{t('cleanup_undo_gone')}</p> : null}
    </section>
  );
}

/** The check scan after a permanent deletion: the trash re-read, what is still there against what was planned. */
function TrashCheck({ check }: { check: NonNullable<Report['trashCheck']> }) {
  const still = check.stillThere;
  const text =
    still === null ? t('cleanup_check_unknown') : still === 0 ? t('cleanup_check_none_left', check.planned) : t('cleanup_check_left', still, check.planned);
  return (
    <p
      class={`b-notice ${still === 0 ? 'info' : 'warn'}`}
      data-check="trash"
      data-check-planned={check.planned}
      data-check-still={still ?? ''}
      data-check-others={check.others ?? ''}
    >
      {text} {check.others ? t('cleanup_check_others', check.others) : ''}
    </p>
  );
}
