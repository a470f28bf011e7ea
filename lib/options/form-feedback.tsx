/** Small pieces shared by the "My BALs" sections of the options page. Text only, never HTML. */
import { t, type MessageKey } from '../i18n/t';
import { MessageError } from '../messages/send';
import { registryErrorKey } from '../registry/error-keys';

export type Notice = { kind: 'ok' | 'error' | 'warn'; text: string } | null;

export function StatusLine({ notice }: { notice: Notice }) {
  return (
    <div aria-live="polite">
      {notice ? (
        <p class={`status ${notice.kind}`} role={notice.kind === 'ok' ? 'status' : 'alert'} data-notice={notice.kind}>
          {notice.text}
        </p>
      ) : null}
    </div>
  );
}

/** The result of a field check (identifier, address), under the field. */
export function FieldCheck({ name, feedback }: { name: string; feedback: { level: 'ok' | 'warning' | 'error'; key: MessageKey; subs?: (string | number)[] } | null }) {
  if (!feedback) return null;
  return (
    <p class={`check ${feedback.level}`} data-check={name} data-level={feedback.level} role={feedback.level === 'ok' ? 'status' : 'alert'}>
      {t(feedback.key, ...(feedback.subs ?? []))}
    </p>
  );
}

/** A sentence for an error from the background. */
export function errorText(err: unknown): string {
  if (err instanceof MessageError) {
    const key = registryErrorKey(err.code);
    if (key) return t(key);
  }
  return t('errorGeneric', err instanceof Error ? err.message : String(err));
}

export function inputValue(e: Event): string {
  return (e.target as HTMLInputElement).value;
}
