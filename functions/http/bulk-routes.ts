/**
 * POST /Bulk (RFC 7644 §3.7). Each operation is dispatched to the same routes a single request
 * would reach (resource-routes.ts), so a bulk create is exactly a POST /Users. Operations run in
 * order; one that refers to a `bulkId:` not yet created waits until it is (RFC 7644 §3.7.2), and
 * what never resolves fails with 409. `failOnErrors` stops processing after that many failures.
 * Operations that cannot affect each other run side by side (at most limits.bulk.concurrency at
 * once), with the outcome serial processing gives (see BulkRun).
 * A bulk request answers within a time budget (API Gateway stops waiting at 29 s): operations not
 * reached by then are answered 503 with nothing written, for the client to send again.
 */
import { currentScope, runInScope } from '../commons/request-scope';
import { badRequest, isScimError, ScimError } from '../scim/scim-error';
import { isObject } from '../commons/json';
import { limits } from '../provisioning/limits';
import { defaultDb } from '../store/db';
import { groupingWrites } from '../store/transactions';
import { releaseBulkSlot, takeBulkSlot } from '../store/bulk-slots';
import { randomUUID } from 'node:crypto';
import { claimsOf, clash, type Claim } from './bulk-claims';
import type { RouteTable } from './handler';
import type { ScimRequest } from './request';
import { errorResult, type ScimResult } from './response';
import { recordFailedOperations, type FailedOperation } from './bulk-activity';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

type Method = 'POST' | 'PUT' | 'PATCH' | 'DELETE';

interface BulkOperation {
  readonly index: number;
  readonly method: Method;
  readonly bulkId?: string;
  readonly version?: string;
  readonly path: string;
  readonly data?: unknown;
  /** The bulkIds the path and data refer to (`bulkId:x`), found once when the request is read. */
  readonly references: ReadonlySet<string>;
}

interface BulkOutcome {
  method: Method;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: unknown;
}

const BULK_ID_REFERENCE = /^bulkId:(.+)$/;
/** Work time of one bulk request, leaving room under API Gateway's 29 s for the response. */
const BULK_BUDGET_MS = 20_000;
/** A slot outlives the longest run (the function's timeout): a crashed run frees it by expiry. */
const BULK_SLOT_LEASE_MS = 30_000;
const BULK_RETRY_AFTER_SECONDS = 5;
const METHODS: readonly Method[] = ['POST', 'PUT', 'PATCH', 'DELETE'];

export function bulkRoute(routes: RouteTable) {
  return async (request: ScimRequest): Promise<ScimResult> => {
    const { operations, failOnErrors } = parseBulkRequest(request.body);
    const db = request.db ?? defaultDb();
    // A tenant has at most limits.bulk.requestsPerTenant bulk requests in progress (a lease each).
    const slot = await takeBulkSlot(db, request.tenantId, limits.bulk.requestsPerTenant, randomUUID(), BULK_SLOT_LEASE_MS);
    if (!slot) {
      throw new ScimError(
        429,
        `This tenant already has ${limits.bulk.requestsPerTenant} bulk requests in progress; retry when one ends.`,
        undefined,
        {
          'Retry-After': String(BULK_RETRY_AFTER_SECONDS),
        },
      );
    }
    let outcomes: Map<number, BulkOutcome>;
    try {
      // Creates that run side by side share TransactWriteItems calls (store/transactions.ts).
      const grouped: ScimRequest = { ...request, db: groupingWrites(db) };
      outcomes = await new BulkRun(routes, grouped, failOnErrors, limits.bulk.concurrency).process(operations);
    } finally {
      await releaseBulkSlot(db, request.tenantId, slot);
    }
    await recordFailedOperations(db, request.tenantId, failuresOf(operations, outcomes));
    return {
      status: 200,
      body: { schemas: [BULK_RESPONSE_SCHEMA], Operations: [...outcomes.entries()].sort(([a], [b]) => a - b).map(([, o]) => o) },
    };
  };
}

interface Running {
  readonly claims: readonly Claim[];
  readonly done: Promise<void>;
}

/** The claims of running operations by key, so finding what blocks an operation does not scan every one running. */
class ClaimIndex {
  private readonly byKey = new Map<string, Set<{ readonly running: Running; readonly claim: Claim }>>();
  private readonly entries = new Map<Running, { readonly running: Running; readonly claim: Claim }[]>();

