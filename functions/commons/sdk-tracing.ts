/**
 * X-Ray subsegments for the functions' AWS SDK calls (issue #26; ScimEndpoint prop `sdkTracing`):
 * with Lambda's active tracing alone a trace shows the invocation but not its DynamoDB, KMS or
 * EventBridge calls. The Powertools Tracer (and the X-Ray SDK under it) goes into a bundle only
 * when the stack asks for it: the build defines SCIM_SDK_TRACING (lib/bundling.ts), and in every
 * other build esbuild drops the branch below with its `require`, so the bundles stay as small as
 * before (test/cdk/bundles.test.ts checks both). The authorizer makes no SDK calls and is never built with it.
 */
import type { Tracer as PowertoolsTracer } from '@aws-lambda-powertools/tracer';
import { environment } from './environment';

/** Replaced by `true` or `false` at build time; undefined when the sources run unbundled (tests, npm start). */
declare const SCIM_SDK_TRACING: boolean | undefined;

let tracer: PowertoolsTracer | undefined;

/** The client, instrumented when the build has SDK tracing on. */
export function traced<T extends object>(client: T): T {
  if (typeof SCIM_SDK_TRACING !== 'undefined' && SCIM_SDK_TRACING) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when sdkTracing is on, so untraced bundles never carry it
    const { Tracer } = require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer');
    tracer ??= new Tracer({ serviceName: environment.serviceName() });
    return tracer.captureAWSv3Client(client);
  }
  return client;
}
