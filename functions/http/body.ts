/**
 * JSON bodies on write methods only: middy's parser answers 415 to a GET, so it runs for
 * POST/PUT/PATCH alone. The content-type check is off because SCIM clients send
 * `application/scim+json`, `application/json` or nothing; an unparsable body is 400 invalidSyntax
 * either way. Bodies over the payload limit are refused with 413 before parsing.
 */
import jsonBodyParser from '@middy/http-json-body-parser';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { ScimError } from '../scim/errors';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);
/** Advertised as bulk.maxPayloadSize; well under Lambda's 6 MB and DynamoDB's 400 KB per item is checked later. */
export const MAX_PAYLOAD_BYTES = 1_048_576;

type ProxyRequest = Request<APIGatewayProxyEvent, APIGatewayProxyResult>;

export function jsonBodyOnWrites(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  const parser = jsonBodyParser({ disableContentTypeCheck: true });
  return {
    before: async (request: ProxyRequest) => {
      if (!WRITE_METHODS.has(request.event.httpMethod.toUpperCase())) {
        (request.event as { body: unknown }).body = undefined;
        return;
      }
      const size = payloadBytes(request.event);
      if (size > MAX_PAYLOAD_BYTES) {
        throw new ScimError(413, `The request body is ${size} bytes; the limit is ${MAX_PAYLOAD_BYTES}.`);
      }
      if (request.event.body === null || request.event.body === '') {
        throw new ScimError(400, 'A JSON request body is required.', 'invalidSyntax');
      }
      if (request.event.body.includes('\uFFFD')) {
        // API Gateway passes bytes that are not UTF-8 as U+FFFD: storing them would corrupt the value sent.
        throw new ScimError(400, 'The request body is not valid UTF-8.', 'invalidSyntax');
      }
      await parser.before?.(request as never);
      assertDepth(request.event.body as unknown);
    },
  };
}

/** SCIM bodies nest a few levels (Bulk → operation → resource → attribute → element); far deeper is hostile. */
export const MAX_BODY_DEPTH = 32;

/** Checked without recursion, so that a hostile body cannot exhaust the stack here or later. */
function assertDepth(body: unknown): void {
  const stack: [unknown, number][] = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    if (depth > MAX_BODY_DEPTH) throw new ScimError(400, `The request body nests deeper than ${MAX_BODY_DEPTH} levels.`, 'invalidSyntax');
    for (const item of Object.values(value)) stack.push([item, depth + 1]);
  }
}

function payloadBytes(event: APIGatewayProxyEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}
