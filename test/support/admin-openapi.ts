/**
 * Checks what the admin API answered against what its OpenAPI document declares: every observed
 * (method, path) is a declared operation, every observed status is declared for it, every problem
 * type observed is among the declared `x-problem-types` of that status, and success bodies are JSON
 * where the document declares a JSON body. Also lists declared operations no observation covered.
 */
import type { Observation } from './admin-api';

type JsonObject = Record<string, unknown>;

interface Declared {
  readonly template: string;
  readonly method: string;
  readonly operation: JsonObject;
}

function operationsOf(document: JsonObject): Declared[] {
  const declared: Declared[] = [];
  for (const [template, item] of Object.entries(document.paths as Record<string, JsonObject>)) {
    for (const [method, operation] of Object.entries(item))
      declared.push({ template, method: method.toUpperCase(), operation: operation as JsonObject });
  }
  return declared;
}

const matches = (template: string, path: string): boolean => {
  const t = template.split('/');
  const p = path.split('/');
  return t.length === p.length && t.every((segment, i) => (segment.startsWith('{') ? (p[i] ?? '') !== '' : segment === p[i]));
};

/** Mismatches between observations and the document; [] when every observation is declared. */
export function undeclared(document: JsonObject, observations: readonly Observation[], basePath = '/admin/v1'): string[] {
  const problems: string[] = [];
  const declared = operationsOf(document);
  for (const seen of observations) {
    const path = `${basePath}${seen.path}`;
    const candidates = declared.filter((d) => matches(d.template, path));
    // 404 for unknown paths and 405 for undeclared methods are the router's, not an operation's.
    if (candidates.length === 0) {
      if (seen.status !== 404) problems.push(`${seen.method} ${seen.path}: no declared path, answered ${seen.status}`);
      continue;
    }
    const operation = candidates.find((d) => d.method === seen.method);
    if (!operation) {
      if (seen.status !== 405) problems.push(`${seen.method} ${seen.path}: undeclared method answered ${seen.status}`);
      continue;
    }
    const responses = operation.operation.responses as Record<string, JsonObject>;
    const response = responses[String(seen.status)];
    const name = `${seen.method} ${operation.template} → ${seen.status}`;
    if (!response) {
      problems.push(`${name}: status not declared`);
      continue;
    }
    const types = (response['x-problem-types'] as string[] | undefined) ?? [];
    if (seen.problemType !== undefined && !types.includes(seen.problemType))
      problems.push(`${name}: problem type ${seen.problemType} not declared`);
    if (seen.status < 400 && response.content && !seen.contentType.startsWith('application/json')) problems.push(`${name}: not JSON`);
    if (seen.status < 400 && !response.content && seen.body !== undefined) problems.push(`${name}: a body where none is declared`);
  }
  return problems;
}

/** Declared operations (`METHOD /template`) that no observation exercised with a success status. */
export function unexercised(document: JsonObject, observations: readonly Observation[], basePath = '/admin/v1'): string[] {
  return operationsOf(document)
    .filter(
      (d) => !observations.some((seen) => seen.method === d.method && seen.status < 300 && matches(d.template, `${basePath}${seen.path}`)),
    )
    .map((d) => `${d.method} ${d.template}`);
}