  add(running: Running): void {
    const own = running.claims.map((claim) => ({ running, claim }));
    this.entries.set(running, own);
    for (const entry of own) {
      let set = this.byKey.get(entry.claim.key);
      if (!set) this.byKey.set(entry.claim.key, (set = new Set()));
      set.add(entry);
    }
  }

  remove(running: Running): void {
    for (const entry of this.entries.get(running) ?? []) {
      const set = this.byKey.get(entry.claim.key);
      set?.delete(entry);
      if (set?.size === 0) this.byKey.delete(entry.claim.key);
    }
    this.entries.delete(running);
  }

  /** Running operations holding a claim that clashes with one of these. */
  blocking(claims: readonly Claim[]): Running[] {
    const found = new Set<Running>();
    for (const claim of claims) {
      for (const entry of this.byKey.get(claim.key) ?? []) if (clash(entry.claim, claim)) found.add(entry.running);
    }
    return [...found];
  }
}

/**
 * One bulk request. Operations are taken in the order serial processing takes them (request order,
 * then again for those that waited on a bulkId) and each is started as soon as nothing earlier
 * can change its outcome:
 *  - an operation that refers to a bulkId whose creator is still running waits for it, then is run
 *    or deferred exactly as serial processing would decide;
 *  - an operation waits for running ones it conflicts with (bulk-claims.ts);
 *  - with failOnErrors, an operation starts only while errors + operations running < failOnErrors:
 *    even if everything still running fails, serial processing would have reached it. So the set
 *    of operations run, and each outcome, is the serial one.
 */
class BulkRun {
  private readonly created = new Map<string, string>();
  /** Creating operations still running, by bulkId. */
  private readonly creating = new Map<string, Running>();
  private readonly running = new Set<Running>();
  private readonly claimed = new ClaimIndex();
  /** Woken whenever a running operation finishes (a slot frees, an error may have been counted). */
  private waiters: (() => void)[] = [];
  private readonly outcomes = new Map<number, BulkOutcome>();
  private readonly deadline = Date.now() + BULK_BUDGET_MS;
  private errors = 0;
  private failure: { error: unknown } | undefined;

  constructor(
    private readonly routes: RouteTable,
    private readonly request: ScimRequest,
    private readonly failOnErrors: number | undefined,
    private readonly concurrency: number,
  ) {}

  async process(operations: readonly BulkOperation[]): Promise<Map<number, BulkOutcome>> {
    try {
      await this.passes(operations);
    } finally {
      await Promise.all([...this.running].map((r) => r.done));
    }
    if (this.failure) throw this.failure.error;
    return this.outcomes;
  }

  private async passes(operations: readonly BulkOperation[]): Promise<void> {
    let pending = operations;
    while (pending.length > 0) {
      const waiting: BulkOperation[] = [];
      for (const operation of pending) {
        if (!(await this.mayContinue())) return;
        await this.dependencies(operation);
        if (Date.now() > this.deadline) {
          this.outcomes.set(
            operation.index,
            failed(operation, new ScimError(503, 'Not processed: the bulk request used its time budget; send this operation again.')),
          );
          continue;
        }
        const resolved = resolveReferences(operation, this.created);
        if (resolved === undefined) {
          waiting.push(operation);
          continue;
        }
        const claims = claimsOf(resolved, this.request.profile.schemas);
        await this.clearOf(claims);
        if (this.failure) return;
        this.start(operation, resolved, claims);
      }
      if (waiting.length === pending.length) {
        // Nothing ran in this pass: the rest refer to bulkIds no operation creates (or to each other).
        for (const operation of waiting) {
          this.outcomes.set(
            operation.index,
            failed(operation, new ScimError(409, 'The operation refers to a bulkId that no operation created.', 'invalidValue')),
          );
          this.errors += 1;
        }
        return;
      }
      pending = waiting;
    }
  }

  /** Waits until the next operation may start under failOnErrors; false when processing stops. */
  private async mayContinue(): Promise<boolean> {
    const limit = this.failOnErrors;
    while (limit !== undefined && this.errors < limit && this.errors + this.running.size >= limit) await this.nextDone();
    return !this.failure && (limit === undefined || this.errors < limit);
  }

  /** Waits for the running creators of the bulkIds the operation refers to. */
  private async dependencies(operation: BulkOperation): Promise<void> {
    for (const bulkId of operation.references) await this.creating.get(bulkId)?.done;
  }

