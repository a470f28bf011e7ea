/**
 * The export's on-demand part (entrypoints/quota-export.ts, see ./part-api.ts): the one export view (./Chooser.tsx)
 * on the sources a feature gives. It renders with its own copy of Preact into a container the feature gives it,
 * and nothing else renders there.
 */
import { render } from 'preact';
import { EXPORT_CSS } from './View';
import { CHOOSER_CSS, ExportChooser } from './Chooser';
import { EXPORT_PART, type ExportPartApi } from './part-api';
import { providePart } from '../parts/load';

export function installExportPart(): void {
  providePart<ExportPartApi>(EXPORT_PART, {
    mount(container, props) {
      const doc = container.ownerDocument;
      const style = doc.createElement('style');
      style.textContent = `${EXPORT_CSS}\n${CHOOSER_CSS}`;
      const root = doc.createElement('div');
      container.append(style, root);
      render(
        <ExportChooser
          webmail={props.webmail}
          sources={props.sources}
          lang={props.lang}
          {...(props.initial ? { initial: props.initial } : {})}
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
