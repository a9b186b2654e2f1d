/**
 * A tenant's schema registry: RFC 7643's core and enterprise schemas plus the tenant's own
 * extensions (tenants.json `settings.schemaExtensions`). Case-insensitive lookup of attributes by
 * SCIM path (RFC 7644 §3.10) happens here, so filters, PATCH, projection, validation, sorting,
 * uniqueness and /Schemas agree on what "USERNAME", "userName" and
 * "urn:ietf:params:scim:schemas:core:2.0:User:userName" mean — for this tenant.
 *
 * A registry is built once per tenant configuration (see ../scim-profile.ts) and keeps its derived
 * lists and path resolutions memoized, so a request pays for lookups, never for building.
 */
import { commonAttributes, resourceTypes as standardResourceTypes, schemas as standardSchemas } from './definitions';
import type { AttributeDefinition, ResourceTypeDefinition, ResourceTypeName, SchemaDefinition, SubAttributeAlias } from './types';
import { PathMemo } from './path-memo';

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

/** A tenant's extension schema and where it applies (RFC 7643 §6 `schemaExtensions`). */
export interface SchemaExtension {
  readonly schema: SchemaDefinition;
  readonly resourceType: ResourceTypeName;
  readonly required: boolean;
}

/** Paths a tenant requires per resource type (tenant settings), shown as `required: true` in /Schemas. */
export type RequiredAttributes = Partial<Record<ResourceTypeName, readonly string[]>>;

export interface RegistryOptions {
  readonly extensions?: readonly SchemaExtension[];
  readonly requiredAttributes?: RequiredAttributes;
  /** Overrides of common attributes' characteristics: `externalId` uniqueness is a tenant's choice. */
  readonly externalIdUniqueness?: 'none' | 'server';
  /** Other names of sub-attributes, from the tenant's dialect (functions/scim/dialect/). */
  readonly aliases?: readonly SubAttributeAlias[];
}

/** A unique attribute: where its value is stored and how keys are named. */
export interface UniqueAttribute {
  /** Key name: `userName`, `externalId`, `<urn>:<attribute>` for extension attributes. */
  readonly name: string;
  /** Extension URN holding the attribute; undefined for top-level attributes. */
  readonly urn: string | undefined;
  readonly definition: AttributeDefinition;
  /** Lower-cased canonical path, as filter equality terms name it. */
  readonly path: string;
  /**
   * Key-indexed without being unique: one index item per value and owner, so `attr eq "v"` is a
   * strongly consistent key lookup returning every match (externalId under uniqueness `none`).
   */
  readonly shared: boolean;
}

const lower = (s: string) => s.toLowerCase();
const ATTRIBUTE_TYPES = ['User', 'Group'] as const satisfies readonly ResourceTypeName[];
const RESOLVED_CACHE_LIMIT = 5_000;

/** Per attribute list: names (and aliases) as written, and lower-cased; most lookups hit the first. */
interface AttributeIndex {
  readonly exact: Map<string, AttributeDefinition>;
  readonly lowered: Map<string, AttributeDefinition>;
}
const attributeIndexes = new WeakMap<readonly AttributeDefinition[], AttributeIndex>();

/** An attribute by name, case-insensitively; its `aliases` (from the tenant's dialect) find it too. */
export function findAttribute(attributes: readonly AttributeDefinition[] | undefined, name: string): AttributeDefinition | undefined {
  if (!attributes) return undefined;
  let index = attributeIndexes.get(attributes);
  if (!index) {
    index = { exact: new Map(), lowered: new Map() };
    // Names win over aliases: they are set last.
    for (const a of attributes) for (const alias of a.aliases ?? []) index.lowered.set(lower(alias), a);
    for (const a of attributes) index.lowered.set(lower(a.name), a);
    for (const [key, a] of index.lowered) if (a.name.toLowerCase() === key) index.exact.set(a.name, a);
    for (const a of attributes) for (const alias of a.aliases ?? []) if (index.lowered.get(lower(alias)) === a) index.exact.set(alias, a);
    attributeIndexes.set(attributes, index);
  }
  return index.exact.get(name) ?? index.lowered.get(lower(name));
}

