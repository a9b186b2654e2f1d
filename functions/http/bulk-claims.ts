/**
 * What a bulk operation touches, so that POST /Bulk can run operations side by side only when the
 * order between them cannot change the outcome. RFC 7644 §3.7 lets a service provider reorder
 * operations as long as "the same stateful result is achieved as for non-optimized processing":
 * two operations that share a claim run in request order, all others may overlap.
 *
 * A claim is a key and a mode. Two claims on one key conflict when either is exclusive or their
 * modes differ; claims with the same shared mode (two references to one user, two deletes releasing
 * names) never do. Over-claiming only costs parallelism, never correctness, so when in doubt a claim
 * is exclusive.
 */
import { isObject } from '../commons/json';
import type { SchemaRegistry } from '../scim/schema/registry';
import type { ResourceTypeName } from '../scim/schema/types';

export interface Claim {
  readonly key: string;
  /** `exclusive`, or the name of a shared mode. */
  readonly mode: string;
}

const EXCLUSIVE = 'exclusive';
/** A resource referenced by another (a group's member): it must exist, it is not changed. */
const REFERENCE = 'reference';
/** Creating takes unique values (userName, externalId, displayName)... */
const CLAIM_NAMES = 'claim-names';
/** ...which deleting, replacing or renaming may give back, so those never overlap a create. */
const RELEASE_NAMES = 'release-names';

export interface ClaimedOperation {
  readonly method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly data?: unknown;
}

const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/** The claims of an operation whose bulkId references are already resolved. */
/** `registry` is the tenant's: its unique attributes (extension ones included) are what creates claim. */
export function claimsOf(operation: ClaimedOperation, registry: SchemaRegistry): Claim[] {
  const match = /^\/(Users|Groups)(?:\/([^/]+))?$/i.exec(operation.path);
  // An unknown path fails without touching anything.
  if (!match) return [];
  const type: ResourceTypeName = (match[1] as string).toLowerCase() === 'users' ? 'User' : 'Group';
  const id = match[2];
  const claims: Claim[] = [];
  if (id !== undefined) claims.push({ key: `id:${id}`, mode: EXCLUSIVE });
  const names = `names:${type}`;
  switch (operation.method) {
    case 'DELETE':
      claims.push({ key: names, mode: RELEASE_NAMES });
      break;
    case 'POST':
      claims.push({ key: names, mode: CLAIM_NAMES }, ...uniqueClaims(registry, type, operation.data));
      break;
    case 'PUT':
      claims.push({ key: names, mode: EXCLUSIVE }, ...uniqueClaims(registry, type, operation.data));
      break;
    case 'PATCH':
      if (patchMayRename(registry, type, operation.data)) claims.push({ key: names, mode: EXCLUSIVE });
      break;
  }
  // A group's writes read the resources it lists (members): a concurrent delete of one of them
  // would leave a membership behind or fail the write depending on timing.
  if (type === 'Group' && operation.method !== 'DELETE') {
    for (const value of referencedStrings(operation.data)) claims.push({ key: `id:${value}`, mode: REFERENCE });
  }
  return claims;
}

/** Whether two claims keep their operations apart: one key, and either is exclusive or their modes differ. */
export function clash(x: Claim, y: Claim): boolean {
  return x.key === y.key && (x.mode === EXCLUSIVE || y.mode === EXCLUSIVE || x.mode !== y.mode);
}

/** Unique values a create or replace takes, folded loosely (case, NFC) so that no real clash is missed. */
function uniqueClaims(registry: SchemaRegistry, type: ResourceTypeName, data: unknown): Claim[] {
  if (!isObject(data)) return [];
  const claims: Claim[] = [];
  const claim = (attribute: string, value: unknown) => {
    if (typeof value === 'string')
      claims.push({ key: `unique:${type}.${attribute}:${value.normalize('NFC').toLowerCase()}`, mode: EXCLUSIVE });
  };
  for (const attribute of registry.uniqueAttributesOf(type)) {
    const wanted = attribute.name.toLowerCase();
    const inside = attribute.urn?.toLowerCase();
    for (const [name, value] of Object.entries(data)) {
      const key = name.toLowerCase();
      // Top level (`userName`, or an extension attribute written `urn:...:attr`), or nested under its URN.
      if (key === wanted) claim(attribute.name, value);
      else if (inside !== undefined && key === inside && isObject(value)) {
        for (const [inner, v] of Object.entries(value))
          if (inner.toLowerCase() === attribute.definition.name.toLowerCase()) claim(attribute.name, v);
      }
    }
  }
  return claims;
}

/** Whether a PATCH body may set a unique attribute: any operation without a path, or whose path names one. */
function patchMayRename(registry: SchemaRegistry, type: ResourceTypeName, data: unknown): boolean {
  const operations = isObject(data) ? data.Operations : undefined;
  if (!Array.isArray(operations)) return true;
  // A bare attribute name matches its qualified path too; an extension URN path alone may set any of its attributes.
  const unique = registry
    .uniqueAttributesOf(type)
    .flatMap((a) => [a.definition.name.toLowerCase(), ...(a.urn ? [a.urn.toLowerCase()] : [])]);
  return operations.some((op) => {
    const path = isObject(op) ? op.path : undefined;
    if (typeof path !== 'string') return true;
    const lower = path.toLowerCase();
    return unique.some((name) => lower.includes(name));
  });
}

/** Every string in the data, and every quoted string inside one (a PATCH path `members[value eq "x"]`). */
function referencedStrings(data: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      found.add(value);
      for (const m of value.matchAll(QUOTED)) found.add(m[1] as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  visit(data);
  return found;
}
