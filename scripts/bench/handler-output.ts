/**
 * The handlers log and publish metrics as deployed (Powertools Logger at its default INFO level, one
 * request line per request; Metrics enabled, one EMF record per request), so their CPU — building
 * and serialising both records — is part of the handler CPU the benchmark reports. The records
 * themselves are JSON lines on stdout; they are dropped here, at the write, so that the
 * benchmark's tables stay readable. Only the write to the pipe is not measured (in Lambda the
 * runtime forwards stdout to CloudWatch Logs outside the function's code).
 */
export function dropHandlerRecords(): void {
  process.env.POWERTOOLS_LOG_LEVEL ??= 'INFO';
  process.env.POWERTOOLS_METRICS_DISABLED ??= 'false';
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : '';
    if (text.startsWith('{')) {
      // Powertools calls write with a callback now and then; keep that contract.
      const callback = rest.find((r): r is () => void => typeof r === 'function');
      if (callback) process.nextTick(callback);
      return true;
    }
    return write(chunk, ...rest);
  }) as typeof process.stdout.write;
}
