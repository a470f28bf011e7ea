/**
 * The one export view every place that offers an export shows (the quota panel's "keep a copy" and "export this
 * folder", the retention meter's "keep a copy", the cleanup panel's "export the selected"): what to export when
 * there is a choice (a radio group of sources.ts's sources: the messages soon deleted, a folder, everything), then
 * ExportPanel (View.tsx) for the chosen messages: the "readable archive" box, "ask where to save", the start button,
 * progress, the verified result and the reminder that health data belongs in the patient record software.
 *
 * Public contract (automation, e2e): the root carries data-export-chooser and data-source (the chosen source's id)
 * and data-items (its messages once listed, empty while listing); each choice is a radio data-action="export-source"
 * with data-source; ExportPanel's own attributes inside. Text only, never HTML.
 */
import { useEffect, useState } from 'preact/hooks';
import type { Webmail } from '../webmail/types';
import { Notice } from '../ui/components';
import { formatCount, type Lang } from '../format';
import { t } from '../i18n/t';
import type { ExportDeps, ExportItem, ExportTarget } from './contract';
import type { ExportSource } from './sources';
import { ExportPanel } from './View';

type Listing = { status: 'loading' } | { status: 'ready'; items: ExportItem[] } | { status: 'error' };

export function ExportChooser({
  webmail,
  sources,
  lang,
  target,
  deps,
  initial,
}: {
  webmail: Webmail;
  sources: readonly ExportSource[];
  lang: Lang;
  target?: ExportTarget;
  deps?: ExportDeps;
  /** The source chosen to start with (default: the first). */
  initial?: string;
}) {
  const [chosen, setChosen] = useState(sources.find((s) => s.id === initial)?.id ?? sources[0]?.id ?? '');
  const [listing, setListing] = useState<Listing>({ status: 'loading' });
  const [busy, setBusy] = useState(false);
  const source = sources.find((s) => s.id === chosen) ?? null;

  useEffect(() => {
    if (!source) return;
    const ctl = new AbortController();
    setListing({ status: 'loading' });
    source.load(ctl.signal).then(
      (items) => !ctl.signal.aborted && setListing({ status: 'ready', items }),
      (e: unknown) => {
        if (ctl.signal.aborted) return;
        console.warn('[Balise] export listing', e);
        setListing({ status: 'error' });
      },
    );
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [chosen]);

  if (!source) return null;
  return (
    <div class="x-chooser" data-export-chooser="" data-source={source.id} data-items={listing.status === 'ready' ? listing.items.length : ''}>
      {sources.length > 1 ? (
        <fieldset class="x-sources">
          <legend>{t('export_sourceLegend')}</legend>
          {sources.map((s) => (
            <label key={s.id} class="x-option">
              <input
                type="radio"
                name="x-source"
                value={s.id}
                data-action="export-source"
                data-source={s.id}
                checked={s.id === chosen}
                disabled={busy}
                onChange={() => setChosen(s.id)}
              />{' '}
              {s.label}
            </label>
          ))}
        </fieldset>
      ) : (
        <p class="x-source">{t('export_sourceOne', source.label)}</p>
      )}
      {listing.status === 'loading' ? (
        <p aria-busy="true" role="status">
          {t('export_sourceLoading')}
        </p>
      ) : listing.status === 'error' ? (
        <Notice kind="error" data-export-error="listing">
          {t('export_sourceFailed')}
        </Notice>
      ) : listing.items.length === 0 ? (
        <p role="status" data-export-empty="">
          {t('export_sourceEmpty')}
        </p>
      ) : (
        <>
          <p class="b-muted">{t('export_sourceCount', formatCount(listing.items.length, lang))}</p>
          <ExportPanel
            key={source.id}
            webmail={webmail}
            items={listing.items}
            filenameBase={source.filenameBase}
            lang={lang}
            onBusy={setBusy}
            {...(target ? { target } : {})}
            {...(deps ? { deps } : {})}
          />
        </>
      )}
    </div>
  );
}

export const CHOOSER_CSS = `
.x-sources { border: 1px solid var(--b-border); border-radius: var(--b-radius); margin: 0 0 0.4rem; padding: 0.3rem 0.6rem; }
.x-sources legend { font-weight: 600; padding: 0 0.2rem; }
.x-source { margin: 0.2rem 0; font-weight: 600; }
`;
