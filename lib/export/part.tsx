/**
 * The export's on-demand part (entrypoints/quota-export.ts, see ./part-api.ts): the export's own view, run on the
 * messages the server will soon delete. It renders with its own copy of Preact into a container the panel gives
 * it, and nothing else renders there.
 */
import { render } from 'preact';
import { ExportPanel, EXPORT_CSS } from './View';
import { EXPORT_PART, type ExportPartApi } from './part-api';
import { providePart } from '../parts/load';

export function installExportPart(): void {
  providePart<ExportPartApi>(EXPORT_PART, {
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
  });
}
