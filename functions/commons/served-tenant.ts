/**
 * The one rule for what the admin services serve of a tenant (issue #22.3: "nothing of it readable
 * any more from the moment of the 202"): an unknown tenant is NotFound (404 not-found); a tenant being
 * deleted (`deleting`, its purge pending or under way) is InvalidState (409 invalid-state), so its
 * activity, health, tokens, clients, federated credentials, event streams, connection values and stats
 * are refused until the purge has removed them; only `GET`/`DELETE /admin/v1/tenants/{id}` still show it.
 * The poll endpoint refuses such a tenant's streams (and a disabled one's) like an unknown stream; push
 * delivery asks it before each pass and pushes nothing (the pending SETs wait for the purge).
 * Structural (no store import): every service reads the tenant item itself and passes it here.
 */
import { InvalidState, NotFound } from './service-errors';

interface WithStatus {
  readonly status: string;
}

/** False for an unknown tenant and for a tenant being deleted. */
export const isServed = (tenant: WithStatus | undefined): tenant is WithStatus => tenant !== undefined && tenant.status !== 'deleting';

/** A stream's poll credential works for a served tenant that is not disabled (a disabled tenant's credentials are all refused). */
export const acceptsPollCredential = (tenant: WithStatus | undefined): boolean => isServed(tenant) && tenant.status !== 'disabled';

/** The tenant when it is served; NotFound when unknown, InvalidState while it is being deleted. */
export function servedTenant<T extends WithStatus>(tenant: T | undefined, tenantId: string): T {
  if (!tenant) throw new NotFound(`no tenant "${tenantId}"`);
  if (!isServed(tenant)) throw new InvalidState(`tenant "${tenantId}" is being deleted: nothing of it is served any more`);
  return tenant;
}
