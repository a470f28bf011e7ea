/**
 * "Mes signatures": one template per practice situation (plus the default one), with the variables, a live
 * preview of both renderings (text and formatted) through renderSignature, and the signature settings
 * (auto-insertion, compose checks).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t, uiLang, type MessageKey } from '../i18n/t';
import type { Bal, Settings, SignatureTemplate } from '../store/schemas';
import type { Profile } from '../registry/schemas';
import { preferredFor, registryOf, situationKey, situationsOf, type SituationLike } from '../registry/rules';
import { SIGNATURE_VARIABLES, defaultTemplate, renderSignature } from '../features/signature/template';
import { pickTemplate, signatureVars } from '../features/signature/resolve';
import { errorText, StatusLine, type Notice } from './form-feedback';
import { SignatureHtml } from './SignaturePreview';

function previewContext(bals: readonly Bal[], situation: SituationLike | null): { situation: SituationLike | null; preferredAddress: string | null } {
  const key = situationKey(situation?.label ?? '');
  let pref = preferredFor(bals, key);
  if (!pref && key === '') {
    // The default template: with the registry's only preferred BAL, if there is just one.
    const all = registryOf(bals).filter((b) => b.preferred && b.status === 'active');
    if (all.length === 1) pref = all[0]!;
  }
  return { situation, preferredAddress: pref?.address ?? null };
}

export function Signatures({
  bals,
  templates,
  profile,
  settings,
  reload,
}: {
  bals: Bal[];
  templates: SignatureTemplate[];
  profile: Profile;
  settings: Settings;
  reload: () => void;
}) {
  const lang = uiLang();
  const situations = situationsOf(bals);
  const [which, setWhich] = useState('');
  const situation = situations.find((s) => situationKey(s.label) === which) ?? null;
  const own = templates.find((tp) => situationKey(tp.situation) === which);
  const start = pickTemplate(templates, situation?.label ?? null, lang);
  const [text, setText] = useState(start.text);
  const [html, setHtml] = useState(start.html ?? '');
  const [notice, setNotice] = useState<Notice>(null);
  const textRef = useRef<HTMLTextAreaElement>(null);

  // Another situation picked (or the templates reloaded): show its template.
  useEffect(() => {
    const tpl = pickTemplate(templates, situation?.label ?? null, lang);
    setText(tpl.text);
    setHtml(tpl.html ?? '');
  }, [which, templates]);

  const ctx = previewContext(bals, situation);
  const rendered = renderSignature({ text, ...(html.trim() ? { html } : {}) }, signatureVars(profile, ctx));

  const insertVar = (name: string) => {
    const area = textRef.current;
    const token = `{${name}}`;
    if (!area) {
      setText((cur) => cur + token);
      return;
    }
    const a = area.selectionStart ?? text.length;
    const b = area.selectionEnd ?? a;
    const next = text.slice(0, a) + token + text.slice(b);
    setText(next);
    requestAnimationFrame(() => {
      area.focus();
      area.setSelectionRange(a + token.length, a + token.length);
    });
  };

  const save = async () => {
    try {
      await send('templates/save', { template: { situation: situation?.label ?? '', text, ...(html.trim() ? { html } : {}) } });
      setNotice({ kind: 'ok', text: t('sigoSaved') });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };
  const reset = async () => {
    try {
      await send('templates/remove', { situation: situation?.label ?? '' });
      if (!situation) {
        setText(defaultTemplate(lang));
        setHtml('');
      }
      setNotice({ kind: 'ok', text: t('sigoResetDone') });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };
  const toggle = async (patch: Record<string, unknown>) => {
    try {
      await send('settings/update', { patch });
      setNotice({ kind: 'ok', text: t('optionsSaved') });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <section aria-labelledby="signatures-h" data-section="signatures">
      <h2 id="signatures-h">{t('sigoHeading')}</h2>
      <p class="muted">{t('sigoHelp')}</p>

      <label for="sig-situation">{t('sigoSituation')}</label>
      <select id="sig-situation" value={which} onChange={(e) => setWhich((e.target as HTMLSelectElement).value)}>
        <option value="">{t('sigoDefault')}</option>
        {situations.map((s) => (
          <option key={s.label} value={situationKey(s.label)}>
            {s.label}
          </option>
        ))}
      </select>
      {situation && !own ? (
        <p class="muted" data-info="using-default">
          {t('sigoUsingDefault')}
        </p>
      ) : null}

      <label for="sig-text">{t('sigoText')}</label>
      <textarea id="sig-text" rows={7} maxLength={10_000} value={text} ref={textRef} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
      <div class="vars" data-list="variables">
        <span class="muted">{t('sigoVariables')}</span>
        {SIGNATURE_VARIABLES.map((v) => (
          <button type="button" class="secondary" key={v} data-action="insert-var" data-var={v} title={t(`sigoVar_${v}` as MessageKey)} onClick={() => insertVar(v)}>
            {`{${v}}`}
          </button>
        ))}
      </div>
      <details open={!!html.trim()}>
        <summary>{t('sigoHtml')}</summary>
        <p class="muted">{t('sigoHtmlHelp')}</p>
        <textarea id="sig-html" rows={5} maxLength={20_000} value={html} onInput={(e) => setHtml((e.target as HTMLTextAreaElement).value)} />
      </details>

      <h3>{t('sigoPreview')}</h3>
      <p class="muted" data-info="preview-bal">
        {ctx.preferredAddress ? t('sigoPreviewFor', ctx.preferredAddress) : t('sigoPreviewNoBal')}
      </p>
      <div class="grid2">
        <div>
          <p class="muted">{t('sigoPreviewHtml')}</p>
          <div class="preview">
            <SignatureHtml html={rendered.html} />
          </div>
        </div>
        <div>
          <p class="muted">{t('sigoPreviewText')}</p>
          <div class="preview">
            <pre data-preview="text">{rendered.text}</pre>
          </div>
        </div>
      </div>
      <div class="row" style="margin-top:0.75rem">
        <button type="button" data-action="save-template" onClick={() => void save()}>
          {t('sigoSave')}
        </button>
        <button type="button" class="secondary" data-action="reset-template" onClick={() => void reset()}>
          {t('sigoReset')}
        </button>
      </div>
      <StatusLine notice={notice} />

      <fieldset>
        <label class="inline-label" for="sig-autoinsert">
          <input
            id="sig-autoinsert"
            type="checkbox"
            checked={settings.signature.autoInsert}
            onChange={(e) => void toggle({ signature: { autoInsert: (e.target as HTMLInputElement).checked } })}
          />
          <span>{t('sigoAutoInsert')}</span>
        </label>
        <label class="inline-label" for="compose-checks">
          <input
            id="compose-checks"
            type="checkbox"
            checked={settings.compose.checks}
            onChange={(e) => void toggle({ compose: { checks: (e.target as HTMLInputElement).checked } })}
          />
          <span>{t('sigoChecks')}</span>
        </label>
        <p class="muted">{t('sigoShortcut')}</p>
      </fieldset>
    </section>
  );
}
