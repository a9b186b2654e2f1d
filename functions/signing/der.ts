/**
 * KMS returns ECDSA signatures DER-encoded (ASN.1 `SEQUENCE { INTEGER r, INTEGER s }`, X9.62);
 * JWS ES256 wants the two integers as fixed-size big-endian octets, `r || s` (RFC 7518 §3.4).
 * This is the one conversion jose cannot do for us (it never sees the private key); it only
 * re-packs bytes, the signature itself comes from KMS. Strict: anything but a well-formed
 * two-integer sequence throws.
 */
export class MalformedSignatureError extends Error {}

/** `der` → `r || s`, each left-padded to `size` bytes (32 for P-256). */
export function derToJoseSignature(der: Uint8Array, size = 32): Uint8Array {
  let at = 0;
  const byte = () => {
    const value = der[at];
    if (value === undefined) throw new MalformedSignatureError('DER signature is truncated');
    at += 1;
    return value;
  };
  const length = () => {
    const first = byte();
    if (first < 0x80) return first;
    // Long form: one length byte is enough for any P-256/P-384 signature.
    if (first !== 0x81) throw new MalformedSignatureError('DER length form not supported');
    const value = byte();
    if (value < 0x80) throw new MalformedSignatureError('DER length is not minimally encoded');
    return value;
  };
  const integer = () => {
    if (byte() !== 0x02) throw new MalformedSignatureError('DER signature part is not an INTEGER');
    const declared = length();
    const octets = der.subarray(at, at + declared);
    if (octets.length !== declared) throw new MalformedSignatureError('DER INTEGER is truncated');
    at += declared;
    // A leading 0x00 only keeps the (positive) integer from reading as negative.
    let start = 0;
    while (start < octets.length - 1 && octets[start] === 0) start += 1;
    const value = octets.subarray(start);
    if (octets.length === 0 || value.length > size || (octets[0] ?? 0) & 0x80)
      throw new MalformedSignatureError('DER INTEGER out of range');
    const padded = new Uint8Array(size);
    padded.set(value, size - value.length);
    return padded;
  };

  if (byte() !== 0x30) throw new MalformedSignatureError('DER signature is not a SEQUENCE');
  const end = length() + at;
  if (end !== der.length) throw new MalformedSignatureError('DER SEQUENCE length does not match');
  const r = integer();
  const s = integer();
  if (at !== end) throw new MalformedSignatureError('DER SEQUENCE has trailing bytes');
  const raw = new Uint8Array(size * 2);
  raw.set(r, 0);
  raw.set(s, size);
  return raw;
}
