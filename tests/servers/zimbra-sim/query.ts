/**
 * Zimbra search query language: a tokenizer and recursive-descent parser written from the grammar in
 * Zimbra/zm-mailbox `store/src/java/com/zimbra/cs/index/query/parser/Parser.jjt`, and an evaluator that follows
 * `QueryParser.java` (term -> query), `DateQuery.java`, `SizeQuery.java`, `AttachmentQuery.java`,
 * `BuiltInQuery.java`, `InQuery.java`, `TextQuery.java`, `ZimbraQuery.java` (AND binds tighter than OR;
 * Trash and Junk excluded unless named).
 *
 * Errors are reported like the server: `mail.QUERY_PARSE_ERROR` ("Couldn't parse query: …", args curTok,
 * colNo, parserErr) for lexical and grammar errors and for bad values (INVALID_DATE, INVALID_SIZE,
 * UNKNOWN_TEXT_AFTER_IS …); `mail.NO_SUCH_FOLDER` for `in:"/missing"`.
 */
import { ZimbraFault } from './faults.ts';
import { ID_JUNK, ID_ROOT, ID_TRASH, type SimMailbox, type SimMessage } from './mailbox.ts';

// ---- tokens -------------------------------------------------------------------------------------------------

type Kind = 'AND' | 'OR' | 'NOT' | 'PLUS' | 'MINUS' | 'LPAREN' | 'RPAREN' | 'TERM' | 'QUOTED' | 'BRACED' | 'FIELD' | 'SORT';

interface Token {
  kind: Kind;
  image: string;
  /** 1-based column, like JavaCC's beginColumn. */
  col: number;
  /** For FIELD: lower-cased field name without the colon. */
  field?: string;
}

/** Fields whose token switches the lexer to the TEXT state (Parser.jjt `: TEXT`). */
const TEXT_FIELDS = [
  'content', 'subject', 'msgid', 'envto', 'envfrom', 'contact', 'to', 'from', 'cc', 'tofrom', 'tocc', 'fromcc',
  'tofromcc', 'in', 'under', 'filename', 'tag', 'message', 'my', 'author', 'title', 'keywords', 'company', 'metadata', 'conv',
];
/** Fields that stay in the DEFAULT state. */
const DEFAULT_FIELDS = [
  'date', 'mdate', 'day', 'week', 'month', 'year', 'after', 'before', 'appt-start', 'appt-end', 'conv-start', 'conv-end',
  'size', 'bigger', 'larger', 'smaller', 'conv-count', 'conv-minm', 'conv-maxm', 'modseq', 'priority', 'is', 'inid',
  'underid', 'has', 'type', 'attachment', 'item',
];
const DATE_FIELDS = new Set(['date', 'mdate', 'day', 'week', 'month', 'year', 'after', 'before', 'appt-start', 'appt-end', 'conv-start', 'conv-end']);

