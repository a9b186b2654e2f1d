/**
 * Group membership operations, split from the rest of a Group PATCH: members are items in the
 * store, not an attribute of the group item, so the provisioning layer applies them separately.
 *
 * The forms (RFC 7644 §3.5.2; where a dialect rule applies, it is named):
 *  - `{"op":"add","path":"members","value":[{"value":"<id>"}, ...]}`
 *  - `{"op":"remove","path":"members[value eq \"<id>\"]"}`
 *  - `{"op":"remove","path":"members","value":[{"value":"<id>"}]}`: only those (`removeTakesValue`)
 *  - `{"op":"remove","path":"members"}` without value: every member
 *  - `{"op":"replace","path":"members","value":[...]}`: exactly those members
 *  - path-less `add`/`replace` whose value object carries `members`
 */
import { badRequest, invalidPath, invalidValue } from '../scim-error';
import type { FilterNode } from '../filter/ast';
import type { ScimProfile } from '../scim-profile';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition } from '../schema/types';
import { isObject } from '../../commons/json';
import type { PatchOperation } from './operations';
import { resolvePatchPath } from './target';
import { elementsOf } from './values';

export type MemberChange =
  | { readonly kind: 'add'; readonly ids: string[] }
  | { readonly kind: 'remove'; readonly ids: string[] }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'replace'; readonly ids: string[] };

export interface SplitOperations {
  readonly attributeOperations: PatchOperation[];
  readonly memberChanges: MemberChange[];
}

const membersDefinition = (profile: ScimProfile): AttributeDefinition => {
  const definition = findAttribute(profile.schemas.coreAttributesOf('Group'), 'members');
  if (!definition) throw new Error('Group schema lacks members');
  return definition;
};

const isMembersName = (name: string) => name.toLowerCase() === 'members';

export function splitMemberOperations(profile: ScimProfile, operations: readonly PatchOperation[]): SplitOperations {
  const attributeOperations: PatchOperation[] = [];
  const memberChanges: MemberChange[] = [];
  operations.forEach((operation, index) => {
    if (operation.path === undefined) {
      const { rest, change } = splitPathless(profile, operation, index);
      if (rest) attributeOperations.push(rest);
      if (change) memberChanges.push(change);
      return;
    }
    const change = memberChangeOf(profile, operation, operation.path, index);
    if (change) memberChanges.push(change);
    else attributeOperations.push(operation);
  });
  return { attributeOperations, memberChanges };
}

/** A path-less add/replace: `members` goes to the member changes, the other keys stay attributes. */
function splitPathless(profile: ScimProfile, operation: PatchOperation, index: number): { rest?: PatchOperation; change?: MemberChange } {
  if (!isObject(operation.value)) return { rest: operation };
  const entries = Object.entries(operation.value);
  const members = entries.find(([key]) => isMembersName(key));
  if (!members) return { rest: operation };
  const others = entries.filter(([key]) => !isMembersName(key));
  const ids = memberIds(profile, members[1], index);
  const change: MemberChange = operation.op === 'replace' ? { kind: 'replace', ids } : { kind: 'add', ids };
  return {
    ...(others.length > 0 ? { rest: { op: operation.op, value: Object.fromEntries(others) } } : {}),
    change,
  };
}

