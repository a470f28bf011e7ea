import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildSettingsFile, checkSettingsFile, FORMAT, FORMAT_VERSION, MAX_CHARS } from '../../../lib/registry/transfer';
import { defaultSettings } from '../../../lib/store/settings';
import type { Bal } from '../../../lib/store/schemas';

function goodFile(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      format: FORMAT,
      version: FORMAT_VERSION,
      exportedAt: '2026-03-14T10:00:00.000Z',
      settings: defaultSettings(),
      profile: { prenom: 'Sophie', nom: 'Martin', rpps: '10000005479' },
      bals: [
        {
          address: 'sophie.martin@medecin.mssante.fr',
          kind: 'PER',
          status: 'active',
          preferred: true,
          situation: { label: 'Cabinet', structure: 'Cabinet Martin', siret: '73282932000074' },
          limits: { attachmentMB: 15 },
        },
        { address: 'cab.martin@cab.mssante.fr', kind: 'CAB', status: 'inactive', preferred: false, situation: { label: 'cabinet' } },
      ],
      templates: [{ situation: '', text: '{prenom} {nom}' }, { situation: 'Cabinet', text: '{nom}\n{bal_preferee}', html: '<b>{nom}</b>' }],
      origins: ['https://medimail.mipih.fr'],
    }),
  );
}

const check = (v: unknown) => checkSettingsFile(typeof v === 'string' ? v : JSON.stringify(v));
const problem = (v: unknown) => {
  const r = check(v);
  return r.ok ? null : r.problem;
};

