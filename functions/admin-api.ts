/**
 * Lambda entry: the tenant admin API under `/admin/v1` (docs/admin-api.md), for the vendor's own
 * backend. API Gateway authorizes it with AWS_IAM (SigV4); the local server with the admin key.
 * The operations are declared in functions/admin-api/route-table.ts.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { adminRouter } from './admin-api/router';
import { adminOperations } from './admin-api/route-table';
import { defaultDb } from './store/db';
import { configuredRateTiers } from './tenants/configured-rate-tiers';

const route = adminRouter(adminOperations);

export const handler = (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> =>
  route(event, { db: defaultDb(), rateTiers: configuredRateTiers() });
