/** Lambda entry: POST /.search across Users and Groups. */
import { scimHandler } from './http/handler';
import { rootSearchRoute } from './http/search-routes';
import { groups } from './provisioning/group-service';
import { users } from './provisioning/user-service';

export const handler = scimHandler({ 'POST /.search': rootSearchRoute([users, groups]) });
