/**
 * The retention meter, for webmails that show no quota but delete every message after a fixed time (Medimail: 90
 * days, its manual): how many messages, in all folders, pass that age within the next 7 days. It never pretends to a
 * quota. Host data-balise="quota" (where automation looks for Balise's meter) with data-retention-days,
 * data-expiring-count (empty until counted) and data-state (loading | ok | error).
 *
 * Keep a copy before it is deleted: where the webmail gives raw messages and lists folders (capabilities, whatever
 * the webmail), a button beside the meter (data-action="keep-copy") opens a panel (host data-balise="retention-panel",
 * data-panel="retention") with the export part's one view (lib/export/Chooser.tsx): the messages expiring within 7
 * days chosen first, or a folder, or everything, to the verified zip, and the reminder that health data belongs in
 * the patient record software. The part is loaded only then.
 *
 * The lifetime comes from the user's settings for this BAL, else the operator's published figure for this origin,
 * else the one known operator figure for this kind of webmail (Medimail is often served behind a portal's origin).
 */
import { h, render } from 'preact';
import type { Feature, FeatureContext } from '../context';
import { mountShadow, type MountedUi } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/base-css';
import { Button, Notice, Panel } from '../../ui/components';
import { t, uiLang } from '../../i18n/t';
import { send } from '../../messages/send';
import { KNOWN_WEBMAILS } from '../../origins';
import { resolveRetention, expiringSoon, type ExpiringGroup, type Lifetime } from '../quota-meter/retention';
import type { Folder, WebmailKind } from '../../webmail/types';
import type { ExportTarget } from '../../export/contract';
import { EXPORT_PART, type ExportPartApi } from '../../export/part-api';
import { canExport, everythingSource, folderSource, isoDay, itemsSource, type ExportSource } from '../../export/sources';
import { ExportHost } from '../../export/Host';
import { loadPart } from '../../parts/load';

const CSS = `
.r-meter { display: inline-flex; gap: 0.4rem; align-items: baseline; padding: 0.2rem 0.5rem; border: 1px solid var(--b-border);
  border-radius: var(--b-radius); background: var(--b-bg); color: var(--b-fg); font-size: 13px; white-space: nowrap; }
.r-brand { font-weight: 700; color: var(--b-accent); }
.r-meter.warn { border-color: var(--b-warn); }
.r-wrap { display: inline-flex; gap: 0.3rem; align-items: center; flex-wrap: wrap; }
.r-wrap .b-btn { padding: 0.1rem 0.5rem; font-size: 13px; }
`;

const PANEL_CSS = `
.b-panel { width: min(640px, 100%); }
.r-panel-text { margin: 0 0 0.5rem; }
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

/** What the meter's mount() returns (the feature's handle: lib/testing/ uses it). */
export interface RetentionMeterHandle {
  /** Tests only: force the export's target (Chromium's save dialog cannot be driven by the e2e harness). */
  setExportTarget(target: unknown): ExportTarget | null;
}

/** The export sources the panel offers: what expires within 7 days first, then each folder, then everything. */
export function retentionSources(ctx: Pick<FeatureContext, 'webmail'>, groups: ExpiringGroup[], folders: readonly Folder[], now: number): ExportSource[] {
  const day = isoDay(now);
  const expiring = groups.flatMap((g) => g.items);
  return [
    itemsSource('expiring', t('retentionExportExpiring', expiring.length), t('retentionExportFilename', day), expiring),
    ...folders.filter((f) => f.count > 0).map((f) => folderSource(ctx.webmail, f, t('quotaExportFolderFilename', f.name, day))),
    everythingSource(ctx.webmail, folders, t('retentionExportAll'), t('retentionExportAllFilename', day)),
  ];
}

export function mountRetentionMeter(ctx: FeatureContext, opts: { now?: () => number; loadExport?: () => Promise<ExportPartApi> } = {}): RetentionMeterHandle {
  let target: ExportTarget | undefined;
  void run(ctx, opts, () => target);
  return {
    setExportTarget(t: unknown) {
      target = t === 'downloads' || t === 'file' ? t : undefined;
      return target ?? null;
    },
  };
}

async function run(ctx: FeatureContext, opts: { now?: () => number; loadExport?: () => Promise<ExportPartApi> }, target: () => ExportTarget | undefined): Promise<void> {
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
  const exportable = canExport(webmail);
  let counted: { groups: ExpiringGroup[]; folders: Folder[] } | null = null;
  let panel: MountedUi | null = null;

  const closePanel = () => {
    if (!panel) return;
    render(null, panel.container);
    panel.remove();
    panel = null;
    ui.root.querySelector<HTMLElement>('[data-action="keep-copy"]')?.focus();
  };
  const mountExport = async (el: HTMLElement, sources: ExportSource[]) => {
    const api = await (opts.loadExport ?? (() => loadPart<ExportPartApi>(EXPORT_PART)))();
    const forced = target();
    return api.mount(el, { webmail, sources, lang: uiLang(), ...(forced ? { target: forced } : {}) });
  };
  const openPanel = () => {
    if (panel || !counted) return;
    const sources = retentionSources(ctx, counted.groups, counted.folders, now());
    const count = counted.groups.reduce((n, g) => n + g.count, 0);
    panel = mountShadow({ feature: 'retention-panel', css: `${BASE_CSS}\n${PANEL_CSS}`, anchor: doc.body, placement: 'append', display: 'block', overlay: true });
    render(
      <Panel
        title={t('retentionPanelTitle')}
        onClose={closePanel}
        closeLabel={t('quotaClose')}
        data-panel="retention"
        footer={
          <Button action="close-retention" variant="secondary" onClick={closePanel}>
            {t('quotaClose')}
          </Button>
        }
      >
        <p class="r-panel-text">{`${text(lifetime.days, { state: 'ok', count })}. ${t('retentionMeterLong', lifetime.days, source)}`}</p>
        <Notice kind="info" data-notice="patient-record">
          {t('retentionKeepReminder')}
        </Notice>
        <ExportHost mount={(el) => mountExport(el, sources)} />
      </Panel>,
      panel.container,
    );
  };

  const show = (v: View) => {
    ui.host.setAttribute('data-state', v.state);
    ui.host.setAttribute('data-expiring-count', v.state === 'ok' ? String(v.count) : '');
    const label = `${text(lifetime.days, v)}. ${t('retentionMeterLong', lifetime.days, source)}`;
    render(
      h('span', { class: 'r-wrap' }, [
        h('span', { class: `r-meter ${v.state === 'ok' && v.count > 0 ? 'warn' : ''}`, role: 'status', title: label, 'aria-label': label }, [
          h('span', { class: 'r-brand', 'aria-hidden': 'true' }, t('quotaBrand')),
          h('span', null, text(lifetime.days, v)),
        ]),
        exportable && v.state === 'ok' ? h(Button, { action: 'keep-copy', variant: v.count > 0 ? 'primary' : 'secondary', onClick: openPanel }, t('retentionKeepCopy')) : null,
      ]),
      ui.container,
    );
  };
  show({ state: 'loading' });
  signal.addEventListener(
    'abort',
    () => {
      closePanel();
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
    counted = { groups, folders };
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
  mount: (ctx) => mountRetentionMeter(ctx),
};
