/**
 * Where a feature shows the export: a container the export part (./part-api.ts, loaded on demand) renders its one
 * view into (./Chooser.tsx). If the part cannot be loaded, a fallback the feature gives (the quota meter: open the
 * cleanup, which exports before it deletes), else a plain notice. Small: it lives in the feature's own bundle.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { Button, Notice } from '../ui/components';
import { t } from '../i18n/t';

export function ExportHost({ mount, onFallback }: { mount: (el: HTMLElement) => Promise<() => void>; onFallback?: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let unmount: (() => void) | null = null;
    let live = true;
    if (ref.current) {
      mount(ref.current).then(
        (u) => (live ? (unmount = u) : u()),
        (e: unknown) => {
          console.error('[Balise] export', e);
          if (live) setFailed(true);
        },
      );
    }
    return () => {
      live = false;
      unmount?.();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <div data-export-host="">
      <div ref={ref} />
      {failed && onFallback ? (
        <div class="b-row">
          <Button action="export-expiring" variant="secondary" onClick={onFallback}>
            {t('quotaExportExpiring')}
          </Button>
          <span class="b-muted">{t('quotaExportExpiringHint')}</span>
        </div>
      ) : failed ? (
        <Notice kind="error">{t('quotaExportUnavailable')}</Notice>
      ) : null}
    </div>
  );
}
