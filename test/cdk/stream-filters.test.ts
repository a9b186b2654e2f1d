/**
 * The stream consumers' event filters in AWS (Lambda event filtering on the DynamoDB stream) decide what
 * each consumer sees; the local stream poller applies none. So a consumer that starts reading a new item
 * kind works locally and silently never sees it in AWS unless its filter lets it through. This matches
 * the synthesized filter patterns against stream records of the items each consumer reads (the items
 * built by the store's own functions), and against some it must never get.
 */
import { describe, expect, it } from '@jest/globals';
import { marshall } from '@aws-sdk/util-dynamodb';
import { departureNotePut, deletionNotePut } from '../../functions/store/activity-items';
import { membershipItem } from '../../functions/store/memberships';
import { testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack);
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = template.toJSON().Resources as Record<string, Resource>;
const idOf = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);

/** The filter patterns of a function's event source mapping (none: every record). */
function patternsOf(fn: { node: { defaultChild?: unknown } }): unknown[] {
  const mapping = Object.values(resources).find(
    (r) => r.Type === 'AWS::Lambda::EventSourceMapping' && JSON.stringify(r.Properties.FunctionName).includes(idOf(fn)),
  );
  if (!mapping) throw new Error('no event source mapping');
  const filters = (mapping.Properties.FilterCriteria as { Filters?: { Pattern: string }[] } | undefined)?.Filters ?? [];
  return filters.map((f) => JSON.parse(f.Pattern) as unknown);
}

/** The subset of EventBridge pattern syntax the stack uses: nested objects, arrays of allowed exact values. */
function matches(pattern: unknown, value: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value));
  if (typeof pattern !== 'object' || pattern === null) throw new Error(`pattern form not handled: ${JSON.stringify(pattern)}`);
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(pattern).every(([key, inner]) => matches(inner, (value as Record<string, unknown>)[key]));
}

const passes = (fn: { node: { defaultChild?: unknown } }, record: unknown) => {
  const patterns = patternsOf(fn);
  return patterns.length === 0 || patterns.some((p) => matches(p, record));
};

const db = { client: {} as never, table: 'T' };
const inserted = (item: Record<string, unknown>) => ({ eventName: 'INSERT', dynamodb: { NewImage: marshall(item) } });
const removed = (item: Record<string, unknown>) => ({ eventName: 'REMOVE', dynamodb: { OldImage: marshall(item) } });
const user = { PK: 'TENANT#acme', SK: 'USER#u1', entity: 'User', tenantId: 'acme', id: 'u1', version: 2 };
const group = { PK: 'TENANT#acme', SK: 'GROUP#g1', entity: 'Group', tenantId: 'acme', id: 'g1', version: 2 };

describe('the activity recorder sees', () => {
  const { recorder } = stack.endpoint.functions;

  it("a user's deletion's departure notes (its remove_member records) and deletion notes", () => {
    expect(passes(recorder, inserted(departureNotePut(db, 'acme', 'g1', 'u1', Date.now()).Put.Item))).toBe(true);
    expect(passes(recorder, inserted(deletionNotePut(db, 'acme', 'User', 'u1', 'ada', { requestId: 'r' }).Put.Item))).toBe(true);
  });

  it('user and group writes', () => {
    for (const item of [user, group]) {
      expect(passes(recorder, inserted(item))).toBe(true);
      expect(passes(recorder, { eventName: 'MODIFY', dynamodb: { NewImage: marshall(item), OldImage: marshall(item) } })).toBe(true);
    }
  });

  it('no membership items', () => {
    const membership = membershipItem('acme', 'g1', 'u1');
    expect(passes(recorder, inserted(membership))).toBe(false);
    expect(passes(recorder, removed(membership))).toBe(false);
  });
});

describe('the change publisher', () => {
  it('sees every record (no filter): it picks users and groups itself', () => {
    expect(patternsOf(stack.endpoint.functions.publisher)).toEqual([]);
  });
});
