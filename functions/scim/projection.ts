/**
 * `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5, §3.9), driven by each attribute's
 * `returned` characteristic: `always` (id, schemas) is always there, `never` (password) never,
 * `request` (a User's groups) only when named, `default` unless excluded or another list is asked.
 */
import { invalidValue } from './scim-error';
import type { ScimProfile } from './scim-profile';
import { findAttribute, type ResolvedAttribute } from './schema/registry';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from './schema/types';
import { isObject } from '../commons/json';

export interface AttributeSelection {
  readonly attributes?: readonly ResolvedAttribute[];
  readonly excludedAttributes?: readonly ResolvedAttribute[];
}

type Json = Record<string, unknown>;

/**
 * A comma-separated list of attribute paths (RFC 7644 §3.4.2.5). One answer everywhere, for both
 * parameters: a name no schema of the tenant defines is ignored (§3.4.2.5 lets a service provider
 * do so, and a client shared by tenants with different extensions keeps working); a value filter
 * (`emails[type eq "work"]`) is not an attribute name (§3.10) and is 400 invalidValue, because
 * ignoring it would answer with only `id` and `schemas`. An extension's schema URN names all of its
 * attributes.
 */
export function parseAttributeList(profile: ScimProfile, type: ResourceTypeName, text: string): ResolvedAttribute[] {
  const { schemas } = profile;
  return text
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
    .flatMap((name) => {
      // An extension's URN alone names the whole extension (RFC 7644 §3.4.2.5 names attributes by
      // their URN-qualified names): every attribute of it, so excluding it drops the extension.
      const extension = schemas.extensionNamed(type, name);
      if (extension)
        return schemas.schemaDefinitionOf(extension).attributes.map((a) => schemas.resolvePath(type, `${extension}:${a.name}`));
      const bracket = name.indexOf('[');
      if (bracket !== -1 || name.includes(']')) {
        const attribute = bracket > 0 ? name.slice(0, bracket) : name;
        throw invalidValue(
          `"${name}" is not an attribute name: attributes and excludedAttributes take names such as "${attribute}" or "${attribute}.value" (RFC 7644 §3.10), not value filters.`,
        );
      }
      return [schemas.resolvePath(type, schemas.qualifyPath(type, name))];
    })
    .filter((resolved): resolved is ResolvedAttribute => resolved !== undefined);
}

export function projectResource(
  profile: ScimProfile,
  type: ResourceTypeName,
  resource: ScimResource,
  selection: AttributeSelection,
): ScimResource {
  const { schemas } = profile;
  const core = schemas.resourceType(type).schema;
  const projected: Json = {};
  for (const [key, value] of Object.entries(resource)) {
    const urn = key === 'schemas' ? undefined : schemas.extensionNamed(type, key);
    if (key === 'schemas') {
      projected[key] = value;
    } else if (urn) {
      if (!isObject(value)) continue;
      const inner = projectObject(urn, schemas.schemaDefinitionOf(urn).attributes, value, selection);
      if (Object.keys(inner).length > 0) projected[key] = inner;
    } else {
      const definition = findAttribute(schemas.coreAttributesOf(type), key);
      const kept = definition ? projectAttribute(core, definition, value, selection) : undefined;
      if (kept !== undefined) projected[key] = kept;
    }
  }
  return projected;
}

function projectObject(schema: string, attributes: readonly AttributeDefinition[], object: Json, selection: AttributeSelection): Json {
  const projected: Json = {};
  for (const [key, value] of Object.entries(object)) {
    const definition = findAttribute(attributes, key);
    const kept = definition ? projectAttribute(schema, definition, value, selection) : undefined;
    if (kept !== undefined) projected[key] = kept;
  }
  return projected;
}

function projectAttribute(schema: string, definition: AttributeDefinition, value: unknown, selection: AttributeSelection): unknown {
  if (definition.returned === 'never') return undefined;
  if (definition.returned === 'always') return value;
  const same = (r: ResolvedAttribute) => r.schema === schema && r.definition.name === definition.name;
  if (selection.attributes) {
    const named = selection.attributes.filter(same);
    if (named.length === 0) return undefined;
    if (named.some((r) => !r.subDefinition)) return value;
    return keepSubAttributes(value, new Set(named.map((r) => r.subDefinition?.name ?? '')));
  }
  if (definition.returned === 'request') return undefined;
  const excluded = (selection.excludedAttributes ?? []).filter(same);
  if (excluded.some((r) => !r.subDefinition)) return undefined;
  if (excluded.length === 0) return value;
  const dropped = new Set(excluded.map((r) => r.subDefinition?.name ?? ''));
  return dropSubAttributes(value, dropped, definition);
}

function keepSubAttributes(value: unknown, names: Set<string>): unknown {
  return mapComplex(value, (object) => Object.fromEntries(Object.entries(object).filter(([key]) => names.has(key))));
}

function dropSubAttributes(value: unknown, names: Set<string>, definition: AttributeDefinition): unknown {
  // A sub-attribute returned "always" survives exclusion (none of the standard ones is, but the rule is general).
  const always = new Set((definition.subAttributes ?? []).filter((s) => s.returned === 'always').map((s) => s.name));
  return mapComplex(value, (object) => Object.fromEntries(Object.entries(object).filter(([key]) => !names.has(key) || always.has(key))));
}

/** Applies `pick` to a complex value or each element of a multi-valued one; empty results disappear. */
function mapComplex(value: unknown, pick: (object: Json) => Json): unknown {
  if (Array.isArray(value)) {
    const items = value
      .filter(isObject)
      .map(pick)
      .filter((item) => Object.keys(item).length > 0);
    return items.length > 0 ? items : undefined;
  }
  if (!isObject(value)) return value;
  const picked = pick(value);
  return Object.keys(picked).length > 0 ? picked : undefined;
}
