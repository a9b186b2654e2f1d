/**
 * Case-insensitive lookup of attributes by SCIM path (RFC 7644 §3.10), driven by definitions.ts.
 * Filter, PATCH, projection and validation all resolve names here, so "USERNAME", "userName"
 * and "urn:ietf:params:scim:schemas:core:2.0:User:userName" mean the same attribute everywhere.
 */
import { commonAttributes, resourceTypes, schemas } from './definitions';
import type { AttributeDefinition, ResourceTypeName, SchemaDefinition } from './types';

/** A parsed attribute path: `[schemaUrn:]attribute[.subAttribute]`. */
export interface AttributePath {
  /** Schema URN as written, when the path is fully qualified. */
  readonly schema?: string;
  /** Undefined when the path names a whole extension (e.g. `urn:...:enterprise:2.0:User`). */
  readonly attribute?: string;
  readonly subAttribute?: string;
}

export interface ResolvedAttribute {
  /** Canonical URN of the schema that defines the attribute. */
  readonly schema: string;
  /** True for the resource type's core schema (and common attributes): stored at the top level. */
  readonly isCore: boolean;
  readonly definition: AttributeDefinition;
  readonly subDefinition?: AttributeDefinition;
  /** Canonical path, e.g. `emails.value` or `urn:...:enterprise:2.0:User:manager.value`. */
  readonly path: string;
}

const lower = (s: string) => s.toLowerCase();

export function schemaById(id: string): SchemaDefinition | undefined {
  return schemas.find((s) => lower(s.id) === lower(id));
}

// Lookups run for every attribute of every request: the derived lists and indexes are built once.
const memo = <K, V>(build: (key: K) => V) => {
  const cache = new Map<K, V>();
  return (key: K): V => {
    if (!cache.has(key)) cache.set(key, build(key));
    return cache.get(key) as V;
  };
};

const urnsByType = memo((type: ResourceTypeName): readonly string[] => {
  const rt = resourceTypes[type];
  return [rt.schema, ...rt.schemaExtensions.map((e) => e.schema)];
});

/** Schema URNs a resource of this type may carry: its core schema first, then extensions. */
export function schemaUrnsOf(type: ResourceTypeName): string[] {
  return [...urnsByType(type)];
}

const extensionsByType = memo((type: ResourceTypeName): readonly string[] => resourceTypes[type].schemaExtensions.map((e) => e.schema));

export function extensionUrnsOf(type: ResourceTypeName): string[] {
  return [...extensionsByType(type)];
}

const coreAttributesByType = memo((type: ResourceTypeName): readonly AttributeDefinition[] => [
  ...commonAttributes,
  ...schemaDefinitionOf(resourceTypes[type].schema).attributes,
]);

/** Attributes at the top level of a resource: common attributes plus the core schema's. */
export function coreAttributesOf(type: ResourceTypeName): readonly AttributeDefinition[] {
  return coreAttributesByType(type);
}

export function schemaDefinitionOf(urn: string): SchemaDefinition {
  const schema = schemaById(urn);
  if (!schema) throw new Error(`unknown schema ${urn}`);
  return schema;
}

const attributeIndexes = new WeakMap<readonly AttributeDefinition[], Map<string, AttributeDefinition>>();

export function findAttribute(
  attributes: readonly AttributeDefinition[] | undefined,
  name: string,
): AttributeDefinition | undefined {
  if (!attributes) return undefined;
  let index = attributeIndexes.get(attributes);
  if (!index) {
    index = new Map(attributes.map((a) => [lower(a.name), a]));
    attributeIndexes.set(attributes, index);
  }
  return index.get(lower(name));
}

/** Returns the known schema URN (canonical case) that `text` starts with, followed by ':' or the end. */
const longestUrnFirst = memo((type: ResourceTypeName) => [...urnsByType(type)].sort((a, b) => b.length - a.length));

export function matchSchemaPrefix(type: ResourceTypeName, text: string): string | undefined {
  const candidates = longestUrnFirst(type);
  const t = lower(text);
  return candidates.find((urn) => t === lower(urn) || t.startsWith(`${lower(urn)}:`));
}

/**
 * Splits `urn:...:User:name.givenName` / `name.givenName` / `userName` into its parts.
 * Unknown URN prefixes are kept whole as `schema` so that resolution can reject them.
 */
