/**
 * The whole mailbox's largest messages (../largest.ts): a table (caption, column headers) whose element carries
 * data-view="largest-mailbox"; each row data-folder / data-id (the adapter's ids), data-size (bytes) and
 * data-in-trash; a checkbox per row chooses it for the trash (unchecked = kept), and the figure below says what
 * the choice gives back once the trash is emptied. Text only: subjects, senders and file names are plain text.
 */
import { t } from '../../../i18n/t';
import { formatBytes, formatDate, type Lang } from '../../../format';
import { ProgressBar } from '../../../ui/components';
import type { AttachmentInfo } from '../../../webmail/types';
import type { ExportItem } from '../../../export/contract';
import type { LargeRow } from '../largest';
import { refKey } from '../classify';
import type { LargestState } from './state';
import { bytesText, errorText } from './texts';

function Attachments({ row, lang }: { row: LargeRow; lang: Lang }) {
  const list: AttachmentInfo[] | null = row.attachments;
  if (list === null) {
    const has = row.summary.hasAttachment;
    return <>{has === true ? t('cleanup_lm_attachment_yes') : has === false ? t('cleanup_lm_attachment_no') : t('cleanup_lm_attachment_unknown')}</>;
  }
  if (!list.length) return <>{t('cleanup_lm_attachment_no')}</>;
  return (
    <ul class="c-lm-att">
      {list.map((a, i) => (
        <li key={i} data-attachment-size={a.size}>
          {a.name || t('cleanup_lm_attachment_noname')} – {formatBytes(a.size, lang)}
        </li>
      ))}
    </ul>
  );
}

/** The chosen rows as export items (lib/export's shape), for "export the selected". */
export function largestExportItems(l: LargestState): ExportItem[] {
  return l.rows
    .filter((r) => l.selected.has(refKey(r.summary.ref)))
    .map((r) => ({ ref: r.summary.ref, folderPath: r.folderPath, size: r.summary.size, summary: { date: r.summary.date, from: r.summary.from, subject: r.summary.subject } }));
}

/** What the chosen rows give back once the trash is emptied. */
export function largestSelection(l: LargestState): { count: number; bytes: number; precision: number; inTrash: number } {
  let count = 0;
  let bytes = 0;
  let precision = 0;
  let inTrash = 0;
  for (const r of l.rows) {
    if (!l.selected.has(refKey(r.summary.ref))) continue;
    count++;
    bytes += r.summary.size;
    precision += r.summary.sizePrecision;
    if (r.inTrash) inTrash++;
  }
  return { count, bytes, precision, inTrash };
}

export function LargestMailbox({ state, lang, onSelect }: { state: LargestState; lang: Lang; onSelect: (key: string, on: boolean) => void }) {
  const sel = largestSelection(state);
  const heading = t('cleanup_lm_heading', state.status === 'ready' ? state.rows.length : 50);
  return (
    <section class="c-lm" data-largest-state={state.status} data-ms={state.ms ?? ''} data-calls={state.calls} aria-labelledby="c-lm-h" aria-busy={state.status === 'loading' ? 'true' : 'false'}>
      <h3 id="c-lm-h" tabIndex={-1} data-focus>
        {heading}
      </h3>
      <p class="b-muted">{t('cleanup_lm_intro')}</p>
      {state.status === 'loading' ? (
        <>
          <ProgressBar value={state.progress.done} max={Math.max(1, state.progress.total)} label={heading} />
          <p>{t('cleanup_lm_loading', Math.min(state.progress.done + 1, Math.max(1, state.progress.total)), Math.max(1, state.progress.total))}</p>
        </>
      ) : state.status === 'failed' ? (
        <p class="b-notice error" data-error={state.error ?? ''}>
          {t('cleanup_lm_failed', errorText(state.error ?? 'internal'))}
        </p>
      ) : !state.rows.length ? (
        <p>{t('cleanup_lm_none')}</p>
      ) : (
        <>
          <div class="c-list c-lm-list">
            <table class="b-table c-messages" data-view="largest-mailbox" data-count={state.rows.length}>
              <caption class="b-sr">{heading}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('cleanup_lm_col_select')}</th>
                  <th scope="col">{t('cleanup_col_date')}</th>
                  <th scope="col">{t('cleanup_col_from')}</th>
                  <th scope="col">{t('cleanup_col_subject')}</th>
                  <th scope="col">{t('cleanup_col_folder')}</th>
                  <th scope="col" class="num">
                    {t('cleanup_col_size')}
                  </th>
                  <th scope="col">{t('cleanup_lm_col_attachments')}</th>
                </tr>
              </thead>
              <tbody>
                {state.rows.map((r) => {
                  const m = r.summary;
                  const key = refKey(m.ref);
                  const subject = m.subject || t('cleanup_no_subject');
                  return (
                    <tr key={key} data-folder={m.ref.folderId} data-id={m.ref.id} data-size={m.size} data-size-precision={m.sizePrecision} data-in-trash={r.inTrash ? 'true' : 'false'}>
                      <td>
                        <input
                          type="checkbox"
                          data-action="select"
                          checked={state.selected.has(key)}
                          aria-label={r.inTrash ? t('cleanup_lm_select_trash_label', subject) : t('cleanup_lm_select_label', subject)}
                          onChange={(e) => onSelect(key, (e.currentTarget as HTMLInputElement).checked)}
                        />
                      </td>
                      <td class="c-date">{m.date !== null ? formatDate(m.date, lang) : (m.dateLabel ?? '')}</td>
                      <td class="c-from">{m.from}</td>
                      <td class="c-subject">{subject}</td>
                      <td>
                        {r.folderPath}
                        {r.inTrash ? <span class="c-why"> ({t('cleanup_lm_in_trash')})</span> : null}
                      </td>
                      <td class="num">{bytesText(m.size, m.sizePrecision, lang)}</td>
                      <td>
                        <Attachments row={r} lang={lang} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <p data-figure="selected" data-selected-count={sel.count} data-selected-bytes={sel.bytes} aria-live="polite">
            {sel.count ? t('cleanup_lm_selected', sel.count, bytesText(sel.bytes, sel.precision, lang)) : t('cleanup_lm_selected_none')}
          </p>
          {sel.inTrash ? <p class="b-notice info">{t('cleanup_lm_trash_note')}</p> : null}
        </>
      )}
    </section>
  );
}
