/**
 * The token endpoint's activity records: every token issued and every refusal, in the tenant whose
 * token URL was called (ONE write each; a URL naming no existing tenant goes to the log only). The
 * client id is named when it is a client of that tenant; never a secret, never a token.
 */
import { activitySettingsOf, type ActivityRecord } from '../activity/activity-record';
import { recordDirect } from '../activity/direct-records';
import type { ReasonCode } from '../activity/reason-codes';
import { clientClassOf } from '../commons/request-scope';
import type { Db } from '../store/db';
import type { TenantRecord } from '../store/tenants';

export interface TokenRequestContext {
  readonly requestId: string;
  readonly userAgent?: string;
}

export interface TokenOutcomeRecord {
  readonly status: number;
  readonly reason?: ReasonCode;
  readonly clientId?: string;
}

export const TOKEN_ROUTE = 'POST /oauth2/token';

export async function recordTokenOutcome(
  deps: { readonly db: Db; readonly request?: TokenRequestContext },
  tenantId: string,
  tenant: TenantRecord | undefined,
  outcome: TokenOutcomeRecord,
): Promise<void> {
  if (!deps.request) return;
  const record: ActivityRecord = {
    at: Date.now(),
    operation: outcome.status < 400 ? 'issue_token' : 'authenticate',
    route: TOKEN_ROUTE,
    status: outcome.status,
    outcome: outcome.status < 400 ? 'success' : 'failure',
    ...(outcome.reason ? { reason: outcome.reason } : {}),
    ...(outcome.clientId ? { credentialId: outcome.clientId } : {}),
    requestId: deps.request.requestId,
    client: clientClassOf(deps.request.userAgent),
  };
  await recordDirect(deps.db, tenantId, record, {
    tenantVerified: tenant !== undefined,
    ...(tenant ? { settings: activitySettingsOf(tenant.settings) } : {}),
  });
}
