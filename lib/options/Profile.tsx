/** "Mes informations": the person's own details, which fill the signature variables. RPPS and ADELI checked. */
import { useState } from 'preact/hooks';
import { send } from '../messages/send';
import { t, type MessageKey } from '../i18n/t';
import type { Profile } from '../registry/schemas';
import { validateAdeli, validateRpps } from '../mssante/identifiers';
import { idFeedback } from '../registry/error-keys';
import { errorText, FieldCheck, inputValue, StatusLine, type Notice } from './form-feedback';

const FIELDS: { key: keyof Profile; label: MessageKey; max: number; type?: 'text' | 'tel' }[] = [
  { key: 'prenom', label: 'profPrenom', max: 200 },
  { key: 'nom', label: 'profNom', max: 200 },
  { key: 'profession', label: 'profProfession', max: 200 },
  { key: 'specialite', label: 'profSpecialite', max: 200 },
  { key: 'rpps', label: 'profRpps', max: 20 },
  { key: 'adeli', label: 'profAdeli', max: 20 },
  { key: 'telephone', label: 'profTelephone', max: 40, type: 'tel' },
];

export function ProfileForm({ profile, reload }: { profile: Profile; reload: () => void }) {
  const [p, setP] = useState<Record<keyof Profile, string>>(() => ({
    prenom: profile.prenom ?? '',
    nom: profile.nom ?? '',
    profession: profile.profession ?? '',
    specialite: profile.specialite ?? '',
    rpps: profile.rpps ?? '',
    adeli: profile.adeli ?? '',
    telephone: profile.telephone ?? '',
  }));
  const [notice, setNotice] = useState<Notice>(null);
  const rpps = p.rpps.trim() ? validateRpps(p.rpps) : null;
  const adeli = p.adeli.trim() ? validateAdeli(p.adeli) : null;
  const feedback: Partial<Record<keyof Profile, ReturnType<typeof idFeedback>>> = {
    rpps: rpps ? idFeedback(rpps) : null,
    adeli: adeli ? idFeedback(adeli) : null,
  };

  const onSave = async (e: Event) => {
    e.preventDefault();
    if (rpps?.level === 'error' || adeli?.level === 'error') {
      setNotice({ kind: 'error', text: t('regFixErrors') });
      return;
    }
    const out: Profile = {};
    for (const f of FIELDS) {
      const v = p[f.key].trim();
      if (v) out[f.key] = v;
    }
    if (rpps?.normalized) out.rpps = rpps.normalized;
    if (adeli?.normalized) out.adeli = adeli.normalized;
    try {
      await send('profile/save', { profile: out });
      setNotice({ kind: 'ok', text: t('profSaved') });
      reload();
    } catch (err) {
      setNotice({ kind: 'error', text: errorText(err) });
    }
  };

  return (
    <section aria-labelledby="profile-h" data-section="profile">
      <h2 id="profile-h">{t('profHeading')}</h2>
      <p class="muted">{t('profHelp')}</p>
      <form onSubmit={(e) => void onSave(e)} noValidate>
        <div class="grid2">
          {FIELDS.map((f) => (
            <div key={f.key}>
              <label for={`profile-${f.key}`}>{t(f.label)}</label>
              <input
                id={`profile-${f.key}`}
                {...({ type: f.type ?? 'text' } as { type: 'text' })}
                maxLength={f.max}
                autoComplete="off"
                value={p[f.key]}
                onInput={(e) => setP((cur) => ({ ...cur, [f.key]: inputValue(e) }))}
              />
              <FieldCheck name={f.key} feedback={feedback[f.key] ?? null} />
            </div>
          ))}
        </div>
        <div class="row" style="margin-top:0.75rem">
          <button type="submit" data-action="save-profile">
            {t('profSave')}
          </button>
        </div>
        <StatusLine notice={notice} />
      </form>
    </section>
  );
}
