import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  SIGNATURE_VARIABLES,
  type SignatureVars,
  defaultTemplate,
  escapeHtml,
  renderSignature,
  sanitizeValue,
} from '../../../lib/features/signature/template';

const FULL: SignatureVars = {
  prenom: 'Sophie',
  nom: 'Martin',
  profession: 'Médecin',
  specialite: 'Cardiologie',
  rpps: '10000005479',
  bal_preferee: 'sophie.martin@medecin.mssante.fr',
  situation: 'Cabinet',
  telephone: '01 23 45 67 89',
  structure: 'CH XYZ',
};

const XSS = '<img src=x onerror=alert(1)>';

const text = (t: string, v: SignatureVars) => renderSignature({ text: t }, v).text;
const html = (t: string, v: SignatureVars) => renderSignature({ text: t }, v).html;
const htmlT = (h: string, v: SignatureVars) => renderSignature({ text: '', html: h }, v).html;

/** Every tag in an HTML string. */
const tagsOf = (s: string) => s.match(/<[^>]*>/g) ?? [];
/** Tags Balise may produce. */
const ALLOWED_TAG = /^<(?:br|\/?(?:b|i|strong|em)|\/a|a href="(?:mailto:|https:\/\/)[^"<>\s]*")>$/;

describe('SIGNATURE_VARIABLES', () => {
  it('lists the nine variables', () => {
    expect([...SIGNATURE_VARIABLES]).toEqual([
      'prenom',
      'nom',
      'profession',
      'specialite',
      'rpps',
      'bal_preferee',
      'situation',
      'telephone',
      'structure',
    ]);
  });
});

describe('defaultTemplate', () => {
  it('uses only known variables, in both locales', () => {
    for (const locale of ['fr', 'en'] as const) {
      const t = defaultTemplate(locale);
      for (const m of t.matchAll(/\{([^}]*)\}/g)) expect(SIGNATURE_VARIABLES).toContain(m[1]);
      expect(t).toContain('{bal_preferee}');
      expect(t).toContain('{rpps}');
    }
  });

  it('renders a full signature', () => {
    const r = renderSignature({ text: defaultTemplate('fr') }, FULL);
    expect(r.text).toBe(
      [
        'Sophie Martin',
        'Médecin – Cardiologie',
        'RPPS 10000005479',
        'CH XYZ',
        'MSSanté : sophie.martin@medecin.mssante.fr',
        '01 23 45 67 89',
      ].join('\n'),
    );
    expect(r.html).toBe(
      'Sophie Martin<br>Médecin – Cardiologie<br>RPPS 10000005479<br>CH XYZ<br>' +
        'MSSanté : <a href="mailto:sophie.martin@medecin.mssante.fr">sophie.martin@medecin.mssante.fr</a>' +
        '<br>01 23 45 67 89',
    );
  });

  it('renders a minimal signature without dangling labels or separators', () => {
    const r = renderSignature({ text: defaultTemplate('en') }, { prenom: 'Sophie', nom: 'Martin', profession: 'Nurse' });
    expect(r.text).toBe('Sophie Martin\nNurse');
    expect(r.html).toBe('Sophie Martin<br>Nurse');
  });
});

describe('escaping', () => {
  it('keeps an XSS name as text in HTML and raw in text', () => {
    const r = renderSignature({ text: '{prenom} {nom}' }, { prenom: 'Eve', nom: XSS });
    expect(r.html).toBe('Eve &lt;img src=x onerror=alert(1)&gt;');
    expect(r.text).toBe(`Eve ${XSS}`);
    expect(tagsOf(r.html)).toEqual([]);
  });

  it('escapes & < > " \' in values', () => {
    expect(html('{structure}', { structure: `A & B <C> "D" 'E'` })).toBe(
      'A &amp; B &lt;C&gt; &quot;D&quot; &#39;E&#39;',
    );
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });

  it('escapes every character of the template text too', () => {
    expect(html('<b>{nom}</b> & "co"', { nom: 'X' })).toBe('&lt;b&gt;X&lt;/b&gt; &amp; &quot;co&quot;');
  });

  it('never lets a quote in an address value break out of the href', () => {
    const out = html('{bal_preferee}', { bal_preferee: 'a"onmouseover="alert(1)@x.fr' });
    expect(tagsOf(out)).toEqual([]); // not a valid address: plain text
    expect(out).toBe('a&quot;onmouseover=&quot;alert(1)@x.fr');

    const ok = html('{bal_preferee}', { bal_preferee: "o'brien@medecin.mssante.fr" });
    expect(ok).toBe(
      '<a href="mailto:o&#39;brien@medecin.mssante.fr">o&#39;brien@medecin.mssante.fr</a>',
    );
  });

  it('percent-encodes URL-special characters of the local part in mailto links', () => {
    const out = html('{bal_preferee}', { bal_preferee: 'a?cc=evil&b#c@x.fr' });
    expect(out).toContain('href="mailto:a%3Fcc%3Devil%26b%23c@x.fr"');
  });

  it('never produces a javascript: link from a value', () => {
    for (const v of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)//@x.fr', ' javascript:alert(1)']) {
      const out = html('{bal_preferee}', { bal_preferee: v });
      expect(out.toLowerCase()).not.toContain('href="javascript');
      expect(tagsOf(out).every((t) => ALLOWED_TAG.test(t))).toBe(true);
    }
  });
});