const TERM_START = /[^{} \t\n\r:+\-"()]/;
const TERM_CHAR = /[^{} \t\n\r:"()]/;

function lexError(query: string, col: number, ch: string): ZimbraFault {
  // JavaCC TokenMgrError text (QueryParser passes e.getMessage() as parserErr, curTok "" and colNo -1).
  return ZimbraFault.queryParseError(
    query,
    '',
    -1,
    `Lexical error at line 1, column ${col}.  Encountered: "${ch}" (${ch.charCodeAt(0)}), after : ""`,
  );
}

export function tokenize(query: string): Token[] {
  const out: Token[] = [];
  let state: 'DEFAULT' | 'TEXT' = 'DEFAULT';
  let i = 0;
  const n = query.length;
  while (i < n) {
    const ch = query[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    const col = i + 1;
    if (ch === '(') {
      out.push({ kind: 'LPAREN', image: '(', col });
      state = 'DEFAULT';
      i++;
      continue;
    }
    if (ch === ')') {
      out.push({ kind: 'RPAREN', image: ')', col });
      state = 'DEFAULT';
      i++;
      continue;
    }
    // Candidates; the longest wins, ties go to the one declared first in the grammar.
    const cands: Token[] = [];
    const rest = query.slice(i);
    if (state === 'DEFAULT') {
      const op = /^(and|&&|or|\|\||not|!)/i.exec(rest);
      if (op) {
        const w = op[1]!.toLowerCase();
        const kind: Kind = w === 'and' || w === '&&' ? 'AND' : w === 'or' || w === '||' ? 'OR' : 'NOT';
        cands.push({ kind, image: op[1]!, col });
      }
      if (ch === '+') cands.push({ kind: 'PLUS', image: '+', col });
      if (ch === '-') cands.push({ kind: 'MINUS', image: '-', col });
    }
    // TERM
    if (TERM_START.test(ch) || rest.startsWith('\\"')) {
      let j = i;
      let first = true;
      while (j < n) {
        if (query.startsWith('\\"', j)) {
          j += 2;
          first = false;
          continue;
        }
        const c = query[j]!;
        if (first ? !TERM_START.test(c) : !(TERM_CHAR.test(c))) break;
        j++;
        first = false;
      }
      if (j > i) cands.push({ kind: 'TERM', image: query.slice(i, j), col });
    }
    if (ch === '"') {
      let j = i + 1;
      while (j < n && query[j] !== '"' && query[j] !== '\n') {
        if (query.startsWith('\\"', j)) j += 2;
        else j++;
      }
      if (j < n && query[j] === '"') cands.push({ kind: 'QUOTED', image: query.slice(i, j + 1), col });
    }
    if (ch === '{') {
      const j = query.indexOf('}', i + 1);
      if (j > i + 1) cands.push({ kind: 'BRACED', image: query.slice(i, j + 1), col });
    }
    if (state === 'DEFAULT') {
      const lower = rest.toLowerCase();
      for (const f of [...TEXT_FIELDS, ...DEFAULT_FIELDS]) {
        if (lower.startsWith(f + ':')) cands.push({ kind: 'FIELD', image: rest.slice(0, f.length + 1), col, field: f });
      }
      const fm = /^(field(\[[^\]\s:]+\])?:|#[^{} \t\n\r:+\-"()][^{} \t\n\r:"()]*:)/i.exec(rest);
      if (fm) cands.push({ kind: 'FIELD', image: fm[1]!, col, field: 'field' });
      const sm = /^(sortby|sort):/i.exec(rest);
      if (sm) cands.push({ kind: 'SORT', image: sm[1]!, col });
    }
    if (!cands.length) throw lexError(query, col, ch);
    let best = cands[0]!;
    for (const c of cands) if (c.image.length > best.image.length) best = c;
    out.push(best);
    i += best.image.length;
    if (best.kind === 'FIELD') state = TEXT_FIELDS.includes(best.field!) || best.field === 'field' ? 'TEXT' : 'DEFAULT';
    else if (best.kind === 'SORT') state = 'DEFAULT';
    else state = 'DEFAULT';
  }
  return out;
}

// ---- syntax tree --------------------------------------------------------------------------------------------

export type Node =
  | { type: 'term'; field: string; fieldImage: string; text: string; wildcard: boolean; token: Token; neg: boolean }
  | { type: 'group'; items: (Node | 'AND' | 'OR')[]; neg: boolean };

class ParseError extends Error {
  constructor(
    readonly token: Token | null,
    msg: string,
  ) {
    super(msg);
  }
}

function termText(t: Token): string {
  if (t.kind === 'QUOTED') return t.image.slice(1, -1).replace(/\\"/g, '"');
  if (t.kind === 'BRACED') return t.image.slice(1, -1);
  return t.image;
}

export interface ParsedQuery {
  root: Node;
  sortBy: string | null;
}

export function parseQuery(query: string): ParsedQuery {
  if (!query) throw ZimbraFault.queryParseError(query, '', 0, 'Empty query string not allowed');
  const toks = tokenize(query);
  let pos = 0;
  let sortBy: string | null = null;
  const peek = () => toks[pos];
  const expected = (what: string): never => {
    const t = toks[pos] ?? null;
    throw new ParseError(t ?? toks[pos - 1] ?? null, `Encountered "${t ? t.image : '<EOF>'}" at line 1, column ${t ? t.col : query.length + 1}. Was expecting ${what}`);
  };
  const isClauseStart = (t: Token | undefined) =>
    !!t && ['PLUS', 'MINUS', 'NOT', 'LPAREN', 'TERM', 'QUOTED', 'FIELD'].includes(t.kind);

  const parseSort = () => {
    const t = peek();
    if (t?.kind === 'SORT') {
      pos++;
      const v = peek();
      if (v?.kind !== 'TERM') expected('<TERM>');
      sortBy = v!.image;
      pos++;
    }
  };

  const parseQueryList = (): Node => {
    const items: (Node | 'AND' | 'OR')[] = [];
    parseSort();
    items.push(parseClause());
    parseSort();
    for (;;) {
      const t = peek();
      let conj: 'AND' | 'OR' | null = null;
      if (t && (t.kind === 'AND' || t.kind === 'OR')) {
        conj = t.kind;
        pos++;
        if (!isClauseStart(peek())) expected('a clause');
      } else if (!isClauseStart(t)) break;
      items.push(conj ?? 'AND', parseClause());
      parseSort();
    }
    return { type: 'group', items, neg: false };
  };

  const parseModifier = (): boolean | null => {
    const t = peek();
    if (t && (t.kind === 'PLUS' || t.kind === 'MINUS' || t.kind === 'NOT')) {
      pos++;
      return t.kind !== 'PLUS';
    }
    return null;
  };

  const parseClause = (): Node => {
    const neg = parseModifier() ?? false;
    const t = peek();
    if (!t) return expected('a clause');
    let node: Node;
    if (t.kind === 'LPAREN') {
      pos++;
      node = parseQueryList();
      if (peek()?.kind !== 'RPAREN') expected('")"');
      pos++;
    } else if (t.kind === 'FIELD') {
      pos++;
      node = DATE_FIELDS.has(t.field!) ? parseDateTerm(t) : parseTextTerm(t, t.field === 'item');
    } else if (t.kind === 'TERM' || t.kind === 'QUOTED') {
      pos++;
      node = mkTerm('content', '', t, termText(t));
    } else return expected('a clause');
    if (neg) node.neg = !node.neg;
    return node;
  };

  const mkTerm = (field: string, fieldImage: string, tok: Token, text: string): Node => ({
    type: 'term',
    field,
    fieldImage,
    text,
    wildcard: text.endsWith('*'),
    token: tok,
    neg: false,
  });

  const parseTextTerm = (field: Token, braces: boolean): Node => {
    const t = peek();
    if (!t) return expected('<TERM>');
    if (t.kind === 'LPAREN') {
      pos++;
      const items: (Node | 'AND' | 'OR')[] = [];
      const one = () => {
        const neg = parseModifier() ?? false;
        const n = parseTextTerm(field, braces);
        if (neg) n.neg = !n.neg;
        return n;
      };
      items.push(one());
      while (peek() && peek()!.kind !== 'RPAREN') {
        let conj: 'AND' | 'OR' = 'AND';
        if (peek()!.kind === 'AND' || peek()!.kind === 'OR') {
          conj = peek()!.kind as 'AND' | 'OR';
          pos++;
        }
        items.push(conj, one());
      }
      if (peek()?.kind !== 'RPAREN') expected('")"');
      pos++;
      return { type: 'group', items, neg: false };
    }
    if (t.kind === 'TERM' || t.kind === 'QUOTED' || (braces && t.kind === 'BRACED')) {
      pos++;
      return mkTerm(field.field!, field.image, t, termText(t));
    }
    return expected('<TERM> | <QUOTED_TERM>');
  };

  const parseDateTerm = (field: Token): Node => {
    const t = peek();
    if (!t) return expected('<TERM>');
    if (t.kind === 'LPAREN') {
      pos++;
      const items: (Node | 'AND' | 'OR')[] = [];
      const one = () => {
        let neg = false;
        if (peek()?.kind === 'NOT') {
          pos++;
          neg = true;
        }
        const n = parseDateTerm(field);
        if (neg) n.neg = !n.neg;
        return n;
      };
      items.push(one());
      while (peek() && peek()!.kind !== 'RPAREN') {
        let conj: 'AND' | 'OR' = 'AND';
        if (peek()!.kind === 'AND' || peek()!.kind === 'OR') {
          conj = peek()!.kind as 'AND' | 'OR';
          pos++;
        }
        items.push(conj, one());
      }
      if (peek()?.kind !== 'RPAREN') expected('")"');
      pos++;
      return { type: 'group', items, neg: false };
    }
    let sign = '';
    if (t.kind === 'MINUS' || t.kind === 'PLUS') {
      sign = t.image;
      pos++;
    }
    const v = peek();
    if (v && (v.kind === 'TERM' || v.kind === 'QUOTED')) {
      pos++;
      return mkTerm(field.field!, field.image, v, sign + termText(v));
    }
    return expected('<TERM> | <QUOTED_TERM>');
  };

  try {
    const root = parseQueryList();
    if (pos < toks.length) expected('<EOF>');
    return { root, sortBy };
  } catch (e) {
    if (e instanceof ParseError) {
      throw ZimbraFault.queryParseError(query, e.token?.image ?? '', e.token?.col ?? 0, e.message);
    }
    throw e;
  }
}

// ---- evaluation ---------------------------------------------------------------------------------------------

export interface EvalContext {
  mbox: SimMailbox;
  now: number;
  /** Absolute dates: 'fr' reads dd/mm/yyyy, anything else mm/dd/yyyy (DateQuery, locale fallback to English). */
  locale: string;
  includeTrash: boolean;
  includeJunk: boolean;
}

type Pred = (m: SimMessage) => boolean;

const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);

/** Content tokens: runs of letters and digits, lower-cased (an approximation of Zimbra's UniversalTokenizer). */
export function contentTokens(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).filter((t) => !STOP_WORDS.has(t));
}

/** FilenameTokenizer: split on ',', ' ', CR, LF and '.'; lower-cased. */
export function filenameTokens(name: string): string[] {
  return name.toLowerCase().split(/[, \r\n.]+/).filter(Boolean);
}

function phraseMatch(hay: string[], needle: string[], wildcardLast: boolean): boolean {
  if (!needle.length) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) {
      const h = hay[i + k]!;
      const w = needle[k]!;
      const last = k === needle.length - 1;
      if (last && wildcardLast ? !h.startsWith(w) : h !== w) continue outer;
    }
    return true;
  }
  return false;
}

