/**
 * Stored values a deploy has left behind. A tenant's extension can change between two deploys: an
 * attribute removed, retyped, a sub-attribute dropped, the whole extension gone. Stored users are
 * never rewritten for that; what no longer fits the tenant's schemas is left out of what clients
 * see (responses, filters, sorting) and kept in storage, so declaring it again brings it back.
 * RFC 7643's own schemas never change, so only the tenant's extensions are checked, and a tenant
 * without extensions pays one loop over `schemas`.
 */
import type { ScimProfile } from '../scim-profile';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from '../schema/types';

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

export function presentable(profile: ScimProfile, type: ResourceTypeName, resource: ScimResource): ScimResource {
  const { schemas } = profile;
  const listed = Array.isArray(resource.schemas) ? (resource.schemas as unknown[]) : [];
  const core = schemas.resourceType(type).schema;
  const checks = listed.some(
    (urn) => typeof urn === 'string' && urn !== core && (!schemas.extensionNamed(type, urn) || schemas.tenantSchemaUrns.has(urn)),
  );
  if (!checks) return resource;
  const shown: Json = {};
  const kept: string[] = [core];
  for (const [key, value] of Object.entries(resource)) {
    if (key === 'schemas') continue;
    if (!key.toLowerCase().startsWith('urn:')) {
      shown[key] = value;
      continue;
    }
    const urn = schemas.extensionNamed(type, key);
    if (!urn || !isObject(value)) continue;
    const fitting = schemas.tenantSchemaUrns.has(urn) ? fittingObject(schemas.schemaDefinitionOf(urn).attributes, value) : value;
    if (fitting && Object.keys(fitting).length > 0) {
      shown[key] = fitting;
      kept.push(urn);
    }
  }
  return { schemas: kept, ...shown };
}

function fittingObject(attributes: readonly AttributeDefinition[], object: Json): Json | undefined {
  const kept: Json = {};
  for (const [name, value] of Object.entries(object)) {
    const definition = findAttribute(attributes, name);
    const fitting = definition && definition.name === name ? fittingValue(definition, value) : undefined;
    if (fitting !== undefined) kept[name] = fitting;
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/** The part of a stored value its current definition describes; undefined when nothing does. */
export function fittingValue(definition: AttributeDefinition, value: unknown): unknown {
  if (definition.multiValued) {
    if (!Array.isArray(value)) return undefined;
    const elements = value.map((element) => fittingSingle(definition, element)).filter((element) => element !== undefined);
    return elements.length > 0 ? elements : undefined;
  }
  return fittingSingle(definition, value);
}

function fittingSingle(definition: AttributeDefinition, value: unknown): unknown {
  switch (definition.type) {
    case 'complex':
      return isObject(value) ? fittingObject(definition.subAttributes ?? [], value) : undefined;
    case 'boolean':
      return typeof value === 'boolean' ? value : undefined;
    case 'integer':
      return Number.isInteger(value) ? value : undefined;
    case 'decimal':
      return typeof value === 'number' ? value : undefined;
    default:
      return typeof value === 'string' ? value : undefined;
  }
}
