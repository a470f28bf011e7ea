/**
 * The quota meter on the webmail page: a compact meter next to the host's quota display (floating when
 * the page has no such place), refreshed when the host refreshes its own figure and after Balise's actions
 * (QuotaRefresher: at most one quota request a minute), reported to the background (badge, history,
 * notification), with a details panel (folders, trash, retention) one click away.
 */
import { h, render } from 'preact';
import type { Feature, FeatureContext } from '../context';
import type { FoldersRead } from '../bus';
import { mountShadow, type MountedUi } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/base-css';
import { quotaLevel } from '../../ui/level';
import type { Level } from '../../ui/components';
import { uiLang } from '../../i18n/t';
import { send } from '../../messages/send';
import { isWebmailError, type Folder, type Quota } from '../../webmail/types';
import { Meter, METER_CSS, type MeterView } from './Meter';
import { QuotaPanel, PANEL_CSS } from './Panel';
import { QuotaRefresher } from './refresher';
import { resolveRetention, type RetentionPolicy } from './retention';
import { EXPORT_PART, type ExportPartApi } from '../../export/part-api';
import type { ExportTarget } from '../../export/contract';
import type { ExportSource } from '../../export/sources';
import { loadPart } from '../../parts/load';
import type { Settings } from '../../store/schemas';

const FOLDERS_TTL_MS = 5 * 60_000;

/** The export part's API, loading it once (lib/export/part-api.ts). */
export function loadExportPart(): Promise<ExportPartApi> {
  return loadPart<ExportPartApi>(EXPORT_PART);
}

const WRAP_STYLE: Record<string, string> = { 'max-width': '100%' };

const FLOAT_STYLE: Record<string, string> = {
  position: 'fixed',
  right: '12px',
  bottom: '12px',
  'z-index': '2147482000',
};

export function levelOf(view: MeterView, settings: Pick<Settings, 'quota'> | null): Level {
  if (view.kind !== 'quota') return 'unknown';
  const warn = settings?.quota.warnPercent ?? 80;
  const crit = settings?.quota.criticalPercent ?? 95;
  return quotaLevel(view.quota.usedBytes, view.quota.limitBytes, warn, crit);
}

/** The host element's public attributes: the exact byte figures shown (empty when unknown). */
export function hostAttributes(view: MeterView, level: Level): Record<string, string> {
  const q = view.kind === 'quota' ? view.quota : null;
  return {
    'data-used-bytes': q ? String(q.usedBytes) : '',
    'data-limit-bytes': q && q.limitBytes !== null ? String(q.limitBytes) : '',
    'data-level': level,
    'data-state': view.kind === 'quota' ? (view.quota.limitBytes === null ? 'unlimited' : view.staleCode ? 'stale' : 'ok') : view.kind,
    'data-at': q ? String(q.at) : '',
  };
}

