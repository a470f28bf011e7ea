/**
 * Compose checks beside each compose editor (host data-balise="compose-check"): warnings for recipients
 * outside MSSanté, wrong patient INS addresses, attachments over the BAL's limit and writing from a BAL that is
 * not the preferred one; for a patient recipient, the [FIN] rule with a one-click helper. Each warning shown
 * carries data-warning="<kind>". They never block sending. Off when settings.compose.checks is false.
 */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Feature, FeatureContext } from '../context';
import type { ComposeEditor } from '../../webmail/types';
import { mountShadow } from '../../ui/shadow';
import { BASE_CSS } from '../../ui/base-css';
import { Button } from '../../ui/components';
import { send } from '../../messages/send';
import type { ComposeContext } from '../../messages/registry';
import { t, uiLang } from '../../i18n/t';
import { formatBytes } from '../../format';
import { FIN_SUBJECT } from '../../mssante/addresses';
import { watchComposeEditors } from '../compose-watch';
import { checkCompose, type ComposeReport, type ComposeWarning } from './checks';

const CSS = `
.cc { margin: 0.25rem 0.4rem; max-width: 60rem; }
.cc ul { list-style: none; margin: 0; padding: 0; }
.cc li { margin: 0.25rem 0; }
.cc .b-notice { margin: 0.25rem 0; }
.cc .foot { font-size: 12px; }
`;

function safe<T>(fn: () => T, fallback: T): T {
  try {
    return fn();
  } catch {
    return fallback;
  }
}

function warningText(w: ComposeWarning): string {
  switch (w.kind) {
    case 'non-mssante':
      return t('ccNonMssante', w.addresses.join(', '));
    case 'ins-key':
      return w.code === 'ins.key'
        ? t('ccInsKey', w.address)
        : w.code === 'ins.length'
          ? t('ccInsLength', w.address)
          : w.code === 'ins.format'
            ? t('ccInsFormat', w.address)
            : t('ccInsOther', w.address);
    case 'attachments-size':
      return t('ccAttachments', formatBytes(w.bytes, uiLang()), w.limitMB);
    case 'not-preferred':
      return w.situation ? t('ccNotPreferred', w.from, w.preferred, w.situation) : t('ccNotPreferredNoSituation', w.from, w.preferred);
  }
}

export function ComposeChecks({ report, editor }: { report: ComposeReport; editor: ComposeEditor }) {
  const [finDone, setFinDone] = useState(false);
  useEffect(() => {
    if (report.fin?.subject !== 'exact') setFinDone(false);
  }, [report.fin?.subject]);
  if (!report.warnings.length && !report.fin) return <div class="cc" data-empty="" />;
  const canSetSubject = typeof editor.setSubject === 'function';
  const setFin = () => {
    try {
      editor.setSubject!(FIN_SUBJECT);
      setFinDone(true);
    } catch (e) {
      console.warn('[Balise] setSubject', e);
    }
  };
  return (
    <div class="cc" role="region" aria-label={t('ccLabel')}>
      <ul>
        {report.warnings.map((w, i) => (
          <li key={`${w.kind}-${i}`}>
            <div
              class="b-notice warn"
              role="alert"
              data-warning={w.kind}
              {...(w.kind === 'ins-key' ? { 'data-code': w.code, 'data-address': w.address } : {})}
            >
              {warningText(w)}
            </div>
          </li>
        ))}
      </ul>
      {report.fin ? (
        <div class="b-notice info" role="status" data-info="fin" data-subject={report.fin.subject}>
          <p style="margin:0 0 0.3rem">{t('ccFinReminder')}</p>
          {report.fin.subject === 'near' ? <p data-info="fin-near">{t('ccFinNear')}</p> : null}
          {report.fin.subject === 'exact' || finDone ? (
            <p data-info="fin-set">{t('ccFinDone')}</p>
          ) : canSetSubject ? (
            <Button action="fin-subject" variant="secondary" onClick={setFin}>
              {t('ccFinButton')}
            </Button>
          ) : (
            <p data-info="fin-manual">{t('ccFinManual')}</p>
          )}
        </div>
      ) : null}
      {report.warnings.length ? <p class="foot b-muted">{t('ccNeverBlocks')}</p> : null}
    </div>
  );
}

