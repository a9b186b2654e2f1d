/**
 * What an access token of ours looks like on the wire (no imports: the gateway's identity
 * validation expression in credentials/secret-token.ts is built from it). A compact JWS whose header and
 * payload are JSON objects (`eyJ` is base64url for `{"`) and whose ES256 signature is exactly
 * 64 bytes (86 base64url characters).
 */
export const ACCESS_TOKEN_PATTERN_SOURCE = 'eyJ[A-Za-z0-9_-]{10,400}\\.eyJ[A-Za-z0-9_-]{10,2000}\\.[A-Za-z0-9_-]{86}';

const ACCESS_TOKEN_PATTERN = new RegExp(`^${ACCESS_TOKEN_PATTERN_SOURCE}$`);

export const isAccessTokenShape = (value: string): boolean => ACCESS_TOKEN_PATTERN.test(value);
