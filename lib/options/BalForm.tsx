/**
 * The form that adds or edits one BAL of the registry (Registry.tsx lists them): kind, operator, webmail, practice
 * situation with its identifiers checked as typed, status, the operator's limits (attachments, trash lifetime,
 * retention) per BAL.
 *
 * Why one file at ~400 lines: one form, whose fields check one another as typed (kind ↔ operator ↔ webmail origin,
 * identifiers per situation); its list and its messages live in Registry.tsx and the catalogs.
 */
import { useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t, uiLang, type MessageKey } from '../i18n/t';
import { formatCount } from '../format';
import type { Bal } from '../store/schemas';
import { KNOWN_WEBMAILS, normalizeOrigin } from '../origins';
import { isMssanteAddress, parseAddress } from '../mssante/addresses';
import { validateFiness, validateSiret } from '../mssante/identifiers';
import { idFeedback } from '../registry/error-keys';
import { limitText, readLimitFields, type LimitKey } from '../registry/limits';
import { preferredFor, situationKey, situationsOf } from '../registry/rules';
import { TEST_BUILD } from '../env';
import type { ComponentProps } from 'preact';
import { errorText, FieldCheck, inputValue, StatusLine, type Notice } from './form-feedback';

const KINDS = ['PER', 'CAB', 'ORG', 'APP'] as const;
const STATUSES = ['active', 'inactive', 'depublished'] as const;

interface FormState {
  address: string;
  kind: '' | (typeof KINDS)[number];
  operator: string;
  webmail: string;
  webmailKind?: Bal['webmailKind'];
  label: string;
  structure: string;
  finess: string;
  siret: string;
  status: (typeof STATUSES)[number];
  preferred: boolean;
  attachmentMB: string;
  trashLifetimeDays: string;
  retentionDays: string;
}

function formFrom(bal: Partial<Bal> | null, bals: readonly Bal[]): FormState {
  const situation = bal?.situation;
  const key = situationKey(situation);
  return {
    address: bal?.address ?? '',
    kind: bal?.kind ?? '',
    operator: bal?.operator ?? (bal?.webmailOrigin ? (KNOWN_WEBMAILS.find((k) => k.origin === bal.webmailOrigin)?.operator ?? '') : ''),
    webmail: bal?.webmailOrigin ?? '',
    ...(bal?.webmailKind ? { webmailKind: bal.webmailKind } : {}),
    label: situation?.label ?? '',
    structure: situation?.structure ?? '',
    finess: situation?.finess ?? '',
    siret: situation?.siret ?? '',
    status: bal?.status ?? 'active',
    preferred: bal?.source === 'user' ? !!bal.preferred : (bal?.status ?? 'active') === 'active' && !preferredFor(bals, key),
    attachmentMB: limitText(bal?.limits, 'attachmentMB'),
    trashLifetimeDays: limitText(bal?.limits, 'trashLifetimeDays'),
    retentionDays: limitText(bal?.limits, 'retentionDays'),
  };
}

/** "1 jour", "90 jours". */
function daysText(n: number): string {
  return n === 1 ? t('regDay') : t('regDays', formatCount(n, uiLang()));
}

