/** docs/activity.md lists every reason code with its meaning, and the HTTP status of a failure maps to one. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { isReasonCode, reasonOfStatus, REASON_CODES } from '../../../functions/activity/reason-codes';
import { TOKEN_REFUSAL_REASONS } from '../../../functions/activity/refusal-reasons';

const page = readFileSync('docs/activity.md', 'utf8');
// Prettier pads table cells: compare with runs of spaces folded.
const table = page.slice(page.indexOf('<!-- reason-codes:start -->'), page.indexOf('<!-- reason-codes:end -->')).replace(/ {2,}/g, ' ');

describe('reason codes', () => {
  it('docs/activity.md has a row for every code, and no row for a code that does not exist', () => {
    const documented = [...table.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1] ?? '');
    const all = [...new Set([...Object.keys(REASON_CODES), ...TOKEN_REFUSAL_REASONS])];
    expect([...documented].sort()).toEqual(all.sort());
    for (const [code, meaning] of Object.entries(REASON_CODES)) expect(table).toContain(`| \`${code}\` | ${meaning} |`);
  });

  it('knows the token endpoint codes as reason codes', () => {
    expect(TOKEN_REFUSAL_REASONS.every(isReasonCode)).toBe(true);
    expect(isReasonCode('made_up')).toBe(false);
  });

  it.each([
    [404, undefined, 'not_found'],
    [409, 'uniqueness', 'uniqueness'],
    [409, undefined, 'conflict'],
    [412, undefined, 'precondition_failed'],
    [400, 'invalidFilter', 'invalid_request_body'],
    [429, undefined, 'throttled'],
    [503, undefined, 'unavailable'],
    [500, undefined, 'server_error'],
  ] as const)('status %i (%s) is %s', (status, scimType, reason) => {
    expect(reasonOfStatus(status, scimType)).toBe(reason);
  });
});
