/**
 * Workload identity federation in the benchmark: what a client assertion costs at the token
 * endpoint next to a client secret (HTTP on the local stack, JWKS cached), the verifier alone
 * in-process (wall and CPU per assertion: jose's RS256 verify plus the claim checks), and the one
 * request that fetches the JWKS (loopback here; Entra's keys are an internet round trip on AWS).
 * Run alone: `npm run bench -- --skip cycles,bundles,micro,oauth,extensions --bulk 0 --federation 200 --out /tmp/bench.json`.
 */
import { performance } from 'node:perf_hooks';
import { verifyClientAssertion } from '../../functions/federation/assertion-verifier';
import { clearJwksCache } from '../../functions/federation/jwks-cache';
import { addFederatedCredential } from '../../functions/federation/federated-credentials';
import { getFederatedCredential } from '../../functions/store/federated-credential-items';
import { addClient } from '../../functions/credentials/client-service';
import { JWT_BEARER_ASSERTION_TYPE } from '../../functions/oauth/token-request';
import { generateToken } from '../../functions/credentials/secret-token';
import { startLocalStack } from '../../local/server';
import { startLocalIssuer } from '../../test/support/local-issuer';
import { percentile, round, table } from './stats';

const TENANT = 'federation';

export interface FederationRow {
  readonly measured: string;
  readonly count: number;
  readonly 'p50 ms': number;
  readonly 'p95 ms': number;
  readonly 'CPU µs/op': number | string;
}

const row = (measured: string, ms: number[], cpuMicros?: number): FederationRow => {
  const sorted = [...ms].sort((a, b) => a - b);
  return {
    measured,
    count: ms.length,
    'p50 ms': percentile(sorted, 0.5),
    'p95 ms': percentile(sorted, 0.95),
    'CPU µs/op': cpuMicros === undefined ? '' : Math.round(cpuMicros),
  };
};

export async function federationBenchmark(requests: number): Promise<FederationRow[]> {
  if (requests <= 0) return [];
  const issuer = await startLocalIssuer();
  process.env.SCIM_FEDERATION_JWKS_HOSTS = issuer.host;
  process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE = String(requests * 10);
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-federation',
    tenants: [{ tenantId: TENANT, token: generateToken() }],
    streams: false,
    log: () => undefined,
  });
  try {
    const federated = await addFederatedCredential(stack.db, TENANT, {
      issuer: issuer.issuer,
      jwksUri: issuer.jwksUri(),
      subject: issuer.objectId,
      audiences: [issuer.appId],
      tenantId: issuer.entraTenantId,
    });
    const secret = await addClient(stack.db, TENANT);
    const assertion = await issuer.mint({ lifetimeSeconds: 3900 });
    const tokenUrl = `${stack.url}/tenants/${TENANT}/oauth2/token`;
    const bodies = {
      secret: `grant_type=client_credentials&client_id=${secret.clientId}&client_secret=${secret.clientSecret}`,
      assertion: `grant_type=client_credentials&client_id=${federated.clientId}&client_assertion=${assertion}&client_assertion_type=${encodeURIComponent(JWT_BEARER_ASSERTION_TYPE)}`,
    };
    const post = async (body: string) => {
      const started = performance.now();
      const response = await fetch(tokenUrl, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body });
      await response.text();
      if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}`);
      return performance.now() - started;
    };
    // Warm-up: modules, the signing key; the assertion's first request also fetches the JWKS.
    await post(bodies.secret);
    const coldJwks = await post(bodies.assertion);
    const http: Record<keyof typeof bodies, number[]> = { secret: [], assertion: [] };
    for (let i = 0; i < requests; i += 1) for (const kind of ['secret', 'assertion'] as const) http[kind].push(await post(bodies[kind]));

    const credential = await getFederatedCredential(stack.db, TENANT, federated.clientId);
    if (!credential) throw new Error('the credential is gone');
    await verifyClientAssertion(assertion, credential);
    const verify: number[] = [];
    const cpuStart = process.cpuUsage();
    for (let i = 0; i < requests; i += 1) {
      const started = performance.now();
      await verifyClientAssertion(assertion, credential);
      verify.push(performance.now() - started);
    }
    const cpu = process.cpuUsage(cpuStart);
    clearJwksCache();
    const rows = [
      row('POST /oauth2/token, client secret (HTTP)', http.secret),
      row('POST /oauth2/token, client assertion, JWKS cached (HTTP)', http.assertion),
      row('POST /oauth2/token, client assertion, JWKS fetched (first request, loopback)', [coldJwks]),
      row('verifyClientAssertion alone (in-process, JWKS cached)', verify, (cpu.user + cpu.system) / requests),
    ];
    console.log(`\nWorkload identity federation (docs/federation.md)\n${table(rows as unknown as Record<string, string | number>[])}`);
    return rows.map((r) => ({ ...r, 'p50 ms': round(r['p50 ms']), 'p95 ms': round(r['p95 ms']) }));
  } finally {
    delete process.env.SCIM_FEDERATION_JWKS_HOSTS;
    delete process.env.OAUTH_TOKEN_REQUESTS_PER_MINUTE;
    await stack.stop();
    await issuer.stop();
  }
}
