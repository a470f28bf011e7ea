/**
 * One BAL in the popup: address, operator, space used coloured by the thresholds, when it was last seen, its
 * history chart with a projection, a link to its webmail and "make room" in one click (which opens or focuses
 * the webmail tab and opens the cleanup there).
 */
import { useEffect, useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { formatBytes, formatDateTime, formatPercent, percentUsed, type Lang } from '../format';
import { UsageBar } from '../ui/components';
import { quotaLevel } from '../ui/level';
import { KNOWN_WEBMAILS } from '../origins';
import { DAY, projectFull, type HistoryPoint } from '../quota-rules/projection';
import type { Bal, Settings } from '../store/schemas';
import { QuotaChart } from './QuotaChart';
import '../ui/base.css';
import './bal-card.css';

export function operatorOf(bal: Bal): string | null {
  if (bal.operator) return bal.operator;
  const known = KNOWN_WEBMAILS.find((k) => k.origin === bal.webmailOrigin);
  if (known) return known.operator;
  if (!bal.webmailOrigin) return null;
  try {
    return new URL(bal.webmailOrigin).host;
  } catch {
    return null;
  }
}

export function projectionText(days: number): string {
  if (days < 1) return t('quotaProjectionToday');
  const n = Math.floor(days);
  return n === 1 ? t('quotaProjectionOneDay') : t('quotaProjection', n);
}

type Status = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; text: string };

export function BalCard({ bal, settings, lang, now = Date.now() }: { bal: Bal; settings: Settings; lang: Lang; now?: number }) {
  const q = bal.lastQuota;
  const level = q ? quotaLevel(q.usedBytes, q.limitBytes, settings.quota.warnPercent, settings.quota.criticalPercent) : 'unknown';
  const pct = q && q.limitBytes ? percentUsed(q.usedBytes, q.limitBytes) : null;
  const [history, setHistory] = useState<HistoryPoint[] | null>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });

  useEffect(() => {
    let live = true;
    send('quota/history', { address: bal.address, since: now - 30 * DAY }).then(
      (points) => live && setHistory(points),
      () => live && setHistory([]),
    );
    return () => {
      live = false;
    };
  }, [bal.address]);

  const projection = history ? projectFull(history, now) : null;
  const operator = operatorOf(bal);

  const explain = (reason: string | undefined) =>
    reason === 'no-webmail' || reason === 'unknown-bal' ? t('quotaCardNoWebmail') : t('quotaCardNotReady');

  const cleanup = async () => {
    setStatus({ kind: 'busy' });
    try {
      const r = await send('quota/open-cleanup', { address: bal.address, source: 'popup' });
      setStatus(r.ok ? { kind: 'idle' } : { kind: 'error', text: explain(r.reason) });
    } catch (e) {
      setStatus({ kind: 'error', text: t('errorGeneric', e instanceof Error ? e.message : String(e)) });
    }
  };

  const openWebmail = async (e: Event) => {
    e.preventDefault();
    try {
      const r = await send('quota/open-webmail', { address: bal.address });
      if (!r.ok) setStatus({ kind: 'error', text: explain(r.reason) });
    } catch (err) {
      setStatus({ kind: 'error', text: t('errorGeneric', err instanceof Error ? err.message : String(err)) });
    }
  };

  return (
    <li class={`card bal-card ${level}`} data-bal={bal.address} data-level={level} data-percent={pct ?? ''}>
      <div class="bal-head">
        <strong class="bal-address">{bal.address}</strong>
        {pct !== null ? <span class={`bal-pct ${level}`}>{formatPercent(pct, lang)}</span> : null}
      </div>
      {operator ? (
        <div class="muted" data-operator={operator}>
          {operator}
        </div>
      ) : null}
      {q ? (
        <div class="bal-quota" data-used-bytes={q.usedBytes} data-limit-bytes={q.limitBytes ?? ''}>
          {q.limitBytes ? (
            <UsageBar
              ratio={q.usedBytes / q.limitBytes}
              level={level}
              label={`${t('quotaCardUsed', formatBytes(q.usedBytes, lang), formatBytes(q.limitBytes, lang))} (${formatPercent(pct!, lang)})`}
            />
          ) : null}
          <div>
            {q.limitBytes ? t('quotaCardUsed', formatBytes(q.usedBytes, lang), formatBytes(q.limitBytes, lang)) : t('quotaCardUnlimited', formatBytes(q.usedBytes, lang))}
          </div>
        </div>
      ) : (
        <div class="muted bal-quota" data-used-bytes="" data-limit-bytes="">
          {t('quotaCardUnknown')}
        </div>
      )}
      {history ? <QuotaChart points={history} warnPercent={settings.quota.warnPercent} lang={lang} /> : null}
      {projection ? (
        <p class={`bal-projection ${level}`} data-projection-days={Math.floor(projection.days)}>
          {projectionText(projection.days)}
        </p>
      ) : null}
      {bal.lastSeen ? (
        <div class="muted" data-last-seen={bal.lastSeen}>
          {t('quotaCardSeen', formatDateTime(bal.lastSeen, lang))}
        </div>
      ) : null}
      <div class="row bal-actions">
        {bal.webmailOrigin ? (
          <a href={`${bal.webmailOrigin}/`} target="_blank" rel="noopener noreferrer" data-action="open-webmail" onClick={openWebmail}>
            {t('quotaCardOpenWebmail')}
          </a>
        ) : null}
        <button
          type="button"
          data-action="open-cleanup"
          aria-label={t('quotaCardCleanupFor', bal.address)}
          disabled={status.kind === 'busy' || !bal.webmailOrigin}
          onClick={() => void cleanup()}
        >
          {status.kind === 'busy' ? t('quotaCardOpening') : t('quotaCardCleanup')}
        </button>
      </div>
      {status.kind === 'error' ? (
        <p class="status error" role="alert" data-status="error">
          {status.text}
        </p>
      ) : null}
    </li>
  );
}
