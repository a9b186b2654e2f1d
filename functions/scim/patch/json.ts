/** Plain-JSON helpers for the PATCH engine: resources are JSON trees, compared and cleaned structurally. */
export type JsonObject = Record<string, unknown>;

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

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
    const items = value.map(compact).filter((item) => item !== undefined);
    return items.length > 0 ? items : undefined;
  }
  if (isObject(value)) {
    const entries = Object.entries(value)
      .map(([key, item]) => [key, compact(item)] as const)
      .filter(([, item]) => item !== undefined);
    return entries.length > 0 ? Object.fromEntries(entries) : undefined;
  }
  return value === null ? undefined : value;
}

/** Sets `key`, or deletes it when the value is undefined (so no key ever holds undefined). */
export function assign(object: JsonObject, key: string, value: unknown): void {
  if (value === undefined) Reflect.deleteProperty(object, key);
  else object[key] = value;
}

/** A member of a request object, matched case-insensitively (Entra: structural names are not case-sensitive). */
export function field(object: JsonObject, name: string): unknown {
  const wanted = name.toLowerCase();
  const key = Object.keys(object).find((k) => k.toLowerCase() === wanted);
  return key === undefined ? undefined : object[key];
}
