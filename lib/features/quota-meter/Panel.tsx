/**
 * The meter's details: where the space went (per-folder sizes as a bar chart, largest first, each size as
 * precise as the host tells it, each folder exportable: data-action="export-folder"), what emptying the trash would
 * give back, a one-click way into the cleanup, and what the server will delete by itself in the next days
 * (retention), with an offer to keep a copy first. Both exports are the export part's one view (lib/export/Chooser).
 */
import { useEffect, useState } from 'preact/hooks';
import { Button, Notice, Panel, UsageBar, type Level } from '../../ui/components';
import { formatBytes, formatCount, formatPercent, formatSize, percentUsed, type Lang } from '../../format';
import { t, type MessageKey } from '../../i18n/t';
import { isWebmailError, type Folder, type Webmail } from '../../webmail/types';
import { describe, levelIcon, type MeterView } from './Meter';
import { expiringSoon, trashReclaim, type ExpiringGroup, type RetentionPolicy } from './retention';
import { canExport, folderSource, isoDay, itemsSource, type ExportSource } from '../../export/sources';
import { ExportHost } from '../../export/Host';

export function errorText(e: unknown): string {
  if (isWebmailError(e)) {
    const key = `webmailError_${e.code.replaceAll('-', '_')}` as MessageKey;
    const text = t(key);
    if (text !== key) return text;
  }
  return t('errorGeneric', e instanceof Error ? e.message : String(e));
}

type Load<T> = { status: 'loading' } | { status: 'ready'; value: T } | { status: 'error'; error: unknown };

