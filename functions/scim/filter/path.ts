/**
 * PATCH paths (RFC 7644 §3.5.2, Figure 2): `attrPath`, `attrPath[valFilter]`,
 * `attrPath[valFilter].subAttr`, or a bare extension URN. Unknown names are 400 invalidPath. A
 * multi-valued attribute of a simple type takes a value filter on its elements' `value`
 * (`badges[value eq "x"]`, RFC 7643 §2.4), and no sub-attribute after it.
 */
import { invalidPath } from '../scim-error';
import type { ScimProfile } from '../scim-profile';
import { findAttribute } from '../schema/registry';
import type { ResourceTypeName } from '../schema/types';
import type { PatchPath } from './ast';
import { parseElementFilter } from './parse';

export function parsePatchPath(profile: ScimProfile, type: ResourceTypeName, text: string): PatchPath {
  const path = text.trim();
  if (path === '') throw invalidPath('The PATCH path is empty.');
  const extension = profile.schemas.extensionNamed(type, path);
  if (extension) return { extension };
  const open = path.indexOf('[');
  if (open === -1) return { attribute: resolveOrFail(profile, type, path, path) };

  const close = closingBracket(path, open);
  const attribute = resolveOrFail(profile, type, path.slice(0, open), path);
  if (!attribute.definition.multiValued || attribute.subDefinition) {
    throw invalidPath(`"${path}": only multi-valued attributes take a value filter.`);
  }
  const filter = parseElementFilter(profile, type, attribute, path.slice(open + 1, close));
  const rest = path.slice(close + 1);
  if (rest === '') return { attribute, filter };
  if (!rest.startsWith('.')) throw invalidPath(`"${path}": expected ".subAttribute" after the value filter.`);
  const subAttribute = findAttribute(attribute.definition.subAttributes, rest.slice(1));
  if (!subAttribute) throw invalidPath(`"${path}": "${rest.slice(1)}" is not a sub-attribute of "${attribute.definition.name}".`);
  return { attribute, filter, subAttribute };
}

function resolveOrFail(profile: ScimProfile, type: ResourceTypeName, text: string, whole: string) {
  const resolved = profile.schemas.resolvePath(type, text);
  if (resolved) return resolved;
  const known = text.toLowerCase().startsWith('urn:') ? profile.schemas.matchSchemaPrefix(type, text) : 'core';
  const why = known ? 'no such attribute' : 'unknown schema';
  throw invalidPath(`"${whole}" is not a valid path for a ${type} (${why}).`);
}

/** The `]` closing the bracket at `open`, skipping brackets inside string literals. */
function closingBracket(path: string, open: number): number {
  let inString = false;
  for (let i = open + 1; i < path.length; i += 1) {
    const c = path.charAt(i);
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === ']') {
      return i;
    }
  }
  throw invalidPath(`"${path}": the value filter has no closing ']'.`);
}
