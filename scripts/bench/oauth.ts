/**
 * OAuth in the benchmark: the token endpoint's latency over HTTP (Microsoft's exact request), and
 * what the authorizer costs per evaluation with an access token (JWT) next to the static secret
 * token: DynamoDB calls, DynamoDB ms and total ms, with the real authorizer handler invoked
 * in-process (as API Gateway would on a cache miss). Plus GET /Users end to end with each
 * credential and the authorizer cache off, so every request pays the authorizer.
 */
import { performance } from 'node:perf_hooks';
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { addClient } from '../../functions/credentials/client-service';
import { documentClient } from '../../functions/store/dynamodb-client';
import { generateToken } from '../../functions/credentials/secret-token';
import { methodArn } from '../../local/http-event';
import { startLocalStack } from '../../local/server';
import { ScimClient } from './client';
import { installMeter, METER_HEADER, metered, meterRequests, takeMeter, type Meter } from './metering';
import { percentile, Recorder, round, type OperationFigures } from './stats';

const TENANT = 'oauth';

export interface AuthorizerFigures {
  credential: string;
  evaluations: number;
  'p50 ms': number;
  'p95 ms': number;
  'DDB calls': number;
  'DDB ms': number;
}

export interface OAuthFigures {
  /** POST token, GET /Users with each credential (authorizer on every request). */
  http: OperationFigures[];
  authorizer: AuthorizerFigures[];
}

export async function oauthBenchmark(requests: number): Promise<OAuthFigures> {
  // Latency, not the per-tenant throttle (60 a minute by default), is measured here.
  process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = String(requests * 10);
  const token = generateToken();
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-oauth',
    tenants: [{ tenantId: TENANT, token }],
    // Every request evaluates the authorizer: what a cache miss costs.
    authorizerCacheSeconds: 0,
    aroundRequest: meterRequests,
    streams: false,
    log: () => undefined,
  });
  try {
    installMeter(documentClient());
    const credentials = await addClient(stack.db, TENANT);
    const recorder = new Recorder();
    const tokenUrl = `${stack.url}/tenants/${TENANT}/oauth2/token`;
    const body = `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${credentials.clientSecret}`;
    let accessToken = '';
    for (let i = 0; i < requests; i += 1) {
      const id = `token-${i}`;
      const started = performance.now();
      const response = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', [METER_HEADER]: id },
        body,
      });
      const json = (await response.json()) as { access_token?: string };
      if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
      // Warm-up (first module loads, key file) is left out of the figures.
      if (i > 0)
        recorder.add('POST /oauth2/token (client credentials)', {
          ms: performance.now() - started,
          status: response.status,
          meter: takeMeter(id),
        });
      else takeMeter(id);
      accessToken = json.access_token ?? accessToken;
    }
    if (!accessToken) throw new Error('the token endpoint issued no token');

    const base = `${stack.url}/tenants/${TENANT}/scim/v2`;
    for (const [label, credential] of [
      ['secret token', token],
      ['access token (JWT)', accessToken],
    ] as const) {
      const client = new ScimClient(base, credential, recorder);
      await client.call('warm-up', 'GET', '/Users?count=1');
      for (let i = 0; i < requests; i += 1)
        await client.call(`GET /Users?count=1 (${label}, no authorizer cache)`, 'GET', '/Users?count=1');
    }

    const { handler } = await import('../../functions/authorizer');
    const arn = methodArn('GET', `/tenants/${TENANT}/scim/v2/Users`);
    const authorizer: AuthorizerFigures[] = [];
    for (const [label, credential] of [
      ['secret token', token],
      ['access token (JWT)', accessToken],
    ] as const) {
      const event: APIGatewayTokenAuthorizerEvent = { type: 'TOKEN', authorizationToken: `Bearer ${credential}`, methodArn: arn };
      await handler(event);
      const samples: { ms: number; meter: Meter }[] = [];
      for (let i = 0; i < requests; i += 1) {
        const started = performance.now();
        const { meter } = await metered(() => handler(event));
        samples.push({ ms: performance.now() - started, meter });
      }
      const sorted = samples.map((s) => s.ms).sort((a, b) => a - b);
      const mean = (pick: (s: { ms: number; meter: Meter }) => number) =>
        round(samples.reduce((sum, s) => sum + pick(s), 0) / samples.length);
      authorizer.push({
        credential: label,
        evaluations: samples.length,
        'p50 ms': percentile(sorted, 0.5),
        'p95 ms': percentile(sorted, 0.95),
        'DDB calls': mean((s) => s.meter.calls),
        'DDB ms': mean((s) => s.meter.dynamoMs),
      });
    }
    return { http: recorder.figures().filter((f) => f.operation !== 'warm-up'), authorizer };
  } finally {
    delete process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE;
    await stack.stop();
  }
}