function useLoad<T>(fn: (signal: AbortSignal) => Promise<T>, deps: unknown[]): Load<T> {
  const [state, setState] = useState<Load<T>>({ status: 'loading' });
  useEffect(() => {
    const ctl = new AbortController();
    setState({ status: 'loading' });
    fn(ctl.signal).then(
      (value) => !ctl.signal.aborted && setState({ status: 'ready', value }),
      (error: unknown) => !ctl.signal.aborted && setState({ status: 'error', error }),
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return state;
}

/** Largest first; folders whose size is unknown last, by name. */
export function sortFolders(folders: readonly Folder[]): Folder[] {
  return folders.slice().sort((a, b) => {
    if (a.bytes === null || b.bytes === null) return a.bytes === null ? (b.bytes === null ? a.path.localeCompare(b.path) : 1) : -1;
    return b.bytes - a.bytes || a.path.localeCompare(b.path);
  });
}

function sizeTitle(bytes: number, precision: number, lang: Lang): string | undefined {
  return precision > 0 ? t('quotaPrecision', formatBytes(precision, lang)) : undefined;
}

function FolderChart({ folders, lang, onExport }: { folders: Folder[]; lang: Lang; onExport?: (f: Folder) => void }) {
  const sorted = sortFolders(folders);
  const max = Math.max(1, ...sorted.map((f) => f.bytes ?? 0));
  return (
    <ol class={`q-folders${onExport ? ' q-exportable' : ''}`} aria-label={t('quotaFoldersHeading')} data-list="folders">
      {sorted.map((f) => {
        const size = f.bytes === null ? t('quotaSizeUnknown') : formatSize(f.bytes, f.bytesPrecision, lang);
        const count = f.count === 1 ? t('quotaOneMessage') : t('quotaMessages', formatCount(f.count, lang));
        return (
          <li
            key={f.id}
            data-folder-id={f.id}
            data-role={f.role}
            data-bytes={f.bytes ?? ''}
            data-precision={f.bytesPrecision}
            data-count={f.count}
          >
            <span class="q-name" style={{ paddingLeft: `${Math.min(f.depth, 4) * 0.8}rem` }} title={f.path}>
              {f.name}
            </span>
            <span class="q-track" aria-hidden="true">
              <span class={`q-fill ${f.role}`} style={{ width: `${f.bytes === null ? 0 : Math.max(f.bytes > 0 ? 1 : 0, (f.bytes / max) * 100)}%` }} />
            </span>
            <span class="q-size" title={f.bytes === null ? undefined : sizeTitle(f.bytes, f.bytesPrecision, lang)}>
              {size}
            </span>
            <span class="q-count">{count}</span>
            {onExport ? (
              <span class="q-act">
                {f.count > 0 ? (
                  <Button action="export-folder" variant="secondary" onClick={() => onExport(f)} aria-label={t('quotaExportFolderLabel', f.path)}>
                    {t('quotaExportFolder')}
                  </Button>
                ) : null}
              </span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

function ExpiringList({
  groups,
  lang,
  onExport,
  mountExport,
}: {
  groups: ExpiringGroup[];
  lang: Lang;
  onExport: () => void;
  mountExport?: (el: HTMLElement, groups: ExpiringGroup[]) => Promise<() => void>;
}) {
  const nonEmpty = groups.filter((g) => g.count > 0);
  return (
    <>
      <ul class="q-expiring">
        {groups.map((g) => {
          const where = t(g.scope === 'trash' ? 'quotaScopeTrash' : g.scope === 'junk' ? 'quotaScopeJunk' : 'quotaScopeAll', g.lifetime.days);
          const size = formatSize(g.bytes, g.bytesPrecision, lang);
          const text =
            g.count === 0
              ? t('quotaExpiringNone', where)
              : g.upperBound
                ? t('quotaExpiringUpTo', formatCount(g.count, lang), size, where)
                : t('quotaExpiringAbout', formatCount(g.count, lang), size, where);
          return (
            <li key={g.scope} data-scope={g.scope} data-count={g.count} data-days={g.lifetime.days} data-source={g.lifetime.source}>
              {text}
              {g.lifetime.source !== 'server' ? <span class="b-muted"> {t(g.lifetime.source === 'bal' ? 'quotaSourceBal' : 'quotaSourceOperator')}</span> : null}
            </li>
          );
        })}
      </ul>
      {nonEmpty.length ? (
        mountExport ? (
          <>
            <p>{t('quotaExportIntro')}</p>
            <ExportHost mount={(el) => mountExport(el, nonEmpty)} onFallback={onExport} />
          </>
        ) : (
          <div class="b-row">
            <Button action="export-expiring" variant="secondary" onClick={onExport}>
              {t('quotaExportExpiring')}
            </Button>
            <span class="b-muted">{t('quotaExportExpiringHint')}</span>
          </div>
        )
      ) : null}
    </>
  );
}

export interface QuotaPanelProps {
  webmail: Webmail;
  address: string | null;
  view: MeterView;
  level: Level;
  lang: Lang;
  loadPolicy: () => Promise<RetentionPolicy>;
  /** The folders with their sizes (the feature caches them: each costs the host a request). */
  loadFolders: () => Promise<Folder[]>;
  now: () => number;
  onClose: () => void;
  onCleanup: () => void;
  /** The whole mailbox's largest messages (the cleanup panel's view). */
  onLargest: () => void;
  onExportExpiring: (groups: ExpiringGroup[]) => void;
  /**
   * Renders the export part's view (loaded on demand) for these sources; absent: "keep a copy" opens the cleanup
   * and folders offer no export.
   */
  mountExport?: (el: HTMLElement, sources: ExportSource[]) => Promise<() => void>;
  onRetry: () => void;
}

/** The expiring messages as one export source (lib/export/sources.ts). */
export function expiringSource(groups: ExpiringGroup[], now: number): ExportSource {
  return itemsSource('expiring', t('quotaExportExpiringSource'), t('quotaExportFilename', isoDay(now)), groups.flatMap((g) => g.items));
}

export function QuotaPanel(p: QuotaPanelProps) {
  const folders = useLoad(() => p.loadFolders(), []);
  const [expiring, setExpiring] = useState<Load<ExpiringGroup[]>>({ status: 'loading' });
  useEffect(() => {
    if (folders.status !== 'ready') return;
    const ctl = new AbortController();
    (async () => {
      const policy = await p.loadPolicy();
      if (!p.webmail.capabilities.search) return [];
      return expiringSoon(p.webmail, policy, folders.value, p.now(), { signal: ctl.signal });
    })().then(
      (value) => !ctl.signal.aborted && setExpiring({ status: 'ready', value }),
      (error: unknown) => !ctl.signal.aborted && setExpiring({ status: 'error', error }),
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [folders.status]);

  const [exportFolder, setExportFolder] = useState<Folder | null>(null);
  const mountExport = p.mountExport && canExport(p.webmail) ? p.mountExport : undefined;
  const q = p.view.kind === 'quota' ? p.view.quota : null;
  const reclaim = folders.status === 'ready' ? trashReclaim(folders.value) : null;
  const title = p.address ? t('quotaPanelTitleFor', p.address) : t('quotaPanelTitle');

  return (
    <Panel
      title={title}
      onClose={p.onClose}
      closeLabel={t('quotaClose')}
      data-panel="quota"
      footer={
        <>
          <Button action="open-cleanup" onClick={p.onCleanup}>
            {t('quotaOpenCleanup')}
          </Button>
          <Button action="open-largest" variant="secondary" onClick={p.onLargest}>
            {t('quotaOpenLargest')}
          </Button>
          <Button action="close-quota" variant="secondary" onClick={p.onClose}>
            {t('quotaClose')}
          </Button>
        </>
      }
    >
      <section data-section="summary" aria-labelledby="q-summary-h">
        <h3 id="q-summary-h" class="b-sr">
          {t('quotaSummaryHeading')}
        </h3>
        {q && q.limitBytes !== null ? (
          <div class="q-summary">
            <p class="q-big">
              {levelIcon(p.level) ? <span aria-hidden="true">{levelIcon(p.level)} </span> : null}
              {t('quotaUsedOf', formatBytes(q.usedBytes, p.lang), formatBytes(q.limitBytes, p.lang))}{' '}
              <strong>{formatPercent(percentUsed(q.usedBytes, q.limitBytes), p.lang)}</strong>
            </p>
            <UsageBar ratio={q.usedBytes / q.limitBytes} level={p.level} label={describe(p.view, p.level, p.lang)} />
            {p.level === 'crit' ? (
              <Notice kind="error">{t('quotaCritAdvice')}</Notice>
            ) : p.level === 'warn' ? (
              <Notice kind="warn">{t('quotaWarnAdvice')}</Notice>
            ) : null}
          </div>
        ) : null}
        <p class="b-muted">{describe(p.view, p.level, p.lang)}</p>
        {p.view.kind === 'error' || (p.view.kind === 'quota' && p.view.staleCode) ? (
          <Button action="retry-quota" variant="secondary" onClick={p.onRetry}>
            {t('quotaRetry')}
          </Button>
        ) : null}
      </section>

      <section data-section="trash" aria-labelledby="q-trash-h" {...(reclaim ? { 'data-bytes': reclaim.known ? reclaim.bytes : '', 'data-precision': reclaim.precision } : {})}>
        <h3 id="q-trash-h">{t('quotaTrashHeading')}</h3>
        {folders.status === 'loading' ? <p aria-busy="true">{t('quotaLoadingFolders')}</p> : null}
        {reclaim ? (
          !reclaim.known ? (
            <p>{t('quotaTrashUnknown')}</p>
          ) : reclaim.count === 0 ? (
            <p>{t('quotaTrashEmpty')}</p>
          ) : (
            <p>
              {t(
                'quotaTrashReclaim',
                formatSize(reclaim.bytes, reclaim.precision, p.lang),
                reclaim.count === 1 ? t('quotaOneMessage') : t('quotaMessages', formatCount(reclaim.count, p.lang)),
              )}
            </p>
          )
        ) : null}
        <p class="b-muted">{t('quotaTrashNote')}</p>
      </section>

      <section data-section="folders" aria-labelledby="q-folders-h">
        <h3 id="q-folders-h">{t('quotaFoldersHeading')}</h3>
        {folders.status === 'loading' ? (
          <p aria-busy="true">
            {t('quotaLoadingFolders')}
            {p.webmail.capabilities.exactSizes ? null : <span class="b-muted"> {t('quotaLoadingFoldersSlow')}</span>}
          </p>
        ) : null}
        {folders.status === 'error' ? <Notice kind="error">{errorText(folders.error)}</Notice> : null}
        {folders.status === 'ready' ? (
          folders.value.length ? (
            <>
              <FolderChart folders={folders.value} lang={p.lang} {...(mountExport ? { onExport: setExportFolder } : {})} />
              {mountExport && exportFolder ? (
                <div class="q-export" data-export-folder={exportFolder.id}>
                  <ExportHost
                    key={exportFolder.id}
                    mount={(el) => mountExport(el, [folderSource(p.webmail, exportFolder, t('quotaExportFolderFilename', exportFolder.name, isoDay(p.now())))])}
                  />
                </div>
              ) : null}
              {folders.value.some((f) => f.bytesPrecision > 0) ? <p class="b-muted">{t('quotaApproxNote')}</p> : null}
            </>
          ) : (
            <p>{t('quotaNoFolders')}</p>
          )
        ) : null}
      </section>

      <section data-section="retention" aria-labelledby="q-ret-h" aria-live="polite">
        <h3 id="q-ret-h">{t('quotaRetentionHeading')}</h3>
        {folders.status === 'ready' && expiring.status === 'loading' ? <p aria-busy="true">{t('quotaRetentionLoading')}</p> : null}
        {expiring.status === 'error' ? <Notice kind="error">{errorText(expiring.error)}</Notice> : null}
        {expiring.status === 'ready' ? (
          expiring.value.length ? (
            <ExpiringList
              groups={expiring.value}
              lang={p.lang}
              onExport={() => p.onExportExpiring(expiring.value)}
              {...(mountExport ? { mountExport: (el: HTMLElement, groups: ExpiringGroup[]) => mountExport(el, [expiringSource(groups, p.now())]) } : {})}
            />
          ) : (
            <p data-retention="none">{t('quotaRetentionNone')}</p>
          )
        ) : null}
      </section>
    </Panel>
  );
}

export const PANEL_CSS = `
.b-panel { width: min(640px, 100%); }
.b-body h3 { font-size: 0.95rem; margin: 1rem 0 0.4rem; }
.q-big { font-size: 1.05rem; margin: 0 0 0.4rem; }
.q-summary .b-bar { height: 12px; }
.q-folders { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: minmax(8rem, 1.2fr) 2fr auto auto; gap: 0.25rem 0.6rem; align-items: center; }
.q-folders li { display: contents; }
.q-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.q-track { display: block; height: 10px; background: var(--b-bg-alt); border: 1px solid var(--b-border); border-radius: 3px; overflow: hidden; }
.q-fill { display: block; height: 100%; background: var(--b-accent); }
.q-fill.trash, .q-fill.junk { background: var(--b-warn); }
.q-size, .q-count { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.q-count { color: var(--b-muted); }
.q-expiring { margin: 0 0 0.5rem; padding-left: 1.2rem; }
.q-folders.q-exportable { grid-template-columns: minmax(8rem, 1.2fr) 2fr auto auto auto; }
.q-act .b-btn { padding: 0.1rem 0.45rem; font-size: 0.85em; }
.q-export { margin-top: 0.5rem; padding: 0.5rem; border: 1px solid var(--b-border); border-radius: var(--b-radius); }
`;
