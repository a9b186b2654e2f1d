/** What every provisioning operation needs to know about the request it serves. */
import type { ResourceTypeName } from '../scim/schema/types';
import type { Db } from '../store/db';
import type { TenantSettings } from '../tenants/config';

export interface TenantContext {
  readonly db: Db;
  readonly tenantId: string;
  readonly settings: TenantSettings;
  /** Absolute tenant base URL, for `meta.location` and `$ref`. */
  readonly baseUrl: string;
  /** Epoch ms by which the request must have answered (API Gateway's 29 s, less a margin). */
  readonly deadline: number;
}

/** The tenant's own required attribute paths for a resource type (on top of the schema's). */
export const requiredPathsOf = (ctx: TenantContext, type: ResourceTypeName): readonly string[] => ctx.settings.requiredAttributes[type] ?? [];
