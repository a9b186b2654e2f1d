/**
 * What a federated credential is (workload identity federation, RFC 7523 client assertions): the
 * OAuth `client_id` Entra sends, and what its assertion must show (issuer, subject, one of the
 * audiences, the Entra tenant) and where its signing keys are (jwksUri, an allowed host only,
 * jwks-uri.ts). One zod/mini schema for every writer: tenants.json (functions/tenants/tenants-file.ts),
 * the admin API and the CLI (federated-credentials.ts).
 */
import * as z from 'zod/mini';
import { CLIENT_ID_PATTERN } from '../credentials/client-credentials';
import { checkJwksUri } from './jwks-uri';
import type { FederatedCredentialRecord } from '../store/key-reads';

export const CREDENTIAL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** A tenant's federated credentials, at most (each token request reads one by its client id). */
export const MAX_FEDERATED_CREDENTIALS = 50;

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));

const jwksUri = z.string().check(
  z.superRefine((uri, ctx) => {
    const checked = checkJwksUri(uri);
    if (typeof checked === 'string') ctx.addIssue({ code: 'custom', message: checked, input: uri });
  }),
);

/** A credential as declared or posted; `id` and `clientId` are generated when absent (API, CLI). */
export const federatedCredentialInputSchema = z.object({
  id: z.optional(z.string().check(z.regex(CREDENTIAL_ID_PATTERN, 'id: letters, digits, "-" and "_", 1-64 characters'))),
  clientId: z.optional(z.string().check(z.regex(CLIENT_ID_PATTERN, 'clientId: letters, digits, "-" and "_", 8-64 characters'))),
  /** Matched exactly against `iss`, e.g. `https://login.microsoftonline.com/{tenant}/v2.0`. */
  issuer: text(512),
  jwksUri,
  /** Matched exactly against `sub` (Entra: the service principal's object id). */
  subject: text(256),
  /** `aud` must be one of these (Entra: the app id, bare or as `api://{appId}`). */
  audiences: z.array(text(256)).check(z.minLength(1), z.maxLength(10)),
  /** When set, `tid` must equal it. */
  tenantId: z.optional(text(64)),
});

/** In tenants.json the ids are fixed (a deploy or restart keeps the same credential). */
export const declaredFederatedCredentialsSchema = z
  .array(
    z.object({
      ...federatedCredentialInputSchema.shape,
      id: z.string().check(z.regex(CREDENTIAL_ID_PATTERN, 'id: letters, digits, "-" and "_", 1-64 characters')),
      clientId: z.string().check(z.regex(CLIENT_ID_PATTERN, 'clientId: letters, digits, "-" and "_", 8-64 characters')),
    }),
  )
  .check(
    z.maxLength(MAX_FEDERATED_CREDENTIALS),
    z.superRefine((list, ctx) => {
      for (const field of ['id', 'clientId'] as const) {
        const seen = new Set<string>();
        list.forEach((credential, index) => {
          if (seen.has(credential[field]))
            ctx.addIssue({ code: 'custom', path: [index, field], message: `${field} is repeated`, input: list });
          seen.add(credential[field]);
        });
      }
    }),
  );

export type DeclaredFederatedCredential = z.infer<typeof declaredFederatedCredentialsSchema>[number];

/** A federated credential as tenants.json and the admin API show it: the stored record's fields, with the Entra tenant as `tenantId`. */
export type FederatedCredential = Pick<FederatedCredentialRecord, 'id' | 'clientId' | 'issuer' | 'jwksUri' | 'subject' | 'audiences'> & {
  readonly tenantId?: string;
};
