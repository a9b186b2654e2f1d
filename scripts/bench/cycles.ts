/**
 * Entra-like provisioning cycles over HTTP: the initial full sync (filter-then-create for every
 * user and group, then membership PATCHes in batches) and an incremental cycle (updates,
 * deactivations, member changes, renames, deletes), plus an optional huge group.
 */
import { performance } from 'node:perf_hooks';
import { pool, type Json, type ScimClient } from './client';
import type { Recorder } from './stats';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const BULK = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_BATCH = 500;

export interface CycleSizes {
  readonly users: number;
  readonly groups: number;
  readonly memberships: number;
  readonly concurrency: number;
}

export interface Population {
  readonly userIds: string[];
  readonly groupIds: string[];
  readonly members: Map<string, string[]>;
}

const q = (filter: string) => encodeURIComponent(filter);
const patch = (...operations: Json[]) => ({ schemas: [PATCH_OP], Operations: operations });

export const entraUser = (i: number, prefix = 'user'): Json => ({
  schemas: [USER, ENTERPRISE],
  externalId: `${prefix}-ext-${i}`,
  userName: `${prefix}${i}@contoso.example`,
  active: true,
  displayName: `${prefix} ${i}`,
  name: { givenName: prefix, familyName: String(i), formatted: `${prefix} ${i}` },
  emails: [{ primary: true, type: 'work', value: `${prefix}${i}@contoso.example` }],
  phoneNumbers: [{ type: 'mobile', value: `+1 555 ${String(i).padStart(7, '0')}` }],
  roles: [],
  meta: { resourceType: 'User' },
  [ENTERPRISE]: { employeeNumber: String(i), department: `Dept ${i % 20}`, organization: 'Contoso' },
});

async function timed(recorder: Recorder, operation: string, run: () => Promise<number>): Promise<void> {
  recorder.addWall(operation, await run());
}

export async function initialCycle(client: ScimClient, recorder: Recorder, sizes: CycleSizes): Promise<Population> {
  const userIds: string[] = new Array<string>(sizes.users);
  const createUsers = await pool(
    Array.from({ length: sizes.users }, (_, i) => i),
    sizes.concurrency,
    async (i) => {
      const user = entraUser(i);
      await client.call('GET /Users?filter=userName eq (miss)', 'GET', `/Users?filter=${q(`userName eq "${String(user.userName)}"`)}`);
      const created = await client.call('POST /Users', 'POST', '/Users', user);
      userIds[i] = String(created.body.id);
    },
  );
  recorder.addWall('GET /Users?filter=userName eq (miss)', createUsers / 2);
  recorder.addWall('POST /Users', createUsers / 2);

  const groupIds: string[] = new Array<string>(sizes.groups);
  const createGroups = await pool(
    Array.from({ length: sizes.groups }, (_, i) => i),
    sizes.concurrency,
    async (i) => {
      const name = `Group ${i}`;
      await client.call(
        'GET /Groups?filter=displayName eq&excludedAttributes=members',
        'GET',
        `/Groups?filter=${q(`displayName eq "${name}"`)}&excludedAttributes=members`,
      );
      const created = await client.call('POST /Groups', 'POST', '/Groups', {
        schemas: [GROUP],
        displayName: name,
        externalId: `group-ext-${i}`,
      });
      groupIds[i] = String(created.body.id);
    },
  );
  recorder.addWall('GET /Groups?filter=displayName eq&excludedAttributes=members', createGroups / 2);
  recorder.addWall('POST /Groups', createGroups / 2);

  // Memberships: each group gets memberships/groups users, added 50 per PATCH as Entra batches them.
  const members = new Map<string, string[]>();
  const perGroup = Math.floor(sizes.memberships / Math.max(1, sizes.groups));
  const batches: { groupId: string; ids: string[] }[] = [];
  groupIds.forEach((groupId, g) => {
    const ids = Array.from({ length: Math.min(perGroup, userIds.length) }, (_, k) => userIds[(g * 7 + k) % userIds.length] as string);
    members.set(groupId, ids);
    for (let k = 0; k < ids.length; k += 50) batches.push({ groupId, ids: ids.slice(k, k + 50) });
  });
  await timed(recorder, 'PATCH /Groups add 50 members', () =>
    pool(batches, sizes.concurrency, async ({ groupId, ids }) => {
      await client.call(
        'PATCH /Groups add 50 members',
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }),
      );
    }),
  );
  return { userIds, groupIds, members };
}

