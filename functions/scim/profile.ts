/**
 * A tenant's SCIM profile: everything the pure core needs to know about the tenant it serves — its
 * schema registry (core, enterprise and the tenant's own extensions; #14) and its identity-provider
 * dialect (#16). Built once per tenant configuration and cached, never per request; passed to the
 * core as one argument so that adding a per-tenant rule never changes every signature again.
 */
import { tolerantDialect, type Dialect } from './dialect/dialect';

export interface ScimProfile {
  readonly dialect: Dialect;
}

/** The profile of a tenant with no settings: RFC 7643's schemas and the tolerant dialect. */
export const defaultProfile: ScimProfile = { dialect: tolerantDialect };
