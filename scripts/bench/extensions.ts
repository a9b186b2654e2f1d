/**
 * Schema extensions in the benchmark (issue #14): the same requests against a tenant without an
 * extension and a tenant whose 20-attribute extension is filled on every user, on one local stack,
 * one request in flight. Per operation: DynamoDB calls per request (must be equal: the tenant's
 * profile is cached per settings version, extension attributes live in the resource item) and
 * handler CPU p50 for each tenant, with the difference. Also the sizes that decided how settings
 * reach the handler: the settings JSON (what the authorizer context would carry) and the digest.
 */
import { performance } from 'node:perf_hooks';
import { documentClient } from '../../functions/store/dynamodb-client';
import { tenantSettingsSchema, type TenantSettingsInput } from '../../functions/tenants/settings-schema';
import { profileOf } from '../../functions/tenants/profile-from-settings';
import { settingsDigest } from '../../functions/tenants/settings-digest';
import { generateToken } from '../../functions/credentials/secret-token';
import { startLocalStack } from '../../local/server';
import { ScimClient } from './client';
import { cpuMeter } from './cpu';
import { addHandlerCpu, installMeter, meterRequests } from './metering';
import { Recorder, round, type OperationFigures } from './stats';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const EXT = 'urn:ietf:params:scim:schemas:extension:bench:2.0:User';

/** 20 attributes of every kind a tenant can declare. */
const TYPES = ['string', 'integer', 'boolean', 'decimal', 'dateTime', 'reference', 'binary', 'string', 'integer', 'string'] as const;
export const twentyAttributeSettings: TenantSettingsInput = {
  schemaExtensions: [
    {
      id: EXT,
      resourceType: 'User',
      attributes: [
        ...Array.from({ length: 16 }, (_, i) => ({ name: `attr${i}`, type: TYPES[i % TYPES.length] })),
        { name: 'tags', multiValued: true },
        { name: 'office', type: 'complex', subAttributes: [{ name: 'building' }, { name: 'floor', type: 'integer' }] },
        { name: 'devices', type: 'complex', multiValued: true, subAttributes: [{ name: 'value' }, { name: 'type' }] },
        { name: 'costCode', uniqueness: 'none' },
      ],
    },
  ],
};

const SAMPLE: Record<(typeof TYPES)[number], unknown> = {
  string: 'value',
  integer: 42,
  boolean: true,
  decimal: 1.5,
  dateTime: '2027-01-31T12:00:00Z',
  reference: 'https://example.com/r',
  binary: 'aGVsbG8=',
};

function extensionValues(i: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (let k = 0; k < 16; k += 1) values[`attr${k}`] = SAMPLE[TYPES[k % TYPES.length] as (typeof TYPES)[number]];
  return {
    ...values,
    tags: ['a', 'b'],
    office: { building: 'B1', floor: i % 10 },
    devices: [{ value: `d-${i}`, type: 'laptop' }],
    costCode: `cc-${i}`,
  };
}

/** One user's life as Entra drives it: create, read, PATCH, PUT, the two existence filters. */
async function userRequests(client: ScimClient, extended: boolean, i: string): Promise<void> {
  const userName = `u${i}@bench.example`;
  const body = {
    schemas: extended ? [USER, EXT] : [USER],
    userName,
    externalId: `e-${i}`,
    name: { givenName: 'A', familyName: 'B' },
    emails: [{ value: userName, type: 'work', primary: true }],
    ...(extended ? { [EXT]: extensionValues(Number(i)) } : {}),
  };
  const created = await client.call('POST /Users', 'POST', '/Users', body);
  const id = String(created.body.id);
  await client.call('GET /Users/{id}', 'GET', `/Users/${id}`);
  const replace: Record<string, unknown> = extended
    ? { [`${EXT}:attr0`]: `v${i}`, [`${EXT}:attr1`]: Number(i), displayName: `U ${i}` }
    : { title: `v${i}`, nickName: `n${i}`, displayName: `U ${i}` };
  await client.call('PATCH /Users (Entra replace: 3 attributes)', 'PATCH', `/Users/${id}`, {
    schemas: [PATCH_OP],
    Operations: [{ op: 'Replace', value: replace }],
  });
  await client.call('PUT /Users/{id}', 'PUT', `/Users/${id}`, { ...body, displayName: `Put ${i}` });
  await client.call('GET /Users?filter=userName eq', 'GET', `/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`);
  await client.call('GET /Users?filter=externalId eq', 'GET', `/Users?filter=${encodeURIComponent(`externalId eq "e-${i}"`)}`);
}

