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
  /** More CSS properties of the host element (e.g. a floating position), applied like `display`. */
  hostStyle?: Readonly<Record<string, string>>;
}

const RESET = ':host{all:initial!important;}';
const OVERLAY: Readonly<Record<string, string>> = {
  position: 'fixed',
  'z-index': '2147483000',
  inset: '0',
  'pointer-events': 'none',
};

/**
 * The host's own layout, written twice: inline (what the page's side sees) and as a `:host` rule after the reset.
 * Inside a shadow root an `!important` `:host` rule beats the host's inline `!important` style, so the reset alone
 * would undo `position: fixed` and leave a floating UI at the bottom of the page's flow, out of sight.
 */
function hostRule(props: Readonly<Record<string, string>>): string {
  const decls = Object.entries(props)
    .filter(([k, v]) => /^[a-z-]+$/.test(k) && !/[;{}]/.test(v))
    .map(([k, v]) => `${k}:${v}!important;`)
    .join('');
  return `:host{${decls}}`;
}
const STOPPED = ['keydown', 'keyup', 'keypress'] as const;

export function mountShadow(opts: MountOptions): MountedUi {
  const doc = opts.anchor.ownerDocument;
  const host = doc.createElement(`balise-${opts.feature}`);
  host.setAttribute('data-balise', opts.feature);
  const root = host.attachShadow({ mode: shadowModeFor(TEST_BUILD) });
  const style = doc.createElement('style');
  const layout: Record<string, string> = {
    display: opts.display ?? 'inline-block',
    ...(opts.overlay ? OVERLAY : {}),
    ...(opts.hostStyle ?? {}),
  };
  style.textContent = `${RESET}\n${hostRule(layout)}\n${opts.css}`;
  const container = doc.createElement('div');
  container.className = 'balise-root';
  root.append(style, container);
  for (const [k, v] of Object.entries(layout)) host.style.setProperty(k, v, 'important');
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
