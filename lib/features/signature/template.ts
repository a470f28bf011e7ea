/**
 * Signature templates: the user writes a plain-text template with variables
 * such as `{prenom}`; Balise renders it into a plain-text and an HTML
 * signature with the professional's own data.
 *
 * Pure functions: no DOM, no HTML parser, no browser API, never throw.
 *
 * Safety model:
 * - every VALUE is untrusted: in HTML it is always escaped (`& < > " '`), so a
 *   name like `<img src=x onerror=alert(1)>` stays text; in plain text it is
 *   inserted as is, minus control characters;
 * - the only markup Balise produces is `<br>`, the whitelisted inline tags of
 *   an HTML template (`b i strong em br a`), and `<a href>` whose URL starts
 *   with `mailto:` or `https://` after substitution. Any other `<` in a
 *   template is escaped as text. No `javascript:` (or other scheme) link can
 *   come out.
 *
 * Why one file of ~440 lines: the template language's grammar (variables, lines, separators, inline tags) and both
 * renderers that must agree on it (text, HTML) are read together when the safety model above is checked; split,
 * a change to one side's parsing could drift from the other's escaping.
 */

import { parseAddress } from '../../mssante/addresses';
import { SAFE_HREF } from '../../webmail/kit/signature-html';

/** Variable names, in the order the options page should list them. */
export const SIGNATURE_VARIABLES = [
  'prenom',
  'nom',
  'profession',
  'specialite',
  'rpps',
  'bal_preferee',
  'situation',
  'telephone',
  'structure',
] as const;

export type VarName = (typeof SIGNATURE_VARIABLES)[number];
export type SignatureVars = Partial<Record<VarName, string>>;

export interface SignatureTemplate {
  /**
   * Optional restricted HTML template, line-based like `text` (each `\n`
   * becomes `<br>`), with inline tags from a tiny whitelist: `<b> <i>
   * <strong> <em>` (and their closing tags), `<br>`, and `<a href="…">…</a>`
   * where the href, after substitution, starts with `mailto:` or `https://`.
   * Everything else, `&` included, is text and gets escaped (so entities
   * such as `&nbsp;` are not supported). When absent or blank, the HTML
   * rendering is derived from `text`.
   */
  html?: string;
  /** Plain-text template, lines separated by `\n`. */
  text: string;
}

export interface RenderedSignature {
  html: string;
  text: string;
}

const KNOWN = new Set<string>(SIGNATURE_VARIABLES);

function isVarName(name: string): name is VarName {
  return KNOWN.has(name);
}

/** Escapes the five characters that matter in HTML text and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/**
 * Cleans a value before insertion: line breaks and tabs become spaces (a
 * value is one line); other control characters (C0, DEL, C1) and the Unicode
 * bidirectional embedding/override/isolate controls (which can make text
 * display differently from what it is) are removed; the result is trimmed.
 * Unpaired UTF-16 surrogates become U+FFFD. Returns '' for anything that is
 * not a string.
 */
export function sanitizeValue(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\t\n\v\f\r\u0085\u2028\u2029]/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '')
    .trim();
}

// ---------------------------------------------------------------------------
// Tokens

type TextPiece = { t: 'lit'; s: string } | { t: 'var'; name: VarName };

type Piece =
  | TextPiece
  | { t: 'open'; tag: InlineTag }
  | { t: 'close'; tag: InlineTag | 'a' }
  | { t: 'br' }
  | { t: 'a'; href: TextPiece[] };

type InlineTag = 'b' | 'i' | 'strong' | 'em';

const VARIABLE = /\{([a-z_]+)\}/g;

/** Splits text into literals and known variables; unknown `{x}` stay literal. */
function textPieces(s: string): TextPiece[] {
  const out: TextPiece[] = [];
  let last = 0;
  for (const m of s.matchAll(VARIABLE)) {
    const name = m[1] ?? '';
    if (!isVarName(name)) continue;
    const at = m.index ?? 0;
    if (at > last) out.push({ t: 'lit', s: s.slice(last, at) });
    out.push({ t: 'var', name });
    last = at + m[0].length;
  }
  if (last < s.length) out.push({ t: 'lit', s: s.slice(last) });
  return out;
}

