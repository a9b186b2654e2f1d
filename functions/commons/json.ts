/**
 * Plain-JSON helpers every layer shares: request bodies, resources and PATCH values are JSON trees,
 * compared, copied and cleaned structurally. Pure (no AWS imports), so the SCIM core may use them.
 */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isObject = (value: unknown): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

export function equalJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => equalJson(item, b[i]));
  if (!isObject(a) || !isObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && equalJson(a[key], b[key]));
}

/**
 * Drops nulls and empty arrays/objects, recursively: RFC 7643 §2.5 treats them as unassigned, and the
 * stored representation carries none. Undefined means "nothing left".
 */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const kept = compact(item);
      if (kept !== undefined) items.push(kept);
    }
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const result: JsonObject = {};
    let empty = true;
    for (const key in value) {
      const kept = compact(value[key]);
      if (kept !== undefined) {
        result[key] = kept;
        empty = false;
      }
    }
    return empty ? undefined : result;
  }
  return value === null ? undefined : value;
}

/** A deep copy of a JSON tree (resources are plain JSON: no dates, maps or cycles). */
export function cloneJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  if (isObject(value)) {
    const copy: JsonObject = {};
    for (const key in value) copy[key] = cloneJson(value[key]);
    return copy as T;
  }
  return value;
}

/** Sets `key`, or deletes it when the value is undefined (so no key ever holds undefined). */
export function assign(object: JsonObject, key: string, value: unknown): void {
  if (value === undefined) Reflect.deleteProperty(object, key);
  else object[key] = value;
}

/** A member of a request object, matched case-insensitively (clients differ in the case of structural names). */
export function field(object: JsonObject, name: string): unknown {
  const wanted = name.toLowerCase();
  // The length test spares lower-casing most keys; the first key that matches wins, as before.
  for (const key in object) if (key.length === wanted.length && key.toLowerCase() === wanted) return object[key];
  return undefined;
}