function textPred(text: string, tokensOf: (m: SimMessage) => string[], tokenizer: (s: string) => string[]): Pred {
  const wildcard = text.endsWith('*');
  const needle = tokenizer(wildcard ? text.replace(/\*+$/, '') : text);
  if (wildcard && !needle.length) {
    // "*" alone or a stripped term: Lucene expands the raw text (minus trailing '*'); nothing sensible to match.
    return () => false;
  }
  if (!needle.length) return () => false; // NoTermQueryOperation: only stop words or punctuation
  return (m) => phraseMatch(tokensOf(m), needle, wildcard);
}

function addressTokens(addrs: { address: string; personal?: string }[]): string[] {
  const out: string[] = [];
  for (const a of addrs) {
    const addr = a.address.toLowerCase();
    out.push(addr);
    const [local, domain] = addr.split('@');
    if (local) out.push(local, ...contentTokens(local));
    if (domain) out.push(domain, '@' + domain, ...domain.split('.'));
    if (a.personal) out.push(...contentTokens(a.personal));
  }
  return out;
}

const WORD_TYPES = [
  'application/msword',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.template',
  'application/vnd.ms-word.document.macroenabled.12',
  'application/vnd.ms-word.template.macroenabled.12',
];
const EXCEL_TYPES = [
  'application/vnd.ms-excel',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.template',
  'application/vnd.ms-excel.sheet.macroenabled.12',
  'application/vnd.ms-excel.template.macroenabled.12',
  'application/vnd.ms-excel.addin.macroenabled.12',
  'application/vnd.ms-excel.sheet.binary.macroenabled.12',
];
const PPT_TYPES = [
  'application/vnd.ms-powerpoint',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.openxmlformats-officedocument.presentationml.template',
  'application/vnd.openxmlformats-officedocument.presentationml.slideshow',
  'application/vnd.ms-powerpoint.addin.macroenabled.12',
  'application/vnd.ms-powerpoint.presentation.macroenabled.12',
  'application/vnd.ms-powerpoint.slideshow.macroenabled.12',
];
/** AttachmentQuery.CONTENT_TYPES_MULTIMAP */
const CONTENT_TYPES: Record<string, string[]> = {
  any: ['any'],
  application: ['application'],
  'application/*': ['application'],
  bmp: ['image/bmp'],
  'image/bmp': ['image/bmp'],
  gif: ['image/gif'],
  'image/gif': ['image/gif'],
  image: ['image'],
  'image/*': ['image'],
  jpeg: ['image/jpeg'],
  'image/jpeg': ['image/jpeg'],
  excel: EXCEL_TYPES,
  'application/vnd.ms-excel': EXCEL_TYPES,
  xls: EXCEL_TYPES,
  ppt: PPT_TYPES,
  powerpoint: PPT_TYPES,
  'application/vnd.ms-powerpoint': PPT_TYPES,
  'ms-tnef': ['application/ms-tnef'],
  'application/ms-tnef': ['application/ms-tnef'],
  word: WORD_TYPES,
  'application/msword': WORD_TYPES,
  msword: WORD_TYPES,
  none: ['none'],
  pdf: ['application/pdf'],
  'application/pdf': ['application/pdf'],
  text: ['text'],
  'text/*': ['text'],
};

