/** The preview's groups (counts and sizes, expandable to their messages) and the "largest messages" view. */
import { useState } from 'preact/hooks';
import { t } from '../../../i18n/t';
import { formatDate, type Lang } from '../../../format';
import type { Folder } from '../../../webmail/types';
import type { CleanupRules, Plan, PlanGroup, PlannedMessage } from '../types';
import { refKey } from '../classify';
import { plannedMessages } from '../plan';
import { bytesText, countText, groupTitle, protectionText } from './texts';
import { docTypeText, previewDocType } from '../doc-type';

interface RowsProps {
  messages: PlannedMessage[];
  lang: Lang;
  /** Show the folder column (groups that span folders). */
  folderColumn: boolean;
  /** Keep checkboxes (planned messages) or reasons (kept ones). */
  mode: 'planned' | 'protected';
  onKeep: (key: string, keep: boolean) => void;
}

/** Message rows: text only (subjects and senders are plain text from the adapter; Preact escapes them). */
export function MessageRows({ messages, lang, folderColumn, mode, onKeep }: RowsProps) {
  return (
    <table class="b-table c-messages">
      <thead>
        <tr>
          <th scope="col">{mode === 'planned' ? t('cleanup_col_keep') : t('cleanup_col_reason')}</th>
          <th scope="col">{t('cleanup_col_from')}</th>
          <th scope="col">{t('cleanup_col_date')}</th>
          <th scope="col">{t('cleanup_col_subject')}</th>
          <th scope="col">{t('cleanup_col_doc_type')}</th>
          {folderColumn ? <th scope="col">{t('cleanup_col_folder')}</th> : null}
          <th scope="col" class="num">
            {t('cleanup_col_size')}
          </th>
        </tr>
      </thead>
      <tbody>
        {messages.map((m) => {
          const key = refKey(m.summary.ref);
          const subject = m.summary.subject || t('cleanup_no_subject');
          const onlyKept = m.protections.length === 1 && m.protections[0] === 'kept';
          const docType = previewDocType(m);
          return (
            <tr key={key} data-folder={m.summary.ref.folderId} data-id={m.summary.ref.id} data-size={m.summary.size} data-protections={m.protections.join(' ')}>
              <td>
                {mode === 'planned' || onlyKept ? (
                  <input
                    type="checkbox"
                    data-action="keep"
                    checked={mode === 'protected'}
                    aria-label={t('cleanup_keep_label', subject)}
                    onChange={(e) => onKeep(key, (e.currentTarget as HTMLInputElement).checked)}
                  />
                ) : (
                  <span class="c-why">{m.protections.map(protectionText).join(', ')}</span>
                )}
              </td>
              <td class="c-from">{m.summary.from}</td>
              <td class="c-date">{m.summary.date !== null ? formatDate(m.summary.date, lang) : (m.summary.dateLabel ?? '')}</td>
              <td class="c-subject">{subject}</td>
              <td class="c-doc-type" data-doc-type={docType}>
                {docTypeText(docType)}
              </td>
              {folderColumn ? <td>{m.folderPath}</td> : null}
              <td class="num">{bytesText(m.summary.size, m.summary.sizePrecision, lang)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function GroupView({
  group,
  plan,
  folders,
  lang,
  onKeep,
}: {
  group: PlanGroup;
  plan: Plan;
  folders: Folder[];
  lang: Lang;
  onKeep: (key: string, keep: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const title = groupTitle(group, plan.rules as CleanupRules, folders);
  const id = `c-group-${group.kind}`;
  const spans = new Set(group.messages.map((m) => m.summary.ref.folderId)).size > 1 || group.kind === 'protected' || group.kind === 'old' || group.kind === 'large';
  return (
    <section class={`c-group ${group.kind}`} data-group={group.kind} data-count={group.count} data-bytes={group.bytes} data-bytes-precision={group.bytesPrecision} aria-labelledby={id}>
      <div class="c-group-head">
        <h4 id={id}>{title}</h4>
        <span class="c-figures">
          {countText(group.count)} – {bytesText(group.bytes, group.bytesPrecision, lang)}
        </span>
        {group.count ? (
          <button type="button" class="b-btn link" data-action="expand" aria-expanded={open} aria-controls={`${id}-list`} onClick={() => setOpen(!open)}>
            {open ? t('cleanup_hide') : t('cleanup_show')}
          </button>
        ) : null}
      </div>
      {group.kind === 'trash' ? <TrashDiffers group={group} folders={folders} lang={lang} /> : null}
      {open ? (
        <div id={`${id}-list`} class="c-list">
          <MessageRows messages={group.messages} lang={lang} folderColumn={spans} mode={group.kind === 'protected' ? 'protected' : 'planned'} onKeep={onKeep} />
        </div>
      ) : null}
    </section>
  );
}

/**
 * The quota panel says what emptying the whole trash frees; this group frees less when protected or kept messages
 * stay in the trash. Two figures of the same space must agree or say why not.
 */
function TrashDiffers({ group, folders, lang }: { group: PlanGroup; folders: Folder[]; lang: Lang }) {
  const trash = folders.find((f) => f.role === 'trash');
  if (!trash || trash.count <= group.count) return null;
  const stay = trash.count - group.count;
  return (
    <p class="b-muted" data-note="trash-differs" data-trash-count={trash.count} data-trash-bytes={trash.bytes ?? ''}>
      {t('cleanup_trash_differs', countText(trash.count), trash.bytes === null ? '?' : bytesText(trash.bytes, trash.bytesPrecision, lang), countText(stay))}
    </p>
  );
}

export function Groups({ plan, folders, lang, onKeep }: { plan: Plan; folders: Folder[]; lang: Lang; onKeep: (key: string, keep: boolean) => void }) {
  return (
    <div class="c-groups" data-plan={plan.id}>
      {plan.groups.map((g) => (
        <GroupView key={g.kind} group={g} plan={plan} folders={folders} lang={lang} onKeep={onKeep} />
      ))}
    </div>
  );
}

/** The N largest planned messages, largest first, with their "keep" boxes. */
export function Largest({ plan, lang, onKeep, limit = 50 }: { plan: Plan; lang: Lang; onKeep: (key: string, keep: boolean) => void; limit?: number }) {
  const [open, setOpen] = useState(false);
  const list = plannedMessages(plan)
    .slice()
    .sort((a, b) => b.summary.size - a.summary.size)
    .slice(0, limit);
  return (
    <section class="c-largest" data-view="largest" data-count={list.length} aria-labelledby="c-largest-h">
      <div class="c-group-head">
        <h4 id="c-largest-h">{t('cleanup_largest')}</h4>
        <button type="button" class="b-btn link" data-action="largest" aria-expanded={open} aria-controls="c-largest-list" onClick={() => setOpen(!open)}>
          {open ? t('cleanup_hide') : t('cleanup_show')}
        </button>
      </div>
      {open ? (
        <div id="c-largest-list" class="c-list">
          {list.length ? (
            <>
              <p class="b-muted">{t('cleanup_largest_intro', list.length)}</p>
              <MessageRows messages={list} lang={lang} folderColumn mode="planned" onKeep={onKeep} />
            </>
          ) : (
            <p class="b-muted">{t('cleanup_largest_none')}</p>
          )}
        </div>
      ) : null}
    </section>
  );
}

