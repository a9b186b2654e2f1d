/**
 * The tests' environment: Node's, with the functions' JSON log lines (Powertools logs and EMF metric
 * records, which they write straight to the process's streams: stdout, and stderr for WARN and ERROR,
 * as Powertools' own Console does) held back instead of printed among jest's output.
 * A test that fails gets the lines logged since it started printed under its failure, so a passing
 * run is quiet and a failing one still shows what the functions said.
 */
import { TestEnvironment } from 'jest-environment-node';

/** A JSON log line of a function: Powertools' (`"level"` first) or an EMF record (`"_aws"` first). */
const FUNCTION_LOG_LINE = /^\{"(?:level|_aws)":/;

type Write = typeof process.stdout.write;
/** The part of a jest-circus event this environment reads. */
type TestEvent = { readonly name: string; readonly test?: { readonly name: string }; readonly hook?: { readonly type: string } };

export default class QuietEnvironment extends TestEnvironment {
  private held: string[] = [];
  private restore: (() => void)[] = [];

  override async setup(): Promise<void> {
    await super.setup();
    this.restore = [this.holdFunctionLines(process.stdout), this.holdFunctionLines(process.stderr)];
  }

  override async teardown(): Promise<void> {
    for (const restore of this.restore) restore();
    this.restore = [];
    await super.teardown();
  }

  /** Writes made only of function log lines are held; any other write goes through. Returns the undo. */
  private holdFunctionLines(stream: NodeJS.WriteStream): () => void {
    const originalWrite = stream.write;
    const original = stream.write.bind(stream) as Write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      const lines = text.split('\n').filter((line) => line !== '');
      if (lines.length > 0 && lines.every((line) => FUNCTION_LOG_LINE.test(line))) {
        this.held.push(...lines);
        const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
        callback?.();
        return true;
      }
      return (original as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as Write;
    return () => {
      stream.write = originalWrite;
    };
  }

  handleTestEvent(event: TestEvent): void {
    if (event.name === 'test_start') this.held = [];
    if ((event.name === 'test_fn_failure' || event.name === 'hook_failure') && this.held.length > 0) {
      const where = event.test?.name ?? `${event.hook?.type ?? 'a'} hook`;
      process.stderr.write(`\n── function log lines while "${where}" ran (${this.held.length}) ──\n${this.held.join('\n')}\n\n`);
      this.held = [];
    }
  }
}