const INLINE_TAG = /^<(\/?)(b|i|strong|em)\s*>/i;
const BR_TAG = /^<br\s*\/?>/i;
const A_OPEN = /^<a\s+href\s*=\s*(?:"([^"]*)"|'([^']*)')\s*>/i;
const A_CLOSE = /^<\/a\s*>/i;

/** Tokenizes one line of a restricted HTML template. */
function htmlLinePieces(line: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') out.push(...textPieces(text));
    text = '';
  };
  let i = 0;
  while (i < line.length) {
    if (line[i] !== '<') {
      const next = line.indexOf('<', i);
      const end = next === -1 ? line.length : next;
      text += line.slice(i, end);
      i = end;
      continue;
    }
    const rest = line.slice(i);
    let m: RegExpExecArray | null;
    if ((m = INLINE_TAG.exec(rest))) {
      flush();
      const tag = (m[2] ?? '').toLowerCase() as InlineTag;
      out.push(m[1] ? { t: 'close', tag } : { t: 'open', tag });
    } else if ((m = BR_TAG.exec(rest))) {
      flush();
      out.push({ t: 'br' });
    } else if ((m = A_OPEN.exec(rest))) {
      flush();
      out.push({ t: 'a', href: textPieces(m[1] ?? m[2] ?? '') });
    } else if ((m = A_CLOSE.exec(rest))) {
      flush();
      out.push({ t: 'close', tag: 'a' });
    } else {
      // Not whitelisted: a literal '<', escaped at render time.
      text += '<';
      i += 1;
      continue;
    }
    i += m[0].length;
  }
  flush();
  return out;
}

function splitLines(template: string): string[] {
  return template.replace(/\r\n?/g, '\n').split('\n');
}

// ---------------------------------------------------------------------------
// Line resolution: which lines survive, and literal clean-up around missing
// values.

/** Characters trimmed around a missing value: white space and separators. */
const SEP_CLASS = '\\s\\-\u2013\u2014|\u00b7\u2022,;:/';
const LEADING_SEP = new RegExp(`^[${SEP_CLASS}]+`);
const TRAILING_SEP = new RegExp(`[${SEP_CLASS}]+$`);
const SPACE_ONLY = /^\s+$/;

type Resolved =
  | { t: 'lit'; s: string }
  | { t: 'val'; name: VarName; s: string }
  | { t: 'gap' }
  | Exclude<Piece, TextPiece>;

function varsOf(pieces: readonly Piece[]): VarName[] {
  const names: VarName[] = [];
  for (const p of pieces) {
    if (p.t === 'var') names.push(p.name);
    else if (p.t === 'a') for (const h of p.href) if (h.t === 'var') names.push(h.name);
  }
  return names;
}

/**
 * Resolves the variables of one line. Returns null when the line must
 * disappear: it uses at least one variable and every variable it uses is
 * missing (so a label line such as `RPPS {rpps}` vanishes with its value, and
 * a line left empty by missing values collapses). Lines without variables,
 * blank ones included, are always kept.
 *
 * In a kept line, a missing value is removed together with the redundant
 * separator it leaves behind (`{profession} – {specialite}` without a
 * speciality gives `Médecin`, `Dr {prenom} {nom}` without a first name gives
 * `Dr Dupont`). Only the template's literal text is trimmed, never a value.
 */