/** Values indexed for one content type: the full type and its primary type (how Zimbra indexes `attachment`/`type`). */
function typeMatches(wanted: string, actual: string): boolean {
  return actual === wanted || actual.split('/')[0] === wanted;
}

function parseDateRange(text: string, field: string, ctx: EvalContext): { lo: number | null; hi: number | null } | null {
  // DateQuery.parseDate; returns [lo, hi) bounds in ms, null when invalid.
  let src = text.replace(/,$/, '');
  if (!src) return null;
  let lt = false;
  let gt = false;
  let eq = false;
  let explicit = false;
  if (src[0] === '<' || src[0] === '>') {
    if (field === 'before' || field === 'after') return null;
    explicit = true;
    lt = src[0] === '<';
    gt = src[0] === '>';
    if (src[1] === '=') {
      eq = true;
      src = src.slice(2);
    } else src = src.slice(1);
    if (!src) return null;
  }
  if (/^today$/i.test(src)) src = '-0d';
  if (/^yesterday$/i.test(src)) src = '-1d';
  let unit: 'mi' | 'h' | 'd' | 'w' | 'm' | 'y' = field === 'week' ? 'w' : field === 'month' ? 'm' : field === 'year' ? 'y' : 'd';
  let begin: number;
  let end: number;
  if (/^[0-9]+$/.test(src)) {
    begin = Number(src);
    end = begin + 1000;
  } else {
    const rel = /^([+-])([0-9]+)([mhdwy]|mi|minute[s]?|hour[s]?|day[s]?|week[s]?|month[s]?|year[s]?)?$/.exec(src);
    if (rel) {
      const what = rel[3];
      if (what) {
        if (what[0] === 'm') unit = what.length > 1 && what[1] === 'i' ? 'mi' : 'm';
        else unit = what[0] as 'h' | 'd' | 'w' | 'y';
      }
      // Calendar arithmetic in UTC (the simulator's account time zone is UTC).
      const d = new Date(ctx.now);
      // Clear the fields below the unit (DateQuery: "date:-1d" means midnight to midnight).
      if (unit === 'y') d.setUTCMonth(0);
      if (unit === 'y' || unit === 'm') {
        d.setUTCDate(1);
        d.setUTCHours(0, 0, 0);
      }
      if (unit === 'w') d.setUTCDate(d.getUTCDate() - d.getUTCDay()); // first day of week: Sunday (Calendar default)
      if (unit === 'w' || unit === 'd') d.setUTCHours(0);
      if (unit === 'w' || unit === 'd' || unit === 'h') d.setUTCMinutes(0);
      if (unit === 'w' || unit === 'd' || unit === 'h' || unit === 'mi') d.setUTCSeconds(0);
      const num = Number(rel[2]) * (rel[1] === '-' ? -1 : 1);
      const add = (date: Date, k: number) => {
        const x = new Date(date.getTime());
        if (unit === 'y') x.setUTCFullYear(x.getUTCFullYear() + k);
        else if (unit === 'm') x.setUTCMonth(x.getUTCMonth() + k);
        else if (unit === 'w') x.setUTCDate(x.getUTCDate() + 7 * k);
        else if (unit === 'd') x.setUTCDate(x.getUTCDate() + k);
        else if (unit === 'h') x.setUTCHours(x.getUTCHours() + k);
        else x.setUTCMinutes(x.getUTCMinutes() + k);
        return x;
      };
      const b = add(d, num);
      begin = b.getTime();
      end = add(b, 1).getTime();
    } else {
      const m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(src);
      if (!m) return null;
      let a = Number(m[1]);
      let b = Number(m[2]);
      let y = Number(m[3]);
      if (y < 100) y += 2000;
      const dayFirst = ctx.locale.toLowerCase().startsWith('fr');
      let [day, month] = dayFirst ? [a, b] : [b, a];
      if (month > 12 && dayFirst) {
        // fall back to mm/dd/yyyy like DateQuery does on a parse failure
        [day, month] = [b, a];
      }
      if (month < 1 || month > 12 || day < 1 || day > 31) return null;
      a = Date.UTC(y, month - 1, day);
      begin = a;
      const e = new Date(a);
      if (unit === 'y') e.setUTCFullYear(e.getUTCFullYear() + 1);
      else if (unit === 'm') e.setUTCMonth(e.getUTCMonth() + 1);
      else if (unit === 'w') e.setUTCDate(e.getUTCDate() + 7);
      else e.setUTCDate(e.getUTCDate() + 1);
      end = e.getTime();
    }
  }
  if (!explicit) {
    if (field === 'before') lt = true;
    else if (field === 'after') gt = true;
    else if (['year', 'month', 'date', 'appt-start', 'appt-end'].includes(field)) eq = true;
  }
  if (lt) return eq ? { lo: null, hi: end } : { lo: null, hi: begin };
  if (gt) return eq ? { lo: begin, hi: null } : { lo: end, hi: null };
  return { lo: begin, hi: end };
}