export function parseAttributePath(type: ResourceTypeName, text: string): AttributePath {
  let rest = text;
  let schema: string | undefined;
  if (lower(text).startsWith('urn:')) {
    schema = matchSchemaPrefix(type, text);
    if (!schema) {
      // Unknown URN: everything up to the last ':' is the schema, the rest the attribute.
      const cut = text.lastIndexOf(':');
      return { schema: text.slice(0, cut), attribute: text.slice(cut + 1) || undefined };
    }
    rest = text.slice(schema.length + 1);
    if (rest === '') return { schema };
  }
  const dot = rest.indexOf('.');
  const attribute = dot === -1 ? rest : rest.slice(0, dot);
  const subAttribute = dot === -1 ? undefined : rest.slice(dot + 1);
  return { ...(schema ? { schema } : {}), attribute, ...(subAttribute !== undefined ? { subAttribute } : {}) };
}

/** Resolves a path against the resource type's schemas; undefined when any part is unknown. */
export function resolveAttribute(type: ResourceTypeName, path: AttributePath): ResolvedAttribute | undefined {
  if (path.attribute === undefined) return undefined;
  const coreUrn = resourceTypes[type].schema;
  const schemaUrn = path.schema ? matchSchemaPrefix(type, path.schema) : coreUrn;
  if (!schemaUrn || (path.schema && lower(path.schema) !== lower(schemaUrn))) return undefined;
  const isCore = schemaUrn === coreUrn;
  const attributes = isCore ? coreAttributesOf(type) : schemaDefinitionOf(schemaUrn).attributes;
  const definition = findAttribute(attributes, path.attribute);
  if (!definition) return undefined;
  let subDefinition: AttributeDefinition | undefined;
  if (path.subAttribute !== undefined) {
    subDefinition = findAttribute(definition.subAttributes, path.subAttribute);
    if (!subDefinition) return undefined;
  }
  const name = subDefinition ? `${definition.name}.${subDefinition.name}` : definition.name;
  return {
    schema: schemaUrn,
    isCore,
    definition,
    ...(subDefinition ? { subDefinition } : {}),
    path: isCore ? name : `${schemaUrn}:${name}`,
  };
}

const RESOLVED_CACHE_LIMIT = 5_000;
const resolvedCache = new Map<string, ResolvedAttribute | undefined>();

/**
 * Parses and resolves a textual path in one step. Results are immutable and the same few paths come
 * back on every request, so they are kept (a bounded cache: hostile inputs cannot grow it forever).
 */
export function resolvePath(type: ResourceTypeName, text: string): ResolvedAttribute | undefined {
  const key = `${type}\u0000${text}`;
  if (resolvedCache.has(key)) return resolvedCache.get(key);
  const resolved = resolveAttribute(type, parseAttributePath(type, text));
  if (resolvedCache.size >= RESOLVED_CACHE_LIMIT) resolvedCache.clear();
  resolvedCache.set(key, resolved);
  return resolved;
}

/** The definition that governs comparisons on a resolved attribute (the sub-attribute if any). */
export function leafDefinition(resolved: ResolvedAttribute): AttributeDefinition {
  return resolved.subDefinition ?? resolved.definition;
}

/**
 * An unqualified name the core schema lacks is looked up in the resource type's extensions:
 * Entra sends the enterprise `manager` as bare `manager`. Core wins when both define a name.
 */
const qualifiedCache = new Map<string, string>();

export function qualifyPath(type: ResourceTypeName, text: string): string {
  const key = `${type}\u0000${text}`;
  const known = qualifiedCache.get(key);
  if (known !== undefined) return known;
  const qualified = qualify(type, text);
  if (qualifiedCache.size >= RESOLVED_CACHE_LIMIT) qualifiedCache.clear();
  qualifiedCache.set(key, qualified);
  return qualified;
}

function qualify(type: ResourceTypeName, text: string): string {
  if (text.toLowerCase().startsWith('urn:')) return text;
  const name = /^[^.[]*/.exec(text)?.[0] ?? text;
  if (findAttribute(coreAttributesOf(type), name)) return text;
  const urn = extensionUrnsOf(type).find((u) => findAttribute(schemaDefinitionOf(u).attributes, name));
  return urn ? `${urn}:${text}` : text;
}