describe('missing values and empty lines', () => {
  it('removes a line whose variables are all missing, label included', () => {
    expect(text('{prenom} {nom}\nRPPS {rpps}\n{telephone}', { prenom: 'A', nom: 'B', telephone: '01' })).toBe(
      'A B\n01',
    );
  });

  it('treats blank and whitespace-only values as missing', () => {
    expect(text('{nom}\nRPPS {rpps}', { nom: 'B', rpps: '   ' })).toBe('B');
    expect(text('{nom}\nRPPS {rpps}', { nom: 'B', rpps: '\u0000\n' })).toBe('B');
  });

  it('keeps the template\'s own blank lines and lines without variables', () => {
    expect(text('--\n{nom}\n\nCabinet médical', { nom: 'B' })).toBe('--\nB\n\nCabinet médical');
    expect(text('--\n{rpps}\n\nfin', {})).toBe('--\n\nfin');
  });

  it('trims the separator left at the end or start of a line', () => {
    expect(text('{profession} – {specialite}', { profession: 'Médecin' })).toBe('Médecin');
    expect(text('{profession} – {specialite}', { specialite: 'Cardiologie' })).toBe('Cardiologie');
    expect(text('{profession}, {specialite} | {structure}', { specialite: 'Cardiologie' })).toBe('Cardiologie');
  });

  it('removes the doubled separator left in the middle of a line', () => {
    expect(text('Dr {prenom} {nom}', { nom: 'Martin' })).toBe('Dr Martin');
    expect(text('{profession} – {specialite} – {structure}', { profession: 'Médecin', structure: 'CH' })).toBe(
      'Médecin – CH',
    );
    expect(text('{nom} {prenom}, Paris', { nom: 'Martin' })).toBe('Martin, Paris');
    expect(text('{nom}, {prenom} Paris', { nom: 'Martin' })).toBe('Martin, Paris');
  });

  it('trims only on the side where a value went missing', () => {
    expect(text('- {nom} {prenom} -', { nom: 'Martin' })).toBe('- Martin');
    expect(text('- {prenom} {nom} -', { nom: 'Martin' })).toBe('Martin -');
    expect(text('- {nom} -', { nom: 'Martin' })).toBe('- Martin -');
  });

  it('never trims inside values', () => {
    expect(text('{nom} – {specialite}', { nom: '- Martin -' })).toBe('- Martin -');
  });

  it('treats non-string values as missing', () => {
    const vars = { nom: 42, prenom: null, rpps: { x: 1 } } as unknown as SignatureVars;
    expect(text('{prenom} {nom}\nRPPS {rpps}\nfin', vars)).toBe('fin');
  });

  it('ignores inherited properties', () => {
    const vars = Object.create({ nom: 'Inherited' }) as SignatureVars;
    expect(text('{nom}\nx', vars)).toBe('x');
  });

  it('accepts CRLF templates', () => {
    expect(text('{nom}\r\nRPPS {rpps}\r\nfin', { nom: 'B' })).toBe('B\nfin');
  });
});

describe('unknown variables', () => {
  it('are left as they are', () => {
    const r = renderSignature({ text: '{nom} {inconnu} {Nom} { nom } {} {nom' }, { nom: 'B' });
    expect(r.text).toBe('B {inconnu} {Nom} { nom } {} {nom');
    expect(r.html).toBe('B {inconnu} {Nom} { nom } {} {nom');
  });

  it('do not keep a line alive when every known variable is missing', () => {
    expect(text('{inconnu} {rpps}\nx', {})).toBe('x');
  });

  it('keep their line when there is no known variable', () => {
    expect(text('{inconnu}', {})).toBe('{inconnu}');
  });
});

