/**
 * Microsoft Entra ID's request forms, as its provisioning service sends them. Entra runs two
 * PATCH behaviours side by side and keeps both in use indefinitely: the default job, and jobs whose
 * tenant URL carries the `aadOptscim062020` flag (Microsoft's "SCIM compliant" behaviour). Both
 * are accepted by the `entra` and `tolerant` dialects; each rule says which behaviour sends it.
 */
import type { DialectRule, PatchOpName } from './forms';

/** "Known issues and resolutions with SCIM 2.0 protocol compliance" (the aadOptscim062020 page). */
export const ENTRA_KNOWN_ISSUES =
  'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility';
/** "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra ID". */
export const ENTRA_SCIM_TUTORIAL = 'https://learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups';
/** The Microsoft SCIM validator's tests (SCIM_Null_Update_Test, SCIM_Update_Manager_Test). */
export const ENTRA_VALIDATION_TESTS =
  'https://github.com/AzureAD/SCIMReferenceCode/tree/master/Microsoft.SCIM.LogicAppValidationTemplate/StandardLogicApp';

const OPS: readonly PatchOpName[] = ['add', 'replace', 'remove'];

/** Default job: `"op": "Replace"` (flagged jobs send lower case). */
export const capitalisedPatchOps: DialectRule = {
  name: 'entra.capitalisedPatchOps',
  provider: 'Microsoft Entra ID',
  summary: 'PATCH "op" arrives as "Add", "Replace", "Remove" (default job); matched case-insensitively.',
  source: ENTRA_KNOWN_ISSUES,
  forms: { patchOp: (text) => OPS.find((op) => op === text.toLowerCase()) },
};

/** Default job: `{"op": "Replace", "path": "active", "value": "False"}`; also `roles[primary eq "True"]`. */
export const booleansAsStrings: DialectRule = {
  name: 'entra.booleansAsStrings',
  provider: 'Microsoft Entra ID',
  summary: 'Booleans arrive as the strings "True"/"False" (active, primary, filter values); read as JSON booleans.',
  source: ENTRA_KNOWN_ISSUES,
  forms: {
    booleanFromText: (text) => {
      const word = text.trim().toLowerCase();
      return word === 'true' ? true : word === 'false' ? false : undefined;
    },
  },
};

/** Validator's SCIM_Null_Update_Test and SCIM_Update_Manager_Test: `replace` manager with `""`. */
export const emptyValueClears: DialectRule = {
  name: 'entra.emptyValueClears',
  provider: 'Microsoft Entra ID',
  summary: 'An attribute is cleared by "" and the manager by {"value": ""} (or ""): an element without its value is nothing.',
  source: ENTRA_VALIDATION_TESTS,
  forms: { emptyValueClears: true },
};

/** Tutorial's manager mapping: `"manager": [{"$ref": null, "value": "<id>"}]` for a single-valued attribute. */
export const singleValueInArray: DialectRule = {
  name: 'entra.singleValueInArray',
  provider: 'Microsoft Entra ID',
  summary: 'A single-valued attribute (the enterprise manager) arrives as a one-element array; read as that element.',
  source: ENTRA_SCIM_TUTORIAL,
  forms: { singleValueInArray: true },
};

/** `{"op": "Add", "path": "urn:...:enterprise:2.0:User:manager", "value": "<id>"}` (SCIM-SDK MsAzurePatchComplexValueRebuilder). */
export const bareStringIsValue: DialectRule = {
  name: 'entra.bareStringIsValue',
  provider: 'Microsoft Entra ID',
  summary: 'A complex attribute with a "value" sub-attribute (manager, members) arrives as a bare id string; read as {"value": id}.',
  source: ENTRA_VALIDATION_TESTS,
  forms: { bareStringIsValue: true },
};

/** Default job: `{"op": "Replace", "path": "emails[type eq \"work\"].value", "value": "x"}` on a user with no work email. */
export const unmatchedFilterCreates: DialectRule = {
  name: 'entra.unmatchedFilterCreates',
  provider: 'Microsoft Entra ID',
  summary:
    'add/replace on emails[type eq "work"].value (or addresses/phoneNumbers/roles) with no such element creates the element the filter describes, instead of 400 noTarget.',
  source: ENTRA_KNOWN_ISSUES,
  forms: { unmatchedFilterCreates: true },
};

/** Default job: `{"op": "Remove", "path": "members", "value": [{"value": "<id>"}]}` removes only that member. */
export const removeTakesValue: DialectRule = {
  name: 'entra.removeTakesValue',
  provider: 'Microsoft Entra ID',
  summary: 'remove with path "members" and a value removes only the listed members (default job), not every member.',
  source: ENTRA_KNOWN_ISSUES,
  forms: { removeTakesValue: true },
};

/** aadOptscim062020: `{"op": "replace", "value": {"name.givenName": "Kkom", "urn:...:User:employeeNumber": "Aklq"}}`. */
export const pathlessKeysArePaths: DialectRule = {
  name: 'entra.pathlessKeysArePaths',
  provider: 'Microsoft Entra ID',
  summary: 'A path-less replace carries attribute paths as keys ("name.givenName", URN-qualified extension attributes) (aadOptscim062020).',
  source: ENTRA_KNOWN_ISSUES,
  forms: { pathlessKeysArePaths: true },
};

/** Tutorial, "Filter on userName/externalId": `GET /Users?filter=externalId eq jyoung` without quotes. */
export const bareWordFilterValues: DialectRule = {
  name: 'entra.bareWordFilterValues',
  provider: 'Microsoft Entra ID',
  summary: 'A filter value arrives unquoted (externalId eq jyoung); a bare word that is not true/false/null/a number is a string.',
  source: ENTRA_SCIM_TUTORIAL,
  forms: { bareWordFilterValue: (word) => word },
};

/** "Group creation requests contain an invalid schema URI" (fixed for new jobs; the tutorial still shows one). */
export const legacyGroupSchemaUrns: DialectRule = {
  name: 'entra.legacyGroupSchemaUrns',
  provider: 'Microsoft Entra ID',
  summary:
    'Group creates name a non-RFC schema URN (Microsoft ADSCIM Group, SCIM 1.0 core) for the Group schema; accepted, never returned.',
  source: ENTRA_KNOWN_ISSUES,
  forms: {
    groupSchemaAliases: [
      'urn:scim:schemas:core:1.0',
      'urn:ietf:params:scim:schemas:core:1.0:Group',
      'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/Group',
    ],
  },
};

/**
 * The AppRoleAssignmentsComplex mapping posts
 * `"roles": [{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "displayName": "Admin", "value": "Admin"}]`:
 * `displayName` is the role's `display` (RFC 7643 §4.1.2), also in PATCH paths, filters and projection.
 */
export const roleDisplayName: DialectRule = {
  name: 'entra.roleDisplayName',
  provider: 'Microsoft Entra ID',
  summary: 'App role assignments (AppRoleAssignmentsComplex) name a role\'s display "displayName"; read as roles.display.',
  source: 'https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes#provisioning-a-role-to-a-scim-app',
  forms: { subAttributeAliases: [{ resourceType: 'User', attribute: 'roles', subAttribute: 'display', alias: 'displayName' }] },
};

/** Every Entra rule, default job and aadOptscim062020 together. */
export const entraRules: readonly DialectRule[] = [
  capitalisedPatchOps,
  booleansAsStrings,
  emptyValueClears,
  singleValueInArray,
  bareStringIsValue,
  unmatchedFilterCreates,
  removeTakesValue,
  pathlessKeysArePaths,
  bareWordFilterValues,
  legacyGroupSchemaUrns,
  roleDisplayName,
];
