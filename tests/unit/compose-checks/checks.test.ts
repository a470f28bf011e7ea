import { describe, expect, it } from 'vitest';
import { checkCompose, MB, recipientAddress, type ComposeFacts } from '../../../lib/features/compose-checks/checks';
import { insKey } from '../../../lib/mssante/addresses';

const base: ComposeFacts = {
  recipients: [],
  attachmentsBytes: null,
  subject: null,
  from: 'sophie@medecin.mssante.fr',
  preferredAddress: 'sophie@medecin.mssante.fr',
  notPreferred: false,
  situation: null,
  attachmentLimitMB: null,
};

/** A valid INS with the given first 13 characters. */
const ins = (first13: string) => `${first13}${insKey(first13)}`;

describe('compose checks', () => {
  it('nothing to say for MSSanté recipients', () => {
    expect(checkCompose({ ...base, recipients: ['dr.x@medecin.mssante.fr', 'Cardio <cardio@chu-nantes.mssante.fr>'] })).toEqual({ warnings: [], fin: null });
  });

  it('warns once for recipients outside MSSanté, whatever their spelling', () => {
    const r = checkCompose({ ...base, recipients: ['patient@gmail.com', 'Jean <jean@orange.fr>;', 'PATIENT@gmail.com', 'dr.x@medecin.mssante.fr', 'not an address'] });
    expect(r.warnings).toEqual([{ kind: 'non-mssante', addresses: ['patient@gmail.com', 'jean@orange.fr'] }]);
  });

  it('checks patient addresses: 15 characters, NIR key, Corsica 2A/2B', () => {
    const good = `${ins('1460263220001')}@patient.mssante.fr`;
    expect(good).toBe('146026322000196@patient.mssante.fr');
    const corsica = `${ins('285092A123456')}@patient.mssante.fr`;
    // 2A counts as 19 in the key: the same number with 19 has the same key.
    expect(insKey('285092A123456')).toBe(insKey('2850919123456'));
    const badKey = '146026322000197@patient.mssante.fr'; // the right key is 96
    const r = checkCompose({
      ...base,
      recipients: [good, corsica.toLowerCase(), badKey, '14602632200019@patient.mssante.fr', '1460263X2000196@patient.mssante.fr'],
    });
    expect(r.warnings).toEqual([
      { kind: 'ins-key', address: badKey, code: 'ins.key' },
      { kind: 'ins-key', address: '14602632200019@patient.mssante.fr', code: 'ins.length' },
      { kind: 'ins-key', address: '1460263x2000196@patient.mssante.fr', code: 'ins.format' },
    ]);
    expect(r.fin).toEqual({ patients: [good, corsica.toLowerCase()], subject: 'unknown' });
  });

  it('the ANS example with a wrong key is flagged; the one with a right key is not', () => {
    const r = checkCompose({ ...base, recipients: ['146026322000196@patient.mssante.fr', '288091234567823@patient.mssante.fr'] });
    expect(r.warnings).toEqual([{ kind: 'ins-key', address: '288091234567823@patient.mssante.fr', code: 'ins.key' }]);
    expect(r.fin?.patients).toEqual(['146026322000196@patient.mssante.fr']);
  });

  it('tells how the subject stands against the [FIN] rule', () => {
    const to = ['146026322000196@patient.mssante.fr'];
    expect(checkCompose({ ...base, recipients: to, subject: '[FIN]' }).fin?.subject).toBe('exact');
    expect(checkCompose({ ...base, recipients: to, subject: ' [fin] ' }).fin?.subject).toBe('near');
    expect(checkCompose({ ...base, recipients: to, subject: 'Résultats' }).fin?.subject).toBe('none');
  });

  it('warns when attachments exceed the BAL’s limit, not at or under it, and not without a limit', () => {
    expect(checkCompose({ ...base, attachmentsBytes: 16 * MB, attachmentLimitMB: 15 }).warnings).toEqual([{ kind: 'attachments-size', bytes: 16 * MB, limitMB: 15 }]);
    expect(checkCompose({ ...base, attachmentsBytes: 15 * MB, attachmentLimitMB: 15 }).warnings).toEqual([]);
    expect(checkCompose({ ...base, attachmentsBytes: 70 * MB, attachmentLimitMB: null }).warnings).toEqual([]);
    expect(checkCompose({ ...base, attachmentsBytes: null, attachmentLimitMB: 60 }).warnings).toEqual([]);
  });

  it('warns when writing from a BAL that is not the preferred one', () => {
    const r = checkCompose({ ...base, from: 'cab@cab.mssante.fr', preferredAddress: 'sophie@medecin.mssante.fr', notPreferred: true, situation: 'Cabinet' });
    expect(r.warnings).toEqual([{ kind: 'not-preferred', from: 'cab@cab.mssante.fr', preferred: 'sophie@medecin.mssante.fr', situation: 'Cabinet' }]);
  });

  it('reads recipients as pages give them', () => {
    expect(recipientAddress(' "Dr X" <Dr.X@Medecin.mssante.fr> ')).toBe('dr.x@medecin.mssante.fr');
    expect(recipientAddress('mailto:a@b.fr,')).toBe('a@b.fr');
    expect(recipientAddress(42 as unknown as string)).toBe('');
  });
});