/** The core schemas with the dialect's sub-attribute aliases marked (copies: the definitions stay as RFC 7643 writes them). */
function withAliases(list: readonly SchemaDefinition[], aliases: readonly SubAttributeAlias[]): readonly SchemaDefinition[] {
  if (aliases.length === 0) return list;
  return list.map((schema) => {
    const mine = aliases.filter((a) => lower(standardResourceTypes[a.resourceType].schema) === lower(schema.id));
    if (mine.length === 0) return schema;
    const attributes = schema.attributes.map((attribute) => {
      const forAttribute = mine.filter((a) => lower(a.attribute) === lower(attribute.name));
      if (forAttribute.length === 0 || !attribute.subAttributes) return attribute;
      const subAttributes = attribute.subAttributes.map((sub) => {
        const names = forAttribute.filter((a) => lower(a.subAttribute) === lower(sub.name)).map((a) => a.alias);
        return names.length === 0 ? sub : { ...sub, aliases: [...(sub.aliases ?? []), ...names] };
      });
      return { ...attribute, subAttributes };
    });
    return { ...schema, attributes };
  });
}

const elementValues = new WeakMap<AttributeDefinition, readonly AttributeDefinition[]>();

/**
 * What a value filter (`attr[...]`) may name inside one element: a complex attribute's
 * sub-attributes; for a multi-valued attribute of a simple type, RFC 7643 §2.4's default `value`
 * sub-attribute, typed like the attribute (`badges[value eq "x"]`, as SCIM-SDK and UnboundID accept).
 */
export function elementSubAttributesOf(definition: AttributeDefinition): readonly AttributeDefinition[] | undefined {
  if (definition.type === 'complex' || !definition.multiValued) return definition.subAttributes;
  let value = elementValues.get(definition);
  if (!value) {
    value = [{ ...definition, name: 'value', multiValued: false, aliases: [] }];
    elementValues.set(definition, value);
  }
  return value;
}

/** The definition that governs comparisons on a resolved attribute (the sub-attribute if any). */
export function leafDefinition(resolved: ResolvedAttribute): AttributeDefinition {
  return resolved.subDefinition ?? resolved.definition;
}

export class SchemaRegistry {
  /** Every schema this tenant serves, in /Schemas order: core and enterprise first, then its own. */
  readonly schemas: readonly SchemaDefinition[];
  /** URNs of the tenant's own extensions (not RFC 7643's): their stored values are checked on read. */
  readonly tenantSchemaUrns: ReadonlySet<string>;
  private readonly types: Readonly<Record<ResourceTypeName, ResourceTypeDefinition>>;
  private readonly common: readonly AttributeDefinition[];
  private readonly required: RequiredAttributes;
  private readonly byId = new Map<string, SchemaDefinition>();
  private readonly perType = new Map<ResourceTypeName, TypeIndex>();
  private readonly resolved = new PathMemo<ResolvedAttribute | undefined>(RESOLVED_CACHE_LIMIT);
  private readonly qualified = new PathMemo<string>(RESOLVED_CACHE_LIMIT);

  constructor(options: RegistryOptions = {}) {
    const extensions = options.extensions ?? [];
    this.schemas = [...withAliases(standardSchemas, options.aliases ?? []), ...extensions.map((e) => e.schema)];
    this.tenantSchemaUrns = new Set(extensions.map((e) => e.schema.id));
    for (const schema of this.schemas) this.byId.set(lower(schema.id), schema);
    const types = {} as Record<ResourceTypeName, ResourceTypeDefinition>;
    for (const type of ATTRIBUTE_TYPES) {
      const standard = standardResourceTypes[type];
      types[type] = {
        ...standard,
        schemaExtensions: [
          ...standard.schemaExtensions,
          ...extensions.filter((e) => e.resourceType === type).map((e) => ({ schema: e.schema.id, required: e.required })),
        ],
      };
    }
    this.types = types;
    const uniqueness = options.externalIdUniqueness ?? 'none';
    this.common = commonAttributes.map((a) => (a.name === 'externalId' ? { ...a, uniqueness } : a));
    this.required = options.requiredAttributes ?? {};
  }

