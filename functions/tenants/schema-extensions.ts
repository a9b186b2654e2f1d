/**
 * A tenant's own schema extensions (tenants.json `settings.schemaExtensions`), written in RFC 7643
 * §7's own schema representation so admins copy what the RFC documents. Omitted characteristics
 * take §7's defaults (type string, single-valued, optional, caseExact false, readWrite, returned
 * default, uniqueness none). Validated with zod at synth and at start: a malformed URN, a duplicate
 * or core-clashing name, an unsupported type or characteristic fails there, never on a request.
 * Written with `zod/mini` (functions, not methods): the resource functions parse stored settings
 * with these schemas, and their bundles then carry only the checks used here (lib/bundling.ts).
 */
import * as z from 'zod/mini';
import { commonAttributes, schemas as standardSchemas, resourceTypes } from '../scim/schema/definitions';
import type { SchemaExtension } from '../scim/schema/registry';
import type { AttributeDefinition, ResourceTypeName } from '../scim/schema/types';

/** Bounds that keep a tenant's settings (one DynamoDB item, read once per configuration) small. */
export const EXTENSION_LIMITS = { extensions: 10, attributes: 100, subAttributes: 30, canonicalValues: 200 } as const;

/** RFC 7643 §2.1 ATTRNAME: ALPHA *(nameChar), nameChar = "-" / "_" / DIGIT / ALPHA. */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
/**
 * An RFC 8141 URN: `urn:<NID>:<NSS>`, no trailing ':' (the ':' separates the attribute in a path),
 * no characters that SCIM paths and filters use as syntax (`[`, `]`, `"`, spaces).
 */
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]{0,30}[A-Za-z0-9]:[A-Za-z0-9()+,\-.:=@;$_!*'%/?#]*[A-Za-z0-9()+,\-.=@;$_!*'%/?#]$/;

const characteristics = {
  name: z.string().check(z.regex(ATTRNAME, 'an attribute name is a letter followed by letters, digits, "-" or "_" (RFC 7643 §2.1)')),
  type: z._default(z.enum(['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'binary', 'complex']), 'string'),
  multiValued: z._default(z.boolean(), false),
  description: z._default(z.string(), ''),
  required: z._default(z.boolean(), false),
  caseExact: z._default(z.boolean(), false),
  mutability: z._default(z.enum(['readOnly', 'readWrite', 'immutable', 'writeOnly']), 'readWrite'),
  returned: z._default(z.enum(['always', 'never', 'default', 'request']), 'default'),
  // `global` (unique across every tenant) cannot be honoured by a tenant's own partition.
  uniqueness: z._default(z.enum(['none', 'server'], { error: 'uniqueness is "none" or "server" ("global" is not supported)' }), 'none'),
  canonicalValues: z.optional(z.array(z.string()).check(z.maxLength(EXTENSION_LIMITS.canonicalValues))),
  referenceTypes: z.optional(z.array(z.string().check(z.minLength(1))).check(z.minLength(1))),
};

const subAttributeSchema = z.strictObject(characteristics).check(
  z.superRefine((attribute, ctx) => {
    if (attribute.type === 'complex') {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'a sub-attribute cannot be complex (RFC 7643 §2.4 allows one level)' });
    }
  }),
);

const attributeSchema = z
  .strictObject({
    ...characteristics,
    subAttributes: z.optional(z.array(subAttributeSchema).check(z.minLength(1), z.maxLength(EXTENSION_LIMITS.subAttributes))),
  })
  .check(
    z.superRefine((attribute, ctx) => {
      if (attribute.type === 'complex' && !attribute.subAttributes) {
        ctx.addIssue({ code: 'custom', path: ['subAttributes'], message: 'a complex attribute needs subAttributes' });
      }
      if (attribute.type !== 'complex' && attribute.subAttributes) {
        ctx.addIssue({ code: 'custom', path: ['subAttributes'], message: `a ${attribute.type} attribute has no subAttributes` });
      }
      duplicateNames(attribute.subAttributes ?? [], ['subAttributes'], ctx);
      if (attribute.uniqueness === 'server' && (attribute.type !== 'string' || attribute.multiValued)) {
        ctx.addIssue({
          code: 'custom',
          path: ['uniqueness'],
          message: 'uniqueness "server" is enforced on single-valued string attributes only',
        });
      }
    }),
  );

export const schemaExtensionSchema = z.strictObject({
  id: z.string().check(z.regex(URN, 'the schema id must be a URN such as urn:ietf:params:scim:schemas:extension:acme:2.0:User')),
  name: z.optional(z.string().check(z.minLength(1))),
  description: z._default(z.string(), ''),
  resourceType: z.enum(['User', 'Group'], { error: 'resourceType is "User" or "Group"' }),
  /** RFC 7643 §6 ResourceType `schemaExtensions[].required`: resources must carry the extension. */
  required: z._default(z.boolean(), false),
  attributes: z.array(attributeSchema).check(z.minLength(1), z.maxLength(EXTENSION_LIMITS.attributes)),
});

export type SchemaExtensionDeclaration = z.infer<typeof schemaExtensionSchema>;
/** What a refinement reports issues to (zod/mini names it in its core). */
export type RefinementCtx = z.core.$RefinementCtx<unknown>;

const STANDARD_URNS = new Set(standardSchemas.map((s) => s.id.toLowerCase()));
/** Names every resource of the type already has at the top level (common + core schema). */
const coreNames = (type: ResourceTypeName) =>
  new Set(
    [...commonAttributes, ...(standardSchemas.find((s) => s.id === resourceTypes[type].schema)?.attributes ?? [])].map((a) =>
      a.name.toLowerCase(),
    ),
  );

function duplicateNames(attributes: readonly { name: string }[], path: (string | number)[], ctx: RefinementCtx): void {
  const seen = new Set<string>();
  attributes.forEach((attribute, index) => {
    const key = attribute.name.toLowerCase();
    if (seen.has(key))
      ctx.addIssue({
        code: 'custom',
        path: [...path, index, 'name'],
        message: `duplicate attribute name "${attribute.name}" (names are case-insensitive)`,
      });
    seen.add(key);
  });
}

/** Checks across a tenant's extensions: ids unique and not RFC 7643's, names not clashing with core. */
export function checkExtensions(extensions: readonly SchemaExtensionDeclaration[], ctx: RefinementCtx): void {
  const ids = new Set<string>();
  extensions.forEach((extension, index) => {
    const id = extension.id.toLowerCase();
    if (STANDARD_URNS.has(id)) {
      ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `"${extension.id}" is an RFC 7643 schema; declare your own URN` });
    }
    if (ids.has(id)) ctx.addIssue({ code: 'custom', path: [index, 'id'], message: `duplicate schema id "${extension.id}"` });
    for (const other of ids) {
      if (id.startsWith(`${other}:`) || other.startsWith(`${id}:`)) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'id'],
          message: `"${extension.id}" and another extension's id are prefixes of each other`,
        });
      }
    }
    ids.add(id);
    duplicateNames(extension.attributes, [index, 'attributes'], ctx);
    const core = coreNames(extension.resourceType);
    extension.attributes.forEach((attribute, at) => {
      if (core.has(attribute.name.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          path: [index, 'attributes', at, 'name'],
          message: `"${attribute.name}" is already an attribute of every ${extension.resourceType}; choose another name`,
        });
      }
    });
  });
}

