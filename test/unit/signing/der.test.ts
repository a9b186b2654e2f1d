/** DER → JOSE signature conversion, checked against Node's own encodings of real ECDSA signatures. */
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { derToJoseSignature, MalformedSignatureError } from '../../../functions/signing/der';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

describe('derToJoseSignature', () => {
  it('turns real DER signatures into r||s that verify as IEEE P1363', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 200 }), (message) => {
        const der = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
        const raw = derToJoseSignature(der);
        expect(raw).toHaveLength(64);
        expect(verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, raw)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('left-pads short integers and strips the sign byte', () => {
    // r = 0x01 (short), s = 0x80 followed by 31 bytes (needs a leading 0x00 in DER).
    const s = [0x80, ...new Array<number>(31).fill(0x11)];
    const der = Uint8Array.from([0x30, 2 + 1 + 2 + 33, 0x02, 0x01, 0x01, 0x02, 33, 0x00, ...s]);
    const raw = derToJoseSignature(der);
    expect(Array.from(raw.subarray(0, 32))).toEqual([...new Array<number>(31).fill(0), 1]);
    expect(Array.from(raw.subarray(32))).toEqual(s);
  });

  it.each([
    ['empty', []],
    ['not a sequence', [0x31, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['wrong length', [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['truncated integer', [0x30, 0x06, 0x02, 0x05, 0x01, 0x02, 0x01, 0x01]],
    ['a negative integer', [0x30, 0x06, 0x02, 0x01, 0x81, 0x02, 0x01, 0x01]],
    ['a third integer', [0x30, 0x09, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01]],
    ['an integer over 32 bytes', [0x30, 0x26, 0x02, 0x21, 0x01, ...new Array<number>(32).fill(0x22), 0x02, 0x01, 0x01]],
  ])('refuses %s', (_name, bytes) => {
    expect(() => derToJoseSignature(Uint8Array.from(bytes))).toThrow(MalformedSignatureError);
  });
});
