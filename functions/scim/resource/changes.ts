/**
 * Which attributes a write changed, for change events: top-level names, extension attributes as
 * `<urn>:<name>`. `id`, `schemas` and `meta` are bookkeeping, not changes.
 *
 * Read from the stored shape alone, with no tenant registry: in storage every top-level key that is
 * a URN holds an extension object (validate.ts builds it so), whichever extensions the tenant
 * declares today. The stream publisher can name a custom extension's attributes without reading the
 * tenant, and an extension removed by a later deploy is still reported correctly.
 */
import { equalJson } from '../../commons/json';
import type { ResourceTypeName, ScimResource } from '../schema/types';
import { isObject } from '../../commons/json';

type Json = Record<string, unknown>;
const IGNORED = new Set(['id', 'schemas', 'meta']);
const isExtensionKey = (key: string, a: unknown, b: unknown) =>
  key.toLowerCase().startsWith('urn:') && (isObject(a) || a === undefined) && (isObject(b) || b === undefined);

/** `_type` is kept for callers' symmetry with the other resource functions; the stored shape says it all. */
export function changedAttributes(_type: ResourceTypeName, before: ScimResource | undefined, after: ScimResource | undefined): string[] {
  const a: Json = before ?? {};
  const b: Json = after ?? {};
  const changed = new Set<string>();
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (IGNORED.has(key)) continue;
    if (isExtensionKey(key, a[key], b[key])) {
      const x = isObject(a[key]) ? (a[key] as Json) : {};
      const y = isObject(b[key]) ? (b[key] as Json) : {};
      for (const name of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (!equalJson(x[name], y[name])) changed.add(`${key}:${name}`);
      }
    } else if (!equalJson(a[key], b[key])) {
      changed.add(key);
    }
  }
  return [...changed].sort();
}
