/** Lambda entry: /Groups, /Groups/{id}, /Groups/.search. */
import { resourceRoutes } from './http/resource-routes';
import { scimHandler } from './http/handler';
import { groups } from './provisioning/groups';

export const handler = scimHandler(resourceRoutes(groups));
