/**
 * PUT semantics (RFC 7644 §3.5.1): the incoming resource replaces the stored one. Omitted
 * readWrite attributes are cleared; readOnly ones were already dropped by validation; an
 * immutable attribute that is set may be repeated but not changed (400 mutability), and when
 * omitted it keeps its value.
 *
 * Stored values the tenant's schemas no longer describe (an extension or attribute removed or
 * retyped by a deploy, see stored-fit.ts) are invisible to the client, so a PUT cannot mean to
 * clear them: they are kept, unless the PUT sets that attribute again.
 */
import { badRequest } from '../scim-error';
import { equalJson } from '../../commons/json';
import type { ScimProfile } from '../scim-profile';
import { findAttribute } from '../schema/registry';
import { fittingValue } from './stored-fit';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from '../schema/types';
import { isObject } from '../../commons/json';

type Json = Record<string, unknown>;

export function replaceResource(
  profile: ScimProfile,
  type: ResourceTypeName,
  existing: ScimResource,
  incoming: ScimResource,
): ScimResource {
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
  keepHidden(profile, type, existing, next);
  return next;
}

function keepHidden(profile: ScimProfile, type: ResourceTypeName, existing: ScimResource, next: Json): void {
  const { schemas } = profile;
  const listed = new Set(Array.isArray(next.schemas) ? (next.schemas as string[]) : []);
  for (const [key, value] of Object.entries(existing)) {
    if (!key.toLowerCase().startsWith('urn:') || !isObject(value)) continue;
    const urn = schemas.extensionNamed(type, key);
    let hidden: Json;
    if (!urn) hidden = value;
    else if (schemas.tenantSchemaUrns.has(urn)) {
      const attributes = schemas.schemaDefinitionOf(urn).attributes;
      hidden = Object.fromEntries(
        Object.entries(value).filter(([name, item]) => {
          const definition = findAttribute(attributes, name);
          return !definition || definition.name !== name || fittingValue(definition, item) === undefined;
        }),
      );
    } else continue;
    const target = isObject(next[key]) ? { ...(next[key] as Json) } : {};
    for (const [name, item] of Object.entries(hidden)) if (!(name in target)) target[name] = item;
    if (Object.keys(target).length === 0) continue;
    next[key] = target;
    listed.add(key);
  }
  next.schemas = [...listed];
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