describe('settings file import checks', () => {
  it('accepts a good file', () => {
    const r = check(goodFile());
    expect(r.ok).toBe(true);
  });

  it('round-trips an export', () => {
    const bals: Bal[] = [
      { address: 'a@x.mssante.fr', kind: 'PER', status: 'active', preferred: true, source: 'user', lastSeen: 5, lastQuota: { usedBytes: 1, limitBytes: 2, at: 3 } },
      { address: 'seen@x.mssante.fr', kind: null, status: 'active', preferred: false, source: 'seen' },
    ];
    const file = buildSettingsFile({
      settings: defaultSettings(),
      profile: { nom: 'Martin' },
      bals,
      templates: [{ id: 't1', situation: '', text: 'x', updatedAt: 1 }],
      origins: [
        { origin: 'https://medimail.mipih.fr', addedAt: 1, source: 'user' },
        { origin: 'http://127.0.0.1', addedAt: 1, source: 'test' },
      ],
    });
    // Seen BALs, sighting data and test origins are not exported.
    expect(file.bals).toEqual([{ address: 'a@x.mssante.fr', kind: 'PER', status: 'active', preferred: true }]);
    expect(file.origins).toEqual(['https://medimail.mipih.fr']);
    const r = check(file);
    expect(r.ok && r.file).toEqual(file);
  });

  it('refuses what is not a Balise file, with a clear code', () => {
    expect(problem('')).toEqual({ code: 'not-json', path: [] });
    expect(problem('{"format": "balise-settings", ')).toEqual({ code: 'not-json', path: [] });
    expect(problem('[]')).toEqual({ code: 'not-object', path: [] });
    expect(problem('null')).toEqual({ code: 'not-object', path: [] });
    expect(problem({ ...goodFile(), format: 'thunderbird' })).toEqual({ code: 'not-balise', path: ['format'] });
  });

  it('refuses a wrong version: newer, older, not a number', () => {
    expect(problem({ ...goodFile(), version: 2 })).toEqual({ code: 'newer-version', path: ['version'] });
    expect(problem({ ...goodFile(), version: 0 })).toEqual({ code: 'bad-version', path: ['version'] });
    expect(problem({ ...goodFile(), version: '1' })).toEqual({ code: 'bad-version', path: ['version'] });
    expect(problem({ ...goodFile(), version: 1.5 })).toEqual({ code: 'bad-version', path: ['version'] });
  });

  it('says which field has the wrong type', () => {
    const f = goodFile();
    (f.bals as Record<string, unknown>[])[1]!.preferred = 'yes';
    expect(problem(f)).toEqual({ code: 'wrong-type', path: ['bals', 1, 'preferred'] });
    const g = goodFile();
    g.templates = 'none';
    expect(problem(g)).toEqual({ code: 'wrong-type', path: ['templates'] });
    const h = goodFile();
    delete (h.bals as Record<string, unknown>[])[0]!.status;
    expect(problem(h)).toEqual({ code: 'required', path: ['bals', 0, 'status'] });
    const k = goodFile();
    (k.bals as Record<string, unknown>[])[0]!.kind = 'XXX';
    expect(problem(k)).toEqual({ code: 'invalid-value', path: ['bals', 0, 'kind'] });
    const s = goodFile();
    (s.settings as Record<string, Record<string, unknown>>).quota!.warnPercent = 'eighty';
    expect(problem(s)?.path).toEqual(['settings', 'quota', 'warnPercent']);
  });

  it('refuses unknown fields (a strict format)', () => {
    const f = goodFile();
    (f.bals as Record<string, unknown>[])[0]!.password = 'x';
    expect(problem(f)).toEqual({ code: 'unknown-field', path: ['bals', 0, 'password'] });
    expect(problem({ ...goodFile(), extra: 1 })).toEqual({ code: 'unknown-field', path: ['extra'] });
  });

  it('refuses prototype pollution anywhere, and leaves Object.prototype alone', () => {
    const raw = JSON.stringify(goodFile()).replace('"profile":{', '"profile":{"__proto__":{"polluted":true},');
    expect(problem(raw)).toEqual({ code: 'forbidden-key', path: ['profile', '__proto__'] });
    const top = `{"__proto__":{"polluted":true},${JSON.stringify(goodFile()).slice(1)}`;
    expect(problem(top)).toEqual({ code: 'forbidden-key', path: ['__proto__'] });
    const ctor = JSON.stringify(goodFile()).replace('"limits":{', '"limits":{"constructor":{"prototype":{"polluted":true}},');
    expect(problem(ctor)).toEqual({ code: 'forbidden-key', path: ['bals', 0, 'limits', 'constructor'] });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses huge strings, huge lists, huge files and deep nesting', () => {
    const f = goodFile();
    (f.profile as Record<string, unknown>).nom = 'x'.repeat(5000);
    expect(problem(f)).toEqual({ code: 'too-long', path: ['profile', 'nom'] });
    const g = goodFile();
    (g.templates as Record<string, unknown>[])[0]!.text = 'y'.repeat(10_001);
    expect(problem(g)).toEqual({ code: 'too-long', path: ['templates', 0, 'text'] });
    const h = goodFile();
    h.origins = Array.from({ length: 101 }, (_, i) => `https://w${i}.example.org`);
    expect(problem(h)).toEqual({ code: 'too-many', path: ['origins'] });
    expect(problem(`{"format":"balise-settings","version":1,"x":"${'z'.repeat(MAX_CHARS)}"}`)).toEqual({ code: 'too-large', path: [] });
    const deep = goodFile();
    let node: Record<string, unknown> = {};
    deep.profile = node;
    for (let i = 0; i < 40; i++) node = node.a = {} as Record<string, unknown>;
    expect(problem(deep)?.code).toBe('too-deep');
  });

  it('checks what the schema cannot: addresses, duplicates, one preferred active BAL per situation', () => {
    const a = goodFile();
    (a.bals as Record<string, unknown>[])[1]!.address = 'SOPHIE.MARTIN@medecin.mssante.fr';
    expect(problem(a)).toEqual({ code: 'duplicate', path: ['bals', 1, 'address'] });
    const b = goodFile();
    (b.bals as Record<string, unknown>[])[1]!.status = 'active';
    (b.bals as Record<string, unknown>[])[1]!.preferred = true;
    expect(problem(b)).toEqual({ code: 'two-preferred', path: ['bals', 1, 'preferred'] });
    const c = goodFile();
    (c.bals as Record<string, unknown>[])[1]!.preferred = true;
    expect(problem(c)).toEqual({ code: 'preferred-inactive', path: ['bals', 1, 'preferred'] });
    const d = goodFile();
    (d.bals as Record<string, unknown>[])[0]!.address = 'a..b@x.mssante.fr';
    expect(problem(d)).toEqual({ code: 'invalid-address', path: ['bals', 0, 'address'] });
    const e = goodFile();
    (e.templates as Record<string, unknown>[])[1]!.situation = ' CABINET ';
    (e.templates as Record<string, unknown>[])[0]!.situation = 'cabinet';
    expect(problem(e)).toEqual({ code: 'duplicate', path: ['templates', 1, 'situation'] });
    const o = goodFile();
    o.origins = ['javascript:alert(1)'];
    expect(problem(o)).toEqual({ code: 'invalid-value', path: ['origins', 0] });
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ ...goodFile(), bals: [v] }))), (s) => {
        const r = checkSettingsFile(s);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
