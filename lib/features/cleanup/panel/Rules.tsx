/** The rules form: what to clean up (changes need a new preview) and what to always keep (applied at once). */
import { t } from '../../../i18n/t';
import type { Folder } from '../../../webmail/types';
import type { CleanupRules } from '../types';
import { RULE_BOUNDS as B } from '../../../store/rule-bounds';

function num(e: Event, min: number, max: number, fallback: number): number {
  const v = Number((e.currentTarget as HTMLInputElement).value);
  return Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
}

function FolderChoice({ folders, chosen, onChange, name }: { folders: Folder[]; chosen: string[]; onChange: (ids: string[]) => void; name: string }) {
  const choosable = folders.filter((f) => f.role !== 'trash' && f.role !== 'junk');
  return (
    <fieldset class="c-folders">
      <legend>{t('cleanup_rule_in_folders')}</legend>
      {choosable.map((f) => (
        <label key={f.id} style={{ paddingLeft: `${f.depth}em` }}>
          <input
            type="checkbox"
            data-action={`${name}-folder`}
            data-folder={f.id}
            checked={chosen.includes(f.id)}
            onChange={(e) => {
              const on = (e.currentTarget as HTMLInputElement).checked;
              onChange(on ? [...chosen, f.id] : chosen.filter((id) => id !== f.id));
            }}
          />{' '}
          {f.path}
        </label>
      ))}
    </fieldset>
  );
}

