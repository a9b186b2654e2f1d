/**
 * A tenant's SCIM profile: everything the pure core needs to know about the tenant it serves — its
 * schema registry (core, enterprise and the tenant's own extensions; #14) and its identity-provider
 * dialect (#16). Built once per tenant configuration and cached, never per request; passed to the
 * core as one argument so that adding a per-tenant rule never changes every signature again.
 */
import { tolerantDialect, type Dialect } from './dialect/dialect';
import { SchemaRegistry } from './schema/registry';

/**
 * What an attribute the tenant's schemas do not define gets: `reject` (400 invalidValue, the
 * default: nothing is silently dropped) or `ignore` (dropped, its name reported, never its value).
 */
export type UnknownAttributes = 'reject' | 'ignore';

export interface ScimProfile {
  readonly dialect: Dialect;
  /** The tenant's schemas: validation, /Schemas, filters, PATCH, sorting, projection, uniqueness. */
  readonly schemas: SchemaRegistry;
  readonly unknownAttributes: UnknownAttributes;
  /**
   * Told the names (never the values) of attributes dropped under `unknownAttributes: ignore`. The
   * core stays pure: the caller decides where names go (the request log).
   */
  readonly reportIgnored?: (names: readonly string[]) => void;
}

/** The profile of a tenant with no settings: RFC 7643's schemas and the tolerant dialect. */
export const defaultProfile: ScimProfile = {
  dialect: tolerantDialect,
  schemas: new SchemaRegistry({ aliases: tolerantDialect.subAttributeAliases }),
  unknownAttributes: 'reject',
};
