import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Bal } from '../../../lib/store/schemas';
import {
  choosePreferred,
  enforcePreferred,
  preferredFor,
  registryOf,
  replacementFor,
  resolveSending,
  situationKey,
  situationsOf,
} from '../../../lib/registry/rules';

function bal(address: string, over: Partial<Bal> = {}): Bal {
  return { address, kind: 'PER', status: 'active', preferred: false, source: 'user', ...over };
}

const CAB = { label: 'Cabinet de Nantes', structure: 'Cabinet du Dr Martin' };
const CHU = { label: 'CHU – cardiologie', structure: 'CHU de Nantes', finess: '440000289' };

const REG: Bal[] = [
  bal('martin@medecin.mssante.fr', { situation: CAB, preferred: true }),
  bal('cabinet.martin@cab.mssante.fr', { kind: 'CAB', situation: { label: '  cabinet  de NANTES ' } }),
  bal('s.martin@chu-nantes.mssante.fr', { situation: CHU, preferred: true }),
  bal('cardio@chu-nantes.mssante.fr', { kind: 'ORG', situation: CHU }),
  bal('old@medecin.mssante.fr', { situation: CAB, status: 'inactive' }),
  bal('seen.only@medecin.mssante.fr', { source: 'seen', kind: null }),
];

describe('situations', () => {
  it('are identified by their label without case or extra spaces', () => {
    expect(situationKey(CAB)).toBe(situationKey('  cabinet  de NANTES '));
    expect(situationKey(undefined)).toBe('');
    expect(situationKey({ label: '' })).toBe('');
    expect(situationsOf(REG).map((s) => s.label)).toEqual(['Cabinet de Nantes', 'CHU – cardiologie']);
  });

  it('the registry is only what the user confirmed', () => {
    expect(registryOf(REG).map((b) => b.address)).not.toContain('seen.only@medecin.mssante.fr');
  });
});

