/**
 * The dialect room: every identity provider's non-standard request forms live in
 * functions/scim/dialect/, one named rule per quirk with the public source it comes from. The core
 * asks the tenant's dialect (`profile.dialect`, see ../profile.ts) whether a form is accepted; no
 * other module knows about identity providers.
 *
 * This file is the contract between the core and the dialect modules. The dialect engineer (#16)
 * fills in the rules; the per-tenant profile (#14) carries the chosen dialect to the core.
 */

/** Per tenant in tenants.json (`settings.dialect`). `tolerant` accepts Entra's and Okta's forms together. */
export const DIALECT_NAMES = ['tolerant', 'entra', 'okta', 'strict'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export interface Dialect {
  readonly name: DialectName;
}

/** The default: tolerant of Entra's and Okta's forms together, as the endpoint has always been. */
export const tolerantDialect: Dialect = { name: 'tolerant' };

export function dialectNamed(name: DialectName | undefined): Dialect {
  return name === undefined || name === 'tolerant' ? tolerantDialect : { name };
}
