/**
 * Okta's request forms, from Okta's SCIM 2.0 guide (developer.okta.com/docs/reference/scim/scim-20).
 * Okta is close to RFC 7644: profile updates arrive as PUT, PATCH is used for (de)activation, Group
 * Push renames and membership changes, and users are never DELETEd (deprovisioning is
 * `active: false`). Those flows need no rule (test/integration/okta.test.ts shows them working in
 * every dialect); the forms below are where Okta departs from the RFC.
 */
import type { DialectRule } from './forms';

export const OKTA_SCIM_GUIDE = 'https://developer.okta.com/docs/reference/scim/scim-20/';
/** Okta's SCIM 2.0 test suite for integrations (Runscope/BlazeMeter spec), linked from the guide. */
export const OKTA_TEST_SUITE = 'https://developer.okta.com/docs/guides/scim-provisioning-integration-prepare/main/';

/** "Update a specific Group name": `{"op": "replace", "value": {"id": "<group id>", "displayName": "..."}}`. */
export const pathlessValueRepeatsId: DialectRule = {
  name: 'okta.pathlessValueRepeatsId',
  provider: 'Okta',
  summary: 'A Group Push rename is a path-less replace whose value repeats the group\'s own "id"; accepted when it is the same id.',
  source: OKTA_SCIM_GUIDE,
  forms: { pathlessValueMayRepeatId: true },
};

/** Okta's older integration test suites filter `userName eq Runscope123@atko.com` without quotes. */
export const bareWordFilterValues: DialectRule = {
  name: 'okta.bareWordFilterValues',
  provider: 'Okta',
  summary:
    'A filter value arrives unquoted (userName eq Runscope123@atko.com); a bare word that is not true/false/null/a number is a string.',
  source: OKTA_TEST_SUITE,
  forms: { bareWordFilterValue: (word) => word },
};

export const oktaRules: readonly DialectRule[] = [pathlessValueRepeatsId, bareWordFilterValues];
