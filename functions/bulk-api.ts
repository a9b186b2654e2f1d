/** Lambda entry: POST /Bulk, over the same Users and Groups routes as single requests. */
import { bulkRoute } from './http/bulk-routes';
import { scimHandler } from './http/handler';
import { resourceRoutes } from './http/resource-routes';
import { groups } from './provisioning/group-service';
import { users } from './provisioning/user-service';

const routes = { ...resourceRoutes(users), ...resourceRoutes(groups) };

export const handler = scimHandler({ 'POST /Bulk': bulkRoute(routes) });
