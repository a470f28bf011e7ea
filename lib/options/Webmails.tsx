import { useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { classifyOrigin, KNOWN_WEBMAILS, normalizeOrigin, originToMatchPattern } from '../origins';
import { useAsync } from '../ui/useAsync';
import { TEST_BUILD } from '../env';
import { ForgetOrigin } from './Forget';

type Notice = { kind: 'ok' | 'error'; text: string; /** A known webmail's origin to add instead of what was typed. */ instead?: { origin: string; knownId: string } } | null;

/** The sentence telling that an origin is a known platform's portal or login page, and where its mail is. */
export function notWebmailText(origin: string): string | null {
  const c = classifyOrigin(origin);
  if (c.type !== 'not-webmail') return null;
  return t(c.role === 'portal' ? 'optionsNotWebmailPortal' : 'optionsNotWebmailLogin', origin, c.known.label, c.webmailOrigin);
}

/**
 * Add or remove the webmails Balise runs on. The browser's permission prompt must be opened straight from the
 * click (Firefox refuses it after any await), so the permission is requested here and the background only
 * records the origin and registers the content script once it sees the permission granted.
 */
export function Webmails() {
  const [origins, reload] = useAsync(() => send('origins/list', {}));
  const [known, setKnown] = useState('');
  const [custom, setCustom] = useState('');
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  /** A removed origin whose mailboxes Balise still holds rows about: offer to forget them. */
  const [leftover, setLeftover] = useState<{ origin: string; mailboxes: string[] } | null>(null);

  /** Ask for the permission (synchronously, inside the click) then record the origin. */
  const add = (origin: string, knownId: string | undefined) => {
    setBusy(true);
    // No await before this call: it must run inside the user's click.
    const granted = browser.permissions.request({ origins: [originToMatchPattern(origin)] });
    void granted
      .then(async (ok) => {
        if (!ok) {
          setNotice({ kind: 'error', text: t('optionsDenied', origin) });
          return;
        }
        const res = await send('origins/add', { origin, ...(knownId ? { knownId } : {}) });
        if (res.ok) {
          setNotice({ kind: 'ok', text: t('optionsAdded', origin) });
          setCustom('');
          setKnown('');
        } else {
          setNotice({ kind: 'error', text: res.reason === 'invalid' ? t('optionsInvalidOrigin') : t('optionsDenied', origin) });
        }
      })
      .catch((err: unknown) => setNotice({ kind: 'error', text: t('errorGeneric', err instanceof Error ? err.message : String(err)) }))
      .finally(() => {
        setBusy(false);
        reload();
      });
  };

  const onAdd = (e: Event) => {
    e.preventDefault();
    const pick = KNOWN_WEBMAILS.find((k) => k.id === known);
    const origin = normalizeOrigin(custom.trim() || pick?.origin || '', { allowLoopbackHttp: TEST_BUILD });
    if (!origin) {
      setNotice({ kind: 'error', text: t('optionsInvalidOrigin') });
      return;
    }
    // A known platform's portal or login page holds no mail: say where the webmail is instead of registering it.
    const c = classifyOrigin(origin);
    if (c.type === 'not-webmail') {
      setNotice({ kind: 'error', text: notWebmailText(origin) ?? '', instead: { origin: c.webmailOrigin, knownId: c.known.id } });
      return;
    }
    add(origin, pick && !custom.trim() ? pick.id : c.type === 'webmail' ? c.known.id : undefined);
  };

  const onRemove = async (origin: string) => {
    setBusy(true);
    try {
      const res = await send('origins/remove', { origin });
      setNotice({ kind: 'ok', text: t('optionsRemoved', origin) });
      setLeftover(res.mailboxes?.length ? { origin, mailboxes: res.mailboxes } : null);
    } catch (err) {
      setNotice({ kind: 'error', text: t('errorGeneric', err instanceof Error ? err.message : String(err)) });
    } finally {
      setBusy(false);
      reload();
    }
  };

  return (
    <section aria-labelledby="webmails-h" data-section="webmails">
      <h2 id="webmails-h">{t('optionsWebmailsHeading')}</h2>
      <p class="muted">{t('optionsWebmailsHelp')}</p>
      <form onSubmit={onAdd}>
        <label for="known">{t('optionsKnownLabel')}</label>
        <select id="known" name="known" value={known} onChange={(e) => setKnown((e.target as HTMLSelectElement).value)}>
          <option value="">{t('optionsKnownPlaceholder')}</option>
          {KNOWN_WEBMAILS.map((k) => (
            <option key={k.id} value={k.id}>
              {k.label}
            </option>
          ))}
        </select>
        <label for="custom">{t('optionsCustomLabel')}</label>
        <div class="row">
          <input
            id="custom"
            name="origin"
            type="url"
            inputMode="url"
            autoComplete="url"
            placeholder="https://"
            size={40}
            value={custom}
            onInput={(e) => setCustom((e.target as HTMLInputElement).value)}
          />
          <button type="submit" data-action="add-origin" disabled={busy}>
            {t('optionsAdd')}
          </button>
        </div>
      </form>
      <div aria-live="polite">
        {notice ? (
          <p class={`status ${notice.kind}`} role={notice.kind === 'error' ? 'alert' : 'status'} data-notice={notice.kind}>
            {notice.text}
            {notice.instead ? (
              <>
                {' '}
                <button type="button" data-action="add-webmail-instead" data-origin-instead={notice.instead.origin} disabled={busy} onClick={() => add(notice.instead!.origin, notice.instead!.knownId)}>
                  {t('optionsAddInstead', notice.instead.origin)}
                </button>
              </>
            ) : null}
          </p>
        ) : null}
      </div>
      {leftover ? (
        <ForgetOrigin
          origin={leftover.origin}
          mailboxes={leftover.mailboxes}
          onDone={(n) => {
            setLeftover(null);
            if (n) setNotice({ kind: n.kind === 'error' ? 'error' : 'ok', text: n.text });
          }}
        />
      ) : null}
      {origins.status === 'ready' ? (
        origins.value.length === 0 ? (
          <p class="muted" data-origins-empty="">
            {t('optionsNoOrigin')}
          </p>
        ) : (
          <ul class="plain" data-list="origins">
            {origins.value.map((o) => (
              <li key={o.origin} class="card row" data-origin={o.origin}>
                <span style="flex:1">
                  {o.origin}
                  {notWebmailText(o.origin) ? (
                    <span class="muted" data-not-webmail="" style="display:block">
                      {notWebmailText(o.origin)}
                    </span>
                  ) : null}
                </span>
                {o.source === 'managed' ? (
                  <span class="muted" data-managed="origin">
                    {t('managedBadge')}
                  </span>
                ) : (
                  <button type="button" class="secondary" data-action="remove-origin" disabled={busy} onClick={() => void onRemove(o.origin)}>
                    {t('optionsRemove')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )
      ) : null}
    </section>
  );
}
