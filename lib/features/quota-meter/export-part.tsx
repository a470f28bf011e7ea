/**
 * The lazily loaded part of the quota meter (entrypoints/quota-export.ts): the export's own view, run on the
 * messages the server will soon delete. It renders with its own copy of Preact into a container the panel gives
 * it, and nothing else renders there.
 */
import { render } from 'preact';
import { ExportPanel, EXPORT_CSS } from '../cleanup/ExportView';
import { QUOTA_EXPORT_GLOBAL, type QuotaExportApi } from './export-lazy';

export function installQuotaExport(): void {
  const g = globalThis as unknown as Record<string, QuotaExportApi | undefined>;
  if (g[QUOTA_EXPORT_GLOBAL]) return;
  g[QUOTA_EXPORT_GLOBAL] = {
    mount(container, props) {
      const doc = container.ownerDocument;
      const style = doc.createElement('style');
      style.textContent = EXPORT_CSS;
      const root = doc.createElement('div');
      container.append(style, root);
      render(
        <ExportPanel
          webmail={props.webmail}
          items={props.items}
          filenameBase={props.filenameBase}
          lang={props.lang}
          {...(props.target ? { target: props.target } : {})}
        />,
        root,
      );
      return () => {
        render(null, root);
        style.remove();
        root.remove();
      };
    },
  };
}