  resourceType(type: ResourceTypeName): ResourceTypeDefinition {
    return this.types[type];
  }

  resourceTypes(): readonly ResourceTypeDefinition[] {
    return ATTRIBUTE_TYPES.map((type) => this.types[type]);
  }

  /** The tenant's own required paths (`roles[primary eq "True"].value`, ...). */
  requiredPaths(type: ResourceTypeName): readonly string[] {
    return this.required[type] ?? [];
  }

  requiredAttributes(): RequiredAttributes {
    return this.required;
  }

  schemaById(id: string): SchemaDefinition | undefined {
    return this.byId.get(lower(id));
  }

  schemaDefinitionOf(urn: string): SchemaDefinition {
    const schema = this.schemaById(urn);
    if (!schema) throw new Error(`unknown schema ${urn}`);
    return schema;
  }

  /** Schema URNs a resource of this type may carry: its core schema first, then extensions. */
  schemaUrnsOf(type: ResourceTypeName): readonly string[] {
    return this.index(type).urns;
  }

  extensionUrnsOf(type: ResourceTypeName): readonly string[] {
    return this.index(type).extensions;
  }

  /** The extension URN (canonical case) a key names, e.g. a top-level `urn:...:User` key. */
  extensionNamed(type: ResourceTypeName, key: string): string | undefined {
    return this.index(type).extensionByLowerUrn.get(lower(key));
  }

  /** Extensions a resource of this type must carry (ResourceType `schemaExtensions[].required`). */
  requiredExtensionsOf(type: ResourceTypeName): readonly string[] {
    return this.index(type).requiredExtensions;
  }

  /** Attributes at the top level of a resource: common attributes plus the core schema's. */
  coreAttributesOf(type: ResourceTypeName): readonly AttributeDefinition[] {
    return this.index(type).coreAttributes;
  }

  /** Server-unique attributes of a resource type, except `id` (unique by construction); string-valued only. */
  uniqueAttributesOf(type: ResourceTypeName): readonly UniqueAttribute[] {
    return this.index(type).unique;
  }

  /** Every attribute with key items: the unique ones, then those only indexed (`shared`). */
  keyedAttributesOf(type: ResourceTypeName): readonly UniqueAttribute[] {
    return this.index(type).keyed;
  }

  /** The common attributes with this tenant's characteristics (externalId's uniqueness). */
  commonAttributes(): readonly AttributeDefinition[] {
    return this.common;
  }

  /** Returns the known schema URN (canonical case) that `text` starts with, followed by ':' or the end. */
  matchSchemaPrefix(type: ResourceTypeName, text: string): string | undefined {
    const t = lower(text);
    return this.index(type).longestUrnFirst.find((urn) => t === lower(urn) || t.startsWith(`${lower(urn)}:`));
  }

