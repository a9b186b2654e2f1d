/**
 * A stored resource as clients see it: the core representation plus `id` and `meta`
 * (RFC 7643 §3.1), with the version as a weak ETag.
 */
import type { StoredResource } from '../store/resources';
import type { ResourceTypeName, ScimResource } from '../scim/schema/types';
import { resourceTypes } from '../scim/schema/definitions';
import { ScimError } from '../scim/scim-error';
import type { ScimProfile } from '../scim/scim-profile';
import { presentable } from '../scim/resource/stored-fit';

export const etagOf = (version: number): string => `W/"${version}"`;

export function locationOf(baseUrl: string, type: ResourceTypeName, id: string): string {
  return `${baseUrl}${resourceTypes[type].endpoint}/${encodeURIComponent(id)}`;
}

/** One representation per stored resource read: a list request filters, sorts and answers with the same object. */
interface Built {
  readonly profile: ScimProfile;
  readonly baseUrl: string;
  readonly resource: ScimResource;
}
const built = new WeakMap<StoredResource, Built>();

/**
 * What no longer fits the tenant's extensions (changed by a deploy) is left out, see stored-fit.ts.
 * `extra` (a user's `groups`, a group's `members`) goes before `meta`. The result is shared by
 * every use of the same read and must not be edited (projection and responses copy).
 */
export function represent(
  profile: ScimProfile,
  type: ResourceTypeName,
  stored: StoredResource,
  baseUrl: string,
  extra: ScimResource = {},
): ScimResource {
  let base = built.get(stored);
  if (!base || base.profile !== profile || base.baseUrl !== baseUrl) {
    base = { profile, baseUrl, resource: representation(profile, type, stored, baseUrl) };
    built.set(stored, base);
  }
  if (Object.keys(extra).length === 0) return base.resource;
  const { meta, ...attributes } = base.resource;
  return { ...attributes, ...extra, meta };
}

function representation(profile: ScimProfile, type: ResourceTypeName, stored: StoredResource, baseUrl: string): ScimResource {
  const { schemas, ...attributes } = presentable(profile, type, stored.resource);
  return {
    schemas,
    id: stored.id,
    ...attributes,
    meta: {
      resourceType: type,
      created: stored.created,
      lastModified: stored.lastModified,
      location: locationOf(baseUrl, type, stored.id),
      version: etagOf(stored.version),
    },
  };
}

/**
 * If-Match (RFC 7644 §3.14, RFC 9110 §13.1.1): `*` or a list of ETags, weak or strong (the
 * version is the whole validator, so `"3"` and `W/"3"` both match version 3). A mismatch is 412.
 */
export function checkIfMatch(header: string | undefined, stored: StoredResource): void {
  if (header === undefined || header.trim() === '*') return;
  if (!etagList(header).includes(String(stored.version))) {
    throw new ScimError(412, `The resource has changed: its ETag is ${etagOf(stored.version)}.`);
  }
}

/** If-None-Match on reads: true when the client's copy is current (answer 304). */
export function notModified(header: string | undefined, stored: StoredResource): boolean {
  if (header === undefined) return false;
  return header.trim() === '*' || etagList(header).includes(String(stored.version));
}

function etagList(header: string): string[] {
  return header
    .split(',')
    .map((tag) =>
      tag
        .trim()
        .replace(/^W\//i, '')
        .replace(/^"(.*)"$/, '$1'),
    )
    .filter((tag) => tag !== '');
}
