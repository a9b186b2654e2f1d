/** CLI failures with exit codes scripts can rely on (documented in docs/operations.md). */
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