export async function incrementalCycle(client: ScimClient, recorder: Recorder, sizes: CycleSizes, population: Population): Promise<void> {
  const { userIds, groupIds, members } = population;
  const every = (n: number) => userIds.filter((_, i) => i % n === 0);

  await timed(recorder, 'GET /Users/{id}', () =>
    pool(every(10), sizes.concurrency, async (id) => void (await client.call('GET /Users/{id}', 'GET', `/Users/${id}`))),
  );
  await timed(recorder, 'GET /Users?filter=externalId eq (hit)', () =>
    pool(
      every(10).map((_, k) => k * 10),
      sizes.concurrency,
      async (i) => {
        await client.call('GET /Users?filter=externalId eq (hit)', 'GET', `/Users?filter=${q(`externalId eq "user-ext-${i}"`)}`);
      },
    ),
  );
  await timed(recorder, 'PATCH /Users (Entra replace: 3 attributes)', () =>
    pool(every(10), sizes.concurrency, async (id) => {
      await client.call(
        'PATCH /Users (Entra replace: 3 attributes)',
        'PATCH',
        `/Users/${id}`,
        patch(
          { op: 'Replace', path: 'displayName', value: `Renamed ${id.slice(0, 6)}` },
          { op: 'Replace', path: 'emails[type eq "work"].value', value: `${id.slice(0, 8)}@fabrikam.example` },
          { op: 'Replace', path: `${ENTERPRISE}:department`, value: 'Moved' },
        ),
      );
    }),
  );
  await timed(recorder, 'PUT /Users/{id}', () =>
    pool(every(50), sizes.concurrency, async (id) => {
      const index = userIds.indexOf(id);
      await client.call('PUT /Users/{id}', 'PUT', `/Users/${id}`, { ...entraUser(index), title: 'Replaced' });
    }),
  );
  await timed(recorder, 'PATCH /Users active=False', () =>
    pool(every(50), sizes.concurrency, async (id) => {
      await client.call('PATCH /Users active=False', 'PATCH', `/Users/${id}`, patch({ op: 'Replace', path: 'active', value: 'False' }));
    }),
  );
  const changedGroups = groupIds.filter((_, i) => i % 10 === 0);
  await timed(recorder, 'PATCH /Groups remove 5 members', () =>
    pool(changedGroups, sizes.concurrency, async (groupId) => {
      const ids = (members.get(groupId) ?? []).slice(0, 5);
      await client.call(
        'PATCH /Groups remove 5 members',
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'Remove', path: 'members', value: ids.map((value) => ({ value })) }),
      );
    }),
  );
  await timed(recorder, 'PATCH /Groups add 5 members', () =>
    pool(changedGroups, sizes.concurrency, async (groupId) => {
      const ids = (members.get(groupId) ?? []).slice(0, 5);
      await client.call(
        'PATCH /Groups add 5 members',
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }),
      );
    }),
  );
  await timed(recorder, 'PATCH /Groups displayName', () =>
    pool(
      groupIds.filter((_, i) => i % 20 === 0),
      sizes.concurrency,
      async (groupId) => {
        await client.call(
          'PATCH /Groups displayName',
          'PATCH',
          `/Groups/${groupId}`,
          patch({ op: 'Replace', path: 'displayName', value: `Renamed ${groupId}` }),
        );
      },
    ),
  );
  // Okta's Group Push: the whole member list in one PUT (here: drop the first 5, add 5 others).
  await timed(recorder, 'PUT /Groups/{id} (replace member list)', () =>
    pool(changedGroups, sizes.concurrency, async (groupId) => {
      const ids = [...(members.get(groupId) ?? []).slice(5), ...userIds.slice(-5)];
      await client.call('PUT /Groups/{id} (replace member list)', 'PUT', `/Groups/${groupId}`, {
        schemas: [GROUP],
        displayName: `Pushed ${groupId}`,
        members: ids.map((value) => ({ value })),
      });
    }),
  );
  await timed(recorder, 'GET /Groups/{id}?excludedAttributes=members', () =>
    pool(
      groupIds,
      sizes.concurrency,
      async (groupId) =>
        void (await client.call('GET /Groups/{id}?excludedAttributes=members', 'GET', `/Groups/${groupId}?excludedAttributes=members`)),
    ),
  );
  await timed(recorder, 'DELETE /Groups/{id}', () =>
    pool(
      groupIds.filter((_, i) => i % 20 === 10),
      sizes.concurrency,
      async (groupId) => void (await client.call('DELETE /Groups/{id}', 'DELETE', `/Groups/${groupId}`)),
    ),
  );
  await timed(recorder, 'DELETE /Users/{id}', () =>
    pool(every(100), sizes.concurrency, async (id) => void (await client.call('DELETE /Users/{id}', 'DELETE', `/Users/${id}`))),
  );
}