function parseSize(text: string, base: 'EQ' | 'GT' | 'LT'): { op: 'EQ' | 'GT' | 'LT'; size: number } | null {
  // SizeQuery constructor.
  let t = text;
  let op = base;
  if (!t) return null;
  if (t[0] === '>') {
    op = 'GT';
    t = t.slice(1);
  } else if (t[0] === '<') {
    op = 'LT';
    t = t.slice(1);
  }
  let hasEq = false;
  if (t[0] === '=') {
    hasEq = true;
    t = t.slice(1);
  }
  if (!t) return null;
  let typeChar = t[t.length - 1]!.toLowerCase();
  if (typeChar === 'b') {
    t = t.slice(0, -1);
    if (!t) return null;
    typeChar = t[t.length - 1]!.toLowerCase();
  }
  const mult = typeChar === 'k' ? 1024 : typeChar === 'm' ? 1024 * 1024 : typeChar === 'g' ? 1024 * 1024 * 1024 : 1;
  if (mult > 1) t = t.slice(0, -1);
  if (!/^\s*-?\d+\s*$/.test(t)) return null;
  let size = Number(t.trim()) * mult;
  if (hasEq) {
    if (op === 'GT') size--;
    else if (op === 'LT') size++;
  }
  return { op, size };
}

function valueError(ctx: { query: string }, node: Extract<Node, { type: 'term' }>, msg: string): ZimbraFault {
  return ZimbraFault.queryParseError(ctx.query, node.token.image, node.token.col, msg);
}

