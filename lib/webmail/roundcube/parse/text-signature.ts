/**
 * Roundcube 1.6, pure parsing (no DOM, no request, no evaluation): Plain-text signatures in a compose body: separators, finding and replacing Balise's block.
 */

/** The separator line Roundcube (sig_separator) and mail clients put before a signature. */
export const SIG_SEPARATOR = '-- \n';

/**
 * The separator Roundcube puts before signatures on this compose page, read from its own (env.signatures):
 * "-- " (sig_separator, the default), "---" (top posting replies, so that the quote below is not taken for the
 * signature), or none (sig_separator off). Without any host signature: "-- ".
 */
export function separatorOf(hostSignatures: string[]): string | null {
  const texts = hostSignatures.filter((t) => t.trim());
  if (!texts.length) return '-- ';
  for (const t of texts) {
    const first = t.replace(/^[\r\n]+/, '').split(/\r?\n/, 1)[0]!;
    if (first === '-- ' || first === '---') return first;
  }
  return null;
}

/**
 * A text signature as it goes in the body: with the separator line in front, unless it has one already (a line
 * "-- " or "---", as Roundcube checks).
 */
export function textSignatureBlock(text: string, separator: string | null = '-- '): string {
  const t = text.replace(/\r\n?/g, '\n').replace(/^\n+|\n+$/g, '');
  if (!separator || /^--[ -]$/m.test(t)) return t;
  return `${separator}\n${t}`;
}

/** Number of signature separator lines ("-- " alone on a line) in a plain-text body. */
export function countSeparators(body: string): number {
  return body.replace(/\r\n?/g, '\n').split('\n').filter((l) => l === '-- ').length;
}

/**
 * Removes every occurrence of the known signature blocks from a plain-text body, then, when there is still a
 * "-- " separator and `dropTail` is set, the tail from the last separator (a signature edited by hand).
 * Returns the body and where the first removed block was (-1 if none).
 */
export function stripTextSignatures(body: string, known: string[], dropTail: boolean): { body: string; at: number } {
  let text = body.replace(/\r\n?/g, '\n');
  let at = -1;
  const blocks = [...new Set(known.map((k) => k.replace(/\r\n?/g, '\n')).filter((k) => k.length > 1))].sort((a, b) => b.length - a.length);
  for (const b of blocks) {
    for (let p = text.indexOf(b); p >= 0; p = text.indexOf(b)) {
      // Take the blank lines Roundcube put before it ("\n\n" + sig) with it.
      let start = p;
      while (start > 0 && text[start - 1] === '\n' && start > p - 2) start--;
      text = text.slice(0, start) + text.slice(p + b.length);
      if (at < 0 || start < at) at = start;
    }
  }
  if (dropTail) {
    const lines = text.split('\n');
    const last = lines.lastIndexOf('-- ');
    if (last >= 0) {
      let start = lines.slice(0, last).join('\n').length;
      text = text.slice(0, start).replace(/\n+$/, '');
      start = text.length;
      if (at < 0 || start < at) at = start;
    }
  }
  return { body: text, at: Math.min(at, text.length) };
}

/** Puts one signature block at `at` (or at the end) of a plain-text body, with a blank line before it. */
export function insertTextSignature(body: string, block: string, at: number): string {
  if (at < 0 || at >= body.length) {
    const head = body.replace(/\n+$/, '');
    return head ? `${head}\n\n${block}` : `\n\n${block}`;
  }
  const before = body.slice(0, at).replace(/\n+$/, '');
  const after = body.slice(at).replace(/^\n+/, '');
  return `${before}\n\n${block}${after ? `\n\n${after}` : ''}`;
}
