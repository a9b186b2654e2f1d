#!/usr/bin/env bash
# Writes test/cdk/fixtures/per-tenant-stack-058ee32.template.json: the template of the stack BEFORE #22
# (one custom resource, secret, usage plan, key and outputs per tenant), synthesized from git history
# at commit 058ee32 with the two tenants of test/cdk/stack-fixture.ts, for test/cdk/upgrade.test.ts.
#   scripts/per-tenant-template.sh            (needs the git history and this checkout's node_modules)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
commit=058ee32
work="$(mktemp -d)"
trap 'git -C "$root" worktree remove --force "$work/old" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
git -C "$root" worktree add --detach "$work/old" "$commit" >/dev/null
ln -s "$root/node_modules" "$work/old/node_modules"
cat > "$work/old/write-template.ts" <<'TS'
import { writeFileSync } from 'node:fs';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { parseTenantsFile } from './functions/tenants/config';
import { ScimStack } from './lib/scim-stack';
const tenants = parseTenantsFile({
  tenants: [
    { id: 'acme', displayName: 'Acme', rateLimit: { rps: 40, burst: 80 }, oauthClient: true },
    { id: 'contoso', displayName: 'Contoso', settings: { requiredAttributes: { User: ['phoneNumbers'] } } },
  ],
});
const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
writeFileSync(process.argv[2] ?? '', JSON.stringify(Template.fromStack(new ScimStack(app, 'TestScim', { tenants })).toJSON(), null, 1) + '\n');
TS
(cd "$work/old" && node "$root/scripts/node22.mjs" --import tsx write-template.ts "$root/test/cdk/fixtures/per-tenant-stack-$commit.template.json")
echo "wrote test/cdk/fixtures/per-tenant-stack-$commit.template.json"
