/**
 * The strict dialect: every question answered as RFC 7643 / RFC 7644 do, with no provider's
 * leniency. A tenant set to `strict` (tenants.json `settings.dialect`) gets exactly these answers;
 * the other dialects start from them and overlay their rules (dialect.ts).
 */
import type { DialectForms, PatchOpName } from './forms';

const RFC_OPS: readonly PatchOpName[] = ['add', 'replace', 'remove'];

export const rfcForms: DialectForms = {
  // RFC 7644 §3.5.2: "op" MUST be one of "add", "remove" or "replace" (JSON strings are case-sensitive).
  patchOp: (text) => RFC_OPS.find((op) => op === text),
  // RFC 7643 §2.3.2: a boolean is the JSON literal true or false, not a string.
  booleanFromText: () => undefined,
  // RFC 7643 §2.5: only null and [] are "unassigned"; "" is a value like any other.
  emptyValueClears: false,
  // RFC 7643 §2.4: a single-valued attribute is not an array.
  singleValueInArray: false,
  // RFC 7643 §2.3.8: a complex attribute is an object of sub-attributes.
  bareStringIsValue: false,
  // RFC 7644 §3.5.2.3: a valuePath filter that matches no record SHALL be 400 noTarget.
  unmatchedFilterCreates: false,
  // RFC 7644 §3.5.2.2: remove takes a path (with a filter to pick values), not a value.
  removeTakesValue: false,
  // RFC 7644 §3.5.2.1/§3.5.2.3: without a path, "value" holds attributes (and extension objects under their URN).
  pathlessKeysArePaths: false,
  // RFC 7643 §3.1: "id" is readOnly; RFC 7644 §3.5.2 answers a write to it with mutability.
  pathlessValueMayRepeatId: false,
  // RFC 7644 §3.4.2.2: compValue is false / null / true / number / string (quoted, RFC 7159).
  bareWordFilterValue: () => undefined,
  // RFC 7643 §3 / §4.2: a Group's "schemas" names urn:ietf:params:scim:schemas:core:2.0:Group.
  groupSchemaAliases: [],
  // RFC 7643 §4.1.2: a role's sub-attributes are value, display, type and primary.
  subAttributeAliases: [],
};
