/**
 * The KMS signer's real calls, against moto_server: kms:Sign by the SDK (DER signature turned into
 * JOSE r||s) and kms:GetPublicKey by the lean signed call the authorizer uses (once per signer,
 * however many tokens are verified; counted by a proxy in front of moto), and the whole OAuth flow
 * on the local stack with the KMS key instead of the local key file.
 */
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { expect } from '@jest/globals';
import { addClient } from '../../functions/credentials/client-service';
import { AccessTokenRefused, issueAccessToken, verifyAccessToken } from '../../functions/oauth/access-token';
import { kmsSigner } from '../../functions/signing/kms-signer';
import { startAwsProxy, type AwsProxy } from '../support/aws-proxy';
import { startTestStack, type Json, type TestStack } from '../support/local-stack';
import { describeWithMoto, type Moto } from '../support/moto';

const REGION = 'eu-west-1';
const ISSUER = 'urn:scim-serverless:moto';

let client: KMSClient;
let keyArn: string;
let otherKeyArn: string;
let rsaKeyArn: string;
let stack: TestStack | undefined;
/** Between the signer and moto: sees every KMS call, the SDK's and the lean ones. */
let proxy: AwsProxy;

async function createKey(spec: 'ECC_NIST_P256' | 'RSA_2048'): Promise<string> {
  const { KeyMetadata } = await client.send(new CreateKeyCommand({ KeySpec: spec, KeyUsage: 'SIGN_VERIFY', Description: 'test' }));
  if (!KeyMetadata?.Arn) throw new Error('moto created no key');
  return KeyMetadata.Arn;
}

const issue = (signer: ReturnType<typeof kmsSigner>) =>
  issueAccessToken(signer, { issuer: ISSUER, tenantId: 'acme', clientId: 'client-0001', lifetimeSeconds: 3600 });

describeWithMoto('KMS access-token signer', {
  setup: async (moto: Moto) => {
    process.env.AWS_ACCESS_KEY_ID = 'testing';
    process.env.AWS_SECRET_ACCESS_KEY = 'testing';
    proxy = await startAwsProxy(moto.endpoint);
    process.env.AWS_ENDPOINT_URL_KMS = proxy.endpoint;
    client = new KMSClient({ region: REGION });
    keyArn = await createKey('ECC_NIST_P256');
    otherKeyArn = await createKey('ECC_NIST_P256');
    rsaKeyArn = await createKey('RSA_2048');
  },
  teardown: async () => {
    await stack?.stop();
    client?.destroy();
    await proxy?.stop();
    delete process.env.OAUTH_SIGNING_KEY_ARN;
  },
  tests: {
    'signs with kms:Sign and verifies with the public key from kms:GetPublicKey': async () => {
      const signer = kmsSigner(keyArn, client);
      const { accessToken } = await issue(signer);
      const signature = Buffer.from(accessToken.split('.')[2] ?? '', 'base64url');
      expect(signature).toHaveLength(64);
      await expect(verifyAccessToken(accessToken, await signer.publicKey(), { issuer: ISSUER })).resolves.toMatchObject({
        tenantId: 'acme',
        clientId: 'client-0001',
      });
    },

    'fetches the public key once, however many tokens it verifies': async () => {
      const signer = kmsSigner(keyArn, client);
      const tokens = await Promise.all([1, 2, 3].map(() => issue(signer)));
      proxy.targets.length = 0;
      for (const { accessToken } of [...tokens, ...tokens])
        await verifyAccessToken(accessToken, await signer.publicKey(), { issuer: ISSUER });
      expect(proxy.targets).toEqual(['TrentService.GetPublicKey']);
    },

    'refuses a token signed by another KMS key': async () => {
      const { accessToken } = await issue(kmsSigner(otherKeyArn, client));
      await expect(verifyAccessToken(accessToken, await kmsSigner(keyArn, client).publicKey(), { issuer: ISSUER })).rejects.toEqual(
        new AccessTokenRefused('bad signature'),
      );
    },

    'refuses a key that is not ECC_NIST_P256': async () => {
      await expect(kmsSigner(rsaKeyArn, client).publicKey()).rejects.toThrow(/ECC_NIST_P256/);
    },

    "Microsoft's token request and GET /Users work on the local stack with the KMS key": async () => {
      process.env.OAUTH_SIGNING_KEY_ARN = keyArn;
      stack = await startTestStack({ tenants: ['acme'] });
      const credentials = await addClient(stack.stack.db, 'acme');
      const response = await fetch(`http://127.0.0.1:${stack.stack.port}/tenants/acme/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`,
      });
      expect(response.status).toBe(200);
      const token = String(((await response.json()) as Json).access_token);
      // Signed by the KMS key: its public key verifies it.
      await expect(
        verifyAccessToken(token, await kmsSigner(keyArn, client).publicKey(), { issuer: 'urn:scim-serverless:local' }),
      ).resolves.toMatchObject({ tenantId: 'acme' });
      const users = await stack.request('acme', 'GET', '/Users?startIndex=1&count=1', undefined, { authorization: `Bearer ${token}` });
      expect(users.status).toBe(200);
    },
  },
});
