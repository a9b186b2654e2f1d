/**
 * What one activity record holds (docs/activity.md lists it field by field): identifiers, attribute
 * NAMES, outcome, reason code, credential id, request id, client class. Never an attribute value
 * other than the userName/displayName identifier, never a secret or a token. Pure: the recorder,
 * the refusal paths and the query service share it.
 */
import type { ClientClass } from '../commons/request-scope';
import type { ReasonCode } from './reason-codes';

export type ActivityOperation =
  | 'create'
  | 'replace'
  | 'patch'
  | 'deactivate'
  | 'activate'
  | 'delete'
  | 'add_member'
  | 'remove_member'
  | 'bulk'
  | 'read'
  | 'authenticate'
  | 'issue_token';

export type ActivityOutcome = 'success' | 'failure';

export interface ActivityRecord {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly operation: ActivityOperation;
  /** `METHOD /Route` of the request (functions/routes.ts), or `POST /oauth2/token`. */
  readonly route?: string;
  readonly resourceType?: 'User' | 'Group';
  readonly resourceId?: string;
  /** userName (User) or displayName (Group) at the time; `sha256:…` when the tenant hashes userNames. */
  readonly identifier?: string;
  /** add_member/remove_member: the user added or removed (the resource is the group). */
  readonly memberId?: string;
  /** Attribute names a write changed (extension attributes as `<urn>:<name>`). */
  readonly changed?: readonly string[];
  readonly status: number;
  readonly outcome: ActivityOutcome;
  readonly scimType?: string;
  readonly reason?: ReasonCode;
  /** Secret token id (`tok_…`) or OAuth client id. */
  readonly credentialId?: string;
  readonly requestId?: string;
  readonly client?: ClientClass;
  /** The write was one operation of a POST /Bulk. */
  readonly bulk?: boolean;
  /** add_member/remove_member beyond the ones listed on the group's record (large changes). */
  readonly memberCount?: number;
}

/** Per-tenant activity settings (tenant settings `activity`, docs/activity.md). */
export interface ActivitySettings {
  /** false: nothing of the tenant is recorded (no records, no health counters). */
  readonly enabled: boolean;
  readonly retentionDays: number;
  /** Share of successful reads recorded (0: none). */
  readonly readSampleRate: number;
  readonly hashUserName: boolean;
  /** Publish an event when one credential is refused more than this many times in 5 minutes (absent: never). */
  readonly refusalStormThreshold?: number;
}

export const DEFAULT_RETENTION_DAYS = 30;
export const DEFAULT_ACTIVITY_SETTINGS: ActivitySettings = {
  enabled: true,
  retentionDays: DEFAULT_RETENTION_DAYS,
  readSampleRate: 0,
  hashUserName: false,
};

/** Activity settings from stored tenant settings (validated on write by tenants/settings-schema.ts; read defensively). */
export function activitySettingsOf(settings: Readonly<Record<string, unknown>> | undefined): ActivitySettings {
  const raw = settings?.activity;
  if (typeof raw !== 'object' || raw === null) return DEFAULT_ACTIVITY_SETTINGS;
  const { enabled, retentionDays, readSampleRate, hashUserName, refusalStormThreshold } = raw as Record<string, unknown>;
  return {
    enabled: enabled !== false,
    retentionDays: typeof retentionDays === 'number' && retentionDays > 0 ? retentionDays : DEFAULT_RETENTION_DAYS,
    readSampleRate: typeof readSampleRate === 'number' && readSampleRate > 0 ? Math.min(1, readSampleRate) : 0,
    hashUserName: hashUserName === true,
    ...(typeof refusalStormThreshold === 'number' && refusalStormThreshold > 0 ? { refusalStormThreshold } : {}),
  };
}

/** Epoch seconds at which DynamoDB's TTL deletes a record written at `atMs`. */
export const expiryOf = (atMs: number, settings: Pick<ActivitySettings, 'retentionDays'>): number =>
  Math.floor(atMs / 1000) + Math.round(settings.retentionDays * 86_400);

/** The operation a SCIM route performs (a failed request is recorded under it). */
export function operationOfRoute(route: string): ActivityOperation {
  const [method, path = ''] = route.split(' ');
  if (path === '/Bulk') return 'bulk';
  if (method === 'POST' && !path.endsWith('.search')) return 'create';
  if (method === 'PUT') return 'replace';
  if (method === 'PATCH') return 'patch';
  if (method === 'DELETE') return 'delete';
  return 'read';
}

/** `/Users/{id}` → User; `/Groups...` → Group. */
export function resourceTypeOfRoute(route: string): 'User' | 'Group' | undefined {
  const path = route.split(' ')[1] ?? '';
  if (path.startsWith('/Users')) return 'User';
  if (path.startsWith('/Groups')) return 'Group';
  return undefined;
}
