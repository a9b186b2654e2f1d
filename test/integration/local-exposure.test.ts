/**
 * The local server and DynamoDB Local are reachable from this machine only, by default: DynamoDB
 * Local accepts any credentials, and the server prints tenants' tokens. Checked by dialling this
 * machine's own network address, as a neighbour on the network would (test/support/connect.ts). SCIM_LISTEN_HOST (the `host`
 * option) exposes the SCIM server on purpose, which also shows the probe can see an exposed port.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { startLocalStack, type LocalStack } from '../../local/server';
import { accepts, otherAddress } from '../support/connect';
import { runDynamoEndpoint, uniqueTableName } from '../support/dynamodb';

const external = otherAddress();
const stacks: LocalStack[] = [];

async function start(host?: string): Promise<LocalStack> {
  const stack = await startLocalStack({
    port: 0,
    ...(host ? { host } : {}),
    tableName: uniqueTableName('exposure'),
    dynamoEndpoint: runDynamoEndpoint(),
    streams: false,
    log: () => undefined,
  });
  stacks.push(stack);
  return stack;
}

afterAll(async () => {
  for (const stack of stacks) await stack.stop();
});

describe('local exposure', () => {
  it('has another address of this machine to dial (else nothing below could be checked)', () => {
    expect(external).toEqual(expect.stringMatching(/^\d+\.\d+\.\d+\.\d+$/));
  });

  it('DynamoDB Local answers on 127.0.0.1 and refuses the network', async () => {
    const port = Number(new URL(runDynamoEndpoint()).port);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    expect(await accepts(external ?? '', port)).toBe(false);
  });

  it('the SCIM server listens on 127.0.0.1 by default and refuses the network', async () => {
    const stack = await start();
    expect(stack.host).toBe('127.0.0.1');
    expect(await accepts('127.0.0.1', stack.port)).toBe(true);
    expect(await accepts(external ?? '', stack.port)).toBe(false);
  });

  it('an explicit host (SCIM_LISTEN_HOST=0.0.0.0) exposes the SCIM server', async () => {
    const stack = await start('0.0.0.0');
    expect(await accepts(external ?? '', stack.port)).toBe(true);
    const response = await fetch(`http://${external}:${stack.port}/tenants/nobody/scim/v2/Users`);
    expect(response.status).toBe(401);
  });
});
