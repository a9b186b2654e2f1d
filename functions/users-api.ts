/** Lambda entry: /Users, /Users/{id}, /Users/.search. */
import { resourceRoutes } from './http/resource-routes';
import { scimHandler } from './http/handler';
import { users } from './provisioning/user-service';

export const handler = scimHandler(resourceRoutes(users));
