/** CLI failures with exit codes scripts can rely on (documented in docs/operations.md). */
import { isServiceError, type ServiceErrorKind } from '../functions/commons/service-errors';

export const EXIT = { ok: 0, failed: 1, usage: 2, notFound: 3, unreachable: 4 } as const;

export class AdminError extends Error {
  constructor(
    message: string,
    readonly exitCode: (typeof EXIT)[keyof typeof EXIT],
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

export const usageError = (message: string) => new AdminError(message, EXIT.usage);
export const notFoundError = (message: string) => new AdminError(message, EXIT.notFound);

/** Runs a service call; its ServiceErrors become AdminErrors with the exit code of their kind (the API's problem, as a CLI says it). */
export async function serviceCall<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isServiceError(error)) throw error;
    const exit: Partial<Record<ServiceErrorKind, (typeof EXIT)[keyof typeof EXIT]>> = {
      'invalid-input': EXIT.usage,
      'invalid-cursor': EXIT.usage,
      'not-found': EXIT.notFound,
    };
    throw new AdminError(error.message, exit[error.kind] ?? EXIT.failed);
  }
}

/** The tenant a command names with --tenant (its existence is the service's to check: not found, exit 3). */
export function tenantFlagOf(flags: { readonly tenant?: string }): string {
  if (!flags.tenant) throw usageError('give the tenant with --tenant <tenantId>');
  return flags.tenant;
}