/**
 * POST /Bulk with `size` independent user creates, one bulk request at a time, alternating between
 * the operations run one after another (SCIM_BULK_CONCURRENCY=1, how Bulk worked before) and as
 * deployed. One request of each mode goes first through `warmUp` (its own recorder, not reported):
 * the first bulk pays for warming DynamoDB Local's and V8's code paths, and whichever mode ran first
 * paid it alone (the serial one did, which flattered the speed-up). Returns the two mean latencies in ms.
 */
export async function bulkCreates(
  client: ScimClient,
  warmUp: ScimClient,
  size: number,
  requests: number,
): Promise<{ serialMs: number; concurrentMs: number }> {
  let batch = 0;
  const send = async (via: ScimClient, label: string, serial: boolean): Promise<number> => {
    batch += 1;
    const prefix = `bulk${batch}-`;
    const Operations = Array.from({ length: size }, (_, i) => ({
      method: 'POST',
      path: '/Users',
      bulkId: `b${i}`,
      data: entraUser(i, prefix),
    }));
    const previous = process.env.SCIM_BULK_CONCURRENCY;
    if (serial) process.env.SCIM_BULK_CONCURRENCY = '1';
    let ms: number;
    let response: Awaited<ReturnType<ScimClient['call']>>;
    try {
      const started = performance.now();
      response = await via.call(label, 'POST', '/Bulk', { schemas: [BULK], Operations });
      ms = performance.now() - started;
    } finally {
      if (previous === undefined) delete process.env.SCIM_BULK_CONCURRENCY;
      else process.env.SCIM_BULK_CONCURRENCY = previous;
    }
    const created = ((response.body.Operations ?? []) as Json[]).filter((o) => String(o.status) === '201').length;
    if (created !== size) throw new Error(`${label}: ${created} of ${size} created`);
    return ms;
  };
  const serialLabel = `POST /Bulk (${size} user creates, one at a time)`;
  const concurrentLabel = `POST /Bulk (${size} user creates, concurrent)`;
  await send(warmUp, serialLabel, true);
  await send(warmUp, concurrentLabel, false);
  let serialMs = 0;
  let concurrentMs = 0;
  for (let r = 0; r < requests; r += 1) {
    serialMs += await send(client, serialLabel, true);
    concurrentMs += await send(client, concurrentLabel, false);
  }
  return { serialMs: serialMs / requests, concurrentMs: concurrentMs / requests };
}

