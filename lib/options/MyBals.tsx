/**
 * "My BALs" in the options page: registry, the person's details, signatures, settings file. One
 * component so that lib/options/App.tsx lists it in one line; the sections share one load of the data.
 */
import { useRef } from 'preact/hooks';
import { send } from '../messages/send';
import { t } from '../i18n/t';
import { useAsync } from '../ui/useAsync';
import { Registry } from './Registry';
import { ProfileForm } from './Profile';
import { Signatures } from './Signatures';
import { Transfer } from './Transfer';
import './registry.css';

async function load() {
  const [registry, settings] = await Promise.all([send('registry/get', {}), send('settings/get', {})]);
  return { ...registry, settings };
}

export function MyBals() {
  // Bumped by an import only: the person's details form then starts again from what the file brought. Its own
  // save must not remount it (that took its "saved" notice away at once).
  const imports = useRef(0);
  const [state, reload] = useAsync(async () => ({ ...(await load()), imports: imports.current }));
  const reloadAfterImport = () => {
    imports.current++;
    reload();
  };
  if (state.status === 'loading') return <p aria-busy="true">…</p>;
  if (state.status === 'error') {
    return (
      <p class="status error" role="alert">
        {t('errorGeneric', state.error.message)}
      </p>
    );
  }
  const { bals, templates, profile, settings } = state.value;
  return (
    <div data-area="my-bals">
      <Registry bals={bals} profile={profile} reload={reload} />
      <ProfileForm key={state.value.imports} profile={profile} reload={reload} />
      <Signatures bals={bals} templates={templates} profile={profile} settings={settings} reload={reload} />
      <Transfer reload={reloadAfterImport} />
    </div>
  );
}
