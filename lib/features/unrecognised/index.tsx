/**
 * A small notice when the webmail is recognised but the page lacks parts its adapter relies on (the adapter's
 * recognition(), e.g. Medimail pages that changed since the facts it was built on). Host data-balise="unrecognised"
 * with data-missing="<part,part>". The other features do nothing on such a page (detection.supported is false); a
 * part found missing later (a list page fetched while paging) shows the notice too.
 */
import { render } from 'preact';
import type { Feature, FeatureContext } from '../index';
import { mountShadow, type MountedUi } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/kit';
import { Notice } from '../../ui/components';
import { t, type MessageKey } from '../../i18n/t';
import type { WebmailKind } from '../../webmail/types';

const NAMES: Record<WebmailKind, string> = { roundcube: 'Roundcube', zimbra: 'Zimbra', medimail: 'Medimail' };
const CHECK_MS = 5_000;
const CSS = '.un { max-width: 40rem; font-size: 13px; }';

/** The notice's text: the webmail's name and the missing parts in words (a part without words keeps its name). */
export function noticeText(kind: WebmailKind, missing: string[]): string {
  const parts = missing.map((m) => {
    const key = `unrecognisedPart_${m}` as MessageKey;
    const s = t(key);
    return s === key ? m : s;
  });
  return t('unrecognisedNotice', NAMES[kind], parts.length ? parts.join(', ') : t('unrecognisedPartsUnknown'));
}

function missingOf(ctx: FeatureContext): string[] | null {
  const r = ctx.webmail.recognition?.();
  if (r && !r.ok) return r.missing;
  return ctx.detection.unsupportedReason === 'unrecognised' ? (r?.missing ?? []) : null;
}

export const unrecognisedFeature: Feature = {
  id: 'unrecognised',
  applies: (ctx) => ctx.detection.page !== 'login' && (ctx.detection.unsupportedReason === 'unrecognised' || typeof ctx.webmail.recognition === 'function'),
  mount(ctx) {
    let ui: MountedUi | null = null;
    let shown = '';
    const update = () => {
      const missing = missingOf(ctx);
      const key = missing ? missing.join(',') || '?' : '';
      if (key === shown) return;
      shown = key;
      if (!missing) {
        ui?.remove();
        ui = null;
        return;
      }
      if (!ui) {
        const at = ctx.webmail.uiAnchor('toolbar');
        ui = at
          ? mountShadow({ feature: 'unrecognised', css: `${BASE_CSS}\n${CSS}`, anchor: at.element, placement: at.placement, display: 'block' })
          : mountShadow({ feature: 'unrecognised', css: `${BASE_CSS}\n${CSS}`, anchor: ctx.doc.body, placement: 'prepend', display: 'block' });
      }
      ui.host.setAttribute('data-missing', missing.join(','));
      render(
        <div class="un" role="status">
          <Notice kind="warn">{noticeText(ctx.detection.kind, missing)}</Notice>
        </div>,
        ui.container,
      );
    };
    update();
    const timer = ctx.doc.defaultView?.setInterval(update, CHECK_MS);
    ctx.signal.addEventListener(
      'abort',
      () => {
        if (timer !== undefined) ctx.doc.defaultView?.clearInterval(timer);
        if (ui) render(null, ui.container);
        ui?.remove();
      },
      { once: true },
    );
  },
};
