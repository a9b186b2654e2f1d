/**
 * Which DynamoDB document-client commands a Lambda entry's code constructs: the entry is bundled
 * with esbuild (tree shaking on, the AWS SDK left external and names unminified), so code the
 * function cannot reach is gone, and every `new <Command>(` that is left is a call it can make.
 * The authorizer calls DynamoDB without the SDK (functions/store/lean-table.ts): each
 * `awsJsonCall(DYNAMODB, "<Operation>"` left in the bundle is a call too.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { PROJECT_ROOT } from '../../lib/scim-endpoint';
import { COMMAND_ACTIONS } from '../../lib/table-access';

/** The authorizer's one transaction (store/lean-table.ts): a ConditionCheck on the tenant and a Put of the refusal's record. */
const LEAN_OPERATION_ACTIONS: Readonly<Record<string, readonly string[]>> = {
  TransactWriteItems: ['dynamodb:ConditionCheckItem', 'dynamodb:PutItem'],
};

const DYNAMODB_MODULES = new Set(['@aws-sdk/lib-dynamodb', '@aws-sdk/client-dynamodb']);

export async function tableActionsOf(entry: string): Promise<string[]> {
  const result = await build({
    entryPoints: [join(PROJECT_ROOT, entry)],
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    mainFields: ['module', 'main'],
    external: ['@aws-sdk/*'],
    treeShaking: true,
    minify: false,
    write: false,
    outfile: 'index.mjs',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text ?? '';
  const actions = new Set<string>();
  for (const match of code.matchAll(/import\s*\{([^}]*)\}\s*from\s*"([^"]+)"/g)) {
    if (!DYNAMODB_MODULES.has(match[2] ?? '')) continue;
    for (const binding of (match[1] ?? '').split(',')) {
      const [imported, local = imported] = binding.trim().split(/\s+as\s+/);
      if (!imported || !local || !/Command$/.test(imported)) continue;
      if (!new RegExp(`new ${local.replace(/\$/g, '\\$')}\\(`).test(code)) continue;
      const granted = COMMAND_ACTIONS[imported];
      if (!granted) throw new Error(`${entry} constructs ${imported}: add its IAM actions to COMMAND_ACTIONS in lib/table-access.ts`);
      granted.forEach((action) => actions.add(action));
    }
  }
  for (const match of code.matchAll(/awsJsonCall\d*\(\s*DYNAMODB\d*,\s*"(\w+)"/g)) {
    for (const action of LEAN_OPERATION_ACTIONS[match[1] ?? ''] ?? [`dynamodb:${match[1]}`]) actions.add(action);
  }
  return [...actions].sort();
}
