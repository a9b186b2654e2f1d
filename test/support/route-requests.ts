/**
 * One request per SCIM route and method that succeeds for an authorized caller of a tenant: the
 * access-token tests (OAuth client credentials, federated credentials) send each with their token
 * to its own tenant (2xx) and to another tenant (403).
 */
import { routes } from '../../functions/routes';
import type { Json } from './local-stack';
import { BULK, GROUP, PATCH_OP, SEARCH, USER } from './urns';

/** Resources the requests act on: a user, another user (deleted), a group. */
export interface RouteFixtures {
  readonly user: Json;
  readonly otherUser: Json;
  readonly group: Json;
}

/** Every route and method, deletes last so every other request still finds its resource. */
export const routeCases = routes
  .flatMap((route) => route.methods.map((method) => [method, route.path] as const))
  .sort(([a], [b]) => Number(a === 'DELETE') - Number(b === 'DELETE'));

/** The concrete path and body for `method` on the route `path`. */
export function requestFor(fixtures: RouteFixtures, method: string, path: string): [string, unknown] {
  const { user, otherUser, group } = fixtures;
  const id = path.startsWith('/Groups')
    ? String(group.id)
    : String(path.startsWith('/Users/{id}') && method === 'DELETE' ? otherUser.id : user.id);
  const concrete = path.replace('{id}', path.startsWith('/Schemas') ? USER : path.startsWith('/ResourceTypes') ? 'User' : id);
  const isGroup = path.startsWith('/Groups');
  if (method === 'GET' || method === 'DELETE') return [concrete, undefined];
  if (path.endsWith('.search')) return [concrete, { schemas: [SEARCH], count: 1 }];
  if (path === '/Bulk')
    return [
      concrete,
      {
        schemas: [BULK],
        Operations: [
          { method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [USER], userName: `bulk-${String(user.id)}@example.com` } },
        ],
      },
    ];
  if (method === 'PATCH')
    return [concrete, { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'displayName', value: 'Patched' }] }];
  if (method === 'PUT')
    return [
      concrete,
      isGroup ? { schemas: [GROUP], displayName: String(group.displayName) } : { schemas: [USER], userName: String(user.userName) },
    ];
  return [
    concrete,
    isGroup
      ? { schemas: [GROUP], displayName: `Posted ${method} ${String(group.id)}` }
      : { schemas: [USER], userName: `posted-${path.length}-${String(user.id)}@example.com` },
  ];
}
