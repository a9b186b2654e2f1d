/**
 * Bundled in place of `mnemonist/lru-cache` (the alias in lib/bundling.ts MODULE_ALIASES). The SDK's
 * endpoint-discovery cache (@aws-sdk/endpoint-cache, inside every DynamoDB client) is its only user,
 * and reads and writes it through get, peek, has, set and clear alone: the same least-recently-used
 * cache over a Map, in a few lines instead of mnemonist's typed-array one and its helpers (about
 * 7 KiB of every bundle with an SDK client). DynamoDB endpoint discovery is off unless
 * AWS_ENABLE_ENDPOINT_DISCOVERY turns it on, so in these functions the cache is read and never written.
 */
export default class LruMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, its place unchanged. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores the value as the most recently used; past capacity, the least recently used goes. */
  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    return this;
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
