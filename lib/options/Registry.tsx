/**
 * "Mes BAL": the registry of the user's MSSanté mailboxes. Add, edit, remove; kind, operator, webmail,
 * practice situation (label, structure, FINESS, SIRET), status; one preferred BAL per situation (the
 * background enforces it); the BALs Balise has seen, offered for adding; for a BAL no longer used, the
 * depublish helper (Depublish.tsx). Everything goes through background messages.
 */
import { useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t, type MessageKey } from '../i18n/t';
import type { Bal } from '../store/schemas';
import type { Profile } from '../registry/schemas';
import { isMssanteAddress } from '../mssante/addresses';
import { preferredFor, registryOf, situationKey } from '../registry/rules';
import { ForgetBal } from './Forget';
import { errorText, StatusLine, type Notice } from './form-feedback';
import { Depublish } from './Depublish';
import { BalForm, kindLabel, LimitsSummary } from './BalForm';

function BalCard({
  bal,
  bals,
  profile,
  onEdit,
  onChanged,
}: {
  bal: Bal;
  bals: readonly Bal[];
  profile: Profile;
  onEdit: () => void;
  onChanged: (n: Notice) => void;
}) {
  const [depublish, setDepublish] = useState(false);
  const makePreferred = async () => {
    try {
      await send('registry/set-preferred', { address: bal.address });
      onChanged({ kind: 'ok', text: t('regPreferredSet', bal.address) });
    } catch (err) {
      onChanged({ kind: 'error', text: errorText(err) });
    }
  };
  const remove = async () => {
    try {
      await send('registry/remove-bal', { address: bal.address });
      onChanged({ kind: 'ok', text: t('regRemoved', bal.address) });
    } catch (err) {
      onChanged({ kind: 'error', text: errorText(err) });
    }
  };
  return (
    <li class="card" data-bal={bal.address} data-status={bal.status} {...(bal.preferred ? { 'data-preferred': '' } : {})}>
      <div class="row">
        <strong style="flex:1">
          {bal.address}
          {bal.preferred ? <span class="badge">{t('regPreferredBadge')}</span> : null}
          {bal.status !== 'active' ? <span class="badge off">{t(`regStatus_${bal.status}` as MessageKey)}</span> : null}
        </strong>
      </div>
      <div class="muted">
        {[kindLabel(bal.kind), bal.operator, bal.webmailOrigin, bal.situation?.structure].filter(Boolean).join(' · ')}
      </div>
      <LimitsSummary limits={bal.limits} />
      {bal.address && !isMssanteAddress(bal.address) ? (
        <p class="check warning" data-check="address" data-level="warning">
          {t('regAddressNotMssante')}
        </p>
      ) : null}
      <div class="row" style="margin-top:0.4rem">
        <button type="button" class="secondary" data-action="edit-bal" onClick={onEdit}>
          {t('regEdit')}
        </button>
        {!bal.preferred && bal.status === 'active' ? (
          <button type="button" class="secondary" data-action="set-preferred" onClick={() => void makePreferred()}>
            {t('regMakePreferred')}
          </button>
        ) : null}
        {bal.status !== 'active' ? (
          <button type="button" class="secondary" data-action="depublish-help" aria-expanded={depublish} onClick={() => setDepublish(!depublish)}>
            {t('depHelpButton')}
          </button>
        ) : null}
        <button type="button" class="secondary" data-action="remove-bal" onClick={() => void remove()}>
          {t('regRemove')}
        </button>
        <ForgetBal address={bal.address} onDone={onChanged} />
      </div>
      {depublish ? <Depublish bal={bal} bals={bals} profile={profile} /> : null}
    </li>
  );
}

export function Registry({ bals, profile, reload }: { bals: Bal[]; profile: Profile; reload: () => void }) {
  const [form, setForm] = useState<{ initial: Partial<Bal> | null; editing: string | null; key: number } | null>(null);
  const [notice, setNotice] = useState<Notice>(null);
  const registry = registryOf(bals);
  const seen = bals.filter((b) => b.source === 'seen');

  const groups = new Map<string, { label: string | null; bals: Bal[] }>();
  for (const b of registry) {
    const key = situationKey(b.situation);
    const g = groups.get(key) ?? { label: b.situation?.label ?? null, bals: [] };
    g.bals.push(b);
    groups.set(key, g);
  }
  const after = (n: Notice) => {
    setNotice(n);
    reload();
  };
  const open = (initial: Partial<Bal> | null, editing: string | null) => setForm({ initial, editing, key: Date.now() });

  const dismiss = async (address: string) => {
    try {
      await send('registry/remove-bal', { address });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <section aria-labelledby="registry-h" data-section="registry">
      <h2 id="registry-h">{t('regHeading')}</h2>
      <p class="muted">{t('regHelp')}</p>

      {seen.length ? (
        <div data-list="seen">
          <h3>{t('regSeenHeading')}</h3>
          <p class="muted">{t('regSeenHelp')}</p>
          <ul class="plain">
            {seen.map((b) => (
              <li key={b.address} class="card row" data-seen={b.address}>
                <span style="flex:1">
                  {b.address}
                  {b.webmailOrigin ? <span class="muted"> · {b.webmailOrigin}</span> : null}
                </span>
                <button type="button" data-action="adopt-seen" onClick={() => open(b, null)}>
                  {t('regAdopt')}
                </button>
                <button type="button" class="secondary" data-action="dismiss-seen" onClick={() => void dismiss(b.address)}>
                  {t('regDismiss')}
                </button>
                <ForgetBal address={b.address} onDone={after} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}

      {registry.length === 0 ? (
        <p class="muted" data-registry-empty="">
          {t('regEmpty')}
        </p>
      ) : (
        <div data-list="bals">
          {[...groups.entries()].map(([key, g]) => {
            const hasPreferred = !!preferredFor(bals, key);
            return (
              <div class="group" key={key} data-situation={g.label ?? ''}>
                <h3>{g.label ?? t('regSituationNone')}</h3>
                {!hasPreferred && g.bals.some((b) => b.status === 'active') ? (
                  <p class="status warn" data-warning="no-preferred">
                    {t('regNoPreferred', g.label ?? t('regSituationNone'))}
                  </p>
                ) : null}
                <ul class="plain">
                  {g.bals.map((b) => (
                    <BalCard key={b.address} bal={b} bals={bals} profile={profile} onEdit={() => open(b, b.address)} onChanged={after} />
                  ))}
                </ul>
              </div>
            );
          })}
        </div>
      )}

      <StatusLine notice={notice} />
      {form ? (
        <BalForm
          key={form.key}
          initial={form.initial}
          editing={form.editing}
          bals={bals}
          onDone={(n) => {
            setForm(null);
            if (n) after(n);
          }}
        />
      ) : (
        <button type="button" data-action="add-bal" onClick={() => open(null, null)}>
          {t('regFormAdd')}
        </button>
      )}
    </section>
  );
}
