/**
 * How an activity record is laid out as an item (keys from keys.ts) and read back. No SDK import:
 * the authorizer writes refusal records with it through its lean table (store/lean-table.ts).
 * The record's type is the activity service's (activity/activity-record.ts); the store knows only
 * the names of the fields it keeps, and what it needs to lay the item out (`ActivityFields`).
 */
import type { StoredItem } from './db';
import { activityKeys } from './keys';

const RECORD_FIELDS = [
  'at',
  'operation',
  'route',
  'resourceType',
  'resourceId',
  'identifier',
  'memberId',
  'changed',
  'status',
  'outcome',
  'scimType',
  'reason',
  'credentialId',
  'requestId',
  'client',
  'bulk',
  'memberCount',
] as const;

/** What the layout reads of a record: when it happened and whom it is about; the other fields are kept by name. */
export type ActivityFields = { readonly at: number; readonly resourceId?: string; readonly memberId?: string } & {
  readonly [F in (typeof RECORD_FIELDS)[number]]?: unknown;
};

/**
 * The item of a record. `unique` makes the sort key unique among records of the same millisecond
 * (a stream record id, a request id); `direct` marks records written on a request's path (refusals,
 * failures, tokens), whose health counters the recorder applies when it sees them on the stream.
 */
/**
 * The condition on the tenant item under which a refusal's record is written when the writer has not
 * read the tenant: it exists and has not turned recording off (`settings.activity.enabled: false`).
 */
export const RECORDING_TENANT = {
  expression: 'attribute_exists(PK) AND NOT (#settings.#activity.#enabled = :off)',
  names: { '#settings': 'settings', '#activity': 'activity', '#enabled': 'enabled' },
} as const;

export function activityItem(tenantId: string, record: ActivityFields, unique: string, expiresAt: number, direct = false): StoredItem {
  const key = activityKeys.record(tenantId, record.at, unique);
  const indexed = record.memberId ?? record.resourceId;
  const fields: Record<string, unknown> = {};
  for (const name of RECORD_FIELDS) if (record[name] !== undefined) fields[name] = record[name];
  return {
    ...key,
    ...(indexed ? activityKeys.recordIndex(tenantId, indexed, key.SK) : {}),
    entity: 'Activity',
    tenantId,
    ...fields,
    ...(direct ? { direct: true } : {}),
    expiresAt,
  };
}

/** The record an item holds, as the caller's record type `R` (the fields it wrote with activityItem). */
export function recordOfItem<R extends ActivityFields>(item: StoredItem): R {
  const record: Record<string, unknown> = {};
  for (const name of RECORD_FIELDS) if (item[name] !== undefined && item[name] !== null) record[name] = item[name];
  return record as unknown as R;
}

/** A name → id alias item: finds a deleted or renamed user's history by the userName it had. */
export const nameAliasItem = (tenantId: string, name: string, id: string, expiresAt: number): StoredItem => ({
  ...activityKeys.nameAlias(tenantId, name, id),
  entity: 'ActivityName',
  tenantId,
  resourceId: id,
  expiresAt,
});
