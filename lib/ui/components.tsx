/** Small shared Preact pieces for Balise's injected UIs and pages. Text only: never raw HTML. */
import type { ButtonHTMLAttributes, ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export type Level = 'ok' | 'warn' | 'crit' | 'unknown';

export function Button(
  props: ButtonHTMLAttributes<HTMLButtonElement> & { action: string; variant?: 'primary' | 'secondary' | 'danger' | 'link' },
) {
  const { action, variant = 'primary', class: cls, ...rest } = props;
  return <button type="button" data-action={action} class={`b-btn ${variant === 'primary' ? '' : variant} ${cls ?? ''}`} {...rest} />;
}

/** A bar for a ratio in [0, 1]; `null` ratio = unknown (drawn empty, never as 0 %). */
export function UsageBar({ ratio, level, label }: { ratio: number | null; level: Level; label: string }) {
  const pct = ratio === null ? 0 : Math.max(0, Math.min(1, ratio)) * 100;
  return (
    <div
      class={`b-bar ${level}`}
      role="meter"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      {...(ratio === null ? {} : { 'aria-valuenow': Math.round(pct) })}
    >
      <span style={{ width: `${pct}%` }} />
    </div>
  );
}

export function ProgressBar({ value, max, label }: { value: number; max: number; label: string }) {
  return <progress class="b-progress" value={value} max={Math.max(max, 1)} aria-label={label} />;
}

export function Notice({ kind, children, ...rest }: { kind: 'info' | 'warn' | 'error' | 'ok'; children: ComponentChildren } & Record<string, unknown>) {
  return (
    <div class={`b-notice ${kind}`} role={kind === 'error' || kind === 'warn' ? 'alert' : 'status'} {...rest}>
      {children}
    </div>
  );
}

/**
 * A modal panel over the webmail: role="dialog", focus moves in and is trapped, Escape and the close button
 * close it, focus returns where it was.
 */
export function Panel({
  title,
  onClose,
  closeLabel,
  children,
  footer,
  ...rest
}: {
  title: string;
  onClose: () => void;
  closeLabel: string;
  children: ComponentChildren;
  footer?: ComponentChildren;
} & Record<string, unknown>) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    // The element that had focus, looking inside shadow roots (e.g. the quota meter's button in its own root).
    let previous = (root.getRootNode() as ShadowRoot).host?.ownerDocument.activeElement as HTMLElement | null;
    while (previous?.shadowRoot?.activeElement) previous = previous.shadowRoot.activeElement as HTMLElement;
    const focusables = () =>
      Array.from(root.querySelectorAll<HTMLElement>('button,[href],input,select,textarea,summary,[tabindex]:not([tabindex="-1"])')).filter(
        (e) => !e.hasAttribute('disabled'),
      );
    focusables()[0]?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'Tab') {
        const list = focusables();
        if (!list.length) return;
        const active = (root.getRootNode() as ShadowRoot).activeElement;
        const first = list[0]!;
        const last = list[list.length - 1]!;
        if (e.shiftKey && active === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && active === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    root.addEventListener('keydown', onKey);
    // A control that becomes disabled while focused (a start button once its work starts) drops focus to the page's
    // body: Escape must still close the panel then, and Tab come back into it.
    const doc = root.ownerDocument;
    const onDocKey = (e: KeyboardEvent) => {
      if (e.target !== doc.body && e.target !== doc.documentElement) return;
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        focusables()[0]?.focus();
      }
    };
    doc.addEventListener('keydown', onDocKey);
    return () => {
      root.removeEventListener('keydown', onKey);
      doc.removeEventListener('keydown', onDocKey);
      previous?.focus?.();
    };
  }, []);
  return (
    <div class="b-backdrop" onClick={(e) => e.target === e.currentTarget && onClose()}>
      <div class="b-panel" role="dialog" aria-modal="true" aria-label={title} ref={ref} {...rest}>
        <header>
          <h2>{title}</h2>
          <button type="button" class="b-btn secondary" data-action="close" onClick={onClose} aria-label={closeLabel}>
            ×
          </button>
        </header>
        <div class="b-body">{children}</div>
        {footer ? <footer>{footer}</footer> : null}
      </div>
    </div>
  );
}
