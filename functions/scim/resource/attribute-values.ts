/**
 * Value checks built from the attribute definitions (definitions.ts and each tenant's extensions),
 * one function per attribute and dialect, built once and cached. They return the stored shape
 * (undefined: "unassigned") or throw a ValueIssue saying where and why, and accept what the
 * tenant's dialect accepts (functions/scim/dialect/): booleans as strings, a single value in an
 * array, a bare string for a `value` element, "" as "unassigned" — each only where a dialect rule
 * says so. In every dialect:
 *  - integers and decimals as numeric strings, never silently rounded (scim/text-values.ts);
 *  - member names in any case (RFC 7643 §2.1), renamed to their canonical case;
 *  - a single element where an array is expected (RFC 7644 §3.5.2 lets PATCH send one);
 *  - nulls and empty arrays as "unassigned" (RFC 7643 §2.5); readOnly sub-attributes dropped;
 *  - exact repeats in a multi-valued attribute as one value (RFC 7643 §2.4 leaves them undefined).
 *
 * Hand-written rather than zod: every POST, PUT and PATCH runs these checks, and a closure per
 * definition costs a fraction of a schema library's generic parse (scripts/bench/micro.ts).
 */
import { clearsByEmptyValue, type Dialect } from '../dialect/dialect';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition, AttributeType } from '../schema/types';
import { isExactNumber } from '../text-values';
import { isObject } from '../../commons/json';

/** A value that does not fit its definition: the path below the attribute, and what was expected. */
export class ValueIssue {
  constructor(
    readonly path: readonly (string | number)[],
    readonly message: string,
  ) {}

  /** The same issue one level further out (under a sub-attribute name or an element index). */
  under(part: string | number): ValueIssue {
    return new ValueIssue([part, ...this.path], this.message);
  }
}

/**
 * Checks one value: returns its stored form (undefined: unassigned) or throws a ValueIssue.
 * `unchanged` names elements of a multi-valued value that are stored ones, already checked and in
 * stored form: they are kept as they are (a PATCH of one email does not check the others again).
 */
export type ValueCheck = (value: unknown, unchanged?: (element: unknown) => boolean) => unknown;

const NUMBER = /^\s*-?\d+(\.\d+)?([eE][+-]?\d+)?\s*$/;
const INTEGER = /^\s*-?\d+\s*$/;
const INEXACT = `a number that can be stored exactly (integers up to ±${Number.MAX_SAFE_INTEGER})`;

const fail = (message: string): never => {
  throw new ValueIssue([], message);
};

function leafCheck(dialect: Dialect, type: Exclude<AttributeType, 'complex'>): ValueCheck {
  switch (type) {
    case 'string':
      return (v) => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : fail('expected a string'));
    case 'reference':
      return (v) => (typeof v === 'string' ? v : fail('expected a URI string'));
    case 'binary':
      return (v) => (typeof v === 'string' ? v : fail('expected a base64 string'));
    case 'boolean':
      return (v) => {
        if (typeof v === 'boolean') return v;
        const read = typeof v === 'string' ? dialect.booleanFromText(v) : undefined;
        return read ?? fail('expected true or false');
      };
    case 'integer':
      return (v) => {
        if (typeof v === 'number') return Number.isSafeInteger(v) ? v : fail(Number.isInteger(v) ? INEXACT : 'expected an integer');
        if (typeof v !== 'string' || !INTEGER.test(v)) return fail('expected an integer');
        return isExactNumber(v) ? Number(v) : fail(INEXACT);
      };
    case 'decimal':
      return (v) => {
        if (typeof v === 'number') return Number.isFinite(v) ? v : fail('expected a number');
        if (typeof v !== 'string' || !NUMBER.test(v)) return fail('expected a number');
        return isExactNumber(v) ? Number(v) : fail(INEXACT);
      };
    case 'dateTime':
      return (v) => {
        if (typeof v !== 'string') return fail('expected an xsd:dateTime string');
        return Number.isNaN(Date.parse(v)) ? fail('expected an xsd:dateTime such as 2026-01-31T12:00:00Z') : v;
      };
  }
}

/** Runs `check` on a nested value, so that an issue names the sub-attribute or index it came from. */
function nested(check: ValueCheck, value: unknown, part: string | number): unknown {
  try {
    return check(value);
  } catch (error) {
    throw error instanceof ValueIssue ? error.under(part) : error;
  }
}

/** Per dialect (there are four), per definition (definitions are built once per tenant profile). */
class CheckBuilder {
  private readonly leaves = new Map<AttributeType, ValueCheck>();
  private readonly cache = new WeakMap<AttributeDefinition, ValueCheck>();

  constructor(private readonly dialect: Dialect) {}

  /** The check of a whole attribute value. */
  attribute(definition: AttributeDefinition): ValueCheck {
    let check = this.cache.get(definition);
    if (!check) {
      check = definition.multiValued ? this.multiValued(definition) : this.singleValued(definition);
      this.cache.set(definition, check);
    }
    return check;
  }

