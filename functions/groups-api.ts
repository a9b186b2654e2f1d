/** Lambda entry: /Groups, /Groups/{id}, /Groups/.search. */
import { resourceRoutes } from './http/resource-routes';
import { scimHandler } from './http/handler';
import { groups } from './provisioning/group-service';

export const handler = scimHandler(resourceRoutes(groups));