/** A number of days the server or the operator keeps messages, with the operator's known value when there is one. */
function DaysField(p: {
  id: string;
  check: string;
  field: 'trashLifetimeDays' | 'retentionDays';
  label: string;
  help: string;
  value: string;
  feedback: ComponentProps<typeof FieldCheck>['feedback'];
  known: (typeof KNOWN_WEBMAILS)[number] | undefined;
  onInput: (value: string) => void;
}) {
  const known = p.known?.[p.field];
  return (
    <div>
      <label for={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="text"
        inputMode="numeric"
        maxLength={8}
        placeholder={known ? String(known) : ''}
        value={p.value}
        onInput={(e) => p.onInput(inputValue(e))}
      />
      <FieldCheck name={p.check} feedback={p.feedback} />
      {known ? (
        <p class="muted" data-default={p.field}>
          {t('regKnownDefault', p.known!.operator, daysText(known))}
        </p>
      ) : null}
      <p class="muted">{p.help}</p>
    </div>
  );
}

/** The BAL's own limits in words, for its card (nothing when it has none). */
export function LimitsSummary({ limits }: { limits: Bal['limits'] }) {
  const items: { key: LimitKey; value: number; text: string }[] = [];
  if (limits?.attachmentMB) items.push({ key: 'attachmentMB', value: limits.attachmentMB, text: t('regSumAttachment', formatCount(limits.attachmentMB, uiLang())) });
  if (limits?.trashLifetimeDays) items.push({ key: 'trashLifetimeDays', value: limits.trashLifetimeDays, text: t('regSumTrash', daysText(limits.trashLifetimeDays)) });
  if (limits?.retentionDays) items.push({ key: 'retentionDays', value: limits.retentionDays, text: t('regSumRetention', daysText(limits.retentionDays)) });
  if (!items.length) return null;
  return (
    <div class="muted" data-limits="">
      {items.map((it, i) => (
        <span key={it.key}>
          {i ? ' · ' : ''}
          <span data-limit={it.key} data-value={it.value}>
            {it.text}
          </span>
        </span>
      ))}
    </div>
  );
}

export function kindLabel(kind: Bal['kind']): string {
  return kind ? t(`regKind_${kind}` as MessageKey) : t('regKindUnknown');
}

export function BalForm({
  initial,
  editing,
  bals,
  onDone,
}: {
  initial: Partial<Bal> | null;
  /** The address of the registry BAL being edited (null: a new one, possibly from a seen BAL). */
  editing: string | null;
  bals: readonly Bal[];
  onDone: (notice: Notice) => void;
}) {
  const [f, setF] = useState<FormState>(() => formFrom(initial, bals));
  // Until the user ticks or unticks it, "preferred" follows the situation typed: on for the first BAL of a
  // situation that has no preferred one yet.
  const [prefTouched, setPrefTouched] = useState(initial?.source === 'user');
  const [notice, setNotice] = useState<Notice>(null);
  const [busy, setBusy] = useState(false);
  const set = <K extends keyof FormState>(k: K, v: FormState[K]) => setF((cur) => ({ ...cur, [k]: v }));

  const others = bals.filter((b) => b.address !== editing);
  const preferred = f.status === 'active' && (prefTouched ? f.preferred : !preferredFor(others, situationKey(f.label.trim() || f.structure.trim())));
  const addr = f.address.trim();
  const addressFeedback = !addr
    ? null
    : !parseAddress(addr)
      ? { level: 'error' as const, key: 'regAddressInvalid' as const }
      : !isMssanteAddress(addr)
        ? { level: 'warning' as const, key: 'regAddressNotMssante' as const }
        : null;
  const webmailOrigin = f.webmail.trim() ? normalizeOrigin(f.webmail, { allowLoopbackHttp: TEST_BUILD }) : null;
  const webmailFeedback = f.webmail.trim() && !webmailOrigin ? { level: 'error' as const, key: 'regWebmailInvalid' as const } : null;
  const finessFeedback = f.finess.trim() ? idFeedback(validateFiness(f.finess)) : null;
  const siretFeedback = f.siret.trim() ? idFeedback(validateSiret(f.siret)) : null;
  const limitsRead = readLimitFields({ attachmentMB: f.attachmentMB, trashLifetimeDays: f.trashLifetimeDays, retentionDays: f.retentionDays });
  const invalidLimit = (k: LimitKey) => !limitsRead.ok && limitsRead.invalid.includes(k);
  const mbFeedback = invalidLimit('attachmentMB') ? { level: 'error' as const, key: 'regAttachmentInvalid' as const } : null;
  const trashFeedback = invalidLimit('trashLifetimeDays') ? { level: 'error' as const, key: 'regDaysInvalid' as const } : null;
  const retentionFeedback = invalidLimit('retentionDays') ? { level: 'error' as const, key: 'regDaysInvalid' as const } : null;
  // The operator's published value for this webmail (lib/origins.ts), used when the field is left empty.
  const knownWebmail = webmailOrigin ? KNOWN_WEBMAILS.find((k) => k.origin === webmailOrigin) : undefined;
  const blocking = !addr || addressFeedback?.level === 'error' || !!webmailFeedback || finessFeedback?.level === 'error' || siretFeedback?.level === 'error' || !limitsRead.ok;

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (blocking || !limitsRead.ok) {
      setNotice({ kind: 'error', text: addr ? t('regFixErrors') : t('regAddressInvalid') });
      return;
    }
    const label = f.label.trim() || f.structure.trim();
    const finess = f.finess.trim() ? (validateFiness(f.finess).normalized ?? f.finess.trim()) : '';
    const siret = f.siret.trim() ? (validateSiret(f.siret).normalized ?? f.siret.trim()) : '';
    const bal = {
      address: addr.toLowerCase(),
      kind: f.kind || null,
      status: f.status,
      preferred,
      ...(f.operator.trim() ? { operator: f.operator.trim() } : {}),
      ...(webmailOrigin ? { webmailOrigin } : {}),
      ...(f.webmailKind ? { webmailKind: f.webmailKind } : {}),
      ...(label
        ? {
            situation: {
              label,
              ...(f.structure.trim() ? { structure: f.structure.trim() } : {}),
              ...(finess ? { finess } : {}),
              ...(siret ? { siret } : {}),
            },
          }
        : {}),
      // Every limit the form shows, a cleared field as null: the background merges them into what is stored.
      limits: limitsRead.limits,
    };
    setBusy(true);
    try {
      await send('registry/save-bal', { bal, ...(editing && editing !== bal.address ? { previous: editing } : {}) });
      onDone({ kind: 'ok', text: t('regSaved', bal.address) });
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const onWebmailBlur = () => {
    const known = webmailOrigin ? KNOWN_WEBMAILS.find((k) => k.origin === webmailOrigin) : undefined;
    if (known && !f.operator.trim()) set('operator', known.operator);
  };

  const situations = situationsOf(bals);
  return (
    <form class="card bal-form" data-form="bal" onSubmit={(e) => void onSubmit(e)} noValidate>
      <h3>{editing ? t('regFormEdit', editing) : t('regFormAdd')}</h3>
      <label for="bal-address">{t('regAddress')}</label>
      <input
        id="bal-address"
        type="email"
        autoComplete="off"
        required
        placeholder="prenom.nom@medecin.mssante.fr"
        value={f.address}
        onInput={(e) => set('address', inputValue(e))}
      />
      <FieldCheck name="address" feedback={addressFeedback} />

      <label for="bal-kind">{t('regKind')}</label>
      <select id="bal-kind" value={f.kind} onChange={(e) => set('kind', inputValue(e) as FormState['kind'])}>
        <option value="">{t('regKindUnknown')}</option>
        {KINDS.map((k) => (
          <option key={k} value={k}>
            {kindLabel(k)}
          </option>
        ))}
      </select>
      {f.kind ? (
        <p class="muted" data-kind-help={f.kind}>
          {t(`regKindHelp_${f.kind}` as MessageKey)}
        </p>
      ) : null}
      <details>
        <summary>{t('regKindsExplain')}</summary>
        <dl>
          {KINDS.map((k) => (
            <div key={k}>
              <dt>
                <strong>{kindLabel(k)}</strong>
              </dt>
              <dd>{t(`regKindHelp_${k}` as MessageKey)}</dd>
            </div>
          ))}
        </dl>
      </details>

      <div class="grid2">
        <div>
          <label for="bal-webmail">{t('regWebmail')}</label>
          <input
            id="bal-webmail"
            type="url"
            list="bal-known-webmails"
            placeholder="https://"
            value={f.webmail}
            onInput={(e) => set('webmail', inputValue(e))}
            onBlur={onWebmailBlur}
          />
          <datalist id="bal-known-webmails">
            {KNOWN_WEBMAILS.map((k) => (
              <option key={k.id} value={k.origin}>
                {k.label}
              </option>
            ))}
          </datalist>
          <FieldCheck name="webmail" feedback={webmailFeedback} />
        </div>
        <div>
          <label for="bal-operator">{t('regOperator')}</label>
          <input id="bal-operator" type="text" maxLength={200} value={f.operator} onInput={(e) => set('operator', inputValue(e))} />
        </div>
      </div>

      <fieldset>
        <legend>{t('regSituation')}</legend>
        <p class="muted">{t('regSituationHelp')}</p>
        <div class="grid2">
          <div>
            <label for="bal-situation">{t('regSituation')}</label>
            <input id="bal-situation" type="text" maxLength={200} list="bal-situations" value={f.label} onInput={(e) => set('label', inputValue(e))} />
            <datalist id="bal-situations">
              {situations.map((s) => (
                <option key={s.label} value={s.label} />
              ))}
            </datalist>
          </div>
          <div>
            <label for="bal-structure">{t('regStructure')}</label>
            <input id="bal-structure" type="text" maxLength={200} value={f.structure} onInput={(e) => set('structure', inputValue(e))} />
          </div>
          <div>
            <label for="bal-finess">{t('regFiness')}</label>
            <input id="bal-finess" type="text" inputMode="numeric" maxLength={20} value={f.finess} onInput={(e) => set('finess', inputValue(e))} />
            <FieldCheck name="finess" feedback={finessFeedback} />
          </div>
          <div>
            <label for="bal-siret">{t('regSiret')}</label>
            <input id="bal-siret" type="text" inputMode="numeric" maxLength={20} value={f.siret} onInput={(e) => set('siret', inputValue(e))} />
            <FieldCheck name="siret" feedback={siretFeedback} />
          </div>
        </div>
      </fieldset>

      <div class="grid2">
        <div>
          <label for="bal-status">{t('regStatus')}</label>
          <select id="bal-status" value={f.status} onChange={(e) => set('status', inputValue(e) as FormState['status'])}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`regStatus_${s}` as MessageKey)}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label for="bal-attachment">{t('regAttachment')}</label>
          <input
            id="bal-attachment"
            type="text"
            inputMode="decimal"
            value={f.attachmentMB}
            onInput={(e) => set('attachmentMB', inputValue(e))}
          />
          <FieldCheck name="attachment" feedback={mbFeedback} />
          <p class="muted">{t('regAttachmentHelp')}</p>
        </div>
      </div>

      <fieldset data-fieldset="retention">
        <legend>{t('regRetentionHeading')}</legend>
        <p class="muted">{t('regRetentionIntro')}</p>
        <div class="grid2">
          <DaysField
            id="bal-trash-days"
            check="trash-days"
            field="trashLifetimeDays"
            label={t('regTrashDays')}
            help={t('regTrashDaysHelp')}
            value={f.trashLifetimeDays}
            feedback={trashFeedback}
            known={knownWebmail}
            onInput={(v) => set('trashLifetimeDays', v)}
          />
          <DaysField
            id="bal-retention-days"
            check="retention-days"
            field="retentionDays"
            label={t('regRetentionDays')}
            help={t('regRetentionDaysHelp')}
            value={f.retentionDays}
            feedback={retentionFeedback}
            known={knownWebmail}
            onInput={(v) => set('retentionDays', v)}
          />
        </div>
      </fieldset>

      <label class="inline-label" for="bal-preferred">
        <input
          id="bal-preferred"
          type="checkbox"
          checked={preferred}
          disabled={f.status !== 'active'}
          onChange={(e) => {
            setPrefTouched(true);
            set('preferred', (e.target as HTMLInputElement).checked);
          }}
        />
        <span>
          {t('regPreferred')}
          <br />
          <span class="muted">{f.status === 'active' ? t('regPreferredHelp') : t('regPreferredNeedsActive')}</span>
        </span>
      </label>

      <div class="row" style="margin-top:0.75rem">
        <button type="submit" data-action="save-bal" disabled={busy}>
          {t('regSave')}
        </button>
        <button type="button" class="secondary" data-action="cancel-bal" onClick={() => onDone(null)}>
          {t('regCancel')}
        </button>
      </div>
      <StatusLine notice={notice} />
    </form>
  );
}
