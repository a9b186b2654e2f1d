/**
 * The authorizer's SDK-free AWS calls (functions/commons/aws-json-call.ts): its GetItems on
 * DynamoDB Local return exactly what the document client returns, throttling and 5xx are retried
 * like the SDK does, other errors are not; kms:GetPublicKey against moto_server with SigV4 checking
 * switched on (moto verifies each signature with botocore's signer) takes our signature and refuses
 * a wrong one.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AwsCallError, regionalEndpoint } from '../../functions/commons/aws-json-call';
import { fetchKmsPublicKey } from '../../functions/signing/kms-public-key';
import { getClient, putClient } from '../../functions/store/oauth-client-items';
import type { Db } from '../../functions/store/db';
import { readClient, readTenant, readToken } from '../../functions/store/key-reads';
import { leanTable } from '../../functions/store/lean-table';
import { getTenant, getToken, putTenant, putToken } from '../../functions/store/tenants';
import { startAwsProxy } from '../support/aws-proxy';
import { dropTable, runDynamoEndpoint, testDb } from '../support/dynamodb';
import { describeWithMoto } from '../support/moto';

let db: Db;
const settings = {
  dialect: 'entra',
  requiredAttributes: { User: ['emails', 'roles[primary eq "True"].value'], Group: [] },
  schemaExtensions: [
    { id: 'urn:acme:2.0:User', resourceType: 'User', attributes: [{ name: 'seats', type: 'integer', multiValued: false, required: true }] },
  ],
  nested: { empty: {}, list: [1, 2.5, -3, 'x', true, null, { a: [] }], big: 9007199254740991 },
};

beforeAll(async () => {
  db = await testDb('lean-calls');
  await putTenant(db, { tenantId: 'acme', displayName: 'Acme', settings });
  await putToken(db, { tenantId: 'acme', tokenHash: 'a'.repeat(64), expiresAt: 1_900_000_000 });
  await putClient(db, { tenantId: 'acme', clientId: 'client-0001', secretHash: 'b'.repeat(64) });
});
afterAll(async () => dropTable(db));

/** Runs `body` with the lean table pointed at a proxy in front of DynamoDB Local. */
async function throughProxy<T>(body: (proxy: Awaited<ReturnType<typeof startAwsProxy>>) => Promise<T>): Promise<T> {
  const proxy = await startAwsProxy(runDynamoEndpoint());
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  process.env.DYNAMODB_ENDPOINT = proxy.endpoint;
  try {
    return await body(proxy);
  } finally {
    process.env.DYNAMODB_ENDPOINT = endpoint;
    await proxy.stop();
  }
}

describe('lean GetItem (the authorizer)', () => {
  it('reads a tenant, a token and a client exactly as the document client does', async () => {
    const lean = leanTable();
    expect(await readTenant(lean, 'acme')).toEqual(await getTenant(db, 'acme'));
    expect((await readTenant(lean, 'acme'))?.settings).toEqual(settings);
    expect(await readToken(lean, 'a'.repeat(64))).toEqual(await getToken(db, 'a'.repeat(64)));
    expect(await readToken(lean, 'a'.repeat(64))).toMatchObject({ tenantId: 'acme', expiresAt: 1_900_000_000 });
    expect(await readClient(lean, 'acme', 'client-0001')).toEqual(await getClient(db, 'acme', 'client-0001'));
    expect(await readClient(lean, 'acme', 'client-0001')).toMatchObject({
      status: 'active',
      secrets: [expect.objectContaining({ hash: 'b'.repeat(64) })],
    });
    expect(await readTenant(lean, 'nobody')).toBeUndefined();
    expect(await readToken(lean, 'c'.repeat(64))).toBeUndefined();
  });

  it('retries throttling and 5xx as the SDK does, then answers', async () => {
    await throughProxy(async (proxy) => {
      proxy.fail(2, 400, 'ProvisionedThroughputExceededException');
      expect(await readTenant(leanTable(), 'acme')).toMatchObject({ tenantId: 'acme' });
      proxy.fail(1, 503, 'ServiceUnavailable');
      expect(await readTenant(leanTable(), 'acme')).toMatchObject({ tenantId: 'acme' });
      expect(proxy.targets).toEqual(Array(5).fill('DynamoDB_20120810.GetItem'));
    });
  });

  it('gives up after DYNAMODB_MAX_ATTEMPTS with the service error', async () => {
    await throughProxy(async (proxy) => {
      proxy.fail(1000, 500, 'InternalServerError');
      await expect(readTenant(leanTable(), 'acme')).rejects.toMatchObject({ name: 'InternalServerError', statusCode: 500 });
      expect(proxy.targets).toHaveLength(4);
    });
  });

  it('does not retry what retrying cannot fix, and names it as the SDK would', async () => {
    const table = process.env.TABLE_NAME;
    process.env.TABLE_NAME = 'no-such-table';
    try {
      await throughProxy(async (proxy) => {
        const refusal = readTenant(leanTable(), 'acme');
        await expect(refusal).rejects.toBeInstanceOf(AwsCallError);
        await expect(refusal).rejects.toMatchObject({ name: 'ResourceNotFoundException', statusCode: 400, retryable: false });
        expect(proxy.targets).toHaveLength(1);
      });
    } finally {
      process.env.TABLE_NAME = table;
    }
  });

  it('signs for the regional endpoint of each partition', () => {
    expect(regionalEndpoint('dynamodb', 'eu-west-1')).toBe('https://dynamodb.eu-west-1.amazonaws.com');
    expect(regionalEndpoint('kms', 'us-gov-west-1')).toBe('https://kms.us-gov-west-1.amazonaws.com');
    expect(regionalEndpoint('dynamodb', 'cn-north-1')).toBe('https://dynamodb.cn-north-1.amazonaws.com.cn');
    expect(regionalEndpoint('kms', 'us-isob-east-1')).toBe('https://kms.us-isob-east-1.sc2s.sgov.gov');
  });
});

