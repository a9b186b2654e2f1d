/**
 * PUT semantics (RFC 7644 §3.5.1): the incoming resource replaces the stored one. Omitted
 * readWrite attributes are cleared; readOnly ones were already dropped by validation; an
 * immutable attribute that is set may be repeated but not changed (400 mutability), and when
 * omitted it keeps its value.
 */
import { badRequest } from '../errors';
import { equalJson } from '../patch/json';
import type { ScimProfile } from '../profile';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from '../schema/types';
import { isObject } from '../../commons/json';

type Json = Record<string, unknown>;

export function replaceResource(profile: ScimProfile, type: ResourceTypeName, existing: ScimResource, incoming: ScimResource): ScimResource {
  const { schemas } = profile;
  const next: Json = { ...incoming, id: existing.id };
  keepImmutable(schemas.coreAttributesOf(type), existing, next, '');
  for (const urn of schemas.extensionUrnsOf(type)) {
    const before = existing[urn];
    if (!isObject(before)) continue;
    const after = isObject(next[urn]) ? { ...(next[urn] as Json) } : {};
    keepImmutable(schemas.schemaDefinitionOf(urn).attributes, before, after, `${urn}:`);
    if (Object.keys(after).length > 0) next[urn] = after;
  }
  return next;
}

function keepImmutable(attributes: readonly AttributeDefinition[], before: Json, after: Json, prefix: string): void {
  for (const definition of attributes) {
    if (definition.mutability !== 'immutable') continue;
    const current = before[definition.name];
    if (current === undefined) continue;
    const wanted = after[definition.name];
    if (wanted === undefined) after[definition.name] = current;
    else if (!equalJson(current, wanted)) throw badRequest('mutability', `"${prefix}${definition.name}" is immutable.`);
  }
}
