/** Helpers for the dialect rule tests: the core's entry points under a chosen dialect. */
import { dialectNamed, type DialectName } from '../../../functions/scim/dialect/dialect';
import { parseFilter } from '../../../functions/scim/filter/parse';
import { evaluateFilter } from '../../../functions/scim/filter/evaluate';
import { applyPatch } from '../../../functions/scim/patch/apply';
import { splitMemberOperations } from '../../../functions/scim/patch/members';
import { parsePatchBody, PATCH_OP_SCHEMA } from '../../../functions/scim/patch/operations';
import { defaultProfile, type ScimProfile } from '../../../functions/scim/scim-profile';
import { parseResource } from '../../../functions/scim/resource/validate';
import { SchemaRegistry } from '../../../functions/scim/schema/registry';
import type { ResourceTypeName, ScimResource } from '../../../functions/scim/schema/types';

export const profileOf = (name: DialectName): ScimProfile => {
  const dialect = dialectNamed(name);
  return { ...defaultProfile, dialect, schemas: new SchemaRegistry({ aliases: dialect.subAttributeAliases }) };
};

export const under = (name: DialectName) => {
  const profile = profileOf(name);
  const operations = (...ops: object[]) => parsePatchBody(profile, { schemas: [PATCH_OP_SCHEMA], Operations: ops });
  return {
    profile,
    operations,
    patch: (type: ResourceTypeName, resource: ScimResource, ...ops: object[]) =>
      applyPatch(profile, type, resource, operations(...ops)).resource,
    members: (...ops: object[]) => splitMemberOperations(profile, operations(...ops)).memberChanges,
    create: (type: ResourceTypeName, body: object) => parseResource(profile, type, body),
    matches: (type: ResourceTypeName, filter: string, resource: ScimResource) =>
      evaluateFilter(parseFilter(profile, type, filter), resource),
  };
};