export function mountComposeChecks(ctx: FeatureContext): void {
  const onEditor = (editor: ComposeEditor, signal: AbortSignal) => {
    const anchor = editor.anchor();
    if (!anchor) return;
    let context: ComposeContext | null = null;
    let contextFrom: string | null | undefined;
    let ui: ReturnType<typeof mountShadow> | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const evaluate = async () => {
      timer = undefined;
      if (signal.aborted) return;
      const from = safe(() => editor.fromAddress(), null);
      if (context === null || from !== contextFrom) {
        contextFrom = from;
        try {
          context = await send('compose/context', { from: from && from.length <= 320 ? from : null });
        } catch (e) {
          console.warn('[Balise] compose checks', e);
          return;
        }
        if (signal.aborted) return;
      }
      if (!context!.checks) {
        if (ui) {
          render(null, ui.container);
          ui.remove();
          ui = null;
        }
        return;
      }
      const report = checkCompose({
        recipients: safe(() => editor.recipients(), []),
        attachmentsBytes: safe(() => editor.attachmentsBytes(), null),
        subject: typeof editor.subject === 'function' ? safe(() => editor.subject!(), null) : null,
        from: context!.from,
        preferredAddress: context!.preferredAddress,
        notPreferred: context!.notPreferred,
        situation: context!.situation,
        // The BAL's own limit or a known operator's; else what the compose page itself states (Medimail's gauge).
        attachmentLimitMB: context!.attachmentLimitMB ?? pageLimitMB(editor),
      });
      if (!ui) {
        const where = editor.anchor() ?? anchor;
        if (!where.isConnected) return;
        ui = mountShadow({ feature: 'compose-check', css: `${BASE_CSS}\n${CSS}`, anchor: where, placement: 'after', display: 'block' });
      }
      render(<ComposeChecks report={report} editor={editor} />, ui.container);
    };
    const schedule = () => {
      if (timer === undefined && !signal.aborted) timer = setTimeout(() => void evaluate(), 200);
    };

    // Recipients are typed in inputs (no mutation) or turned into bubbles (mutations); attachments finish
    // uploading later; the identity can change.
    for (const type of ['input', 'change', 'focusout', 'keyup']) ctx.doc.addEventListener(type, schedule, { capture: true, signal });
    const observer = new MutationObserver(schedule);
    observer.observe(ctx.doc.body ?? ctx.doc.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['value', 'title'] });
    // Settings changed in the options page: read them again when the user comes back.
    const refreshContext = () => {
      if (ctx.doc.visibilityState === 'hidden') return;
      context = null;
      schedule();
    };
    ctx.doc.addEventListener('visibilitychange', refreshContext, { signal });
    signal.addEventListener(
      'abort',
      () => {
        observer.disconnect();
        if (timer !== undefined) clearTimeout(timer);
        if (ui) {
          render(null, ui.container);
          ui.remove();
        }
      },
      { once: true },
    );
    void evaluate();
  };
  watchComposeEditors(ctx.doc, ctx.webmail, onEditor, ctx.signal);
}

function pageLimitMB(editor: ComposeEditor): number | null {
  const bytes = typeof editor.attachmentsLimitBytes === 'function' ? safe(() => editor.attachmentsLimitBytes!(), null) : null;
  return bytes ? bytes / (1024 * 1024) : null;
}

export const composeChecksFeature: Feature = {
  id: 'compose-checks',
  applies: (ctx) => ctx.detection.supported && ctx.webmail.capabilities.compose,
  mount: (ctx) => mountComposeChecks(ctx),
};
