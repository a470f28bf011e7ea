/** Plain words for codes (reasons, protections, errors) and figures, through the catalogs. */
import { t, type MessageKey } from '../../../i18n/t';
import { formatBytes, type Lang } from '../../../format';
import type { GroupKind, PlanGroup, Protection } from '../types';
import type { CleanupRules } from '../types';
import type { Folder } from '../../../webmail/types';

const WEBMAIL_CODES = new Set(['auth-expired', 'forbidden', 'not-found', 'quota-exceeded', 'busy', 'network', 'server', 'invalid-response', 'unsupported', 'aborted', 'blocked']);

/** Why a message was not handled, or why an operation failed: a WebmailErrorCode or a runner reason. */
export function reasonText(code: string | undefined): string {
  if (!code) return t('cleanup_reason_other', '?');
  if (WEBMAIL_CODES.has(code)) return t(`webmailError_${code.replace(/-/g, '_')}` as MessageKey);
  const key = `cleanup_reason_${code.replace(/-/g, '_')}`;
  const text = t(key as MessageKey);
  return text === key ? t('cleanup_reason_other', code) : text;
}

/** Why an action could not start (CleanupError / ExportError / WebmailError codes). */
export function errorText(code: string): string {
  switch (code) {
    case 'locked':
      return t('cleanup_error_locked');
    case 'unsupported':
      return t('cleanup_error_unsupported');
    case 'nothing-to-do':
      return t('cleanup_error_nothing');
    case 'nothing-to-undo':
      return t('cleanup_error_nothing_to_undo');
    case 'store':
      return t('cleanup_error_store');
    case 'other-webmail':
      return t('cleanup_error_other_webmail');
    default:
      return WEBMAIL_CODES.has(code) ? reasonText(code) : t('cleanup_error_generic', code);
  }
}

export function protectionText(p: Protection): string {
  return t(`cleanup_why_${p.replace(/-/g, '_')}` as MessageKey);
}

export function countText(n: number): string {
  return n === 1 ? t('cleanup_count_one') : t('cleanup_count', n);
}

/** "12 Mo", or "environ 12 Mo" when the host rounded the sizes. */
export function bytesText(bytes: number, precision: number, lang: Lang): string {
  const b = formatBytes(bytes, lang);
  return precision > 0 ? t('cleanup_about', b) : b;
}

export function groupTitle(g: Pick<PlanGroup, 'kind'>, rules: CleanupRules, folders: Folder[]): string {
  const kind: GroupKind = g.kind;
  switch (kind) {
    case 'trash':
      return t('cleanup_group_trash');
    case 'junk':
      return t('cleanup_group_junk');
    case 'folder':
      return t('cleanup_group_folder', folders.find((f) => f.id === rules.folder.folderId)?.path ?? '?');
    case 'old':
      return t('cleanup_group_old', rules.old.months);
    case 'large':
      return t('cleanup_group_large', String(rules.large.minMB), rules.large.olderThanMonths);
    default:
      return t('cleanup_group_protected');
  }
}