  /** Waits until no running operation conflicts with these claims and a slot is free. */
  private async clearOf(claims: readonly Claim[]): Promise<void> {
    for (;;) {
      const blocking = this.claimed.blocking(claims);
      if (blocking.length > 0) await Promise.all(blocking.map((r) => r.done));
      else if (this.running.size >= this.concurrency) await this.nextDone();
      else return;
    }
  }

  /** Resolves when the next running operation finishes (one waiter list, not a race over every one running). */
  private nextDone(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private start(operation: BulkOperation, resolved: BulkOperation, claims: readonly Claim[]): void {
    const work = run(this.routes, this.request, resolved).then(
      (outcome) => {
        this.outcomes.set(operation.index, outcome);
        if (Number(outcome.status) >= 400) this.errors += 1;
        else if (operation.bulkId && outcome.location) this.created.set(operation.bulkId, idOf(outcome.location));
      },
      (error: unknown) => {
        this.failure ??= { error };
      },
    );
    const running: Running = {
      claims,
      done: work.then(() => {
        this.running.delete(running);
        this.claimed.remove(running);
        if (operation.bulkId) this.creating.delete(operation.bulkId);
        const waiters = this.waiters;
        this.waiters = [];
        for (const wake of waiters) wake();
      }),
    };
    this.running.add(running);
    this.claimed.add(running);
    if (operation.bulkId) this.creating.set(operation.bulkId, running);
  }
}

function parseBulkRequest(body: unknown): { operations: BulkOperation[]; failOnErrors?: number } {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The bulk request must be a JSON object.');
  const schemas = body.schemas;
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === BULK_REQUEST_SCHEMA.toLowerCase())) {
    throw badRequest('invalidSyntax', `The bulk request must list "${BULK_REQUEST_SCHEMA}" in "schemas".`);
  }
  const raw = body.Operations;
  if (!Array.isArray(raw) || raw.length === 0) throw badRequest('invalidSyntax', 'The bulk request needs a non-empty "Operations" array.');
  if (raw.length > limits.bulk.maxOperations) {
    throw new ScimError(413, `A bulk request may carry at most ${limits.bulk.maxOperations} operations.`);
  }
  const failOnErrors = body.failOnErrors;
  if (failOnErrors !== undefined && (typeof failOnErrors !== 'number' || !Number.isInteger(failOnErrors) || failOnErrors < 1)) {
    throw badRequest('invalidValue', '"failOnErrors" must be a positive integer.');
  }
  const operations = raw.map(parseOperation);
  const ids = operations.flatMap((o) => (o.bulkId ? [o.bulkId] : []));
  if (new Set(ids).size !== ids.length) throw badRequest('invalidValue', 'Every "bulkId" must be unique within the request.');
  return { operations, ...(failOnErrors !== undefined ? { failOnErrors } : {}) };
}

function parseOperation(raw: unknown, index: number): BulkOperation {
  if (!isObject(raw)) throw badRequest('invalidSyntax', `Operations[${index}] must be an object.`);
  const method = typeof raw.method === 'string' ? METHODS.find((m) => m === raw.method?.toString().toUpperCase()) : undefined;
  if (!method) throw badRequest('invalidSyntax', `Operations[${index}]: "method" must be POST, PUT, PATCH or DELETE.`);
  if (typeof raw.path !== 'string' || !raw.path.startsWith('/'))
    throw badRequest('invalidSyntax', `Operations[${index}]: "path" must be a path such as "/Users".`);
  if (method === 'POST' && typeof raw.bulkId !== 'string')
    throw badRequest('invalidSyntax', `Operations[${index}]: POST needs a "bulkId".`);
  if (method !== 'DELETE' && raw.data === undefined) throw badRequest('invalidSyntax', `Operations[${index}]: ${method} needs "data".`);
  return {
    index,
    method,
    path: raw.path,
    ...(typeof raw.bulkId === 'string' ? { bulkId: raw.bulkId } : {}),
    ...(typeof raw.version === 'string' ? { version: raw.version } : {}),
    ...(raw.data !== undefined ? { data: raw.data } : {}),
    references: referencedBulkIds(raw.path, raw.data),
  };
}

