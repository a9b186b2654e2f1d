/** What every provisioning operation needs to know about the request it serves. */
import type { ScimProfile } from '../scim/scim-profile';
import type { Db } from '../store/db';

export interface TenantContext {
  readonly db: Db;
  readonly tenantId: string;
  /** The tenant's schemas, dialect and rules, built once per tenant configuration (tenant-profile.ts). */
  readonly profile: ScimProfile;
  /** Absolute tenant base URL, for `meta.location` and `$ref`. */
  readonly baseUrl: string;
  /** Epoch ms by which the request must have answered (API Gateway's 29 s, less a margin). */
  readonly deadline: number;
}
