/** The micro-benchmark as a program: prints its figures as JSON (micro.ts bundles and runs it). */
import { runMicroSuite } from './micro-suite';

process.stdout.write(JSON.stringify(await runMicroSuite()));
