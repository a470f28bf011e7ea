import { describe, expect, it } from 'vitest';
import { classifyOrigin, KNOWN_WEBMAILS, normalizeOrigin, originToMatchPattern, urlMatchesOrigins } from '../../lib/origins';

describe('normalizeOrigin', () => {
  it('accepts what a user types or pastes and keeps only the origin', () => {
    expect(normalizeOrigin('mail.sante-na.fr')).toBe('https://mail.sante-na.fr');
    expect(normalizeOrigin('  https://Mail.Sante-NA.fr/zimbra/#1?x=1 ')).toBe('https://mail.sante-na.fr');
    expect(normalizeOrigin('https://webmail.example.org:8443/roundcube/')).toBe('https://webmail.example.org:8443');
  });
  it('refuses anything that is not an https webmail', () => {
    for (const bad of ['', 'http://mail.example.org', 'ftp://x.org', 'javascript:alert(1)', 'https://user:pw@x.org', 'intranet', 'https://', 'data:text/html,x']) {
      expect(normalizeOrigin(bad), bad).toBeNull();
    }
  });
  it('allows plain http on this computer only when asked (test builds)', () => {
    expect(normalizeOrigin('http://127.0.0.1:8080')).toBeNull();
    expect(normalizeOrigin('http://127.0.0.1:8080/x', { allowLoopbackHttp: true })).toBe('http://127.0.0.1:8080');
    expect(normalizeOrigin('http://10.0.0.1', { allowLoopbackHttp: true })).toBeNull();
  });
  it('turns the known list into valid origins', () => {
    for (const k of KNOWN_WEBMAILS) expect(normalizeOrigin(k.origin)).toBe(k.origin);
  });
});

describe('match patterns', () => {
  it('cover the host (patterns cannot name a port)', () => {
    expect(originToMatchPattern('https://mail.sante-na.fr')).toBe('https://mail.sante-na.fr/*');
    expect(originToMatchPattern('http://127.0.0.1:4321')).toBe('http://127.0.0.1/*');
  });
  it('urlMatchesOrigins compares whole origins', () => {
    expect(urlMatchesOrigins('https://a.fr/x?y', ['https://a.fr'])).toBe(true);
    expect(urlMatchesOrigins('https://a.fr.evil.com/', ['https://a.fr'])).toBe(false);
    expect(urlMatchesOrigins('not a url', ['https://a.fr'])).toBe(false);
  });
});

describe('the known webmails list', () => {
  it('is data with a source and distinct origins per entry', () => {
    const seen = new Set<string>();
    for (const k of KNOWN_WEBMAILS) {
      expect(k.source.length, k.id).toBeGreaterThan(20);
      for (const o of [k.origin, ...k.notWebmail.map((n) => n.origin)]) {
        expect(normalizeOrigin(o), `${k.id}: ${o}`).toBe(o);
        expect(seen.has(o), `${o} listed twice`).toBe(false);
        seen.add(o);
      }
    }
    expect(new Set(KNOWN_WEBMAILS.map((k) => k.id)).size).toBe(KNOWN_WEBMAILS.length);
  });
  it('sends Mailiz users to the Roundcube origin, not the portal or the login', () => {
    const mailiz = KNOWN_WEBMAILS.find((k) => k.id === 'mailiz')!;
    expect(mailiz).toMatchObject({ origin: 'https://roundcube.mssante.fr', kind: 'roundcube' });
    expect(mailiz.source).toMatch(/2026/);
    expect(mailiz.notWebmail).toEqual([
      { origin: 'https://mailiz.mssante.fr', role: 'portal' },
      { origin: 'https://auth-mailiz.mssante.fr', role: 'login' },
    ]);
  });
  it('keeps Medimail where its mail pages are, with its published limits', () => {
    expect(KNOWN_WEBMAILS.find((k) => k.id === 'medimail')).toMatchObject({ origin: 'https://medimail.mipih.fr', kind: 'medimail', attachmentLimitMB: 60, retentionDays: 90 });
  });
});

describe('classifyOrigin', () => {
  it('knows a webmail by its whole origin, from any URL on it', () => {
    const c = classifyOrigin('https://roundcube.mssante.fr/?_task=mail&_mbox=INBOX');
    expect(c.type).toBe('webmail');
    if (c.type === 'webmail') expect(c.known.id).toBe('mailiz');
    expect(classifyOrigin('https://medimail.mipih.fr/?m=liste&f=1')).toMatchObject({ type: 'webmail', known: { id: 'medimail' } });
  });
  it('says where the mail is when the user is on a portal or a login page', () => {
    expect(classifyOrigin('https://mailiz.mssante.fr/')).toMatchObject({ type: 'not-webmail', role: 'portal', webmailOrigin: 'https://roundcube.mssante.fr', known: { id: 'mailiz' } });
    expect(classifyOrigin('https://auth-mailiz.mssante.fr/realms/mssante/protocol/openid-connect/auth?client_id=roundcube')).toMatchObject({
      type: 'not-webmail',
      role: 'login',
      webmailOrigin: 'https://roundcube.mssante.fr',
    });
  });
  it('is unknown elsewhere: other hosts, ports, schemes, look-alikes, non-URLs', () => {
    for (const u of ['https://webmail.example.org/', 'https://roundcube.mssante.fr:8443/', 'http://roundcube.mssante.fr/', 'https://roundcube.mssante.fr.evil.example/', 'roundcube.mssante.fr', '']) {
      expect(classifyOrigin(u), u).toEqual({ type: 'unknown' });
    }
  });
  it('takes another list (what the popup or a test passes)', () => {
    const list = [{ id: 'x', label: 'X', origin: 'http://127.0.0.1:8080', kind: 'roundcube' as const, operator: 'T', source: 'test', notWebmail: [{ origin: 'http://127.0.0.1:9090', role: 'login' as const }] }];
    expect(classifyOrigin('http://127.0.0.1:9090/auth', list)).toMatchObject({ type: 'not-webmail', webmailOrigin: 'http://127.0.0.1:8080' });
    expect(classifyOrigin('https://roundcube.mssante.fr/', list)).toEqual({ type: 'unknown' });
  });
});