  private single(definition: AttributeDefinition): ValueCheck {
    if (definition.type === 'complex') return this.complex(definition);
    let leaf = this.leaves.get(definition.type);
    if (!leaf) {
      leaf = leafCheck(this.dialect, definition.type);
      this.leaves.set(definition.type, leaf);
    }
    return leaf;
  }

  /** null (and, in dialects that say so, "") is "unassigned". */
  private unassignable(check: ValueCheck): ValueCheck {
    const dialect = this.dialect;
    return (value) => (value === undefined || value === null || clearsByEmptyValue(dialect, value) ? undefined : check(value));
  }

  /** `[]` is unassigned; a one-element array is its element only where the dialect says so. */
  private singleValued(definition: AttributeDefinition): ValueCheck {
    const inArray = this.dialect.singleValueInArray;
    const check = this.unassignable(this.single(definition));
    return (value) => {
      if (Array.isArray(value) && (value.length === 0 || (inArray && value.length === 1))) return check(value[0] ?? null);
      return check(value);
    };
  }

  private multiValued(definition: AttributeDefinition): ValueCheck {
    const element = this.unassignable(this.single(definition));
    return (value, unchanged) => {
      const items: readonly unknown[] = value === null ? [] : Array.isArray(value) ? value : [value];
      const present: unknown[] = [];
      for (let index = 0; index < items.length; index += 1) {
        const item = items[index];
        const checked = unchanged?.(item) ? item : nested(element, item, index);
        if (checked !== undefined) present.push(checked);
      }
      if (present.length < 2) return present.length > 0 ? present : undefined;
      return withoutRepeats(present);
    };
  }

  private complex(definition: AttributeDefinition): ValueCheck {
    const subAttributes = definition.subAttributes ?? [];
    const bareString = this.dialect.bareStringIsValue && findAttribute(subAttributes, 'value') !== undefined;
    const members = new Map(
      subAttributes.map((sub) => [sub.name, { check: this.attribute(sub), readOnly: sub.mutability === 'readOnly' }] as const),
    );
    /** The members checked into a new object; undefined when `asWritten` and a name is not canonical. */
    const checked = (object: Record<string, unknown>, asWritten: boolean): Record<string, unknown> | undefined => {
      const kept: Record<string, unknown> = {};
      const entries = asWritten ? Object.entries(object) : canonicalEntries(subAttributes, object);
      for (const [key, item] of entries) {
        const member = members.get(key);
        if (!member) return asWritten ? undefined : fail(`unknown sub-attribute "${key}"`);
        const value = nested(member.check, item, key);
        if (value !== undefined && !member.readOnly) kept[key] = value;
      }
      return kept;
    };
    return (value) => {
      const object = typeof value === 'string' && bareString ? { value } : value;
      if (!isObject(object)) return fail('expected an object of sub-attributes');
      // Names as written first (the usual case); another spelling renames them all and checks again.
      const kept = checked(object, true) ?? checked(object, false);
      for (const _ in kept) return kept;
      return undefined;
    };
  }
}

/** The members under their canonical names. Of two spellings of one name, the later wins, as JSON's own duplicate keys do. */
function canonicalEntries(subAttributes: readonly AttributeDefinition[], object: Record<string, unknown>): Map<string, unknown> {
  const renamed = new Map<string, unknown>();
  for (const [key, item] of Object.entries(object)) renamed.set(findAttribute(subAttributes, key)?.name ?? key, item);
  return renamed;
}

/** Up to this many values, repeats are found by comparing pairs; beyond it, by their JSON text. */
const PAIRWISE_LIMIT = 16;

function withoutRepeats(items: readonly unknown[]): unknown[] {
  if (items.length <= PAIRWISE_LIMIT) {
    const kept: unknown[] = [];
    for (const item of items) if (!kept.some((k) => sameJsonText(k, item))) kept.push(item);
    return kept;
  }
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = typeof item === 'object' ? JSON.stringify(item) : `${typeof item}:${String(item)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Whether two checked values have the same JSON text: the same members in the same order with the
 * same values (what the JSON-text comparison beyond PAIRWISE_LIMIT decides), without writing the text.
 */
function sameJsonText(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => sameJsonText(item, b[i]));
  }
  const left = Object.keys(a);
  const right = Object.keys(b);
  if (left.length !== right.length) return false;
  for (let i = 0; i < left.length; i += 1) {
    const key = left[i] as string;
    if (key !== right[i] || !sameJsonText((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
  }
  return true;
}

const builders = new Map<Dialect, CheckBuilder>();

/** The check of a whole attribute value under a dialect. */
export function attributeCheck(dialect: Dialect, definition: AttributeDefinition): ValueCheck {
  let builder = builders.get(dialect);
  if (!builder) {
    builder = new CheckBuilder(dialect);
    builders.set(dialect, builder);
  }
  return builder.attribute(definition);
}

/** `emails[1].value` from an attribute path and an issue's path below it. */
export function issuePath(base: string, path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : `${text}.${part}`), base);
}
