/**
 * zod schemas built from the attribute definitions (definitions.ts), one per attribute and dialect,
 * cached. They output the stored shape and accept what the tenant's dialect accepts
 * (functions/scim/dialect/): booleans as strings, a single value in an array, a bare string for a
 * `value` element, "" as "unassigned" — each only where a dialect rule says so. In every dialect:
 *  - integers and decimals as numeric strings;
 *  - member names in any case (RFC 7643 §2.1), renamed to their canonical case;
 *  - a single element where an array is expected (RFC 7644 §3.5.2 lets PATCH send one);
 *  - nulls and empty arrays as "unassigned" (RFC 7643 §2.5); readOnly sub-attributes dropped.
 */
import * as z from 'zod';
import { clearsByEmptyValue, type Dialect } from '../dialect/dialect';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition, AttributeType } from '../schema/types';
import { isExactNumber } from '../text-values';

const NUMBER = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*-?\d+\s*$/;
const INEXACT = `a number that can be stored exactly (integers up to ±${Number.MAX_SAFE_INTEGER})`;

function leafSchemas(dialect: Dialect): Record<Exclude<AttributeType, 'complex'>, z.ZodType<unknown>> {
  return {
    string: z.union([z.string(), z.number().transform(String)], { error: 'expected a string' }),
    reference: z.string({ error: 'expected a URI string' }),
    binary: z.string({ error: 'expected a base64 string' }),
    boolean: z.union(
      [
        z.boolean(),
        z
          .string()
          .refine((text) => dialect.booleanFromText(text) !== undefined)
          .transform((text) => dialect.booleanFromText(text) === true),
      ],
      { error: 'expected true or false' },
    ),
    // Numeric strings are held to the body's rule (scim/text-values.ts): never silently rounded.
    integer: z.union([z.number().int(), z.string().regex(INTEGER).refine(isExactNumber, INEXACT).transform(Number)], { error: 'expected an integer' }),
    decimal: z.union([z.number(), z.string().regex(NUMBER).refine(isExactNumber, INEXACT).transform(Number)], { error: 'expected a number' }),
    dateTime: z
      .string({ error: 'expected an xsd:dateTime string' })
      .refine((text) => !Number.isNaN(Date.parse(text)), 'expected an xsd:dateTime such as 2026-01-31T12:00:00Z'),
  };
}

/** Per dialect (there are four), per definition (definitions are built once per tenant profile). */
class SchemaBuilder {
  private readonly leaves: ReturnType<typeof leafSchemas>;
  private readonly cache = new WeakMap<AttributeDefinition, z.ZodType<unknown>>();

  constructor(private readonly dialect: Dialect) {
    this.leaves = leafSchemas(dialect);
  }

  /** The schema of a whole attribute value: undefined output means "unassigned". */
  attribute(definition: AttributeDefinition): z.ZodType<unknown> {
    let schema = this.cache.get(definition);
    if (!schema) {
      schema = definition.multiValued ? this.multiValued(definition) : this.singleValued(definition);
      this.cache.set(definition, schema);
    }
    return schema;
  }

  private single(definition: AttributeDefinition): z.ZodType<unknown> {
    return definition.type === 'complex' ? this.complex(definition) : this.leaves[definition.type];
  }

  /** `[]` is unassigned; a one-element array is its element only where the dialect says so. */
  private singleValued(definition: AttributeDefinition): z.ZodType<unknown> {
    const inArray = this.dialect.singleValueInArray;
    const unwrap = (value: unknown) =>
      Array.isArray(value) && (value.length === 0 || (inArray && value.length === 1)) ? (value[0] ?? null) : value;
    return z.preprocess(unwrap, this.optional(this.single(definition)));
  }

  /** null (and, in dialects that say so, "") is "unassigned": it validates as undefined. */
  private optional(schema: z.ZodType<unknown>): z.ZodType<unknown> {
    const dialect = this.dialect;
    return z.preprocess((value) => (value === null || clearsByEmptyValue(dialect, value) ? undefined : value), schema.optional());
  }

  private multiValued(definition: AttributeDefinition): z.ZodType<unknown> {
    const element = this.optional(this.single(definition));
    return z
      .preprocess((value) => (value === null ? [] : Array.isArray(value) ? value : [value]), z.array(element))
      .transform((items) => {
        const present = items.filter((item) => item !== undefined);
        if (present.length < 2) return present.length > 0 ? present : undefined;
        // Exact repeats are one value (RFC 7643 §2.4 leaves duplicates undefined; no client means two).
        const seen = new Set<string>();
        return present.filter((item) => {
          const key = typeof item === 'object' ? JSON.stringify(item) : `${typeof item}:${String(item)}`;
          if (seen.has(key)) return false;
          seen.add(key);
          return true;
        });
      });
  }

  private complex(definition: AttributeDefinition): z.ZodType<unknown> {
    const subAttributes = definition.subAttributes ?? [];
    const shape = Object.fromEntries(subAttributes.map((sub) => [sub.name, this.attribute(sub).optional()]));
    const bareString = this.dialect.bareStringIsValue && findAttribute(subAttributes, 'value') !== undefined;
    const canonical = new Set(subAttributes.map((sub) => sub.name));
    const readOnly = new Set(subAttributes.filter((sub) => sub.mutability === 'readOnly').map((sub) => sub.name));
    return z
      .preprocess(
        (value) => (typeof value === 'string' && bareString ? { value } : canonicalKeys(subAttributes, canonical, value)),
        z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'expected an object of sub-attributes') }),
      )
      .transform((object) => {
        const kept: Record<string, unknown> = {};
        let empty = true;
        for (const name in object) {
          const value = (object as Record<string, unknown>)[name];
          if (value === undefined || readOnly.has(name)) continue;
          kept[name] = value;
          empty = false;
        }
        return empty ? undefined : kept;
      });
  }
}

const builders = new Map<Dialect, SchemaBuilder>();

/** The schema of a whole attribute value under a dialect: undefined output means "unassigned". */
export function attributeSchema(dialect: Dialect, definition: AttributeDefinition): z.ZodType<unknown> {
  let builder = builders.get(dialect);
  if (!builder) {
    builder = new SchemaBuilder(dialect);
    builders.set(dialect, builder);
  }
  return builder.attribute(definition);
}

/** Member names in their canonical case; objects already canonical (the usual case) pass as they are. */
function canonicalKeys(subAttributes: readonly AttributeDefinition[], canonical: ReadonlySet<string>, value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  if (keys.every((key) => canonical.has(key))) return value;
  const renamed: Record<string, unknown> = {};
  for (const key of keys) renamed[findAttribute(subAttributes, key)?.name ?? key] = (value as Record<string, unknown>)[key];
  return renamed;
}

/** `emails[1].value: expected string` from a zod issue path. */
export function issuePath(base: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${String(part)}`), base);
}
