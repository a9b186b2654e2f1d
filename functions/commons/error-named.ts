/**
 * What an AWS SDK error (or any thrown value) is called: the SDK tells its errors apart by `name`
 * (ConditionalCheckFailedException, TransactionCanceledException, ResourceNotFoundException, ...),
 * and a thrown value need not be an Error at all. One place reads it, so no caller casts.
 */

/** The thrown value's `name`, when it has a string one. */
export function errorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('name' in error)) return undefined;
  return typeof error.name === 'string' ? error.name : undefined;
}

/** Whether the thrown value is named `name` (or one of `names`). */
export function errorNamed(error: unknown, ...names: readonly string[]): boolean {
  const name = errorName(error);
  return name !== undefined && names.includes(name);
}
