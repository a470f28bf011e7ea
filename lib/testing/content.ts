/**
 * TEST BUILDS ONLY: the content script's test commands, installed by one call behind TEST_BUILD
 * (lib/content/main.ts) with the bridge (./bridge.ts) that e2e tests call. Features register nothing: the
 * commands read what they expose (the content state, each feature's handle, the on-demand parts' APIs).
 * What is big or has module side effects (preact/hooks) is imported on first use, so that a static import of this
 * module stays out of store builds.
 */
import { send } from '../messages/send';
import { PACING_OVERRIDE_KEY } from '../webmail/kit/request';
import { peekPart } from '../parts/load';
import type { ContentState } from '../content/state';
import type { CleanupPanelApi } from '../features/cleanup/panel/part-api';
import type { mountQuotaMeter } from '../features/quota-meter/feature';
import type { RetentionMeterHandle } from '../features/retention-meter/feature';
import { installTestBridge, registerTestCommand } from './bridge';

type QuotaMeterHandle = ReturnType<typeof mountQuotaMeter>;

export function installContentTesting(win: Window, state: ContentState, signal: AbortSignal): void {
  // Commands that need the webmail wait for the content script's flow (the webmail's part loads after `load`).
  const settledWebmail = async () => {
    await state.settled;
    return state.webmail;
  };
  const webmail = async () => {
    const w = await settledWebmail();
    if (!w) throw new Error('no webmail detected');
    return w;
  };
  const quotaMeter = async () => {
    await state.settled;
    const handle = state.features['quota-meter'] as QuotaMeterHandle | undefined;
    if (!handle) throw new Error('the quota meter is not mounted');
    return handle;
  };

  registerTestCommand('state', () => ({ detection: state.detection, mounted: state.mounted, failed: state.failed }));
  registerTestCommand('ping', () => send('ping', {}));
  registerTestCommand('open-extension-page', (path) => send('test/open-page', { path: path as '/popup.html' }));
  // The signature context-menu entry's handler (lib/background/signature-menu.ts) on this tab.
  registerTestCommand('menu-insert-signature', (frameId) => send('test/menu-insert-signature', frameId === undefined ? {} : { frameId: Number(frameId) }));
  // 'folders' calls webmail.folders(); 'mailbox.move' / 'quota.read' call a method of that part (null part: error).
  registerTestCommand('webmail', async (method, ...args) => {
    const w = await webmail();
    const [partName, name] = String(method).includes('.') ? String(method).split('.', 2) : [null, String(method)];
    const target = partName === null ? w : (w as unknown as Record<string, unknown>)[partName!];
    if (!target || typeof target !== 'object') throw new Error(`no adapter part ${String(partName)}`);
    const fn = (target as Record<string, unknown>)[name!];
    if (typeof fn !== 'function') throw new Error(`no adapter method ${String(method)}`);
    return (fn as (...a: unknown[]) => unknown).apply(target, args);
  });
  // Which optional parts the adapter has on this page.
  registerTestCommand('webmail-parts', async () => {
    const w = await webmail();
    return { quota: !!w.quota, mailbox: !!w.mailbox, retention: !!w.quota?.retention };
  });
  // Compose editors (ComposeEditor methods are functions: they cannot cross the bridge as values).
  registerTestCommand('compose', async (method, editorId, ...args) => {
    const editors = (await webmail()).composeEditors();
    if (method === 'list') {
      return editors.map((e) => ({
        id: e.id,
        mode: e.mode,
        fromAddress: e.fromAddress(),
        recipients: e.recipients(),
        attachmentsBytes: e.attachmentsBytes(),
        hasSignature: e.hasSignature(),
        subject: e.subject ? e.subject() : null,
      }));
    }
    const editor = editorId ? editors.find((e) => e.id === editorId) : editors[0];
    if (!editor) throw new Error('no compose editor');
    const fn = (editor as unknown as Record<string, unknown>)[String(method)];
    if (typeof fn !== 'function') throw new Error(`no editor method ${String(method)}`);
    const value = await (fn as (...a: unknown[]) => unknown).apply(editor, args);
    return value instanceof Element ? { tagName: value.tagName, id: value.id } : value;
  });
  // How many times the adapter's onHostQuotaChange fired: 'start' subscribes (and resets), 'count' reads.
  let quotaEvents = 0;
  let stopQuotaEvents: (() => void) | null = null;
  registerTestCommand('webmail-quota-events', async (op) => {
    const w = await webmail();
    if (op === 'start') {
      stopQuotaEvents?.();
      quotaEvents = 0;
      stopQuotaEvents = w.quota?.onHostChange(() => void quotaEvents++) ?? null;
    }
    return quotaEvents;
  });
  registerTestCommand('bus', (type, payload) => {
    state.bus.emit(type as 'open-cleanup', payload as { source: 'test' });
    return true;
  });

  // The pacing policy's figures replaced in every pacer of this page (null: the policy again): bench/pacing.ts's baseline.
  registerTestCommand('pacing-override', (o) => {
    const g = globalThis as Record<string, unknown>;
    if (o && typeof o === 'object') g[PACING_OVERRIDE_KEY] = { ...(o as object) };
    else delete g[PACING_OVERRIDE_KEY];
    return true;
  });

  // The cleanup panel, if it was loaded (lib/features/cleanup/panel/part-api.ts).
  registerTestCommand('cleanup-state', async () => peekPart<CleanupPanelApi>('cleanup-panel')?.debugState() ?? null);
  registerTestCommand('cleanup-close', async () => peekPart<CleanupPanelApi>('cleanup-panel')?.close() ?? null);
  // The cleanup runner with the page's adapter (./run-commands.ts).
  registerTestCommand('cleanup-run', async (op, arg, arg2) =>
    (await import('./run-commands')).cleanupRunCommand({ webmail: await settledWebmail(), bus: state.bus, origin: win.location.origin }, op, arg, arg2),
  );
  // The export before delete with the page's adapter (./export-commands.tsx).
  registerTestCommand('export', async (op, arg) =>
    (await import('./export-commands')).exportCommand({ webmail: await settledWebmail(), doc: win.document, signal }, op, arg),
  );

  // The quota meter's handle (lib/features/quota-meter/feature.ts).
  registerTestCommand('quota-meter', async () => (await quotaMeter()).inspect());
  // The export target of the meter's "keep a copy": the quota meter's, else the retention meter's (Medimail).
  registerTestCommand('quota-export-target', async (target) => {
    await state.settled;
    const retention = state.features['retention-meter'] as RetentionMeterHandle | undefined;
    if (!state.features['quota-meter'] && retention) return retention.setExportTarget(target);
    return (await quotaMeter()).setExportTarget(target);
  });
  registerTestCommand('quota-notifications', () => send('test/quota-notifications', {}));

  registerTestCommand('mount-probe', async () => (await import('./probe')).mountProbe(win.document, signal));

  const uninstall = installTestBridge(win);
  signal.addEventListener('abort', uninstall, { once: true });
}
