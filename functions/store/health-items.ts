/**
 * Connection health counters (keys in keys.ts, partition HEALTH#<t>): per-hour request counts by
 * status class, per-credential last success and last refusal, the tenant's last write and last 429,
 * and 5-minute refusal windows for storm detection. Written by the activity recorder once per stream
 * batch and tenant (never on a request's path); read back with ONE Query.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db, StoredItem } from './db';
import { activityKeys, healthPartition } from './keys';
import { partitionPages } from './partition';
import { conditionally } from './conditional-write';

/** Hour items outlive the "last day" window by a day; credential and summary items stay. */
const HOUR_TTL_SECONDS = 2 * 86_400;
const STORM_TTL_SECONDS = 3_600;

export interface HourDelta {
  readonly epochHour: number;
  readonly counts: Readonly<Record<'c2xx' | 'c4xx' | 'c5xx' | 'c429', number>>;
}

export interface CredentialMark {
  readonly credentialId: string;
  readonly lastSuccessAt?: number;
  readonly lastSuccessOperation?: string;
  readonly lastRefusalAt?: number;
  readonly lastRefusalReason?: string;
  readonly lastRefusalStatus?: number;
}

export interface SummaryMark {
  readonly lastWriteAt?: number;
  readonly last429At?: number;
  readonly lastRequestAt?: number;
}

export async function addHourCounts(db: Db, tenantId: string, delta: HourDelta): Promise<void> {
  const names = Object.entries(delta.counts).filter(([, n]) => n > 0);
  if (names.length === 0) return;
  await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: activityKeys.healthHour(tenantId, delta.epochHour),
      UpdateExpression: `ADD ${names.map(([name]) => `${name} :${name}`).join(', ')} SET expiresAt = :ttl, entity = :entity`,
      ExpressionAttributeValues: {
        ...Object.fromEntries(names.map(([name, n]) => [`:${name}`, n])),
        ':ttl': delta.epochHour * 3600 + HOUR_TTL_SECONDS,
        ':entity': 'HealthHour',
      },
    }),
  );
}

/** Sets the given marks; each only moves forward in time (an older record delivered late changes nothing). */
export async function markCredential(db: Db, tenantId: string, mark: CredentialMark): Promise<void> {
  if (mark.lastSuccessAt !== undefined) {
    await setIfNewer(db, activityKeys.healthCredential(tenantId, mark.credentialId), 'lastSuccessAt', mark.lastSuccessAt, {
      credentialId: mark.credentialId,
      lastSuccessOperation: mark.lastSuccessOperation ?? 'request',
    });
  }
  if (mark.lastRefusalAt !== undefined) {
    await setIfNewer(db, activityKeys.healthCredential(tenantId, mark.credentialId), 'lastRefusalAt', mark.lastRefusalAt, {
      credentialId: mark.credentialId,
      lastRefusalReason: mark.lastRefusalReason ?? 'request_refused',
      lastRefusalStatus: mark.lastRefusalStatus ?? 0,
    });
  }
}

export async function markSummary(db: Db, tenantId: string, mark: SummaryMark): Promise<void> {
  for (const [name, at] of Object.entries(mark) as [keyof SummaryMark, number | undefined][]) {
    if (at !== undefined) await setIfNewer(db, activityKeys.healthSummary(tenantId), name, at, {});
  }
}

async function setIfNewer(db: Db, key: Record<string, string>, name: string, at: number, also: Record<string, unknown>): Promise<void> {
  const extra = Object.keys(also);
  await conditionally(
    db.client.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key,
        UpdateExpression: `SET #at = :at${extra.map((n, i) => `, #x${i} = :x${i}`).join('')}`,
        ConditionExpression: 'attribute_not_exists(#at) OR #at < :at',
        ExpressionAttributeNames: { '#at': name, ...Object.fromEntries(extra.map((n, i) => [`#x${i}`, n])) },
        ExpressionAttributeValues: { ':at': at, ...Object.fromEntries(extra.map((n, i) => [`:x${i}`, also[n]])) },
      }),
    ),
  );
}

/** Adds refusals to the credential's 5-minute window; returns the window's count before and after. */
export async function countRefusals(db: Db, tenantId: string, credentialId: string, window: number, n: number): Promise<number> {
  const { Attributes } = await db.client.send(
    new UpdateCommand({
      TableName: db.table,
      Key: activityKeys.stormWindow(tenantId, credentialId, window),
      UpdateExpression: 'ADD refusals :n SET expiresAt = :ttl',
      ExpressionAttributeValues: { ':n': n, ':ttl': Math.floor(Date.now() / 1000) + STORM_TTL_SECONDS },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return Number(Attributes?.refusals ?? n);
}

/** Every health item of the tenant: one Query (hours are TTL-bounded, credentials are few). */
export async function readHealthItems(db: Db, tenantId: string): Promise<StoredItem[]> {
  const items: StoredItem[] = [];
  for await (const page of partitionPages(db, healthPartition(tenantId))) items.push(...page);
  return items;
}