describe('text mode', () => {
  it('strips control characters from values and turns line breaks into spaces', () => {
    expect(text('{nom}', { nom: 'Mar\u0007tin\u001b[31m' })).toBe('Martin[31m');
    expect(text('{structure}', { structure: 'CH X\r\nService Y\tétage 2' })).toBe('CH X  Service Y étage 2');
    expect(text('{nom}', { nom: 'a\u202eb\u0085c\u009bd' })).toBe('ab cd');
  });

  it('inserts values raw (no escaping)', () => {
    expect(text('{structure}', { structure: 'A & B <C>' })).toBe('A & B <C>');
  });

  it('sanitizeValue trims and replaces lone surrogates', () => {
    expect(sanitizeValue('  x  ')).toBe('x');
    expect(sanitizeValue('a\ud800b')).toBe('a\ufffdb');
    expect(sanitizeValue('😀')).toBe('😀');
    expect(sanitizeValue(undefined)).toBe('');
  });
});

describe('restricted HTML template', () => {
  const V: SignatureVars = { prenom: 'Sophie', nom: 'Martin', bal_preferee: 'sophie.martin@medecin.mssante.fr' };

  it('keeps whitelisted inline tags and turns lines into <br>', () => {
    expect(htmlT('<b>{prenom}</b> <I>{nom}</I><br/>x\n<strong>y</strong> <em>z</em>', V)).toBe(
      '<b>Sophie</b> <i>Martin</i><br>x<br><strong>y</strong> <em>z</em>',
    );
  });

  it('escapes every other tag and attribute', () => {
    // The `</b>` is whitelisted but closes nothing (its `<b ...>` was not
    // accepted), so it is dropped like any stray closing tag.
    expect(htmlT('<script>alert(1)</script><b onclick="x">{nom}</b><img src=x>', V)).toBe(
      '&lt;script&gt;alert(1)&lt;/script&gt;&lt;b onclick=&quot;x&quot;&gt;Martin&lt;img src=x&gt;',
    );
    expect(htmlT('<svg onload=alert(1)><a href="https://x.fr" onclick="y">z</a>', V)).toBe(
      '&lt;svg onload=alert(1)&gt;&lt;a href=&quot;https://x.fr&quot; onclick=&quot;y&quot;&gt;z',
    );
  });

  it('keeps mailto: and https: links, and drops any other scheme', () => {
    expect(htmlT('<a href="mailto:{bal_preferee}">Écrire</a>', V)).toBe(
      '<a href="mailto:sophie.martin@medecin.mssante.fr">Écrire</a>',
    );
    expect(htmlT("<a href='https://annuaire.sante.fr/?q={nom}'>Annuaire</a>", V)).toBe(
      '<a href="https://annuaire.sante.fr/?q=Martin">Annuaire</a>',
    );
    for (const href of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      '&#106;avascript:alert(1)',
      'data:text/html,x',
      'http://example.org',
      'vbscript:x',
      '//evil.example',
      'mailto:',
      'https://',
    ]) {
      expect(htmlT(`<a href="${href}">lien</a>`, V)).toBe('lien');
    }
  });

  it('percent-encodes values inside an href so they cannot change the URL', () => {
    expect(htmlT('<a href="https://x.fr/{nom}">l</a>', { nom: '" onclick="alert(1)' })).toBe(
      '<a href="https://x.fr/%22%20onclick%3D%22alert(1)">l</a>',
    );
    expect(htmlT('<a href="{structure}">l</a>', { structure: 'javascript:alert(1)' })).toBe('l');
  });

  it('drops a link whose href lost its value, and the line if all its variables are missing', () => {
    expect(htmlT('<a href="mailto:{bal_preferee}">Écrire</a>\nfin', {})).toBe('fin');
    expect(htmlT('<a href="mailto:{bal_preferee}">Écrire à {nom}</a>\nfin', { nom: 'M' })).toBe('Écrire à M<br>fin');
  });

  it('does not nest links: no auto-link inside a template link, no link inside a link', () => {
    expect(htmlT('<a href="https://x.fr">{bal_preferee}</a>', V)).toBe(
      '<a href="https://x.fr">sophie.martin@medecin.mssante.fr</a>',
    );
    expect(htmlT('<a href="https://x.fr"><a href="https://y.fr">a</a>b</a>', V)).toBe('<a href="https://x.fr">ab</a>');
  });

  it('auto-links {bal_preferee} in text, including inside a link that was refused', () => {
    expect(htmlT('<b>{bal_preferee}</b>', V)).toBe(
      '<b><a href="mailto:sophie.martin@medecin.mssante.fr">sophie.martin@medecin.mssante.fr</a></b>',
    );
    expect(htmlT('<a href="javascript:x">{bal_preferee}</a>', V)).toBe(
      '<a href="mailto:sophie.martin@medecin.mssante.fr">sophie.martin@medecin.mssante.fr</a>',
    );
    expect(htmlT('<a href="javascript:x"><a href="https://y.fr">b</a>c</a>', V)).toBe('<a href="https://y.fr">b</a>c');
  });

  it('balances tags: closes what is open, drops stray closing tags', () => {
    expect(htmlT('<b>{nom}', V)).toBe('<b>Martin</b>');
    expect(htmlT('</i>{nom}</b>', V)).toBe('Martin');
    expect(htmlT('<b><i>{nom}</b>x</i>', V)).toBe('<b><i>Martin</i></b>x');
    expect(htmlT('<b>{prenom}\n{nom}</b>', V)).toBe('<b>Sophie<br>Martin</b>');
  });

  it('keeps tags of a dropped line so the rest stays balanced, without adding a line', () => {
    expect(htmlT('<b>{prenom}\nRPPS {rpps}</b>\nfin', V)).toBe('<b>Sophie</b><br>fin');
    expect(htmlT('<i>RPPS {rpps}\n{nom}</i>', V)).toBe('<i>Martin</i>');
  });

  it('falls back to the text template when html is blank', () => {
    expect(renderSignature({ text: '{nom}', html: '  \n ' }, V).html).toBe('Martin');
  });

  it('applies separator trimming across tags', () => {
    expect(htmlT('<b>{profession}</b> – {specialite}', { specialite: 'Cardiologie' })).toBe('<b></b>Cardiologie');
  });
});