  /**
   * Splits `urn:...:User:name.givenName` / `name.givenName` / `userName` into its parts.
   * Unknown URN prefixes are kept whole as `schema` so that resolution can reject them.
   */
  parseAttributePath(type: ResourceTypeName, text: string): AttributePath {
    let rest = text;
    let schema: string | undefined;
    if (lower(text).startsWith('urn:')) {
      schema = this.matchSchemaPrefix(type, text);
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
  resolveAttribute(type: ResourceTypeName, path: AttributePath): ResolvedAttribute | undefined {
    if (path.attribute === undefined) return undefined;
    const coreUrn = this.types[type].schema;
    const schemaUrn = path.schema ? this.matchSchemaPrefix(type, path.schema) : coreUrn;
    if (!schemaUrn || (path.schema && lower(path.schema) !== lower(schemaUrn))) return undefined;
    const isCore = schemaUrn === coreUrn;
    const attributes = isCore ? this.coreAttributesOf(type) : this.schemaDefinitionOf(schemaUrn).attributes;
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

  /**
   * Parses and resolves a textual path in one step. Results are immutable and the same few paths come
   * back on every request, so they are kept (a bounded cache: hostile inputs cannot grow it forever).
   */
  resolvePath(type: ResourceTypeName, text: string): ResolvedAttribute | undefined {
    return this.resolved.get(type, text, () => this.resolveAttribute(type, this.parseAttributePath(type, text)));
  }

  /**
   * An unqualified name the core schema lacks is looked up in the resource type's extensions:
   * RFC 7644 §3.10 lets clients omit the URN (bare `manager` is the enterprise one). Core wins when both define a name;
   * among extensions, the first declared (enterprise, then the tenant's in file order).
   */
  qualifyPath(type: ResourceTypeName, text: string): string {
    return this.qualified.get(type, text, () => this.qualify(type, text));
  }

  private qualify(type: ResourceTypeName, text: string): string {
    if (lower(text).startsWith('urn:')) return text;
    const name = /^[^.[]*/.exec(text)?.[0] ?? text;
    if (findAttribute(this.coreAttributesOf(type), name)) return text;
    const urn = this.extensionUrnsOf(type).find((u) => findAttribute(this.schemaDefinitionOf(u).attributes, name));
    return urn ? `${urn}:${text}` : text;
  }

  private index(type: ResourceTypeName): TypeIndex {
    let index = this.perType.get(type);
    if (!index) {
      index = this.buildIndex(type);
      this.perType.set(type, index);
    }
    return index;
  }

  private buildIndex(type: ResourceTypeName): TypeIndex {
    const rt = this.types[type];
    const extensions = rt.schemaExtensions.map((e) => e.schema);
    const urns = [rt.schema, ...extensions];
    const coreAttributes = [...this.common, ...this.schemaDefinitionOf(rt.schema).attributes];
    const isUnique = (a: AttributeDefinition) => a.uniqueness !== 'none' && a.name !== 'id' && a.type === 'string' && !a.multiValued;
    const unique: UniqueAttribute[] = [
      ...coreAttributes
        .filter(isUnique)
        .map((definition) => ({ name: definition.name, urn: undefined, definition, path: lower(definition.name), shared: false })),
      ...extensions.flatMap((urn) =>
        this.schemaDefinitionOf(urn)
          .attributes.filter(isUnique)
          .map((definition) => ({
            name: `${urn}:${definition.name}`,
            urn,
            definition,
            path: lower(`${urn}:${definition.name}`),
            shared: false,
          })),
      ),
    ];
    // RFC 7643 §3.1 gives externalId no uniqueness, yet clients look resources up by it
    // ("filter, then create"): without uniqueness it stays key-backed through shared index items.
    const externalId = coreAttributes.find((a) => a.name === 'externalId');
    const shared: UniqueAttribute[] =
      externalId && !isUnique(externalId)
        ? [{ name: 'externalId', urn: undefined, definition: externalId, path: 'externalid', shared: true }]
        : [];
    return {
      urns,
      extensions,
      extensionByLowerUrn: new Map(extensions.map((urn) => [lower(urn), urn])),
      requiredExtensions: rt.schemaExtensions.filter((e) => e.required).map((e) => e.schema),
      coreAttributes,
      longestUrnFirst: [...urns].sort((a, b) => b.length - a.length),
      unique,
      keyed: [...unique, ...shared],
    };
  }
}

interface TypeIndex {
  readonly urns: readonly string[];
  readonly extensions: readonly string[];
  readonly extensionByLowerUrn: ReadonlyMap<string, string>;
  readonly requiredExtensions: readonly string[];
  readonly coreAttributes: readonly AttributeDefinition[];
  readonly longestUrnFirst: readonly string[];
  readonly unique: readonly UniqueAttribute[];
  readonly keyed: readonly UniqueAttribute[];
}

/** RFC 7643's schemas alone, for tenants without settings (and the tests' default). */
export const standardRegistry = new SchemaRegistry();
