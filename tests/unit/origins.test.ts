import { describe, expect, it } from 'vitest';
import { KNOWN_WEBMAILS, normalizeOrigin, originToMatchPattern, urlMatchesOrigins } from '../../lib/origins';

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
