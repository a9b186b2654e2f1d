/**
 * Tokens of the SCIM filter grammar (RFC 7644 §3.4.2.2, Figure 1). Attribute paths and keywords
 * are both "words"; the parser decides which is which by position, so `eq` can still be matched
 * case-insensitively and an attribute named like a keyword cannot confuse the lexer.
 */
import { hasLoneSurrogate } from '../text-values';
import { invalidFilter } from '../scim-error';

type Punctuation = '(' | ')' | '[' | ']';

export type Token =
  | { readonly kind: 'word'; readonly text: string; readonly at: number }
  | { readonly kind: 'string'; readonly value: string; readonly at: number }
  | { readonly kind: Punctuation; readonly at: number };

/**
 * Characters of attribute paths, keywords and bare values: A-Z a-z 0-9 _ $ : . - + @ (the `@` of an
 * unquoted e-mail address, which a tolerant dialect reads as a string; no attribute name has one).
 */
const WORD_CHARS = new Uint8Array(128);
for (const range of ['az', 'AZ', '09', '@@', '::', '__', '$$', '..', '--', '++']) {
  for (let code = range.charCodeAt(0); code <= range.charCodeAt(1); code += 1) WORD_CHARS[code] = 1;
}
const isWordChar = (code: number): boolean => code < 128 && WORD_CHARS[code] === 1;

/** Read by character code: the lexer runs on every filtered request. */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d /* space, tab, LF, CR */) {
      i += 1;
    } else if (code === 0x28 || code === 0x29 || code === 0x5b || code === 0x5d /* ( ) [ ] */) {
      tokens.push({ kind: text.charAt(i) as Punctuation, at: i });
      i += 1;
    } else if (code === 0x22 /* " */) {
      const end = stringEnd(text, i);
      tokens.push({ kind: 'string', value: stringValue(text.slice(i, end), i), at: i });
      i = end;
    } else if (isWordChar(code)) {
      const start = i;
      while (i < text.length && isWordChar(text.charCodeAt(i))) i += 1;
      tokens.push({ kind: 'word', text: text.slice(start, i), at: start });
    } else {
      throw invalidFilter(`Unexpected character '${text.charAt(i)}' at position ${i + 1}.`);
    }
  }
  return tokens;
}

/** Index just past the closing quote of the string literal starting at `start`. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    const c = text.charAt(i);
    if (c === '\\') i += 2;
    else if (c === '"') return i + 1;
    else i += 1;
  }
  throw invalidFilter(`Unterminated string starting at position ${start + 1}.`);
}

/** String literals are JSON strings (RFC 7644 §3.4.2.2 refers to RFC 7159 for values). */
function stringValue(literal: string, at: number): string {
  // Most literals have no escapes: their text is their value.
  if (!literal.includes('\\')) return literal.slice(1, -1);
  let value: string;
  try {
    value = JSON.parse(literal) as string;
  } catch {
    throw invalidFilter(`Invalid string literal at position ${at + 1}.`);
  }
  // No stored value has one (request bodies refuse them: scim/text-values.ts).
  if (hasLoneSurrogate(value)) throw invalidFilter(`The string literal at position ${at + 1} has a lone UTF-16 surrogate.`);
  return value;
}
