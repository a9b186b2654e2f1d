/**
 * Which values must be unique per tenant, straight from the tenant's registry (`uniqueness:
 * "server"`, on core or extension attributes), folded the same way filters compare them
 * (`caseExact`), so that `userName eq "ALICE"` finds the user that blocks creating "alice".
 */
import type { SchemaRegistry, UniqueAttribute } from './registry';
import type { ResourceTypeName, ScimResource } from './types';
import { nfc } from '../text-values';

export interface UniqueValue {
  /** `userName`, `externalId`, or `<urn>:<attribute>` for an extension attribute. */
  readonly attribute: string;
  /** The value as stored in the uniqueness key: NFC, lower-cased unless the attribute is caseExact. */
  readonly value: string;
  /** An index value many resources may hold (one item per owner), not a unique one. */
  readonly shared?: boolean;
}

export function foldUnique(registry: SchemaRegistry, type: ResourceTypeName, attribute: string, value: string): string {
  const unique = registry.keyedAttributesOf(type).find((a) => a.name === attribute);
  return keyForm(value, unique?.definition.caseExact ?? false);
}

/**
 * The key form of a unique value: NFC (scim/text-values.ts), lower-cased unless caseExact. Keys
 * written before NFC was applied differ only for values stored decomposed; store lookups also try
 * that form (findIdByUnique).
 */
const keyForm = (value: string, caseExact: boolean): string => nfc(caseExact ? value : value.toLowerCase());

function valueOf(unique: UniqueAttribute, resource: ScimResource): unknown {
  if (!unique.urn) return resource[unique.definition.name];
  const container = resource[unique.urn];
  return typeof container === 'object' && container !== null ? (container as Record<string, unknown>)[unique.definition.name] : undefined;
}

/** The key items a resource holds: its unique values and its shared index values (externalId under `none`). */
export function uniqueValuesOf(registry: SchemaRegistry, type: ResourceTypeName, resource: ScimResource): UniqueValue[] {
  const values: UniqueValue[] = [];
  for (const unique of registry.keyedAttributesOf(type)) {
    const value = valueOf(unique, resource);
    if (typeof value === 'string' && value !== '') {
      values.push({
        attribute: unique.name,
        value: keyForm(value, unique.definition.caseExact),
        ...(unique.shared ? { shared: true } : {}),
      });
    }
  }
  return values;
}