export interface Compiled {
  pred: Pred;
  /** Folder ids named positively by in:/under:/inid:/underid: (for the Trash/Junk exclusion rule). */
  positiveFolders: Set<number>;
}

export function compileQuery(query: string, parsed: ParsedQuery, ctx: EvalContext): Compiled {
  const positiveFolders = new Set<number>();
  const own = ctx.mbox.address.toLowerCase();
  const qctx = { query };

  /** `underNeg`: whether an enclosing group is negated (only used to know which folder terms are positive). */
  const compileNode = (node: Node, underNeg: boolean): Pred => {
    const neg = underNeg !== node.neg;
    if (node.type === 'group') {
      // AND binds tighter than OR (ZimbraQuery.ParseTree): split on OR, AND within.
      const ors: Pred[][] = [[]];
      for (const it of node.items) {
        if (it === 'OR') ors.push([]);
        else if (it !== 'AND') ors[ors.length - 1]!.push(compileNode(it, neg));
      }
      const p: Pred = (m) => ors.some((ands) => ands.every((f) => f(m)));
      return node.neg ? (m) => !p(m) : p;
    }
    const p = compileTerm(node, neg);
    return node.neg ? (m) => !p(m) : p;
  };

  const folderTerm = (node: Extract<Node, { type: 'term' }>, negated: boolean): Pred => {
    const under = node.field === 'under' || node.field === 'underid';
    let folderId: number | null = null;
    if (node.field === 'in' || node.field === 'under') {
      const sys: Record<string, number> = { inbox: 2, trash: 3, junk: 4, sent: 5, drafts: 6, contacts: 7 };
      const lower = node.text.toLowerCase();
      if (sys[lower] !== undefined) folderId = sys[lower]!;
      else {
        const { folder, unmatched } = ctx.mbox.folderByPathLongest(node.text);
        if (unmatched !== null) throw ZimbraFault.noSuchFolderPath(`${ctx.mbox.folderPath(folder.id)}/${unmatched}`);
        folderId = folder.id;
      }
    } else {
      const idText = node.text.split('/')[0]!;
      const sub = node.text.includes('/') ? node.text.slice(node.text.indexOf('/') + 1) : '';
      const id = Number(idText);
      if (!Number.isInteger(id) || !ctx.mbox.folders.has(id)) return () => false; // InQuery NONE (bug 18623)
      folderId = id;
      if (sub) {
        let f = ctx.mbox.folders.get(id)!;
        for (const seg of sub.split('/').filter(Boolean)) {
          const next = ctx.mbox.children(f.id).find((c) => c.name.toLowerCase() === seg.toLowerCase());
          if (!next) throw ZimbraFault.noSuchFolderPath(`${ctx.mbox.folderPath(f.id)}/${seg}`);
          f = next;
        }
        folderId = f.id;
      }
    }
    const fid = folderId;
    if (!negated) positiveFolders.add(fid);
    if (under && fid === ID_ROOT) return () => true;
    if (under) return (m) => ctx.mbox.isUnder(m.folderId, fid);
    return (m) => m.folderId === fid;
  };

  const compileTerm = (node: Extract<Node, { type: 'term' }>, negated: boolean): Pred => {
    const text = node.text;
    switch (node.field) {
      case 'in':
      case 'under':
      case 'inid':
      case 'underid':
        return folderTerm(node, negated);
      case 'content':
        return textPred(text, (m) => contentTokens(ctx.mbox.searchText(m)), contentTokens);
      case 'subject':
        return textPred(text, (m) => contentTokens(m.subject), contentTokens);
      case 'from':
        if (!text) throw valueError(qctx, node, 'MISSING_TEXT_AFTER_FROM');
        return addrPred(text, (m) => (m.from ? [m.from] : []));
      case 'to':
        if (!text) throw valueError(qctx, node, 'MISSING_TEXT_AFTER_TO');
        return addrPred(text, (m) => m.to);
      case 'cc':
        if (!text) throw valueError(qctx, node, 'MISSING_TEXT_AFTER_CC');
        return addrPred(text, (m) => m.cc);
      case 'tofrom':
        return addrPred(text, (m) => [...m.to, ...(m.from ? [m.from] : [])]);
      case 'tocc':
        return addrPred(text, (m) => [...m.to, ...m.cc]);
      case 'fromcc':
        return addrPred(text, (m) => [...m.cc, ...(m.from ? [m.from] : [])]);
      case 'tofromcc':
        return addrPred(text, (m) => [...m.to, ...m.cc, ...(m.from ? [m.from] : [])]);
      case 'msgid':
        return (m) => (m.messageId ?? '').replace(/[<>]/g, '').toLowerCase() === text.replace(/[<>]/g, '').toLowerCase();
      case 'filename':
        return textPred(
          text,
          (m) => ctx.mbox.attachmentsOf(m).flatMap((a) => (a.filename ? [...filenameTokens(a.filename), '\u0000'] : [])),
          filenameTokens,
        );
      case 'has': {
        const v = text.toLowerCase();
        if (v === 'attachment' || v === 'att') return (m) => m.flags.attached;
        return () => false; // phone/url/ssn objects are not indexed by the simulator
      }
      case 'attachment':
      case 'type': {
        const wanted = CONTENT_TYPES[text.toLowerCase()] ?? [text.toLowerCase()];
        if (node.field === 'attachment') {
          return (m) => {
            const types = ctx.mbox.attachmentsOf(m).map((a) => a.contentType);
            return wanted.some((w) => (w === 'any' ? types.length > 0 : w === 'none' ? types.length === 0 : types.some((t) => typeMatches(w, t))));
          };
        }
        return (m) => {
          const types = ctx.mbox.leafTypes(m);
          return wanted.some((w) => types.some((t) => typeMatches(w, t)));
        };
      }
      case 'is': {
        const v = text.toLowerCase();
        const mine = (a: { address: string } | null) => !!a && a.address.toLowerCase() === own;
        const map: Record<string, Pred> = {
          read: (m) => !m.flags.unread,
          unread: (m) => m.flags.unread,
          flagged: (m) => m.flags.flagged,
          unflagged: (m) => !m.flags.flagged,
          draft: (m) => m.flags.draft,
          received: (m) => !m.flags.fromMe,
          replied: (m) => m.flags.replied,
          unreplied: (m) => !m.flags.replied,
          forwarded: (m) => m.flags.forwarded,
          unforwarded: (m) => !m.flags.forwarded,
          invite: () => false,
          anywhere: () => true,
          local: () => true,
          remote: () => false,
          solo: () => true,
          sent: (m) => m.flags.fromMe,
          fromme: (m) => m.flags.fromMe,
          tome: (m) => m.to.some(mine),
          ccme: (m) => m.cc.some(mine),
          tofromme: (m) => m.to.some(mine) || m.flags.fromMe,
          toccme: (m) => m.to.some(mine) || m.cc.some(mine),
          fromccme: (m) => m.flags.fromMe || m.cc.some(mine),
          tofromccme: (m) => m.flags.fromMe || m.to.some(mine) || m.cc.some(mine),
        };
        const p = map[v];
        if (!p) throw valueError(qctx, node, 'UNKNOWN_TEXT_AFTER_IS');
        return p;
      }
      case 'size':
      case 'bigger':
      case 'larger':
      case 'smaller': {
        const s = parseSize(text, node.field === 'size' ? 'EQ' : node.field === 'smaller' ? 'LT' : 'GT');
        if (!s) throw valueError(qctx, node, 'INVALID_SIZE');
        if (s.op === 'GT') return (m) => m.size > s.size;
        if (s.op === 'LT') return (m) => m.size < s.size;
        return (m) => m.size === s.size;
      }
      case 'before':
      case 'after':
      case 'date':
      case 'day':
      case 'week':
      case 'month':
      case 'year':
      case 'mdate': {
        const r = parseDateRange(text, node.field, ctx);
        if (!r) throw valueError(qctx, node, 'INVALID_DATE');
        const get = node.field === 'mdate' ? (m: SimMessage) => m.changeDate : (m: SimMessage) => m.date;
        return (m) => {
          const d = get(m);
          return (r.lo === null || d >= r.lo) && (r.hi === null || d < r.hi);
        };
      }
      case 'item': {
        const v = text.toLowerCase();
        if (v === 'all') return () => true;
        if (v === 'none') return () => false;
        const ids = new Set(
          text
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
            .map((s) => {
              const n = Number(s);
              if (!Number.isInteger(n)) throw ZimbraFault.parseError(`Invalid range expression in search query: ${text}`);
              return n;
            }),
        );
        return (m) => ids.has(m.id);
      }
      case 'conv': {
        const id = Number(text);
        return (m) => -m.id === id;
      }
      case 'tag':
        return () => false; // the simulated mailbox has no tags
      case 'priority': {
        const v = text.toLowerCase();
        if (!['high', 'normal', 'low'].includes(v)) throw valueError(qctx, node, 'INVALID_PRIORITY');
        return () => v === 'normal';
      }
      default:
        throw ZimbraFault.failure(`simulator: search field "${node.fieldImage}" is valid Zimbra syntax but not simulated`);
    }
  };

  const addrPred = (text: string, get: (m: SimMessage) => { address: string; personal?: string }[]): Pred => {
    if (text.startsWith('@')) {
      const dom = text.slice(1).toLowerCase();
      return (m) => get(m).some((a) => a.address.toLowerCase().endsWith('@' + dom));
    }
    const lower = text.toLowerCase();
    const wildcard = lower.endsWith('*');
    const w = lower.replace(/\*+$/, '');
    if (w.includes('@') || w.includes('.')) {
      return (m) => addressTokens(get(m)).some((t) => (wildcard ? t.startsWith(w) : t === w));
    }
    return textPred(text, (m) => addressTokens(get(m)), contentTokens);
  };

  const pred = compileNode(parsed.root, false);
  return { pred, positiveFolders };
}

