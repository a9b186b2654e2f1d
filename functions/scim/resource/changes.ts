/**
 * Which attributes a write changed, for change events: top-level names, extension attributes as
 * `<urn>:<name>`. `id`, `schemas` and `meta` are bookkeeping, not changes.
 */
import { equalJson } from '../patch/json';
import { extensionUrnsOf } from '../schema/registry';
import type { ResourceTypeName, ScimResource } from '../schema/types';
import { isObject } from '../../commons/json';

type Json = Record<string, unknown>;
const IGNORED = new Set(['id', 'schemas', 'meta']);

export function changedAttributes(type: ResourceTypeName, before: ScimResource | undefined, after: ScimResource | undefined): string[] {
  const a: Json = before ?? {};
  const b: Json = after ?? {};
  const urns = new Set(extensionUrnsOf(type));
  const changed = new Set<string>();
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (IGNORED.has(key)) continue;
    if (urns.has(key)) {
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