export function Rules({
  rules,
  folders,
  stale,
  saved,
  onChange,
  onRefresh,
  onSave,
}: {
  rules: CleanupRules;
  folders: Folder[];
  stale: boolean;
  saved: 'saving' | 'saved' | 'failed' | null;
  onChange: (r: CleanupRules) => void;
  onRefresh: () => void;
  onSave: () => void;
}) {
  const set = (patch: Partial<CleanupRules>) => onChange({ ...rules, ...patch });
  const hasTrash = folders.some((f) => f.role === 'trash');
  const hasJunk = folders.some((f) => f.role === 'junk');
  return (
    <details class="c-rules" open={stale}>
      <summary>{t('cleanup_rules_heading')}</summary>
      <div class="c-rule-list">
        {hasTrash ? (
          <label>
            <input type="checkbox" data-action="rule-trash" checked={rules.emptyTrash} onChange={(e) => set({ emptyTrash: (e.currentTarget as HTMLInputElement).checked })} />{' '}
            {t('cleanup_rule_trash')}
          </label>
        ) : null}
        {hasJunk ? (
          <label>
            <input type="checkbox" data-action="rule-junk" checked={rules.emptyJunk} onChange={(e) => set({ emptyJunk: (e.currentTarget as HTMLInputElement).checked })} />{' '}
            {t('cleanup_rule_junk')}
          </label>
        ) : null}
        <div class="c-rule">
          <label>
            <input type="checkbox" data-action="rule-old" checked={rules.old.enabled} onChange={(e) => set({ old: { ...rules.old, enabled: (e.currentTarget as HTMLInputElement).checked } })} />{' '}
            {t('cleanup_rule_old')}
          </label>{' '}
          <input
            type="number"
            min={B.oldMonths.min}
            max={B.oldMonths.max}
            data-action="old-months"
            aria-label={`${t('cleanup_rule_old')} (${t('cleanup_rule_months')})`}
            value={rules.old.months}
            onChange={(e) => set({ old: { ...rules.old, months: Math.round(num(e, B.oldMonths.min, B.oldMonths.max, rules.old.months)) } })}
          />{' '}
          {t('cleanup_rule_months')}
          {rules.old.enabled ? <FolderChoice folders={folders} chosen={rules.old.folderIds} name="old" onChange={(ids) => set({ old: { ...rules.old, folderIds: ids } })} /> : null}
        </div>
        <div class="c-rule">
          <label>
            <input type="checkbox" data-action="rule-large" checked={rules.large.enabled} onChange={(e) => set({ large: { ...rules.large, enabled: (e.currentTarget as HTMLInputElement).checked } })} />{' '}
            {t('cleanup_rule_large')}
          </label>{' '}
          <input
            type="number"
            min={B.largeMB.min}
            max={B.largeMB.max}
            step={0.1}
            data-action="large-mb"
            aria-label={`${t('cleanup_rule_large')} (${t('cleanup_rule_mb')})`}
            value={rules.large.minMB}
            onChange={(e) => set({ large: { ...rules.large, minMB: num(e, B.largeMB.min, B.largeMB.max, rules.large.minMB) } })}
          />{' '}
          {t('cleanup_rule_mb')} {t('cleanup_rule_large_older')}{' '}
          <input
            type="number"
            min={B.largeOlderThanMonths.min}
            max={B.largeOlderThanMonths.max}
            data-action="large-months"
            aria-label={`${t('cleanup_rule_large_older')} (${t('cleanup_rule_months')})`}
            value={rules.large.olderThanMonths}
            onChange={(e) => set({ large: { ...rules.large, olderThanMonths: Math.round(num(e, B.largeOlderThanMonths.min, B.largeOlderThanMonths.max, rules.large.olderThanMonths)) } })}
          />{' '}
          {t('cleanup_rule_months')}
          {rules.large.enabled ? <FolderChoice folders={folders} chosen={rules.large.folderIds} name="large" onChange={(ids) => set({ large: { ...rules.large, folderIds: ids } })} /> : null}
        </div>
        <label class="c-rule">
          {t('cleanup_rule_folder')}{' '}
          <select
            data-action="rule-folder"
            value={rules.folder.enabled && rules.folder.folderId ? rules.folder.folderId : ''}
            onChange={(e) => {
              const id = (e.currentTarget as HTMLSelectElement).value;
              set({ folder: { enabled: !!id, folderId: id || null } });
            }}
          >
            <option value="">{t('cleanup_rule_folder_none')}</option>
            {folders
              .filter((f) => f.role !== 'trash' && f.role !== 'junk')
              .map((f) => (
                <option key={f.id} value={f.id}>
                  {f.path}
                </option>
              ))}
          </select>
        </label>
      </div>
      <fieldset class="c-protect">
        <legend>{t('cleanup_protect_heading')}</legend>
        <label>
          <input
            type="checkbox"
            data-action="protect-unread"
            checked={rules.protect.unread}
            onChange={(e) => set({ protect: { ...rules.protect, unread: (e.currentTarget as HTMLInputElement).checked } })}
          />{' '}
          {t('cleanup_protect_unread')}
        </label>
        <label>
          <input
            type="checkbox"
            data-action="protect-flagged"
            checked={rules.protect.flagged}
            onChange={(e) => set({ protect: { ...rules.protect, flagged: (e.currentTarget as HTMLInputElement).checked } })}
          />{' '}
          {t('cleanup_protect_flagged')}
        </label>
        <label>
          {t('cleanup_protect_recent')}{' '}
          <input
            type="number"
            min={B.recentDays.min}
            max={B.recentDays.max}
            data-action="recent-days"
            value={rules.protect.recentDays}
            onChange={(e) => set({ protect: { ...rules.protect, recentDays: Math.round(num(e, B.recentDays.min, B.recentDays.max, rules.protect.recentDays)) } })}
          />{' '}
          {t('cleanup_rule_days')}
        </label>
        <p class="b-muted">{t('cleanup_protect_clinical_always')}</p>
        <p class="b-muted">{t('cleanup_protect_special')}</p>
      </fieldset>
      <div class="c-save-rules">
        <button type="button" class="b-btn secondary" data-action="save-rules" disabled={saved === 'saving'} onClick={onSave}>
          {t('cleanup_rules_save')}
        </button>{' '}
        <span role="status" data-rules-saved={saved ?? ''}>
          {saved === 'saved' ? t('cleanup_rules_saved') : saved === 'failed' ? t('cleanup_rules_save_failed') : ''}
        </span>
      </div>
      {stale ? (
        <div class="b-notice warn" role="alert">
          {t('cleanup_rules_changed')}{' '}
          <button type="button" class="b-btn" data-action="refresh" onClick={onRefresh}>
            {t('cleanup_refresh')}
          </button>
        </div>
      ) : null}
    </details>
  );
}