/** Runs a query against the mailbox, applying the Trash/Junk exclusion of ZimbraQuery. */
export function runQuery(query: string, ctx: EvalContext): { hits: SimMessage[]; sortBy: string | null } {
  const parsed = parseQuery(query);
  const { pred, positiveFolders } = compileQuery(query, parsed, ctx);
  const namesTrash = [...positiveFolders].some((id) => id === ID_TRASH);
  const namesJunk = [...positiveFolders].some((id) => id === ID_JUNK);
  const namesUnderTrash = [...positiveFolders].some((id) => ctx.mbox.isUnder(id, ID_TRASH));
  const namesUnderJunk = [...positiveFolders].some((id) => ctx.mbox.isUnder(id, ID_JUNK));
  const hits: SimMessage[] = [];
  for (const m of ctx.mbox.messages.values()) {
    if (!ctx.includeTrash && !namesTrash && ctx.mbox.isUnder(m.folderId, ID_TRASH) && !(namesUnderTrash && positiveFolders.has(m.folderId))) continue;
    if (!ctx.includeJunk && !namesJunk && ctx.mbox.isUnder(m.folderId, ID_JUNK) && !(namesUnderJunk && positiveFolders.has(m.folderId))) continue;
    if (pred(m)) hits.push(m);
  }
  return { hits, sortBy: parsed.sortBy };
}
