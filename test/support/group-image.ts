/** A group item as the table's stream carries it (unmarshalled): the unit tests of large writes' events build their changes from it. */
export const groupImage = (version: number, extra: Record<string, unknown> = {}) => ({
  PK: 'TENANT#acme',
  SK: 'GROUP#g1',
  entity: 'Group',
  tenantId: 'acme',
  id: 'g1',
  version,
  lastModified: '2026-01-01T10:20:30.456Z',
  resource: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], id: 'g1', displayName: 'Everyone' },
  ...extra,
});
