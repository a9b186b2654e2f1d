/** Lambda entry: POST /.search across Users and Groups. */
import { scimHandler } from './http/handler';
import { rootSearchRoute } from './http/search-routes';
import { groups } from './provisioning/groups';
import { users } from './provisioning/users';

export const handler = scimHandler({ 'POST /.search': rootSearchRoute([users, groups]) });
