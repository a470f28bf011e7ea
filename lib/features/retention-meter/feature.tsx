/**
 * The retention meter, for webmails that show no quota but delete every message after a fixed time (Medimail: 90
 * days, its manual): how many messages, in all folders, pass that age within the next 7 days. It never pretends to a
 * quota. Host data-balise="quota" (where automation looks for Balise's meter) with data-retention-days,
 * data-expiring-count (empty until counted) and data-state (loading | ok | error).
 *
 * The lifetime comes from the user's settings for this BAL, else the operator's published figure for this origin,
 * else the one known operator figure for this kind of webmail (Medimail is often served behind a portal's origin).
 */
import { h, render } from 'preact';
import type { Feature, FeatureContext } from '../context';
import { mountShadow, type MountedUi } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/base-css';
import { t } from '../../i18n/t';
import { send } from '../../messages/send';
import { KNOWN_WEBMAILS } from '../../origins';
import { resolveRetention, expiringSoon, type Lifetime } from '../quota-meter/retention';
import type { WebmailKind } from '../../webmail/types';

const CSS = `
.r-meter { display: inline-flex; gap: 0.4rem; align-items: baseline; padding: 0.2rem 0.5rem; border: 1px solid var(--b-border);
  border-radius: var(--b-radius); background: var(--b-bg); color: var(--b-fg); font-size: 13px; white-space: nowrap; }
.r-brand { font-weight: 700; color: var(--b-accent); }
.r-meter.warn { border-color: var(--b-warn); }
`;

/** The operator figure for this origin, else the only one published for this kind of webmail. */
export function operatorRetention(kind: WebmailKind, origin: string): number | undefined {
  const byOrigin = KNOWN_WEBMAILS.find((k) => k.origin === origin)?.retentionDays;
  if (byOrigin) return byOrigin;
  const byKind = [...new Set(KNOWN_WEBMAILS.filter((k) => k.kind === kind && k.retentionDays).map((k) => k.retentionDays))];
  return byKind.length === 1 ? byKind[0] : undefined;
}

const DAY = 86_400_000;
/** What the meter counts: the messages deleted within the next 7 days (its text says so). */
const HORIZON_DAYS = 7;

type View = { state: 'loading' } | { state: 'ok'; count: number } | { state: 'error' };

function text(days: number, v: View): string {
  if (v.state === 'loading') return t('retentionMeterLoading', days);
  if (v.state === 'error') return t('retentionMeterError', days);
  return v.count === 0 ? t('retentionMeterNone', days) : v.count === 1 ? t('retentionMeterOne', days) : t('retentionMeterMany', days, v.count);
}

export async function mountRetentionMeter(ctx: FeatureContext, opts: { now?: () => number } = {}): Promise<void> {
  const { webmail, doc, signal } = ctx;
  const now = opts.now ?? (() => Date.now());
  const origin = doc.location?.origin ?? '';
  const address = await webmail.account().then((a) => a.address.toLowerCase(), () => null);
  const bals = await send('bals/list', {}).catch(() => []);
  const limits = bals.find((b) => b.address === address)?.limits;
  const operator = operatorRetention(ctx.detection.kind, origin);
  const policy = resolveRetention(null, limits, origin, operator ? [{ id: 'kind', label: '', origin, kind: ctx.detection.kind, operator: '', retentionDays: operator, notWebmail: [], source: 'the webmail kind' }] : []);
  const lifetime: Lifetime | null = policy.all;
  if (!lifetime || signal.aborted) return;

  const anchor = webmail.uiAnchor('quota');
  const ui: MountedUi = anchor
    ? mountShadow({ feature: 'quota', css: `${BASE_CSS}\n${CSS}`, anchor: anchor.element, placement: anchor.placement })
    : mountShadow({ feature: 'quota', css: `${BASE_CSS}\n${CSS}`, anchor: doc.body, placement: 'append' });
  ui.host.setAttribute('data-retention-days', String(lifetime.days));
  ui.host.setAttribute('data-meter', 'retention');
  const source = lifetime.source === 'bal' ? t('quotaSourceBal') : t('quotaSourceOperator');
  const show = (v: View) => {
    ui.host.setAttribute('data-state', v.state);
    ui.host.setAttribute('data-expiring-count', v.state === 'ok' ? String(v.count) : '');
    const label = `${text(lifetime.days, v)}. ${t('retentionMeterLong', lifetime.days, source)}`;
    render(
      h('span', { class: `r-meter ${v.state === 'ok' && v.count > 0 ? 'warn' : ''}`, role: 'status', title: label, 'aria-label': label }, [
        h('span', { class: 'r-brand', 'aria-hidden': 'true' }, t('quotaBrand')),
        h('span', null, text(lifetime.days, v)),
      ]),
      ui.container,
    );
  };
  show({ state: 'loading' });
  signal.addEventListener(
    'abort',
    () => {
      render(null, ui.container);
      ui.remove();
    },
    { once: true },
  );
  try {
    const folders = await webmail.folders();
    const at = now();
    const groups = await expiringSoon(webmail, { trash: null, junk: null, all: lifetime }, folders, at, { signal, horizonDays: HORIZON_DAYS });
    if (signal.aborted) return;
    const count = groups.reduce((n, g) => n + g.count, 0);
    show({ state: 'ok', count });
    // The background warns once, a few days before the first deletion (lib/background/expiry.ts).
    const dates = groups.flatMap((g) => g.items.map((i) => i.summary.date)).filter((d): d is number => typeof d === 'number');
    const firstExpiry = dates.length ? Math.min(...dates) + lifetime.days * DAY : null;
    if (address) await send('retention/report', { address, lifetimeDays: lifetime.days, count, firstExpiry, horizonEnd: at + HORIZON_DAYS * DAY }).catch((e) => console.warn('[Balise] retention report', e));
  } catch (e) {
    if (!signal.aborted) show({ state: 'error' });
    console.warn('[Balise] retention', e);
  }
}

export const retentionMeter: Feature = {
  id: 'retention-meter',
  applies: ({ webmail, detection }) =>
    detection.supported && detection.page === 'mail' && !webmail.quota && webmail.capabilities.search && webmail.capabilities.folders,
  mount: (ctx) => void mountRetentionMeter(ctx),
};