function resolveLine(pieces: readonly Piece[], values: ReadonlyMap<VarName, string>): Resolved[] | null {
  const used = varsOf(pieces);
  const missing = used.filter((n) => !values.has(n));
  if (used.length > 0 && missing.length === used.length) return null;

  const out: Resolved[] = pieces.map((p): Resolved => {
    if (p.t !== 'var') return p;
    const s = values.get(p.name);
    return s === undefined ? { t: 'gap' } : { t: 'val', name: p.name, s };
  });
  if (missing.length === 0) return out;

  // Around each gap, drop one of the two separator runs it now joins.
  for (let i = 0; i < out.length; i++) {
    if (out[i]?.t !== 'gap') continue;
    const prev = out[i - 1];
    const next = out[i + 1];
    if (prev?.t !== 'lit' || next?.t !== 'lit') continue;
    const before = TRAILING_SEP.exec(prev.s)?.[0];
    const after = LEADING_SEP.exec(next.s)?.[0];
    if (before === undefined || after === undefined) continue;
    if (SPACE_ONLY.test(before) && !SPACE_ONLY.test(after)) {
      out[i - 1] = { t: 'lit', s: prev.s.slice(0, prev.s.length - before.length) };
    } else {
      out[i + 1] = { t: 'lit', s: next.s.slice(after.length) };
    }
  }

  // Trim separators left dangling at an end of the line, on the side(s)
  // where a value went missing (a `- ` bullet before a present first value
  // stays), skipping tags and gaps, stopping at the first value or remaining
  // literal text.
  const firstVal = out.findIndex((p) => p.t === 'val');
  let lastVal = -1;
  out.forEach((p, k) => {
    if (p.t === 'val') lastVal = k;
  });
  const gapBefore = out.some((p, k) => p.t === 'gap' && k < firstVal);
  const gapAfter = out.some((p, k) => p.t === 'gap' && k > lastVal);
  const trimEdge = (from: number, step: 1 | -1, re: RegExp): void => {
    for (let i = from; i >= 0 && i < out.length; i += step) {
      const p = out[i];
      if (p === undefined || p.t === 'val') return;
      if (p.t !== 'lit') continue;
      const s = p.s.replace(re, '');
      out[i] = { t: 'lit', s };
      if (s !== '') return;
    }
  };
  if (gapBefore) trimEdge(0, 1, LEADING_SEP);
  if (gapAfter) trimEdge(out.length - 1, -1, TRAILING_SEP);
  return out;
}

function valueMap(vars: SignatureVars | null | undefined): Map<VarName, string> {
  const map = new Map<VarName, string>();
  if (!vars || typeof vars !== 'object') return map;
  for (const name of SIGNATURE_VARIABLES) {
    const s = sanitizeValue(Object.prototype.hasOwnProperty.call(vars, name) ? vars[name] : undefined);
    if (s !== '') map.set(name, s);
  }
  return map;
}

// ---------------------------------------------------------------------------
// Rendering

function renderText(template: string, values: ReadonlyMap<VarName, string>): string {
  const lines: string[] = [];
  for (const line of splitLines(template)) {
    const resolved = resolveLine(textPieces(line), values);
    if (resolved === null) continue;
    let s = '';
    for (const p of resolved) if (p.t === 'lit' || p.t === 'val') s += p.s;
    lines.push(s);
  }
  return lines.join('\n');
}

/**
 * An address as it goes into a URL: local part percent-encoded (so `?`, `#`,
 * `&`, `%` in it cannot add `cc=`/`body=` fields to a mailto link), domain as
 * is (letters, digits, dots and hyphens only). Null if not a valid address.
 */
function addressForUrl(value: string): string | null {
  const addr = parseAddress(value);
  return addr ? `${encodeURIComponent(addr.local)}@${addr.domain}` : null;
}

/** `mailto:` link for a valid address value, or null. */
function mailtoHref(value: string): string | null {
  const addr = addressForUrl(value);
  return addr === null ? null : `mailto:${addr}`;
}


/**
 * Href of a template `<a>` after substitution, or null if not allowed. A value
 * is percent-encoded before it goes into the URL (an address keeps its `@`),
 * so a value can never change the scheme, break out of the attribute or add
 * URL parameters. The template's own text is kept as written.
 */
function templateHref(pieces: readonly TextPiece[], values: ReadonlyMap<VarName, string>): string | null {
  let href = '';
  for (const p of pieces) {
    if (p.t === 'lit') {
      href += p.s;
    } else {
      const v = values.get(p.name) ?? '';
      href += addressForUrl(v) ?? encodeURIComponent(v);
    }
  }
  return SAFE_HREF.test(href) ? href : null;
}

interface Open {
  tag: InlineTag | 'a';
  emitted: boolean;
}

