/**
 * A bounded memo of what a path text means for one resource type. Clients send the same few paths
 * all day, so each is worked out once; a flood of distinct paths clears the memo rather than grow it.
 * Keyed per type, then by the text as sent: no key string is built per lookup.
 */
import type { ResourceTypeName } from './types';

export class PathMemo<T> {
  private readonly byType = new Map<ResourceTypeName, Map<string, T>>();

  constructor(private readonly limit: number) {}

  get(type: ResourceTypeName, text: string, compute: () => T): T {
    let known = this.byType.get(type);
    if (!known) {
      known = new Map();
      this.byType.set(type, known);
    }
    const value = known.get(text);
    if (value !== undefined || known.has(text)) return value as T;
    const computed = compute();
    if (known.size >= this.limit) known.clear();
    known.set(text, computed);
    return computed;
  }
}
