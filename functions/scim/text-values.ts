/**
 * Two rules that keep every value exactly as the client sent it, applied wherever text becomes a
 * value (request bodies, filter literals, the schema's numeric strings):
 *
 *  - No lone UTF-16 surrogates. JSON allows `"\ud800"`, but such a string has no UTF-8 form:
 *    DynamoDB would store it as something else, so it could never be found again by a filter, and
 *    its uniqueness key would collide with an unrelated name. It is refused (400).
 *  - No number that JSON.parse would round. `12345678901234567890` parses to 12345678901234567000:
 *    storing that would merge two identities. A number is accepted only when the double it parses
 *    to has exactly its decimal value; integers beyond ±(2^53 − 1) and decimals with more
 *    precision than a double carries are refused (400), and can be sent as strings instead.
 *
 * And one rule for comparing: text is compared in Unicode NFC, so "café" typed precomposed (U+00E9)
 * and decomposed (e + U+0301) is one value for uniqueness and for filters alike.
 */

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** A decimal literal's value as sign, significant digits and exponent: "1.50" and "15e-1" agree. */
function decimalValue(text: string): string | undefined {
  const match = DECIMAL.exec(text.trim());
  if (!match) return undefined;
  const [, sign = '', whole = '', fraction = '', exponent = '0'] = match;
  let digits = `${whole}${fraction}`.replace(/^0+/, '');
  if (digits === '') return '0';
  let scale = Number(exponent) - fraction.length;
  const significant = digits.replace(/0+$/, '');
  scale += digits.length - significant.length;
  digits = significant;
  return `${sign}${digits}e${scale}`;
}

/** Whether a numeric literal parses to a double of exactly its value (no silent rounding). */
export function isExactNumber(text: string): boolean {
  const value = Number(text);
  if (!Number.isFinite(value)) return false;
  const sent = decimalValue(text);
  return sent !== undefined && sent === decimalValue(String(value));
}

/** Cheap test: only literals with 16+ digits in a row or an exponent can be inexact. */
const MAYBE_INEXACT = /\d{16}|\d[eE]/;

/**
 * The first number literal of a JSON text (outside strings) that JSON.parse would round, if any.
 * Scans the text once; most bodies skip the scan entirely.
 */
export function firstInexactNumber(json: string): string | undefined {
  if (!MAYBE_INEXACT.test(json)) return undefined;
  const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (let i = 0; i < json.length;) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i += 1;
      while (i < json.length && json.charCodeAt(i) !== 0x22) i += json.charCodeAt(i) === 0x5c /* \ */ ? 2 : 1;
      i += 1;
    } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
      number.lastIndex = i;
      const literal = number.exec(json)?.[0];
      if (!literal) return undefined; // not JSON; the parser reports it
      if (!isExactNumber(literal)) return literal;
      i += literal.length;
    } else {
      i += 1;
    }
  }
  return undefined;
}

/** Below U+0300 every character is its own NFC form and nothing combines: most values skip normalize(). */
// eslint-disable-next-line no-control-regex -- the range starts at U+0000 on purpose: every character below U+0300
const MAY_DENORMALIZE = /[^\u0000-\u02FF]/;

/** The NFC form of `text` (Unicode canonical composition), the form values are compared in. */
export const nfc = (text: string): string => (MAY_DENORMALIZE.test(text) ? text.normalize('NFC') : text);