export const schemaExtensionsSchema = z._default(
  z.array(schemaExtensionSchema).check(
    z.maxLength(EXTENSION_LIMITS.extensions),
    z.superRefine((extensions, ctx) => checkExtensions(extensions, ctx)),
  ),
  [],
);

type AttributeDeclaration = SchemaExtensionDeclaration['attributes'][number];
type SubAttributeDeclaration = Omit<AttributeDeclaration, 'subAttributes'>;

function toDefinition(attribute: SubAttributeDeclaration & { subAttributes?: readonly SubAttributeDeclaration[] }): AttributeDefinition {
  return {
    name: attribute.name,
    type: attribute.type,
    multiValued: attribute.multiValued,
    description: attribute.description,
    required: attribute.required,
    caseExact: attribute.caseExact,
    mutability: attribute.mutability,
    returned: attribute.returned,
    uniqueness: attribute.uniqueness,
    ...(attribute.canonicalValues ? { canonicalValues: attribute.canonicalValues } : {}),
    ...(attribute.type === 'reference' ? { referenceTypes: attribute.referenceTypes ?? ['external'] } : {}),
    ...(attribute.subAttributes ? { subAttributes: attribute.subAttributes.map((sub) => toDefinition(sub)) } : {}),
  };
}

/** The registry's view of declared extensions: definitions with every RFC 7643 §7 characteristic set. */
export function toSchemaExtensions(declarations: readonly SchemaExtensionDeclaration[]): SchemaExtension[] {
  return declarations.map((declaration) => ({
    resourceType: declaration.resourceType,
    required: declaration.required,
    schema: {
      id: declaration.id,
      name: declaration.name ?? declaration.id.slice(declaration.id.lastIndexOf(':') + 1),
      description: declaration.description,
      attributes: declaration.attributes.map((attribute) => toDefinition(attribute)),
    },
  }));
}
