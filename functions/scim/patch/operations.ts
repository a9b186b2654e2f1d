/**
 * The PATCH request body (RFC 7644 §3.5.2): validated once, up front, so that the engine only sees
 * well-formed operations. Error choices follow RFC 7644 §3.12:
 * - a body that is not a PatchOp message (no PatchOp schema, no non-empty Operations array, an
 *   operation that is not an object) does not "conform to the request schema" → invalidSyntax;
 * - an `op` other than add/replace/remove → invalidValue (the value of `op` is what is wrong);
 * - a `path` that is not a string → invalidPath;
 * - `remove` without a path → noTarget (§3.5.2.2);
 * - `add`/`replace` without a value, or path-less with a value that is not an object of attributes
 *   → invalidValue ("a required value was missing").
 */
import { badRequest, invalidPath, invalidValue } from '../scim-error';
import type { Dialect } from '../dialect/dialect';
import type { PatchOpName } from '../dialect/forms';
import type { ScimProfile } from '../scim-profile';
import { field, isObject } from '../../commons/json';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type { PatchOpName } from '../dialect/forms';

export interface PatchOperation {
  readonly op: PatchOpName;
  /** Absent when the request had none (or an empty one): the target is the resource itself. */
  readonly path?: string;
  /** Absent only on `remove`. `null` is kept: it means "unassigned" (RFC 7643 §2.5). */
  readonly value?: unknown;
}

const invalidSyntax = (detail: string) => badRequest('invalidSyntax', detail);

export function parsePatchBody(profile: ScimProfile, body: unknown): PatchOperation[] {
  if (!isObject(body)) throw invalidSyntax('The PATCH body must be a JSON object.');
  if (!declaresPatchOp(field(body, 'schemas'))) {
    throw invalidSyntax(`The PATCH body must list "${PATCH_OP_SCHEMA}" in "schemas".`);
  }
  const operations = field(body, 'Operations');
  if (!Array.isArray(operations) || operations.length === 0) {
    throw invalidSyntax('The PATCH body must carry a non-empty "Operations" array.');
  }
  return operations.map((raw, index) => parseOperation(profile.dialect, raw, index));
}

const PATCH_OP_SCHEMA_LOWER = PATCH_OP_SCHEMA.toLowerCase();

function declaresPatchOp(schemas: unknown): boolean {
  return (
    Array.isArray(schemas) &&
    schemas.some((s) => s === PATCH_OP_SCHEMA || (typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA_LOWER))
  );
}

function parseOperation(dialect: Dialect, raw: unknown, index: number): PatchOperation {
  if (!isObject(raw)) throw invalidSyntax(`Operations[${index}] must be an object.`);
  const op = parseOpName(dialect, field(raw, 'op'), index);
  const path = parsePathText(field(raw, 'path'), index);
  const value = field(raw, 'value');
  if (op === 'remove' && path === undefined) {
    throw badRequest('noTarget', `Operations[${index}]: "remove" needs a "path".`);
  }
  if (op !== 'remove' && value === undefined) {
    throw invalidValue(`Operations[${index}]: "${op}" needs a "value".`);
  }
  if (op !== 'remove' && path === undefined && !isObject(value)) {
    throw invalidValue(`Operations[${index}]: without "path", "value" must be an object of attributes.`);
  }
  if (path === undefined) return value === undefined ? { op } : { op, value };
  return value === undefined ? { op, path } : { op, path, value };
}

/** The op as the tenant's dialect reads it (RFC 7644: lower case; some dialects accept any case). */
function parseOpName(dialect: Dialect, op: unknown, index: number): PatchOpName {
  const name = typeof op === 'string' ? dialect.patchOp(op) : undefined;
  if (!name) throw invalidValue(`Operations[${index}]: "op" must be "add", "replace" or "remove".`);
  return name;
}

/** A missing, null or blank path means "no path". */
function parsePathText(path: unknown, index: number): string | undefined {
  if (path === undefined || path === null) return undefined;
  if (typeof path !== 'string') throw invalidPath(`Operations[${index}]: "path" must be a string.`);
  const text = path.trim();
  return text === '' ? undefined : text;
}
