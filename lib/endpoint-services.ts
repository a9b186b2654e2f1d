/**
 * What the ScimEndpoint's features (the admin API, the event streams, the token endpoint) use of
 * the endpoint: its API, its function factory and grants, its URLs. They take this interface, which
 * ScimEndpoint implements, instead of the construct's class, so the construct can build them without
 * an import cycle (test/unit/architecture/import-graph.test.ts).
 */
import type { Duration } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { BundlingOptions, NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { IConstruct } from 'constructs';
import type { streamFunctionEntries } from '../functions/routes';
import type { TableUser } from './table-access';

export interface FunctionOptions {
  memorySize: number;
  timeout: Duration;
  environment?: Record<string, string>;
  /** Reserved concurrency (also the function's cap); `false` or absent: none. */
  reservedConcurrentExecutions?: number | false;
  commandHooks?: BundlingOptions['commandHooks'];
}

export interface EndpointServices extends IConstruct {
  readonly api: apigateway.RestApi;
  readonly functions: { readonly authorizer: lambda.IFunction };
  /** A NodejsFunction with the service's defaults (Node 22, arm64, ESM bundle, log retention). */
  createFunction(name: string, entry: string, options: FunctionOptions): NodejsFunction;
  /** A function on the table's stream, with its filters, failure destination and alarms. */
  createStreamFunction(
    name: keyof typeof streamFunctionEntries,
    filters: Record<string, unknown>[],
    environment?: Record<string, string>,
  ): NodejsFunction;
  /** Exactly the table actions lib/table-access.ts lists for `name`. */
  grantTableAccess(fn: lambda.IFunction, name: TableUser): void;
  /** The environment of a function that verifies or stores federated credentials. */
  federationEnvironment(): Record<string, string>;
  /** `https://<domain>` with a custom domain (the stage mapped at its root); absent without one. */
  readonly publicOrigin?: string;
  /** An absolute URL of a path of the API, on the custom domain when there is one. */
  urlForPath(path: string): string;
  /** Alarms and a dashboard row for a function. */
  watchFunction(name: string, fn: lambda.IFunction): void;
}