function renderHtml(lines: readonly Piece[][], values: ReadonlyMap<VarName, string>): string {
  const stack: Open[] = [];
  const insideLink = (): boolean => stack.some((o) => o.tag === 'a' && o.emitted);
  const closeTo = (index: number): string => {
    let s = '';
    while (stack.length > index) {
      const o = stack.pop();
      if (o?.emitted) s += `</${o.tag}>`;
    }
    return s;
  };

  const rendered: string[] = [];
  let carried = '';
  for (const pieces of lines) {
    const resolved = resolveLine(pieces, values);
    if (resolved === null) {
      // The line's text goes, but its tags still count, so that a tag opened
      // here and closed on another line stays balanced. They join the
      // previous kept line (or the next one), without a line break of their own.
      const tags = renderPieces(pieces.filter((p) => p.t === 'open' || p.t === 'close' || p.t === 'a'));
      if (rendered.length > 0) rendered[rendered.length - 1] += tags;
      else carried += tags;
      continue;
    }
    rendered.push(carried + renderPieces(resolved));
    carried = '';
  }
  return rendered.join('<br>') + carried + closeTo(0);

  function renderPieces(pieces: readonly Resolved[]): string {
    let s = '';
    for (const p of pieces) {
      switch (p.t) {
        case 'lit':
          s += escapeHtml(p.s);
          break;
        case 'val': {
          const href = p.name === 'bal_preferee' && !insideLink() ? mailtoHref(p.s) : null;
          s += href === null ? escapeHtml(p.s) : `<a href="${escapeHtml(href)}">${escapeHtml(p.s)}</a>`;
          break;
        }
        case 'gap':
          break;
        case 'br':
          s += '<br>';
          break;
        case 'open':
          stack.push({ tag: p.tag, emitted: true });
          s += `<${p.tag}>`;
          break;
        case 'a': {
          const href = insideLink() ? null : templateHref(p.href, values);
          stack.push({ tag: 'a', emitted: href !== null });
          if (href !== null) s += `<a href="${escapeHtml(href)}">`;
          break;
        }
        case 'close': {
          let at = -1;
          for (let k = stack.length - 1; k >= 0; k--) {
            if (stack[k]?.tag === p.tag) {
              at = k;
              break;
            }
          }
          if (at !== -1) s += closeTo(at);
          break;
        }
      }
    }
    return s;
  }
}

/**
 * Renders a signature.
 *
 * - `text` comes from `template.text`: values inserted raw (sanitized, see
 *   {@link sanitizeValue}), lines joined with `\n`.
 * - `html` comes from `template.html` when it is given and not blank,
 *   otherwise from `template.text` with every character escaped and each
 *   `\n` turned into `<br>`. In both cases a `{bal_preferee}` value that is a
 *   valid address becomes a `mailto:` link (unless it is already inside a
 *   template link).
 * - Unknown variables (`{foo}`, `{Nom}`) are left as they are.
 * - Missing or blank values: see {@link resolveLine}: the variable goes, and
 *   a line whose variables are all missing goes with it.
 */
export function renderSignature(template: SignatureTemplate, vars: SignatureVars): RenderedSignature {
  const values = valueMap(vars);
  const textTemplate = typeof template?.text === 'string' ? template.text : '';
  const htmlTemplate = typeof template?.html === 'string' && template.html.trim() !== '' ? template.html : null;
  const htmlLines =
    htmlTemplate === null
      ? splitLines(textTemplate).map((l): Piece[] => textPieces(l))
      : splitLines(htmlTemplate).map(htmlLinePieces);
  return { html: renderHtml(htmlLines, values), text: renderText(textTemplate, values) };
}

/**
 * A default text template for a new user. Its labels (`RPPS`, `MSSanté`) are
 * the only user-visible words; the rest is variables.
 */
export function defaultTemplate(locale: 'fr' | 'en'): string {
  const mss = locale === 'fr' ? 'MSSanté : {bal_preferee}' : 'MSSanté: {bal_preferee}';
  return ['{prenom} {nom}', '{profession} – {specialite}', 'RPPS {rpps}', '{structure}', mss, '{telephone}'].join('\n');
}