export interface ExtensionRow {
  operation: string;
  'DDB calls (no ext)': number;
  'DDB calls (20 attrs)': number;
  'CPU p50 ms (no ext)': number;
  'CPU p50 ms (20 attrs)': number;
  'CPU Δ ms': number;
}

export interface ExtensionFigures {
  rows: ExtensionRow[];
  settingsBytes: number;
  digestBytes: number;
  /** Building a tenant profile (registry + dialect) from stored settings: once per settings version. */
  profileBuildMs: number;
}

export async function extensionBenchmark(users: number): Promise<ExtensionFigures> {
  const tenants = [
    { tenantId: 'bench-plain', token: generateToken() },
    { tenantId: 'bench-ext20', token: generateToken(), settings: twentyAttributeSettings },
  ];
  const cpu = cpuMeter('process', addHandlerCpu);
  const stack = await startLocalStack({
    port: 0,
    host: '127.0.0.1',
    tableName: 'bench-extensions',
    tenants,
    authorizerCacheSeconds: 300,
    aroundRequest: meterRequests,
    aroundInvoke: (name, invoke) => cpu.aroundInvoke(name, invoke),
    streams: false,
    log: () => undefined,
  });
  const figures = new Map<string, OperationFigures[]>();
  try {
    installMeter(documentClient());
    const recorders = new Map(tenants.map((t) => [t.tenantId, new Recorder()]));
    const clientOf = (tenantId: string, token: string, recorder: Recorder) =>
      new ScimClient(`${stack.url}/tenants/${tenantId}/scim/v2`, token, recorder);
    // The two tenants take turns (order flipped every user), after a warm-up of both, so that JIT
    // warm-up and machine noise fall on both alike.
    const warmUp = 30;
    for (let i = 0; i < warmUp + users; i += 1) {
      const order = i % 2 === 0 ? tenants : [...tenants].reverse();
      for (const tenant of order) {
        const recorder = i < warmUp ? new Recorder() : (recorders.get(tenant.tenantId) as Recorder);
        await userRequests(clientOf(tenant.tenantId, tenant.token, recorder), 'settings' in tenant, `${i}`);
      }
    }
    for (const [tenantId, recorder] of recorders) figures.set(tenantId, recorder.figures());
  } finally {
    cpu.stop();
    await stack.stop();
  }
  const plain = figures.get('bench-plain') ?? [];
  const ext = figures.get('bench-ext20') ?? [];
  const rows = plain.map((p) => {
    const e = ext.find((f) => f.operation === p.operation);
    return {
      operation: p.operation,
      'DDB calls (no ext)': p.roundTripsPerRequest,
      'DDB calls (20 attrs)': e?.roundTripsPerRequest ?? NaN,
      'CPU p50 ms (no ext)': p.cpuP50,
      'CPU p50 ms (20 attrs)': e?.cpuP50 ?? NaN,
      'CPU Δ ms': round((e?.cpuP50 ?? NaN) - p.cpuP50, 3),
    };
  });
  const stored = tenantSettingsSchema.parse(twentyAttributeSettings);
  const started = performance.now();
  const builds = 200;
  for (let i = 0; i < builds; i += 1) profileOf(stored).profile.schemas.resolvePath('User', `${EXT}:attr0`);
  return {
    rows,
    settingsBytes: Buffer.byteLength(JSON.stringify(stored)),
    digestBytes: settingsDigest(stored).length,
    profileBuildMs: round((performance.now() - started) / builds, 3),
  };
}
