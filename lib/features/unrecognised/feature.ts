/**
 * "Balise ne reconnaît pas cette page": when the adapter cannot find on the live page what it needs (its selectors
 * file says which parts are required on which page, lib/webmail/kit/selectors.ts), Balise says so in a small notice
 * instead of floating silently or misbehaving. Plain DOM in a shadow root (no Preact: it must stay tiny), with
 * role="status" so screen readers announce it, and a button to hide it.
 *
 * Hosts build their page after `load` (Zimbra's shell, its folder tree): the check is repeated for a while before
 * anything is shown, and the notice goes away by itself once the page is recognised.
 */
import type { Feature, FeatureContext } from '../context';
import type { Recognition, WebmailKind } from '../../webmail/types';
import { mountShadow, type MountedUi } from '../../ui/shadow';
import { t, type MessageKey } from '../../i18n/t';

const NAMES: Record<WebmailKind, string> = { roundcube: 'Roundcube', zimbra: 'Zimbra', medimail: 'Medimail' };

/** The missing parts in words where the catalog has them (unrecognisedPart_<name>), else their names. */
function partsInWords(missing: string[]): string {
  if (!missing.length) return t('unrecognisedPartsUnknown');
  return missing
    .map((m) => {
      const key = `unrecognisedPart_${m}` as MessageKey;
      const s = t(key);
      return s && s !== key ? s : m;
    })
    .join(', ');
}

const CSS = `
.u { font: 13px/1.4 system-ui, sans-serif; color: #3b2300; background: #fff4d6; border: 1px solid #c98a00;
  border-radius: 6px; padding: 8px 10px; max-width: 340px; box-shadow: 0 2px 6px rgba(0,0,0,.15); pointer-events: auto; }
.u strong { display: block; margin-bottom: 2px; }
.u p { margin: 2px 0; }
.u button { font: inherit; margin-top: 4px; padding: 2px 8px; border: 1px solid #8a5f00; border-radius: 4px;
  background: #fff; color: #3b2300; cursor: pointer; }
.u button:focus-visible { outline: 2px solid #1a56db; outline-offset: 2px; }
`;

export interface UnrecognisedOptions {
  /** How long the page may take to build itself before a missing part counts (ms). */
  graceMs?: number;
  /** How often the page is checked again (ms). */
  everyMs?: number;
}

/** Builds the notice's content in `container` (text only, through t()). */
export function renderNotice(container: HTMLElement, r: Recognition, onDismiss: () => void, kind: WebmailKind = 'roundcube'): void {
  const doc = container.ownerDocument;
  const box = doc.createElement('div');
  box.className = 'u';
  box.setAttribute('role', 'status');
  box.setAttribute('data-missing', r.missing.join(' '));
  const title = doc.createElement('strong');
  title.textContent = t('unrecognisedTitle', NAMES[kind], partsInWords(r.missing));
  const body = doc.createElement('p');
  body.textContent = t('unrecognisedBody');
  const missing = doc.createElement('p');
  missing.setAttribute('data-part', 'missing');
  missing.textContent = t('unrecognisedMissing', r.missing.join(', '));
  const hide = doc.createElement('button');
  hide.type = 'button';
  hide.setAttribute('data-action', 'dismiss');
  hide.textContent = t('unrecognisedDismiss');
  hide.addEventListener('click', onDismiss);
  box.append(title, body, missing, hide);
  container.replaceChildren(box);
}

/** Watches the page; mounts the notice while required parts are missing (after the grace time). */
export function mountUnrecognised(ctx: FeatureContext, opts: UnrecognisedOptions = {}): { check(): void } {
  const { webmail, doc, signal } = ctx;
  // A page the detection already found lacking (it had loaded): no grace.
  const grace = opts.graceMs ?? (ctx.detection.unsupportedReason === 'unrecognised' ? 0 : 15_000);
  const every = opts.everyMs ?? 2_000;
  const started = Date.now();
  let ui: MountedUi | null = null;
  let dismissed = false;
  const unmount = () => {
    ui?.remove();
    ui = null;
  };
  const check = () => {
    if (signal.aborted || dismissed || !webmail.recognition) return;
    const r = webmail.recognition();
    if (r.ok) return unmount();
    if (Date.now() - started < grace) return;
    if (!ui) {
      ui = mountShadow({ feature: 'unrecognised', css: CSS, anchor: doc.body, placement: 'append', display: 'block' });
      for (const [k, v] of Object.entries({ position: 'fixed', bottom: '12px', left: '12px', 'z-index': '2147483000' })) {
        ui.host.style.setProperty(k, v, 'important');
      }
    }
    ui.host.setAttribute('data-missing', r.missing.join(' '));
    renderNotice(
      ui.container,
      r,
      () => {
        dismissed = true;
        unmount();
      },
      ctx.detection.kind,
    );
  };
  const timer = setInterval(check, every);
  check();
  signal.addEventListener(
    'abort',
    () => {
      clearInterval(timer);
      unmount();
    },
    { once: true },
  );
  return { check };
}

export const unrecognisedFeature: Feature = {
  id: 'unrecognised',
  applies: ({ webmail, detection }) =>
    (detection.supported || detection.unsupportedReason === 'unrecognised') && detection.page !== 'login' && typeof webmail.recognition === 'function',
  mount: (ctx) => void mountUnrecognised(ctx),
};
