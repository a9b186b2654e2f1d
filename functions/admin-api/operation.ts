/**
 * What an admin route declares: its method and path, its request body and responses as zod schemas
 * (the router validates bodies with them, openapi.ts turns them into the OpenAPI document), the
 * problem types it may answer, and a thin handler (parse → service → format). One declaration per
 * operation, so the implementation and its documentation cannot drift.
 */
import type * as z from 'zod/mini';
import type { Db } from '../store/db';
import type { RateTiers } from '../tenants/rate-tier';
import type { ProblemName } from './problems';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface AdminRequest<B> {
  /** Path parameters by name, decoded (`{tenantId}` → `tenantId`). */
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The body, validated against the operation's `requestBody` (undefined without one). */
  readonly body: B;
  readonly db: Db;
  /** Where tenants' own API keys are put (tenants/rate-tier.ts). */
  readonly rateTiers: RateTiers;
  /** The base of URLs in answers: the custom domain when there is one, else the host and stage called (commons/api-base-url.ts). */
  readonly apiUrl: string;
}

export interface AdminResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface QueryParameter {
  readonly name: string;
  readonly description: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export interface ResponseDeclaration {
  readonly description: string;
  /** The JSON body's schema; absent: no body (204, 202 without content). */
  readonly body?: z.ZodMiniType;
}

export interface AdminOperation<S extends z.ZodMiniType | undefined = z.ZodMiniType | undefined> {
  readonly method: AdminMethod;
  /** Below `/admin/v1`, with `{param}` placeholders, e.g. `/tenants/{tenantId}`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly tag: string;
  readonly requestBody?: S;
  readonly query?: readonly QueryParameter[];
  /** Success responses by status. */
  readonly responses: Readonly<Record<number, ResponseDeclaration>>;
  /** Problem types this operation answers besides the ones every operation may (router.ts COMMON_PROBLEMS). */
  readonly problems: readonly ProblemName[];
  handle(request: AdminRequest<S extends z.ZodMiniType ? z.output<S> : undefined>): Promise<AdminResult>;
}

/** Declares an operation with its body type inferred from `requestBody`. */
export const operation = <S extends z.ZodMiniType | undefined = undefined>(declaration: AdminOperation<S>): AdminOperation =>
  declaration as unknown as AdminOperation;

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): AdminResult => ({ status, body, headers });
export const noContent = (): AdminResult => ({ status: 204 });
