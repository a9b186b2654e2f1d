/** Attribute and schema definitions as RFC 7643 §7 describes them; served verbatim by /Schemas. */
export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'reference' | 'complex' | 'binary';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  readonly name: string;
  readonly type: AttributeType;
  readonly multiValued: boolean;
  readonly description: string;
  readonly required: boolean;
  readonly caseExact: boolean;
  readonly mutability: Mutability;
  readonly returned: Returned;
  readonly uniqueness: Uniqueness;
  readonly canonicalValues?: readonly string[];
  readonly referenceTypes?: readonly string[];
  readonly subAttributes?: readonly AttributeDefinition[];
  /**
   * Other names a client may use for this attribute (not an RFC 7643 characteristic, never served by
   * /Schemas). Set only from the tenant's dialect (`subAttributeAliases`), never in definitions.ts.
   */
  readonly aliases?: readonly string[];
}

/** `resourceType`'s `attribute.subAttribute` may also be named `alias` (a dialect's form). */
export interface SubAttributeAlias {
  readonly resourceType: 'User' | 'Group';
  readonly attribute: string;
  readonly subAttribute: string;
  readonly alias: string;
}

export interface SchemaDefinition {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: readonly AttributeDefinition[];
}

export interface ResourceTypeDefinition {
  readonly id: 'User' | 'Group';
  readonly name: 'User' | 'Group';
  readonly endpoint: '/Users' | '/Groups';
  readonly description: string;
  readonly schema: string;
  readonly schemaExtensions: readonly { readonly schema: string; readonly required: boolean }[];
}

export type ResourceTypeName = ResourceTypeDefinition['name'];

/** A SCIM resource as JSON: canonical attribute names, extension attributes nested under their URN. */
export type ScimResource = Record<string, unknown>;