export interface HugeGroupFigures {
  members: number;
  buildSeconds: number;
  fullReadStatus: number;
  cursorPages: number;
  cursorReadSeconds: number;
  deleteMs: number;
  janitorSeconds: number;
}

/** A group of `size` members: built by PATCH (1,000 per request), read, paged, deleted and cleaned up. */
export async function hugeGroup(
  client: ScimClient,
  recorder: Recorder,
  size: number,
  concurrency: number,
  drain: () => Promise<void>,
): Promise<HugeGroupFigures> {
  const userIds: string[] = [];
  // 500 creates per request keeps each bulk request well inside its 20 s budget on this machine;
  // operations answered 503 (budget used up) are sent again, as a client should.
  let todo = Array.from({ length: size }, (_, i) => i);
  for (let round = 0; todo.length > 0 && round < 5; round += 1) {
    const batches = Array.from({ length: Math.ceil(todo.length / BULK_BATCH) }, (_, b) => todo.slice(b * BULK_BATCH, (b + 1) * BULK_BATCH));
    const retry: number[] = [];
    await timed(recorder, 'POST /Bulk (500 user creates)', () =>
      pool(batches, Math.min(concurrency, 4), async (batch) => {
        const Operations = batch.map((i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: entraUser(i, 'huge') }));
        const response = await client.call('POST /Bulk (500 user creates)', 'POST', '/Bulk', { schemas: [BULK], Operations });
        for (const op of (response.body.Operations ?? []) as Json[]) {
          const location = String(op.location ?? '');
          if (location) userIds.push(location.slice(location.lastIndexOf('/') + 1));
          else if (String(op.status) === '503') retry.push(Number(String(op.bulkId).slice(1)));
        }
      }),
    );
    todo = retry;
  }
  const group = await client.call('POST /Groups', 'POST', '/Groups', { schemas: [GROUP], displayName: `Huge ${size}` });
  const groupId = String(group.body.id);
  const built = performance.now();
  const chunks = Array.from({ length: Math.ceil(userIds.length / 1000) }, (_, c) => userIds.slice(c * 1000, c * 1000 + 1000));
  await timed(recorder, 'PATCH /Groups add 1,000 members', () =>
    pool(chunks, concurrency, async (ids) => {
      await client.call(
        'PATCH /Groups add 1,000 members',
        'PATCH',
        `/Groups/${groupId}`,
        patch({ op: 'Add', path: 'members', value: ids.map((value) => ({ value })) }),
      );
    }),
  );
  const buildSeconds = (performance.now() - built) / 1000;
  await client.call('GET /Groups/{id}?excludedAttributes=members (huge)', 'GET', `/Groups/${groupId}?excludedAttributes=members`);
  const full = await client.call('GET /Groups/{id} (huge, all members)', 'GET', `/Groups/${groupId}`);
  const walkStarted = performance.now();
  let cursor = '';
  let pages = 0;
  for (;;) {
    const page = await client.call(
      'GET /Users?filter=groups.value eq (cursor, 1,000)',
      'GET',
      `/Users?filter=${q(`groups.value eq "${groupId}"`)}&attributes=id&count=1000&cursor=${encodeURIComponent(cursor)}`,
    );
    pages += 1;
    if (!page.body.nextCursor || page.status !== 200) break;
    cursor = String(page.body.nextCursor);
  }
  const cursorReadSeconds = (performance.now() - walkStarted) / 1000;
  const deleteStarted = performance.now();
  await client.call('DELETE /Groups/{id} (huge)', 'DELETE', `/Groups/${groupId}`);
  const deleteMs = performance.now() - deleteStarted;
  const janitorStarted = performance.now();
  await drain();
  return {
    members: userIds.length,
    buildSeconds,
    fullReadStatus: full.status,
    cursorPages: pages,
    cursorReadSeconds,
    deleteMs,
    janitorSeconds: (performance.now() - janitorStarted) / 1000,
  };
}