const REGION = 'eu-west-1';
let keyArn: string;
let accessKey: { id: string; secret: string };
const saved = { ...process.env };

/** moto's IAM Query API, before authentication is switched on (the signature is not checked yet). */
async function iam(endpoint: string, params: Record<string, string>): Promise<string> {
  const response = await fetch(`${endpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization:
        'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0',
    },
    body: new URLSearchParams({ ...params, Version: '2010-05-08' }),
  });
  if (!response.ok) throw new Error(`moto IAM ${params.Action}: ${response.status}`);
  return response.text();
}

describeWithMoto('lean kms:GetPublicKey, signatures checked', {
  setup: async (moto) => {
    await iam(moto.endpoint, { Action: 'CreateUser', UserName: 'authorizer' });
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await iam(moto.endpoint, {
      Action: 'PutUserPolicy',
      UserName: 'authorizer',
      PolicyName: 'all',
      PolicyDocument: JSON.stringify(policy),
    });
    const created = await iam(moto.endpoint, { Action: 'CreateAccessKey', UserName: 'authorizer' });
    const id = /<AccessKeyId>([^<]+)</.exec(created)?.[1];
    const secret = /<SecretAccessKey>([^<]+)</.exec(created)?.[1];
    if (!id || !secret) throw new Error('moto created no access key');
    accessKey = { id, secret };
    process.env.AWS_ENDPOINT_URL_KMS = moto.endpoint;
    const kms = new KMSClient({ region: REGION, credentials: { accessKeyId: id, secretAccessKey: secret } });
    const { KeyMetadata } = await kms.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
    kms.destroy();
    if (!KeyMetadata?.Arn) throw new Error('moto created no key');
    keyArn = KeyMetadata.Arn;
    // From here on moto authenticates every request: it recomputes each SigV4 signature.
    const reset = await fetch(`${moto.endpoint}/moto-api/reset-auth`, { method: 'POST', body: '0' });
    if (!reset.ok) throw new Error('moto did not switch authentication on');
  },
  teardown: async () => {
    for (const name of ['AWS_ENDPOINT_URL_KMS', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  },
  tests: {
    'takes our SigV4 signature and returns the P-256 public key': async () => {
      process.env.AWS_ACCESS_KEY_ID = accessKey.id;
      process.env.AWS_SECRET_ACCESS_KEY = accessKey.secret;
      const key = await fetchKmsPublicKey(keyArn);
      expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    },
    'refuses a request signed with the wrong secret (so the check above means something)': async () => {
      process.env.AWS_ACCESS_KEY_ID = accessKey.id;
      process.env.AWS_SECRET_ACCESS_KEY = `${accessKey.secret.slice(0, -1)}${accessKey.secret.endsWith('A') ? 'B' : 'A'}`;
      await expect(fetchKmsPublicKey(keyArn)).rejects.toMatchObject({ statusCode: 403, retryable: false });
    },
  },
});
