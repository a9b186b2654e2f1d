/**
 * Which values must be unique per tenant, straight from the definitions (`uniqueness: "server"`),
 * folded the same way filters compare them (`caseExact`), so that `userName eq "ALICE"` finds the
 * user that blocks creating "alice".
 */
import { coreAttributesOf } from './registry';
import type { ResourceTypeName, ScimResource } from './types';

export interface UniqueValue {
  readonly attribute: string;
  /** The value as stored in the uniqueness key: lower-cased unless the attribute is caseExact. */
  readonly value: string;
}

/** Server-unique attributes of a resource type, except `id` (unique by construction). */
export function uniqueAttributesOf(type: ResourceTypeName) {
  return coreAttributesOf(type).filter((a) => a.uniqueness !== 'none' && a.name !== 'id' && a.type === 'string');
}

export function foldUnique(type: ResourceTypeName, attribute: string, value: string): string {
  const definition = uniqueAttributesOf(type).find((a) => a.name === attribute);
  return definition?.caseExact ? value : value.toLowerCase();
}

export function uniqueValuesOf(type: ResourceTypeName, resource: ScimResource): UniqueValue[] {
  const values: UniqueValue[] = [];
  for (const definition of uniqueAttributesOf(type)) {
    const value = resource[definition.name];
    if (typeof value === 'string' && value !== '') {
      values.push({ attribute: definition.name, value: definition.caseExact ? value : value.toLowerCase() });
    }
  }
  return values;
}