/** Replaces `bulkId:x` in the path and anywhere in the data; undefined while some x is not created yet. */
function resolveReferences(operation: BulkOperation, created: ReadonlyMap<string, string>): BulkOperation | undefined {
  // Most operations (creates from an identity provider) refer to nothing: no copy of their data.
  if (operation.references.size === 0) return operation;
  let unresolved = false;
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const match = BULK_ID_REFERENCE.exec(value);
      if (!match) return value;
      const id = created.get(match[1] as string);
      if (id === undefined) unresolved = true;
      return id ?? value;
    }
    if (Array.isArray(value)) return value.map(resolve);
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  const path = operation.path
    .split('/')
    .map((segment) => resolve(segment) as string)
    .join('/');
  const data = resolve(operation.data);
  return unresolved ? undefined : { ...operation, path, ...(data !== undefined ? { data } : {}) };
}

/** The bulkIds an operation refers to (`bulkId:x` in its path or anywhere in its data). */
function referencedBulkIds(path: string, data: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = BULK_ID_REFERENCE.exec(value);
      if (match) found.add(match[1] as string);
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (isObject(value)) Object.values(value).forEach(visit);
  };
  path.split('/').forEach(visit);
  visit(data);
  return found;
}

/** The operation's endpoint (`/Users`), id and route path (`/Users/{id}`); none for a path no route serves. */
function routeOf(operation: BulkOperation): { endpoint?: string; id?: string; routePath?: string } {
  const match = /^\/(Users|Groups)(?:\/([^/]+))?$/i.exec(operation.path);
  const endpoint = match ? `/${(match[1] as string).toLowerCase() === 'users' ? 'Users' : 'Groups'}` : undefined;
  const id = match?.[2];
  return { ...(endpoint ? { endpoint, routePath: id ? `${endpoint}/{id}` : endpoint } : {}), ...(id ? { id } : {}) };
}

/** What the activity log records of the operations that failed (bulk-activity.ts). */
function failuresOf(operations: readonly BulkOperation[], outcomes: ReadonlyMap<number, BulkOutcome>): FailedOperation[] {
  return operations.flatMap((operation) => {
    const outcome = outcomes.get(operation.index);
    if (!outcome || Number(outcome.status) < 400) return [];
    const { id, routePath } = routeOf(operation);
    return [
      {
        route: routePath ? `${operation.method} ${routePath}` : 'POST /Bulk',
        id,
        status: Number(outcome.status),
        response: outcome.response,
        data: operation.data,
      },
    ];
  });
}

async function run(routes: RouteTable, request: ScimRequest, operation: BulkOperation): Promise<BulkOutcome> {
  const { endpoint, id, routePath } = routeOf(operation);
  const handler = routePath ? routes[`${operation.method} ${routePath}`] : undefined;
  if (!handler || !routePath)
    return failed(
      operation,
      badRequest('invalidPath', `"${operation.method} ${operation.path}" is not a bulk operation this service runs.`),
    );
  const sub: ScimRequest = {
    ...request,
    method: operation.method,
    route: routePath,
    id,
    query: {},
    body: operation.data,
    headers: operation.version ? { 'if-match': operation.version } : {},
  };
  try {
    // Each operation's writes are stamped as this Bulk's, with the operation's own route.
    const scope = currentScope();
    const result = scope
      ? await runInScope({ ...scope, operation: `${operation.method} ${routePath}`, bulk: true }, () => handler(sub))
      : await handler(sub);
    return outcome(operation, result, request.baseUrl, endpoint, id);
  } catch (error) {
    if (isScimError(error)) return failed(operation, error);
    throw error;
  }
}

function outcome(
  operation: BulkOperation,
  result: ScimResult,
  baseUrl: string,
  endpoint: string | undefined,
  id: string | undefined,
): BulkOutcome {
  const body = isObject(result.body) ? result.body : undefined;
  const location =
    result.headers?.Location ??
    (isObject(body?.meta) && typeof body.meta.location === 'string' ? body.meta.location : undefined) ??
    (id ? `${baseUrl}${endpoint}/${id}` : undefined);
  return {
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    ...(result.headers?.ETag ? { version: result.headers.ETag } : {}),
    ...(location ? { location } : {}),
    status: String(result.status),
  };
}

function failed(operation: BulkOperation, error: ScimError): BulkOutcome {
  return {
    method: operation.method,
    ...(operation.bulkId ? { bulkId: operation.bulkId } : {}),
    status: String(error.status),
    response: errorResult(error).body,
  };
}

const idOf = (location: string) => decodeURIComponent(location.slice(location.lastIndexOf('/') + 1));