/** The member change a pathful operation makes, or undefined when it is about another attribute. */
function memberChangeOf(profile: ScimProfile, operation: PatchOperation, path: string, index: number): MemberChange | undefined {
  if (!/^\s*members\b/i.test(path) && !/^urn:ietf:params:scim:schemas:core:2\.0:group:members\b/i.test(path)) return undefined;
  const target = resolvePatchPath(profile, 'Group', path);
  const sub = target.subAttribute ?? target.attribute?.subDefinition;
  if (sub && (sub.mutability === 'immutable' || sub.mutability === 'readOnly')) {
    // members.value, .$ref, .type are immutable and .display readOnly (RFC 7643 §4.2): a member is replaced by removing and adding.
    throw badRequest('mutability', `Operations[${index}]: "${path}" is ${sub.mutability}; remove the member and add another instead.`);
  }
  if (sub) {
    throw invalidPath(`Operations[${index}]: change members by "members" or "members[value eq \\"<id>\\"]", not "${path}".`);
  }
  if (target.filter) {
    if (operation.op !== 'remove') {
      throw invalidPath(`Operations[${index}]: a member filter path only works with "remove"; add members with path "members".`);
    }
    return { kind: 'remove', ids: idsFromFilter(target.filter, path, index) };
  }
  switch (operation.op) {
    case 'add':
      return { kind: 'add', ids: memberIds(profile, operation.value, index) };
    case 'replace':
      return { kind: 'replace', ids: memberIds(profile, operation.value, index) };
    case 'remove':
      if (operation.value === undefined || operation.value === null) return { kind: 'removeAll' };
      if (!profile.dialect.removeTakesValue) {
        // RFC 7644 §3.5.2.2 would remove every member here: refused rather than guessed.
        throw invalidValue(
          `Operations[${index}]: "remove" takes no "value" (RFC 7644 §3.5.2.2); remove members with path 'members[value eq "<id>"]'.`,
        );
      }
      return { kind: 'remove', ids: memberIds(profile, operation.value, index) };
  }
}

/** Member ids of a value: `[{"value":"id"}]`, one object, or bare ids. Each needs a non-empty string value. */
function memberIds(profile: ScimProfile, value: unknown, index: number): string[] {
  if (value === null || value === undefined) return [];
  const ids = elementsOf(profile.dialect, membersDefinition(profile), value).map((element) => element.value);
  if (!ids.every((id): id is string => typeof id === 'string' && id.trim() !== '')) {
    throw invalidValue(`Operations[${index}]: every member needs a "value" with the user's id.`);
  }
  return [...new Set(ids)];
}

/** `value eq "a"` (or several joined by `or`): the ids a remove filter names. */
function idsFromFilter(filter: FilterNode, path: string, index: number): string[] {
  if (filter.kind === 'or') {
    return [...new Set([...idsFromFilter(filter.left, path, index), ...idsFromFilter(filter.right, path, index)])];
  }
  if (
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.attribute.subDefinition?.name === 'value' &&
    typeof filter.value === 'string'
  ) {
    return [filter.value];
  }
  throw invalidPath(`Operations[${index}]: "${path}" must select members by value, e.g. members[value eq "<id>"].`);
}

/**
 * The net effect of a PATCH's member changes, applied in order (RFC 7644 §3.5.2: operations apply
 * in sequence, all or nothing). `exact`: the members become exactly `put` (a replace or remove-all
 * came first); otherwise they become current ∪ put − remove (put and remove are disjoint).
 */
export interface NetMemberChange {
  readonly exact: boolean;
  readonly put: ReadonlySet<string>;
  readonly remove: ReadonlySet<string>;
}

export function netMemberChange(changes: readonly MemberChange[]): NetMemberChange {
  let exact = false;
  const put = new Set<string>();
  const remove = new Set<string>();
  for (const change of changes) {
    switch (change.kind) {
      case 'add':
        for (const id of change.ids) {
          put.add(id);
          remove.delete(id);
        }
        break;
      case 'remove':
        for (const id of change.ids) {
          put.delete(id);
          if (!exact) remove.add(id);
        }
        break;
      case 'removeAll':
      case 'replace':
        exact = true;
        put.clear();
        remove.clear();
        if (change.kind === 'replace') change.ids.forEach((id) => put.add(id));
    }
  }
  return { exact, put, remove };
}

/** The ids a change makes members: they must be users of the tenant, checked before anything is written. */
export function addedMemberIds(changes: readonly MemberChange[]): string[] {
  return [...new Set(changes.flatMap((change) => (change.kind === 'add' || change.kind === 'replace' ? change.ids : [])))];
}
