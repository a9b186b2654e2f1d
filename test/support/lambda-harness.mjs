/**
 * Loads one bundled Lambda function from a `cdk synth` asset folder and invokes it once, the way
 * Lambda's Node.js runtime does: the handler setting `<module>.<export>` names `<module>.mjs`,
 * `.js` or `.cjs` in the folder (the task root, also the working directory), imported as is.
 * Plain JavaScript on purpose: it runs on a bare Node 22, with nothing of this repository loaded.
 *
 *   node lambda-harness.mjs <asset dir> <handler> <event.json> <result.json>
 *
 * Writes `{ "result": ... }` to result.json; a thrown error is printed and exits 1.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [taskRoot, handlerSetting, eventFile, resultFile] = process.argv.slice(2);
const [moduleName, exportName] = handlerSetting.split('.');
const file = ['.mjs', '.js', '.cjs']
  .map((extension) => join(taskRoot, `${moduleName}${extension}`))
  .find((candidate) => existsSync(candidate));
if (!file) throw new Error(`no ${moduleName}.mjs/.js/.cjs in ${taskRoot}`);
const module = await import(pathToFileURL(file).href);
const handler = module[exportName];
if (typeof handler !== 'function') throw new Error(`${file} exports no function ${exportName}`);

const started = Date.now();
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:123456789012:function:${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: 'bundle-check',
  logGroupName: `/aws/lambda/${process.env.AWS_LAMBDA_FUNCTION_NAME}`,
  logStreamName: 'bundle-check',
  getRemainingTimeInMillis: () => Math.max(0, 29_000 - (Date.now() - started)),
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};
const result = await handler(JSON.parse(await readFile(eventFile, 'utf8')), context);
await writeFile(resultFile, JSON.stringify({ result: result ?? null }));
// Lambda freezes the sandbox after the answer; kept-alive SDK sockets must not keep this one running.
process.exit(0);
