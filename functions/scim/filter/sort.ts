/**
 * sortBy / sortOrder (RFC 7644 §3.4.2.3). Any attribute the schema defines can be a sort key:
 * a multi-valued attribute sorts by its primary (else first) value, a complex one by `value`,
 * strings follow the attribute's case rule, and resources without a value sort last when ascending and
 * first when descending (RFC 7644 §3.4.2.3).
 */
import { invalidValue } from '../scim-error';
import type { ScimProfile } from '../scim-profile';
import { leafDefinition, type ResolvedAttribute } from '../schema/registry';
import type { ResourceTypeName, ScimResource } from '../schema/types';
import { subAttributeOf } from './parse';

export function parseSortBy(profile: ScimProfile, type: ResourceTypeName, text: string): ResolvedAttribute {
  const { schemas } = profile;
  const resolved = schemas.resolvePath(type, schemas.qualifyPath(type, text.trim()));
  if (!resolved) throw invalidValue(`"sortBy": unknown attribute "${text}".`);
  if (resolved.definition.type !== 'complex' || resolved.subDefinition) return resolved;
  const value = subAttributeOf(resolved, 'value');
  if (!value) throw invalidValue(`"sortBy": "${text}" is complex; name one of its sub-attributes.`);
  return value;
}

type SortKey = string | number | undefined;

export function compareResources(attribute: ResolvedAttribute, order: 'ascending' | 'descending') {
  const direction = order === 'descending' ? -1 : 1;
  return (a: ScimResource, b: ScimResource): number => {
    const x = sortKey(attribute, a);
    const y = sortKey(attribute, b);
    // A missing value sorts after every value: last ascending, first descending (RFC 7644 §3.4.2.3).
    if (x === undefined || y === undefined) return x === y ? 0 : (x === undefined ? 1 : -1) * direction;
    return x < y ? -direction : x > y ? direction : 0;
  };
}

function sortKey(attribute: ResolvedAttribute, resource: ScimResource): SortKey {
  const container = attribute.isCore ? resource : (resource[attribute.schema] as ScimResource | undefined);
  const raw = chosen(container?.[attribute.definition.name]);
  const value = attribute.subDefinition ? chosen(field(raw, attribute.subDefinition.name)) : raw;
  const leaf = leafDefinition(attribute);
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return undefined;
  if (leaf.type === 'dateTime') {
    const instant = Date.parse(value);
    return Number.isNaN(instant) ? value : instant;
  }
  return leaf.caseExact ? value : value.toLowerCase();
}

/** RFC 7644 §3.4.2.3: a multi-valued attribute sorts by its primary value, else its first. */
function chosen(value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return value.find((item) => field(item, 'primary') === true) ?? value[0];
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}