describe('properties', () => {
  const anyValues = fc.record(
    Object.fromEntries(SIGNATURE_VARIABLES.map((n) => [n, fc.string({ unit: 'binary' })])) as Record<
      (typeof SIGNATURE_VARIABLES)[number],
      fc.Arbitrary<string>
    >,
    { requiredKeys: [] },
  );
  const nasty = fc.constantFrom(XSS, '"', "'", '<', '>', '&', 'javascript:', '</a>', '<br>', '\u0000', '\n', '{nom}');
  const nastyValues = fc.record(
    Object.fromEntries(
      SIGNATURE_VARIABLES.map((n) => [n, fc.array(fc.oneof(nasty, fc.string()), { maxLength: 6 }).map((a) => a.join(''))]),
    ) as Record<(typeof SIGNATURE_VARIABLES)[number], fc.Arbitrary<string>>,
    { requiredKeys: [] },
  );

  it('for any values, the derived HTML has no "<" other than its own <br> and mailto links', () => {
    fc.assert(
      fc.property(fc.oneof(anyValues, nastyValues), fc.constantFrom<'fr' | 'en'>('fr', 'en'), (vars, locale) => {
        const out = renderSignature({ text: defaultTemplate(locale) }, vars).html;
        const stripped = out.replace(/<br>|<a href="mailto:[^"<>\s]*">|<\/a>/g, '');
        expect(stripped).not.toContain('<');
        expect(stripped).not.toContain('>');
      }),
    );
  });

  it('for any values and any template, only whitelisted tags come out', () => {
    const templateChunk = fc.oneof(
      fc.constantFrom(
        '<b>',
        '</b>',
        '<i>',
        '</em>',
        '<br>',
        '\n',
        '<a href="mailto:{bal_preferee}">',
        '<a href="https://x.fr/{nom}">',
        '<a href="javascript:alert(1)">',
        '</a>',
        '<script>',
        '<img src=x onerror=alert(1)>',
        '{prenom}',
        '{bal_preferee}',
        '{rpps}',
        ' – ',
      ),
      fc.string(),
    );
    const template = fc.array(templateChunk, { maxLength: 20 }).map((a) => a.join(''));
    fc.assert(
      fc.property(template, fc.oneof(anyValues, nastyValues), (h, vars) => {
        const r = renderSignature({ text: h, html: h }, vars);
        for (const tag of tagsOf(r.html)) expect(tag).toMatch(ALLOWED_TAG);
        expect(r.html.toLowerCase()).not.toMatch(/href="\s*javascript/);
        // Every '<' starts an allowed tag.
        expect(r.html.replace(/<[^>]*>/g, '')).not.toMatch(/[<>]/);
      }),
    );
  });

  it('for any values, text output has no control characters besides the template line breaks', () => {
    fc.assert(
      fc.property(anyValues, (vars) => {
        const out = renderSignature({ text: defaultTemplate('fr') }, vars).text;
        // eslint-disable-next-line no-control-regex
        expect(out).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
        expect(out.split('\n').length).toBeLessThanOrEqual(6);
      }),
    );
  });

  it('a single clean value renders as itself in text and escaped in HTML', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), (v) => {
        const clean = sanitizeValue(v);
        fc.pre(clean !== '');
        const r = renderSignature({ text: '{structure}' }, { structure: v });
        expect(r.text).toBe(clean);
        expect(r.html).toBe(escapeHtml(clean));
      }),
    );
  });
});
