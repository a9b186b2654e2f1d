#!/usr/bin/env node
// CI gate: a jest JSON report (`jest --json --outputFile=<file>`) with any `todo` test fails the run.
// A todo is a check that did not happen (e.g. a tool missing on the CI machine), never a pass.
// Usage: node .ci/no-todo.mjs <report.json>
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) {
  console.error('usage: node .ci/no-todo.mjs <jest-report.json>');
  process.exit(2);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
const todos = (report.testResults ?? []).flatMap((suite) =>
  (suite.assertionResults ?? []).filter((test) => test.status === 'todo').map((test) => `${suite.name}: ${test.fullName}`),
);
if (report.numTodoTests > 0 || todos.length > 0) {
  console.error(`CI fails: the suite reports ${Math.max(report.numTodoTests ?? 0, todos.length)} todo test(s):`);
  for (const title of todos) console.error(`  - ${title}`);
  process.exit(1);
}
console.log('no todo tests');
