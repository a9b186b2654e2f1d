/**
 * What a PATCH path points at, in storage terms: which container (the resource itself or an
 * extension object under its URN), which attribute, optionally which sub-attribute and which
 * elements (value filter).
 */
import { invalidPath } from '../scim-error';
import type { FilterNode, PatchPath } from '../filter/ast';
import { parsePatchPath } from '../filter/path';
import type { ScimProfile } from '../scim-profile';
import { PathMemo } from '../schema/path-memo';
import type { AttributeDefinition, ResourceTypeName } from '../schema/types';

export interface AttributeTarget {
  readonly kind: 'attribute';
  /** Extension URN holding the attribute; undefined for top-level (core and common) attributes. */
  readonly urn: string | undefined;
  readonly definition: AttributeDefinition;
  /** `name.givenName`, `emails.value`, `emails[type eq "work"].value`. */
  readonly sub: AttributeDefinition | undefined;
  readonly filter: FilterNode | undefined;
}

/** The whole extension object: `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User`. */
export interface ExtensionTarget {
  readonly kind: 'extension';
  readonly urn: string;
}

export type Target = AttributeTarget | ExtensionTarget;

/** Parses a PATCH path (core first, then extensions); throws invalidPath / invalidFilter. */
export function resolvePatchPath(profile: ScimProfile, type: ResourceTypeName, text: string): PatchPath {
  return parsePatchPath(profile, type, profile.schemas.qualifyPath(type, text));
}

const TARGET_CACHE_LIMIT = 2_000;
/** Per profile: the same path means another attribute (or none) in another tenant. */
const targetsByProfile = new WeakMap<ScimProfile, PathMemo<Target>>();

/** Targets are immutable and provisioning clients send the same few paths all day: resolved once, kept (bounded). */
export function resolveTarget(profile: ScimProfile, type: ResourceTypeName, text: string): Target {
  let targets = targetsByProfile.get(profile);
  if (!targets) {
    targets = new PathMemo(TARGET_CACHE_LIMIT);
    targetsByProfile.set(profile, targets);
  }
  return targets.get(type, text, () => targetOf(profile, type, text));
}

function targetOf(profile: ScimProfile, type: ResourceTypeName, text: string): Target {
  const path = resolvePatchPath(profile, type, text);
  const { attribute } = path;
  if (!attribute) {
    if (path.extension) return { kind: 'extension', urn: path.extension };
    throw invalidPath(`"${text}" names no attribute.`);
  }
  return {
    kind: 'attribute',
    urn: attribute.isCore ? undefined : attribute.schema,
    definition: attribute.definition,
    sub: path.subAttribute ?? attribute.subDefinition,
    filter: path.filter,
  };
}
