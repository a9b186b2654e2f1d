/**
 * JSON bodies on write methods only: middy's parser answers 415 to a GET, so it runs for
 * POST/PUT/PATCH alone. The content-type check is off because SCIM clients send
 * `application/scim+json`, `application/json` or nothing; an unparsable body is 400 invalidSyntax
 * either way. Bodies over the payload limit are refused with 413 before parsing. Values that could
 * not be stored exactly (lone surrogates, numbers JSON.parse would round) are 400 invalidValue
 * (scim/text-values.ts), so what is stored, filtered and held unique is what the client sent.
 */
import jsonBodyParser from '@middy/http-json-body-parser';
import type { MiddlewareObj, Request } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { invalidValue, ScimError } from '../scim/scim-error';
import { firstInexactNumber, hasLoneSurrogate } from '../scim/text-values';
import { MAX_PAYLOAD_BYTES } from '../provisioning/limits';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

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
      const text = request.event.isBase64Encoded ? Buffer.from(request.event.body, 'base64').toString('utf8') : request.event.body;
      const plain = mayHaveForbiddenKey(text) ? undefined : parsePlain(text);
      if (plain === undefined) await parser.before?.(request as never);
      else (request.event as { body: unknown }).body = plain.value;
      assertDepth(request.event.body as unknown);
      assertExactValues(text, request.event.body as unknown);
    },
  };
}

/**
 * middy's parser rejects the keys `__proto__` and `constructor` (with a `prototype`) through a
 * JSON.parse reviver, a function call for every key and value of the body (≈50 µs of a POST /Users,
 * scripts/bench/drive.ts profile — more than the store's own work for it). A key can only spell one of those names literally or with
 * `\u` escapes (no other JSON escape makes letters or `_`), so a body without either substring
 * and without `\u` cannot have one, and plain JSON.parse gives the same result. Every other body,
 * and any body JSON.parse refuses, goes through middy's parser: same errors, same messages.
 */
function mayHaveForbiddenKey(text: string): boolean {
  return text.includes('\\u') || text.includes('__proto__') || text.includes('constructor');
}

function parsePlain(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
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

/** A lone surrogate (raw or as a `\\uD800` escape) anywhere, or a number that would be rounded: 400. */
function assertExactValues(text: string, body: unknown): void {
  const inexact = firstInexactNumber(text);
  if (inexact !== undefined) {
    throw invalidValue(
      `The number ${inexact.slice(0, 40)} cannot be stored exactly (integers beyond ±${Number.MAX_SAFE_INTEGER}, or more digits than a ` +
        `double holds); send it as a JSON string, e.g. "${inexact.slice(0, 40)}".`,
    );
  }
  if (!hasLoneSurrogate(text) && !SURROGATE_ESCAPE.test(text)) return;
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (hasLoneSurrogate(value))
        throw invalidValue('The request body has a string with a lone UTF-16 surrogate (e.g. "\\ud800"), which cannot be stored.');
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) stack.push(key, item);
    }
  }
}

const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;

function payloadBytes(event: APIGatewayProxyEvent): number {
  if (!event.body) return 0;
  return event.isBase64Encoded ? Math.floor((event.body.length * 3) / 4) : Buffer.byteLength(event.body, 'utf8');
}
