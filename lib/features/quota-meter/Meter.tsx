/**
 * The compact meter shown next to the host's own quota display: used / limit, percentage, a bar coloured by the
 * user's thresholds, and a button that opens the details. Unknown and unlimited quotas say so in words.
 */
import { Button, UsageBar, type Level } from '../../ui/components';
import { formatBytes, formatDateTime, formatPercent, percentUsed, type Lang } from '../../format';
import { t } from '../../i18n/t';
import type { Quota } from '../../webmail/types';

export type MeterView =
  | { kind: 'loading' }
  /** The server gives no quota for this mailbox (adapter answered null), or the page cannot tell. */
  | { kind: 'unknown' }
  /** No figure could be read at all; `code` is the adapter's WebmailErrorCode. */
  | { kind: 'error'; code: string }
  /** A figure; `staleCode` when the last refresh failed (the figure shown is the last good one, with its time). */
  | { kind: 'quota'; quota: Quota; staleCode?: string };

export function levelIcon(level: Level): string {
  return level === 'crit' ? '⛔' : level === 'warn' ? '⚠' : '';
}

export function levelWord(level: Level): string {
  return level === 'crit' ? t('quotaLevelCrit') : level === 'warn' ? t('quotaLevelWarn') : level === 'ok' ? t('quotaLevelOk') : '';
}

/** One sentence saying everything the meter shows (screen readers, tooltip). */
export function describe(view: MeterView, level: Level, lang: Lang): string {
  switch (view.kind) {
    case 'loading':
      return t('quotaLoading');
    case 'unknown':
      return t('quotaUnknownLong');
    case 'error':
      return t('quotaUnavailableLong');
    case 'quota': {
      const q = view.quota;
      const when = t('quotaReadAt', formatDateTime(q.at, lang));
      if (q.limitBytes === null) return `${t('quotaUnlimitedLong', formatBytes(q.usedBytes, lang))} ${when}`;
      const pct = formatPercent(percentUsed(q.usedBytes, q.limitBytes), lang);
      const word = levelWord(level);
      return `${t('quotaUsedLong', formatBytes(q.usedBytes, lang), formatBytes(q.limitBytes, lang), pct)}${word ? ` ${word}.` : ''} ${when}`;
    }
  }
}

/** The words the meter shows, in order (its accessible name must contain them: WCAG 2.5.3, "label in name"). */
function shownText(view: MeterView, lang: Lang): string {
  let body: string;
  if (view.kind === 'quota' && view.quota.limitBytes === null) body = t('quotaUnlimitedShort', formatBytes(view.quota.usedBytes, lang));
  else if (view.kind === 'quota' && view.quota.limitBytes !== null) {
    const q = view.quota;
    body = `${formatBytes(q.usedBytes, lang)} / ${formatBytes(q.limitBytes!, lang)} ${formatPercent(percentUsed(q.usedBytes, q.limitBytes!), lang)}`;
  } else body = view.kind === 'loading' ? t('quotaLoading') : view.kind === 'unknown' ? t('quotaUnknownShort') : t('quotaUnavailableShort');
  return `${t('quotaBrand')} ${body}`;
}

export function Meter({ view, level, lang, onOpen }: { view: MeterView; level: Level; lang: Lang; onOpen: () => void }) {
  const label = describe(view, level, lang);
  // What a screen reader says: the visible words first (speech-control users say what they see), then the sentence.
  const name = `${shownText(view, lang)}. ${label}`;
  let body;
  if (view.kind === 'quota') {
    const q = view.quota;
    if (q.limitBytes === null) {
      body = (
        <span class="m-text">
          {t('quotaUnlimitedShort', formatBytes(q.usedBytes, lang))}
        </span>
      );
    } else {
      const pct = percentUsed(q.usedBytes, q.limitBytes);
      body = (
        <>
          <span class="m-text">
            {levelIcon(level) ? (
              <span class="m-icon" aria-hidden="true">
                {levelIcon(level)}
              </span>
            ) : null}
            <span class="m-figures">
              {formatBytes(q.usedBytes, lang)} / {formatBytes(q.limitBytes, lang)}
            </span>{' '}
            <strong class="m-pct">{formatPercent(pct, lang)}</strong>
          </span>
          <UsageBar ratio={q.usedBytes / q.limitBytes} level={level} label={label} />
        </>
      );
    }
  } else {
    body = <span class="m-text m-muted">{view.kind === 'loading' ? t('quotaLoading') : view.kind === 'unknown' ? t('quotaUnknownShort') : t('quotaUnavailableShort')}</span>;
  }
  return (
    <Button action="open-quota" variant="secondary" class={`m-meter ${level}`} aria-haspopup="dialog" aria-label={name} title={label} onClick={onOpen}>
      <span class="m-brand" aria-hidden="true">
        {t('quotaBrand')}
      </span>
      {/* Spaces between the words (the flex layout ignores them): the text read as a whole says what is shown. */}
      {' '}
      {body}
      {view.kind === 'quota' && view.staleCode ? (
        <span class="m-stale" aria-hidden="true">
          ↻
        </span>
      ) : null}
    </Button>
  );
}

export const METER_CSS = `
.m-meter { display: inline-flex; align-items: center; gap: 0.2rem 0.4rem; padding: 0.2rem 0.5rem; min-height: 26px; font-weight: 400; max-width: 100%; text-align: start; }
:host([data-fit="wrap"]) .m-meter, :host([data-fit="wrap"]) .m-text { flex-wrap: wrap; }
:host([data-fit="compact"]) .m-figures, :host([data-fit="compact"]) .b-bar, :host([data-fit="compact"]) .m-brand { display: none; }
.m-meter .b-bar { width: 64px; flex: none; }
.m-brand { font-weight: 700; color: var(--b-accent); }
.m-text { display: inline-flex; gap: 0 0.3rem; align-items: baseline; white-space: nowrap; color: var(--b-fg); }
.m-muted { color: var(--b-muted); }
.m-pct { font-variant-numeric: tabular-nums; }
.m-meter.warn { border-color: var(--b-warn); }
.m-meter.warn .m-pct, .m-meter.warn .m-icon { color: var(--b-warn); }
.m-meter.crit { border-color: var(--b-crit); background: var(--b-crit-bg); }
.m-meter.crit .m-pct, .m-meter.crit .m-icon { color: var(--b-crit); }
.m-stale { color: var(--b-muted); }
`;
