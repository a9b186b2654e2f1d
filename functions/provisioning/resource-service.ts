/** What the HTTP routes need from a resource type's provisioning code (Users, Groups). */
import type { StoredResource } from '../store/resources';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import type { TenantContext } from './context';

export interface Presented {
  readonly stored: StoredResource;
  /** id, attributes, meta, and the membership attribute when it was asked for. */
  readonly resource: ScimResource;
}

export interface ResourceService {
  readonly type: ResourceTypeName;
  create(ctx: TenantContext, body: unknown, withMemberships: boolean): Promise<Presented>;
  get(ctx: TenantContext, id: string, withMemberships: boolean): Promise<Presented>;
  replace(ctx: TenantContext, id: string, body: unknown, ifMatch: string | undefined, withMemberships: boolean): Promise<Presented>;
  patch(ctx: TenantContext, id: string, body: unknown, ifMatch: string | undefined, withMemberships: boolean): Promise<Presented>;
  remove(ctx: TenantContext, id: string, ifMatch: string | undefined): Promise<void>;
  /** List results as clients see them. */
  present(ctx: TenantContext, stored: readonly StoredResource[], withMemberships: boolean): Promise<ScimResource[]>;
}