export function mountQuotaMeter(
  ctx: FeatureContext,
  opts: { now?: () => number; loadExport?: () => Promise<ExportPartApi> } = {},
) {
  const { webmail, doc, bus, signal } = ctx;
  const quotaPart = webmail.quota;
  if (!quotaPart) throw new Error('the quota meter needs the webmail\'s quota part');
  const now = opts.now ?? (() => Date.now());
  const lang = uiLang();
  let view: MeterView = { kind: 'loading' };
  let settings: Settings | null = null;
  let address: string | null = null;
  let ui: MountedUi | null = null;
  let floating = false;
  let panel: MountedUi | null = null;
  const cleanupEvents: { source: string; at: number }[] = [];
  /** Tests only (setExportTarget, used by lib/testing/): Chromium's save dialog cannot be driven by the e2e harness. */
  let exportTarget: ExportTarget | undefined;

  const mountExport = async (el: HTMLElement, sources: ExportSource[]) => {
    const api = await (opts.loadExport ?? loadExportPart)();
    return api.mount(el, { webmail, sources, lang, ...(exportTarget ? { target: exportTarget } : {}) });
  };

  const level = () => levelOf(view, settings);

  const renderMeter = () => {
    if (!ui) return;
    for (const [k, v] of Object.entries(hostAttributes(view, level()))) ui.host.setAttribute(k, v);
    render(h(Meter, { view, level: level(), lang, onOpen: openPanel }), ui.container);
  };

  /** The host's quota area, when it is on screen (responsive layouts hide Roundcube's sidebar on narrow windows). */
  const visibleAnchor = () => {
    const anchor = webmail.uiAnchor('quota');
    return anchor && anchor.element.getClientRects().length > 0 ? anchor : null;
  };

  /** The window width at which the meter, put next to the host's quota area, stuck out of the window (then it floats). */
  let tooWideAt: number | null = null;
  const win = doc.defaultView;

  type Anchor = NonNullable<ReturnType<typeof visibleAnchor>>;
  /**
   * `line`: on one line; `wrap`: never wider than the host's quota area, broken over lines; `compact`: the level and
   * the percentage only, beside the host's own bar and figures (Roundcube Elastic's sidebar footer leaves ~125 px
   * and cuts what overflows; the figures stay in the button's name, its tooltip and the panel it opens).
   */
  type Spot = { anchor: Anchor; fit: 'line' | 'wrap' | 'compact' } | null;
  const mountAt = (spot: Spot) => {
    if (!spot) {
      // The host's layer for floating elements where its adapter knows one (below its own messages and dialogs).
      const layer = webmail.uiAnchor('quota')?.floatLayer;
      const hostStyle = layer === undefined ? FLOAT_STYLE : { ...FLOAT_STYLE, 'z-index': String(layer) };
      return mountShadow({ feature: 'quota', css: `${BASE_CSS}\n${METER_CSS}`, anchor: doc.body, placement: 'append', hostStyle });
    }
    const m = mountShadow({
      feature: 'quota',
      css: `${BASE_CSS}\n${METER_CSS}`,
      anchor: spot.anchor.element,
      placement: spot.anchor.placement,
      ...(spot.fit === 'wrap' ? { hostStyle: WRAP_STYLE } : {}),
    });
    if (spot.fit !== 'line') m.host.setAttribute('data-fit', spot.fit);
    return m;
  };

  /**
   * The meter (its host or its button, which may overflow the host) goes past the window's left or right edge, or
   * past the edge of a box of the page that cuts what overflows it (Roundcube Elastic's sidebar footer is
   * `overflow: hidden`: at 1280 px a full mailbox's "⚠ 184 Mo / 200 Mo 91 %" was cut after "91").
   */
  const sticksOut = (m: MountedUi) => {
    const clips: DOMRect[] = [];
    for (let a = m.host.parentElement; a && a !== doc.body && a !== doc.documentElement; a = a.parentElement) {
      const st = win?.getComputedStyle(a);
      if (st && (st.overflowX !== 'visible' || st.overflowY !== 'visible')) clips.push(a.getBoundingClientRect());
    }
    return [m.host, m.container.firstElementChild].some((el) => {
      const r = el?.getBoundingClientRect();
      if (!r) return false;
      if (r.left < 0 || r.right > doc.documentElement.clientWidth) return true;
      // 1 px of slack: borders and rounding.
      return r.width > 0 && clips.some((c) => r.left < c.left - 1 || r.right > c.right + 1 || r.top < c.top - 1 || r.bottom > c.bottom + 1);
    });
  };

  const swap = (next: MountedUi, anchored: boolean) => {
    if (ui) {
      render(null, ui.container);
      ui.remove();
    }
    ui = next;
    floating = !anchored;
    next.host.setAttribute('data-placement', anchored ? 'anchored' : 'floating');
    renderMeter();
  };

  /**
   * Next to the host's quota area when it is on screen and the meter fits in the window there, on one line if it
   * can (Roundcube's footer has the height of one line), else broken to the quota area's width (Zimbra's top bar
   * ends with a 150-160 px quota area at the window's right edge), else in its compact form (Roundcube Elastic's
   * footer, whatever the window's width); otherwise it floats in the window's corner until the width changes.
   */
  const place = () => {
    const anchor = tooWideAt !== null && tooWideAt === win?.innerWidth ? null : visibleAnchor();
    const tries: Spot[] = anchor ? [{ anchor, fit: 'line' }, { anchor, fit: 'wrap' }, { anchor, fit: 'compact' }, null] : [null];
    for (const spot of tries) {
      swap(mountAt(spot), spot !== null);
      if (spot === null || !win || !sticksOut(ui!)) break;
    }
    tooWideAt = anchor && floating && win ? win.innerWidth : null;
  };

  // The host may rebuild the part of the page we sit in, build its quota area after we mounted, or hide it when the
  // window gets narrow: check now and then, and float whenever the quota area is not on screen.
  const watch = setInterval(() => {
    if (!ui) return;
    // It grows once its figures come: place it again if that made it stick out of the window.
    if (!floating && ui.host.isConnected && sticksOut(ui)) return place();
    const anchored = tooWideAt !== null && tooWideAt === win?.innerWidth ? null : visibleAnchor();
    if (!ui.host.isConnected || (floating ? anchored !== null : anchored === null)) place();
  }, 2000);

  // Hosts that build their quota area after the page loads (Zimbra: ~1.8 s after the content script starts) would see
  // the meter float, then jump next to it at the next check. For the first seconds, a change of the page while the
  // meter floats checks at once (at most every 200 ms), so it moves as soon as the quota area is there.
  const EARLY_MS = 10_000;
  let early: ReturnType<typeof setTimeout> | null = null;
  const earlyWatch = win?.MutationObserver
    ? new win.MutationObserver(() => {
        if (early || !floating) return;
        early = setTimeout(() => {
          early = null;
          if (ui && floating && visibleAnchor() !== null) place();
        }, 200);
      })
    : null;
  earlyWatch?.observe(doc.body, { childList: true, subtree: true });
  const earlyStop = setTimeout(() => earlyWatch?.disconnect(), EARLY_MS);

  const loadSettings = () =>
    send('settings/get', {}).then(
      (s) => {
        settings = s;
        renderMeter();
      },
      () => undefined,
    );

  const accountP = webmail.account().then(
    (a) => (address = a.address.toLowerCase()),
    () => null,
  );

  const report = async (q: Quota) => {
    const addr = address ?? (await accountP);
    if (!addr) return;
    await send('quota/report', { address: addr, usedBytes: q.usedBytes, limitBytes: q.limitBytes, at: q.at }).catch((e) =>
      console.warn('[Balise] quota report', e),
    );
  };

  let emitting = false;
  const refresher = new QuotaRefresher({
    now,
    read: () => quotaPart.read(),
    onResult: (r) => {
      if ('error' in r) {
        const code = isWebmailError(r.error) ? r.error.code : 'server';
        view = view.kind === 'quota' ? { kind: 'quota', quota: view.quota, staleCode: code } : { kind: 'error', code };
      } else if (r.quota === null) {
        view = { kind: 'unknown' };
      } else {
        if (lastUsed !== null && lastUsed !== r.quota.usedBytes) foldersCache = null;
        lastUsed = r.quota.usedBytes;
        view = { kind: 'quota', quota: r.quota };
        void report(r.quota);
        if (r.source === 'read') {
          emitting = true;
          try {
            bus.emit('quota', { usedBytes: r.quota.usedBytes, limitBytes: r.quota.limitBytes, at: r.quota.at });
          } finally {
            emitting = false;
          }
        }
      }
      void loadSettings();
      renderPanel();
      renderMeter();
    },
  });

  // Folder sizes cost the host one request per folder (Roundcube: two): keep them a few minutes, until Balise
  // changes the mailbox or the used space moves.
  let foldersCache: { at: number; promise: Promise<Folder[]> } | null = null;
  const loadFolders = (): Promise<Folder[]> => {
    if (!webmail.capabilities.folders) return Promise.resolve([]);
    if (!foldersCache || now() - foldersCache.at > FOLDERS_TTL_MS) {
      const promise = webmail.folders();
      const entry = { at: now(), promise };
      foldersCache = entry;
      promise.catch(() => {
        if (foldersCache === entry) foldersCache = null;
      });
    }
    return foldersCache.promise;
  };
  /** The figures loadFolders last asked (perhaps still on their way), for the cleanup panel ({} when none). */
  const foldersRead = (): { folders?: FoldersRead } => (foldersCache ? { folders: { list: foldersCache.promise, at: foldersCache.at } } : {});
  let lastUsed: number | null = null;

  const loadPolicy = async (): Promise<RetentionPolicy> => {
    const server = quotaPart.retention ? await quotaPart.retention().catch(() => null) : null;
    const addr = address ?? (await accountP);
    const bals = await send('bals/list', {}).catch(() => []);
    const bal = bals.find((b) => b.address === addr);
    return resolveRetention(server, bal?.limits, doc.location?.origin ?? '');
  };

  function closePanel(opts: { restoreFocus?: boolean } = {}) {
    if (!panel) return;
    render(null, panel.container);
    panel.remove();
    panel = null;
    // Back to the meter's button (the Panel returns focus where it was, but the host may have rebuilt its
    // quota area meanwhile, and the meter with it).
    if (opts.restoreFocus && ui) ui.root.querySelector<HTMLElement>('[data-action="open-quota"]')?.focus();
  }

  function renderPanel() {
    if (!panel) return;
    render(
      h(QuotaPanel, {
        webmail,
        address,
        view,
        level: level(),
        lang,
        loadPolicy,
        loadFolders,
        now,
        onClose: () => closePanel({ restoreFocus: true }),
        // The cleanup panel takes the folder figures this panel just read (while fresh) instead of asking them again.
        onCleanup: () => {
          closePanel();
          bus.emit('open-cleanup', { source: 'meter', ...foldersRead() });
        },
        onLargest: () => {
          closePanel();
          bus.emit('open-cleanup', { source: 'meter', view: 'largest-mailbox', ...foldersRead() });
        },
        mountExport,
        // Only when the export could not be loaded: the cleanup panel exports before it deletes anything.
        onExportExpiring: () => {
          closePanel();
          bus.emit('open-cleanup', { source: 'meter', ...foldersRead() });
        },
        onRetry: () => refresher.request('user'),
      }),
      panel.container,
    );
  }

  function openPanel() {
    if (panel) return;
    void loadSettings();
    panel = mountShadow({ feature: 'quota-panel', css: `${BASE_CSS}\n${PANEL_CSS}`, anchor: doc.body, placement: 'append', display: 'block', overlay: true });
    renderPanel();
  }

  place();
  void loadSettings();
  refresher.request('initial');
  const offHost = quotaPart.onHostChange(() => refresher.request('host'));
  bus.on(
    'mailbox-changed',
    () => {
      foldersCache = null;
      refresher.request('action');
    },
    signal,
  );
  bus.on(
    'quota',
    (q) => {
      if (!emitting) refresher.supply(q);
    },
    signal,
  );
  bus.on('open-cleanup', (e) => void cleanupEvents.push({ source: e.source, at: now() }), signal);


  signal.addEventListener(
    'abort',
    () => {
      clearInterval(watch);
      clearTimeout(earlyStop);
      if (early) clearTimeout(early);
      earlyWatch?.disconnect();
      offHost();
      refresher.dispose();
      closePanel();
      if (ui) {
        render(null, ui.container);
        ui.remove();
      }
    },
    { once: true },
  );
  return {
    refresher,
    openPanel,
    closePanel,
    /** What the meter shows and read so far (for tests and the demo). */
    inspect: () => ({ reads: refresher.reads, nextAt: refresher.nextAt(), view, level: level(), address, cleanupEvents }),
    /** Force the export's target (tests: Chromium's save dialog cannot be driven); anything else: 'auto'. */
    setExportTarget(target: unknown): ExportTarget | null {
      exportTarget = target === 'downloads' || target === 'file' ? target : undefined;
      return exportTarget ?? null;
    },
  };
}

export const quotaMeter: Feature = {
  id: 'quota-meter',
  applies: ({ webmail, detection }) => detection.supported && detection.page !== 'login' && detection.page !== 'compose' && !!webmail.quota,
  mount: (ctx) => mountQuotaMeter(ctx),
};
