/**
 * Calls the local admin API (`/admin/v1`) with the stack's admin key, and records what each call
 * observed (operation path template, method, status, problem type), so a test file can check its
 * observations against the OpenAPI document (test/integration/admin-openapi.test.ts does).
 */
import type { Json, TestStack } from './local-stack';

export interface AdminResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly json: Json;
  readonly text: string;
}

export interface Observation {
  readonly method: string;
  /** The path as sent, below /admin/v1, without the query. */
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly problemType?: string;
  readonly body: unknown;
  readonly sentBody?: unknown;
}

export type AdminCall = (
  method: string,
  path: string,
  body?: unknown,
  headers?: Readonly<Record<string, string | undefined>>,
) => Promise<AdminResponse>;

/** `call('POST', '/tenants', {...})`; `headers.authorization` replaces the admin key (undefined: none). */
export function adminCaller(stack: () => TestStack, observations: Observation[] = []): AdminCall {
  return async (method, path, body, headers = {}) => {
    const sent = new Headers();
    if (!Object.keys(headers).some((name) => name.toLowerCase() === 'authorization')) {
      sent.set('Authorization', `Bearer ${stack().stack.adminKey}`);
    }
    if (body !== undefined) sent.set('Content-Type', 'application/json');
    for (const [name, value] of Object.entries(headers)) if (value !== undefined) sent.set(name, value);
    const response = await fetch(`${stack().stack.adminUrl}${path}`, {
      method,
      headers: sent,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    const json = parseJson(text);
    const contentType = response.headers.get('content-type') ?? '';
    observations.push({
      method,
      path: path.split('?')[0] ?? path,
      status: response.status,
      contentType,
      ...(contentType.startsWith('application/problem+json') ? { problemType: String(json.type) } : {}),
      body: text === '' ? undefined : json,
      ...(body !== undefined ? { sentBody: body } : {}),
    });
    return { status: response.status, headers: response.headers, json, text };
  };
}

function parseJson(text: string): Json {
  try {
    return text === '' ? {} : (JSON.parse(text) as Json);
  } catch {
    return {};
  }
}
