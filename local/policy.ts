/**
 * Evaluates an authorizer's IAM policy against a methodArn the way API Gateway does: a statement
 * applies when its Action covers `execute-api:Invoke` and its Resource covers the ARN (IAM
 * wildcards: `*` any run of characters, slashes included, `?` one character); an applicable Deny
 * wins, otherwise an applicable Allow allows, otherwise the request is denied.
 */
const INVOKE_ACTION = 'execute-api:Invoke';

/**
 * Compiled patterns, kept: API Gateway evaluates the cached policy on every request, and the local
 * gateway compiling its regular expressions each time was most of the emulation's CPU. Bounded, as
 * patterns come from policies (one or two per tenant).
 */
const compiled = new Map<string, RegExp>();
const MAX_PATTERNS = 10_000;

function wildcardPattern(pattern: string, flags: string): RegExp {
  const key = `${flags}:${pattern}`;
  const known = compiled.get(key);
  if (known) return known;
  if (compiled.size >= MAX_PATTERNS) compiled.clear();
  const regex = compile(pattern, flags);
  compiled.set(key, regex);
  return regex;
}

/** RegExp.test with neither the `g` nor the `y` flag keeps no state between calls, so one instance serves all. */
function compile(pattern: string, flags: string): RegExp {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, `s${flags}`);
}

/** ARNs compare case-sensitively. */
export const arnMatches = (pattern: string, arn: string): boolean => wildcardPattern(pattern, '').test(arn);
/** IAM action names do not. */
const actionMatches = (pattern: string, action: string): boolean => wildcardPattern(pattern, 'i').test(action);

const asList = (value: unknown): string[] | undefined => {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
};

type Element = 'Action' | 'Resource';

/** `Action`/`Resource` must list a match; `NotAction`/`NotResource` must not; a statement without either never applies. */
function covers(statement: Record<string, unknown>, element: Element, value: string): boolean {
  const match = element === 'Action' ? actionMatches : arnMatches;
  const listed = asList(statement[element]);
  if (listed) return listed.some((pattern) => match(pattern, value));
  const excluded = asList(statement[`Not${element}`]);
  if (excluded) return !excluded.some((pattern) => match(pattern, value));
  return false;
}

function statementsOf(policyDocument: unknown): Record<string, unknown>[] {
  if (typeof policyDocument !== 'object' || policyDocument === null) return [];
  const statement = (policyDocument as { Statement?: unknown }).Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null);
}

export function policyAllows(policyDocument: unknown, methodArn: string): boolean {
  const applicable = statementsOf(policyDocument).filter(
    (statement) => covers(statement, 'Action', INVOKE_ACTION) && covers(statement, 'Resource', methodArn),
  );
  if (applicable.some((statement) => statement.Effect === 'Deny')) return false;
  return applicable.some((statement) => statement.Effect === 'Allow');
}
