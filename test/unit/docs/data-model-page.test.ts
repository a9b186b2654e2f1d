/**
 * docs/data-model.md holds the one table of the DynamoDB keys. This builds every key with
 * functions/store/keys.ts (placeholders for the values) and finds it in the page's row of that item,
 * so a key that changes, or a key function added without a row, fails here.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { keys, type Key } from '../../../functions/store/keys';

const page = readFileSync('docs/data-model.md', 'utf8');
const placeholder = (text: string) => text as unknown as number; // numeric key parts shown as <…>

/** Each key function: the item (`entity`) whose row shows it, and the key built with the page's placeholders. */
const documented: Record<keyof typeof keys, { entity: string; key: () => Partial<Key> & Record<string, string> } | 'derived'> = {
  tenant: { entity: 'Tenant', key: () => keys.tenant('<t>') },
  token: { entity: 'Token', key: () => keys.token('<sha256 of token>') },
  tenantToken: { entity: 'TenantToken', key: () => keys.tenantToken('<t>', '<token id>') },
  user: { entity: 'User', key: () => keys.user('<t>', '<id>') },
  group: { entity: 'Group', key: () => keys.group('<t>', '<id>') },
  resource: 'derived', // keys.user or keys.group
  unique: { entity: 'UniqueValue', key: () => keys.unique('<t>', 'User', 'userName', '<lower-cased>') },
  sharedValue: { entity: 'SharedValue', key: () => keys.sharedValue('<t>', '<type>', 'externalId', '<value>', '<ownerId>') },
  membership: { entity: 'Membership', key: () => keys.membership('<t>', '<groupId>', '<userId>') },
  membershipIndex: { entity: 'Membership', key: () => keys.membershipIndex('<t>', '<groupId>', '<userId>') },
  groupIntent: { entity: 'GroupIntent', key: () => keys.groupIntent('<t>', '<groupId>', '<lease>', 0) },
  groupDelta: { entity: 'GroupDelta', key: () => keys.groupDelta('<t>', '<groupId>', '<lease>', 0) },
  cursorKey: { entity: 'CursorKey', key: () => keys.cursorKey() },
  seededTenants: { entity: 'SeededTenants', key: () => keys.seededTenants() },
  oauthClient: { entity: 'OAuthClient', key: () => keys.oauthClient('<t>', '<clientId>') },
  tokenRequestWindow: { entity: 'TokenRequestWindow', key: () => keys.tokenRequestWindow('<t>', placeholder('<epoch minute>')) },
  federatedCredential: { entity: 'FederatedCredential', key: () => keys.federatedCredential('<t>', '<clientId>') },
  federatedCredentialId: { entity: 'FederatedCredentialId', key: () => keys.federatedCredentialId('<t>', '<credentialId>') },
  eventStream: { entity: 'EventStream', key: () => keys.eventStream('<t>', '<streamId>') },
  pendingSet: { entity: 'EventSet', key: () => keys.pendingSet('<t>', '<streamId>', '<jti>') },
  deadSet: { entity: 'EventSet', key: () => keys.deadSet('<t>', '<streamId>', '<jti>') },
  listPosition: { entity: 'ListPosition', key: () => keys.listPosition('<t>', '<query digest>', placeholder('<startIndex>')) },
  resourceCount: { entity: 'ResourceCount', key: () => keys.resourceCount('<t>', 'User', placeholder('<nn>')) },
  bulkSlot: { entity: 'BulkSlot', key: () => keys.bulkSlot('<t>', placeholder('<n>')) },
  failedClientWindow: {
    entity: 'FailedClientWindow',
    key: () => keys.failedClientWindow('<t>', '<clientId>', placeholder('<epoch minute>')),
  },
  failedSourceWindow: { entity: 'FailedSourceWindow', key: () => keys.failedSourceWindow('<source ip>', placeholder('<epoch minute>')) },
};

function rowOf(entity: string): string[] {
  const row = page.split('\n').find((line) => line.startsWith(`| \`${entity}\` `));
  if (!row) throw new Error(`docs/data-model.md has no row for ${entity}`);
  return row.split(' | ').map((cell) => cell.replace(/^\| /, '').trim());
}

describe('docs/data-model.md', () => {
  it('has a row for every key function of functions/store/keys.ts', () => {
    expect(Object.keys(keys).sort()).toEqual(Object.keys(documented).sort());
  });

  it.each(Object.entries(documented).filter(([, doc]) => doc !== 'derived'))('shows the key keys.%s builds', (_name, doc) => {
    if (doc === 'derived') return;
    const [, pk, sk = '', gsi1] = rowOf(doc.entity);
    const key = doc.key();
    // Intent chunks are numbered with four digits; the page writes <n>.
    const shown = (value: string) => `\`${value.replace(/#0000$/, '#<n>')}\``;
    if (key.PK !== undefined) expect(pk).toBe(shown(key.PK));
    if (key.SK !== undefined) expect(sk).toContain(shown(key.SK));
    if (key.GSI1PK !== undefined) expect(gsi1).toBe(`${shown(key.GSI1PK)} / ${shown(key.GSI1SK ?? '')}`);
  });
});
