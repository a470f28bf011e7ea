/**
 * Every piece of Balise UI on a webmail page lives in its own shadow root, under a host element that
 * carries data-balise="<feature>" (a stable contract for automation). Page CSS cannot reach inside; Balise's CSS
 * cannot leak out; keyboard events typed in Balise's controls do not reach the webmail's shortcuts.
 *
 * Store builds use CLOSED shadow roots: the webmail page's own scripts cannot read Balise's panels (what the
 * cleanup found, the report) through host.shadowRoot, nor reach its controls. Test builds keep them open so that
 * the e2e tests can look inside (puppeteer's `>>>`); the destructive controls check `isTrusted` in both
 * (lib/ui/trusted.ts).
 */
import { TEST_BUILD } from '../env';

/** The shadow root's mode for a build: closed in store builds, open in test builds (automation). */
export function shadowModeFor(testBuild: boolean): ShadowRootMode {
  return testBuild ? 'open' : 'closed';
}
export type Placement = 'before' | 'after' | 'prepend' | 'append';

export interface MountedUi {
  host: HTMLElement;
  root: ShadowRoot;
  /** Render into this element. */
  container: HTMLElement;
  remove(): void;
}

export interface MountOptions {
  feature: string;
  /** CSS text for inside the shadow root (import it with `?inline`). */
  css: string;
  anchor: Element;
  placement: Placement;
  /** `display` of the host element in the page's layout. */
  display?: 'inline-block' | 'block' | 'contents';
  /** Fixed overlay (panels): not placed in the page's flow. */
  overlay?: boolean;
}

const RESET = ':host{all:initial!important;}';
const STOPPED = ['keydown', 'keyup', 'keypress'] as const;

export function mountShadow(opts: MountOptions): MountedUi {
  const doc = opts.anchor.ownerDocument;
  const host = doc.createElement(`balise-${opts.feature}`);
  host.setAttribute('data-balise', opts.feature);
  const root = host.attachShadow({ mode: shadowModeFor(TEST_BUILD) });
  const style = doc.createElement('style');
  style.textContent = `${RESET}\n${opts.css}`;
  const container = doc.createElement('div');
  container.className = 'balise-root';
  root.append(style, container);
  host.style.setProperty('display', opts.display ?? 'inline-block', 'important');
  if (opts.overlay) {
    host.style.setProperty('position', 'fixed', 'important');
    host.style.setProperty('z-index', '2147483000', 'important');
    host.style.setProperty('inset', '0', 'important');
    host.style.setProperty('pointer-events', 'none', 'important');
  }
  const stop = (e: Event) => e.stopPropagation();
  for (const type of STOPPED) host.addEventListener(type, stop);
  switch (opts.placement) {
    case 'before':
      opts.anchor.before(host);
      break;
    case 'after':
      opts.anchor.after(host);
      break;
    case 'prepend':
      opts.anchor.prepend(host);
      break;
    default:
      opts.anchor.append(host);
  }
  return {
    host,
    root,
    container,
    remove() {
      for (const type of STOPPED) host.removeEventListener(type, stop);
      host.remove();
    },
  };
}
