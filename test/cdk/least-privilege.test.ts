/**
 * Least privilege on the table, proven from both ends: each function's role in the synthesized
 * template allows exactly the DynamoDB actions lib/table-access.ts lists for it, and that list is
 * exactly what the function's tree-shaken bundle can call (test/support/table-calls.ts).
 */
import { describe, expect, it } from '@jest/globals';
import { functionEntries, jobFunctionEntries, streamFunctionEntries } from '../../functions/routes';
import { TABLE_ACTIONS, type TableUser } from '../../lib/table-access';
import { tableActionsOf } from '../support/table-calls';
import { testStack, testTemplate } from './stack-fixture';

const stack = testStack();
const template = testTemplate(stack).toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
const resources = template.Resources;
const tableId = stack.getLogicalId(stack.endpoint.table.node.defaultChild as never);

const entries: Record<TableUser, string> = {
  ...functionEntries,
  ...streamFunctionEntries,
  ...jobFunctionEntries,
  onboarding: 'functions/onboarding.ts',
};

interface Statement {
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const asList = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The role of a function, by its logical id's `<name>Function` prefix. */
function roleOf(name: string): string {
  const [, fn] =
    Object.entries(resources).find(([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith(`Scim${name}Function`)) ?? [];
  if (!fn) throw new Error(`no function ${name} in the template`);
  return (fn.Properties.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
}

/** DynamoDB actions a role's policies allow on the table or its indexes (streams excluded). */
function tableActionsOfRole(roleId: string): { actions: string[]; resources: string[] } {
  const actions = new Set<string>();
  const resourceKinds = new Set<string>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    if (!asList(resource.Properties.Roles as unknown[]).some((role) => JSON.stringify(role) === JSON.stringify({ Ref: roleId }))) continue;
    for (const statement of (resource.Properties.PolicyDocument as { Statement: Statement[] }).Statement) {
      const onTable = asList(statement.Resource).filter(
        (r) => JSON.stringify(r).includes(tableId) && !JSON.stringify(r).includes('StreamArn'),
      );
      if (onTable.length === 0) continue;
      onTable.forEach((r) => resourceKinds.add(JSON.stringify(r).includes('/index/') ? 'index' : 'table'));
      for (const action of asList(statement.Action))
        if (!action.startsWith('dynamodbstreams:') && !/Stream/.test(action)) actions.add(action);
    }
  }
  return { actions: [...actions].sort(), resources: [...resourceKinds].sort() };
}

const names = Object.keys(TABLE_ACTIONS) as TableUser[];

describe('table access per function', () => {
  it.each(names)('%s: the template grants exactly its listed actions', (name) => {
    const granted = tableActionsOfRole(roleOf(name));
    expect(granted.actions).toEqual([...TABLE_ACTIONS[name]].sort());
    // Indexes only for the functions that query them.
    const queries = TABLE_ACTIONS[name].some((action: string) => action === 'dynamodb:Query');
    expect(granted.resources).toEqual(TABLE_ACTIONS[name].length === 0 ? [] : queries ? ['index', 'table'] : ['table']);
  });

  it.each(names)(
    '%s: the listed actions are exactly what its code calls',
    async (name) => {
      expect(await tableActionsOf(entries[name])).toEqual([...TABLE_ACTIONS[name]].sort());
    },
    60_000,
  );

  it('the publisher only Queries (the delta chunks of a large write); the authorizer reads and writes only a refusal record (Put under a tenant check)', () => {
    expect(tableActionsOfRole(roleOf('publisher')).actions).toEqual(['dynamodb:Query']);
    expect(tableActionsOfRole(roleOf('authorizer')).actions).toEqual([
      'dynamodb:ConditionCheckItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
    ]);
    // Discovery cannot Query, BatchWrite or touch a resource through an index: key reads and a failure record.
    expect(tableActionsOfRole(roleOf('discovery')).actions).not.toContain('dynamodb:Query');
  });

  it('no other role reaches the table', () => {
    const known = new Set(names.map(roleOf));
    const others = Object.entries(resources)
      .filter(([id, r]) => r.Type === 'AWS::IAM::Role' && !known.has(id))
      .filter(([id]) => tableActionsOfRole(id).actions.length > 0)
      .map(([id]) => id);
    expect(others).toEqual([]);
  });
});