describe('one preferred BAL per practice situation', () => {
  it('finds the preferred BAL of each situation', () => {
    expect(preferredFor(REG, situationKey(CAB))?.address).toBe('martin@medecin.mssante.fr');
    expect(preferredFor(REG, situationKey(CHU))?.address).toBe('s.martin@chu-nantes.mssante.fr');
    expect(preferredFor(REG, '')).toBeNull();
  });

  it('choosing one takes the mark from the other of the same situation only', () => {
    const r = choosePreferred(REG, 'cabinet.martin@cab.mssante.fr');
    expect('changed' in r).toBe(true);
    if (!('changed' in r)) return;
    expect(r.changed.map((b) => [b.address, b.preferred])).toEqual([
      ['martin@medecin.mssante.fr', false],
      ['cabinet.martin@cab.mssante.fr', true],
    ]);
  });

  it('refuses an inactive BAL and one outside the registry', () => {
    expect(choosePreferred(REG, 'old@medecin.mssante.fr')).toEqual({ problem: 'inactive' });
    expect(choosePreferred(REG, 'seen.only@medecin.mssante.fr')).toEqual({ problem: 'not-in-registry' });
    expect(choosePreferred(REG, 'nobody@x.mssante.fr')).toEqual({ problem: 'not-in-registry' });
  });

  it('enforcePreferred keeps the priority BAL, drops inactive ones, and is idempotent', () => {
    const messy = [
      bal('a@x.mssante.fr', { situation: CAB, preferred: true }),
      bal('b@x.mssante.fr', { situation: { label: 'CABINET DE NANTES' }, preferred: true }),
      bal('c@x.mssante.fr', { situation: CHU, preferred: true, status: 'depublished' }),
    ];
    const fixed = enforcePreferred(messy, ['b@x.mssante.fr']);
    expect(fixed.map((b) => b.preferred)).toEqual([false, true, false]);
    expect(enforcePreferred(fixed)).toEqual(fixed);
    // Unchanged rows are the same objects (the background writes only what changed).
    expect(enforcePreferred(fixed)[1]).toBe(fixed[1]);
  });

  it('property: after enforcePreferred no situation has two preferred BALs and no inactive BAL is preferred', () => {
    const arb = fc.array(
      fc.record({
        n: fc.integer({ min: 0, max: 30 }),
        sit: fc.constantFrom('', 'A', 'a ', 'B', 'C'),
        preferred: fc.boolean(),
        status: fc.constantFrom('active', 'inactive', 'depublished') as fc.Arbitrary<Bal['status']>,
        source: fc.constantFrom('user', 'seen') as fc.Arbitrary<Bal['source']>,
      }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(arb, (rows) => {
        const bals = rows.map((r, i) =>
          bal(`u${i}@x.mssante.fr`, { preferred: r.preferred, status: r.status, source: r.source, ...(r.sit ? { situation: { label: r.sit } } : {}) }),
        );
        const out = enforcePreferred(bals);
        const seen = new Set<string>();
        for (const b of out) {
          if (!b.preferred) continue;
          expect(b.status).toBe('active');
          expect(b.source).toBe('user');
          const key = situationKey(b.situation);
          expect(seen.has(key)).toBe(false);
          seen.add(key);
        }
      }),
    );
  });
});

describe('resolveSending', () => {
  it('writing from the preferred BAL: no warning', () => {
    const r = resolveSending(REG, 'Martin@Medecin.mssante.fr');
    expect(r).toMatchObject({ from: 'martin@medecin.mssante.fr', preferredAddress: 'martin@medecin.mssante.fr', notPreferred: false });
    expect(r.situation).toEqual(CAB);
  });

  it('writing from another BAL of the same situation: warns and names the preferred one', () => {
    const r = resolveSending(REG, 'cardio@chu-nantes.mssante.fr');
    expect(r).toMatchObject({ preferredAddress: 's.martin@chu-nantes.mssante.fr', notPreferred: true });
    expect(r.situation?.label).toBe('CHU – cardiologie');
  });

  it('writing from an inactive BAL points at the preferred one', () => {
    expect(resolveSending(REG, 'old@medecin.mssante.fr')).toMatchObject({ preferredAddress: 'martin@medecin.mssante.fr', notPreferred: true });
  });

  it('before the registry is filled, the BAL written from is the preferred one', () => {
    expect(resolveSending([], 'dr.durand@medecin.mssante.fr')).toEqual({
      from: 'dr.durand@medecin.mssante.fr',
      bal: null,
      situation: null,
      preferredAddress: 'dr.durand@medecin.mssante.fr',
      notPreferred: false,
    });
    // A BAL only seen is not the registry either.
    expect(resolveSending(REG, 'seen.only@medecin.mssante.fr')).toMatchObject({ preferredAddress: 'seen.only@medecin.mssante.fr', notPreferred: false, bal: null });
  });

  it('a situation without a preferred BAL: the BAL written from is taken as preferred', () => {
    const bals = [bal('a@x.mssante.fr', { situation: CAB }), bal('b@x.mssante.fr', { situation: CAB })];
    expect(resolveSending(bals, 'b@x.mssante.fr')).toMatchObject({ preferredAddress: 'b@x.mssante.fr', notPreferred: false });
  });

  it('unknown sender on a webmail: the BAL registered for that webmail, else the only situation’s preferred BAL', () => {
    const bals = [
      bal('a@x.mssante.fr', { situation: CAB, preferred: true, webmailOrigin: 'https://medimail.mipih.fr' }),
      bal('b@y.mssante.fr', { situation: CHU, preferred: true, webmailOrigin: 'https://mail.sante-na.fr' }),
    ];
    expect(resolveSending(bals, null, 'https://mail.sante-na.fr')).toMatchObject({ preferredAddress: 'b@y.mssante.fr', notPreferred: false });
    expect(resolveSending(bals, null, 'https://other.example.org')).toMatchObject({ preferredAddress: null, bal: null });
    expect(resolveSending([bals[0]!], null, null)).toMatchObject({ preferredAddress: 'a@x.mssante.fr' });
  });

  it('replacementFor picks the situation’s preferred BAL, else any', () => {
    expect(replacementFor(REG, REG[4]!)?.address).toBe('martin@medecin.mssante.fr');
    expect(replacementFor([REG[4]!, REG[2]!], REG[4]!)?.address).toBe('s.martin@chu-nantes.mssante.fr');
    expect(replacementFor([REG[4]!], REG[4]!)).toBeNull();
  });
});

describe('situation details', () => {
  it('the structure belongs to the situation: taken from its preferred BAL when the BAL written from has none', () => {
    const bals = [bal('a@x.mssante.fr', { situation: { label: 'Cabinet', structure: 'Cabinet Durand' }, preferred: true }), bal('b@x.mssante.fr', { situation: { label: 'cabinet' } })];
    expect(resolveSending(bals, 'b@x.mssante.fr').situation).toEqual({ label: 'cabinet', structure: 'Cabinet Durand' });
    expect(resolveSending([bals[1]!, bal('c@x.mssante.fr', { situation: { label: 'CABINET', structure: 'Autre' } })], 'b@x.mssante.fr').situation).toEqual({ label: 'cabinet', structure: 'Autre' });
  });
});

describe('situationsOf', () => {
  it('spells a situation as on its preferred BAL and takes its structure from any of its BALs', () => {
    const bals = [
      bal('a@x.mssante.fr', { situation: { label: 'cabinet de nantes' } }),
      bal('b@x.mssante.fr', { situation: { label: 'Cabinet de Nantes', structure: 'Cabinet Durand' }, preferred: true }),
      bal('c@x.mssante.fr', { situation: { label: 'CHU' } }),
      bal('d@x.mssante.fr', { situation: { label: 'chu', structure: 'CHU de Nantes' } }),
    ];
    expect(situationsOf(bals)).toEqual([
      { label: 'Cabinet de Nantes', structure: 'Cabinet Durand' },
      { label: 'CHU', structure: 'CHU de Nantes' },
    ]);
  });
});
