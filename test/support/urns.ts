/** The URNs tests write, taken from the modules that define them (one source of truth). */
export { ENTERPRISE_USER_SCHEMA as ENTERPRISE, GROUP_SCHEMA as GROUP, USER_SCHEMA as USER } from '../../functions/scim/schema/definitions';
export { PATCH_OP_SCHEMA as PATCH_OP } from '../../functions/scim/patch/operations';
export { SCIM_ERROR_SCHEMA as ERROR } from '../../functions/scim/scim-error';
export { SEARCH_REQUEST_SCHEMA as SEARCH } from '../../functions/provisioning/list-params';
export { BULK_REQUEST_SCHEMA as BULK } from '../../functions/http/bulk-routes';
