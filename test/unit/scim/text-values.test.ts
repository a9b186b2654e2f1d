/** The rules that keep values exact: lone surrogates, numbers JSON.parse would round, NFC. */
import { describe, expect, it } from '@jest/globals';
import { firstInexactNumber, hasLoneSurrogate, isExactNumber, nfc } from '../../../functions/scim/text-values';

describe('isExactNumber', () => {
  it.each(['0', '-0', '12345', '9007199254740991', '1.5', '1.50', '1e2', '1E+21', '0.1', '-2.5e-3'])('accepts %s', (text) => {
    expect(isExactNumber(text)).toBe(true);
  });
  it.each(['12345678901234567890', '9007199254740993', '0.30000000000000000001', '1e400', '123456789.123456789'])('refuses %s', (text) => {
    expect(isExactNumber(text)).toBe(false);
  });
});

describe('firstInexactNumber', () => {
  it('finds a rounded number outside strings only', () => {
    expect(firstInexactNumber('{"a":"12345678901234567890","b":1}')).toBeUndefined();
    expect(firstInexactNumber('{"a":"x\\"12345678901234567890","b":[1, 12345678901234567890]}')).toBe('12345678901234567890');
    expect(firstInexactNumber('{"count":100,"startIndex":1}')).toBeUndefined();
  });
});

describe('hasLoneSurrogate and nfc', () => {
  it('tells lone surrogates from pairs', () => {
    expect(hasLoneSurrogate('x\ud800')).toBe(true);
    expect(hasLoneSurrogate('\udc00x')).toBe(true);
    expect(hasLoneSurrogate('emoji \u{1F600}')).toBe(false);
  });
  it('composes decomposed text and leaves ASCII alone', () => {
    expect(nfc('cafe\u0301')).toBe('caf\u00e9');
    expect(nfc('plain@example.com')).toBe('plain@example.com');
  });
});
