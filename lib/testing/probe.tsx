/**
 * TEST BUILDS ONLY: a minimal Preact UI mounted through the real mountShadow(), so that e2e tests can check
 * shadow-root isolation (page CSS does not reach in, ours does not leak out) in both real browsers before any
 * feature exists on the page.
 */
import { render } from 'preact';
import { useState } from 'preact/hooks';
import { mountShadow } from '../ui/shadow';

const CSS = `
.probe { color: rgb(0, 128, 0); font: 14px/1.4 system-ui, sans-serif; }
p, button { color: rgb(0, 128, 0); }
`;

function Probe() {
  const [clicks, setClicks] = useState(0);
  return (
    <div class="probe" data-clicks={clicks}>
      <p>Balise</p>
      <button type="button" data-action="probe" onClick={() => setClicks((c) => c + 1)}>
        {clicks}
      </button>
    </div>
  );
}

export function mountProbe(doc: Document, signal: AbortSignal): { mounted: true } {
  const ui = mountShadow({ feature: 'probe', css: CSS, anchor: doc.body, placement: 'append' });
  render(<Probe />, ui.container);
  signal.addEventListener('abort', () => {
    render(null, ui.container);
    ui.remove();
  });
  return { mounted: true };
}
