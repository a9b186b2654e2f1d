/**
 * zod schemas built from the attribute definitions (definitions.ts), one per attribute, cached.
 * They accept the lenient forms provisioning clients send and output the stored shape:
 *  - booleans as "True"/"False", integers and decimals as numeric strings;
 *  - member names in any case (RFC 7643 §2.1), renamed to their canonical case;
 *  - a single element where an array is expected, and a bare string for a `value` element;
 *  - nulls and empties as "unassigned" (RFC 7643 §2.5); readOnly sub-attributes dropped.
 */
import * as z from 'zod';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition, AttributeType } from '../schema/types';
import { isExactNumber } from '../text-values';

const NUMBER = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*-?\d+\s*$/;
const INEXACT = `a number that can be stored exactly (integers up to ±${Number.MAX_SAFE_INTEGER})`;

const leafSchemas: Record<Exclude<AttributeType, 'complex'>, z.ZodType<unknown>> = {
  string: z.union([z.string(), z.number().transform(String)], { error: 'expected a string' }),
  reference: z.string({ error: 'expected a URI string' }),
  binary: z.string({ error: 'expected a base64 string' }),
  boolean: z.union(
    [
      z.boolean(),
      z
        .string()
        .regex(/^\s*(true|false)\s*$/i)
        .transform((text) => text.trim().toLowerCase() === 'true'),
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

const cache = new WeakMap<AttributeDefinition, z.ZodType<unknown>>();

/** The schema of a whole attribute value: undefined output means "unassigned". */
export function attributeSchema(definition: AttributeDefinition): z.ZodType<unknown> {
  let schema = cache.get(definition);
  if (!schema) {
    schema = definition.multiValued ? multiValuedSchema(definition) : singleValuedSchema(definition);
    cache.set(definition, schema);
  }
  return schema;
}

function singleSchema(definition: AttributeDefinition): z.ZodType<unknown> {
  return definition.type === 'complex' ? complexSchema(definition) : leafSchemas[definition.type];
}

/** A one-element array where one value is expected is that value (Entra's `manager: [{value}]`). */
function singleValuedSchema(definition: AttributeDefinition): z.ZodType<unknown> {
  const unwrap = (value: unknown) => (Array.isArray(value) && value.length <= 1 ? (value[0] ?? null) : value);
  return z.preprocess(unwrap, optional(singleSchema(definition)));
}

/** null is "unassigned" (RFC 7643 §2.5): it validates as undefined, and errors come from the value's own schema. */
const optional = (schema: z.ZodType<unknown>) => z.preprocess((value) => (value === null ? undefined : value), schema.optional());

function multiValuedSchema(definition: AttributeDefinition): z.ZodType<unknown> {
  const element = optional(singleSchema(definition));
  return z
    .preprocess((value) => (value === null ? [] : Array.isArray(value) ? value : [value]), z.array(element))
    .transform((items) => {
      const present = items.filter((item) => item !== undefined);
      if (present.length < 2) return present.length > 0 ? present : undefined;
      // Exact repeats are one value (RFC 7643 §2.4 leaves duplicates undefined; Entra never means two).
      const seen = new Set<string>();
      return present.filter((item) => {
        const key = typeof item === 'object' ? JSON.stringify(item) : `${typeof item}:${String(item)}`;
        if (seen.has(key)) return false;
        seen.add(key);
        return true;
      });
    });
}

function complexSchema(definition: AttributeDefinition): z.ZodType<unknown> {
  const subAttributes = definition.subAttributes ?? [];
  const shape = Object.fromEntries(subAttributes.map((sub) => [sub.name, attributeSchema(sub).optional()]));
  const hasValue = findAttribute(subAttributes, 'value') !== undefined;
  const canonical = new Set(subAttributes.map((sub) => sub.name));
  const readOnly = new Set(subAttributes.filter((sub) => sub.mutability === 'readOnly').map((sub) => sub.name));
  return z
    .preprocess(
      (value) => (typeof value === 'string' && hasValue ? { value } : canonicalKeys(subAttributes, canonical, value)),
      z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : 'expected an object of sub-attributes') }),
    )
    .transform((object) => {
      const kept: Record<string, unknown> = {};
      let empty = true;
      for (const name in object) {
        const value = (object as Record<string, unknown>)[name];
        if (value === undefined || readOnly.has(name)) continue;
        // `{"value": ""}` (or `""`) is how Entra clears a manager: an element without its value is nothing.
        if (name === 'value' && value === '') return undefined;
        kept[name] = value;
        empty = false;
      }
      return empty ? undefined : kept;
    });
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
