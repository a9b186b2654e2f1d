/**
 * The OpenAPI 3.1 document of the admin API, generated from the operations' own declarations
 * (operation.ts): paths, parameters, request and response bodies (JSON Schema 2020-12 from the zod
 * schemas the router validates with) and, per error status, the problem types it may carry
 * (`x-problem-types`). Built once per process, on the first `GET /admin/v1/openapi.json`.
 */
import * as z from 'zod/mini';
import type { AdminOperation } from './operation';
import { PROBLEM_TYPES, problemType, type ProblemName } from './problems';
import { ADMIN_BASE_PATH, BODY_PROBLEMS, COMMON_PROBLEMS, TENANT_PART_PROBLEMS } from './router';

type JsonObject = Record<string, unknown>;

const schemaOf = (schema: z.ZodMiniType, io: 'input' | 'output'): JsonObject => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonObject;
  return rest;
};

/** Every problem type an operation may answer, by name (its own, the common ones, the body ones, a tenant part's). */
export function problemsOf(operation: AdminOperation): ProblemName[] {
  const tenantPart = operation.path.startsWith('/tenants/{tenantId}/') ? TENANT_PART_PROBLEMS : [];
  return [...new Set([...operation.problems, ...COMMON_PROBLEMS, ...(operation.requestBody ? BODY_PROBLEMS : []), ...tenantPart])];
}

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: {
      type: 'array',
      description: 'invalid-input only: each failing member of the request, by path.',
      items: { type: 'object', required: ['path', 'detail'], properties: { path: { type: 'string' }, detail: { type: 'string' } } },
    },
  },
};

function errorResponses(operation: AdminOperation): JsonObject {
  const byStatus = new Map<number, ProblemName[]>();
  for (const name of problemsOf(operation)) {
    const status = PROBLEM_TYPES[name].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), name]);
  }
  const responses: JsonObject = {};
  for (const [status, names] of [...byStatus.entries()].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: names.map((name) => PROBLEM_TYPES[name].title).join('; '),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
      'x-problem-types': names.map(problemType),
    };
  }
  return responses;
}

function operationObject(operation: AdminOperation): JsonObject {
  const pathParameters = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((match) => ({
    name: match[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const query = (operation.query ?? []).map((parameter) => ({ in: 'query', required: false, ...parameter }));
  const success: JsonObject = {};
  for (const [status, declaration] of Object.entries(operation.responses)) {
    success[status] = {
      description: declaration.description,
      ...(declaration.body ? { content: { 'application/json': { schema: schemaOf(declaration.body, 'output') } } } : {}),
    };
  }
  return {
    operationId: operation.operationId,
    summary: operation.summary,
    tags: [operation.tag],
    ...(pathParameters.length + query.length > 0 ? { parameters: [...pathParameters, ...query] } : {}),
    ...(operation.requestBody
      ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(operation.requestBody, 'input') } } } }
      : {}),
    responses: { ...success, ...errorResponses(operation) },
  };
}

export function openApiDocument(operations: readonly AdminOperation[]): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const operation of operations) {
    const path = `${ADMIN_BASE_PATH}${operation.path}`;
    paths[path] = { ...(paths[path] ?? {}), [operation.method.toLowerCase()]: operationObject(operation) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'scim-serverless tenant admin API',
      version: '1',
      description: "The vendor backend's API for its customers' SCIM connections (docs/admin-api.md).",
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: { Problem: problemSchema },
      securitySchemes: {
        sigv4: {
          type: 'apiKey',
          name: 'Authorization',
          in: 'header',
          description: 'AWS Signature Version 4 (execute-api); API Gateway authorizes with AWS_IAM.',
          'x-amazon-apigateway-authtype': 'awsSigv4',
        },
        localAdminKey: { type: 'http', scheme: 'bearer', description: 'The local server only: the admin key npm start prints.' },
      },
    },
    security: [{ sigv4: [] }, { localAdminKey: [] }],
  };
}
