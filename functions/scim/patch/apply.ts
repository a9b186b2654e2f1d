/**
 * The PATCH engine (RFC 7644 §3.5.2): applies validated operations to a stored resource and says
 * whether anything changed. Pure: no storage, no clock.
 *
 * Where clients differ from RFC 7644, the tenant's dialect decides (functions/scim/dialect/):
 * path-less keys that are paths (`pathlessKeysArePaths`), a path-less value repeating the id
 * (`pathlessValueMayRepeatId`), a value filter that matches nothing (`unmatchedFilterCreates`: one
 * element holding the filter's `eq` terms is created, so following operations on the same filter
 * fill that one element; otherwise 400 noTarget), `remove` with a value (`removeTakesValue`), and
 * the value forms of values.ts.
 * A removal that matches nothing is a success: clients retry and must not fail on idempotent work.
 */
import type { Dialect } from '../dialect/dialect';
import { badRequest, invalidPath, invalidValue } from '../scim-error';
import type { FilterNode } from '../filter/ast';
import { evaluateElementFilter } from '../filter/evaluate';
import type { ScimProfile } from '../scim-profile';
import { normalizeResource } from '../resource/validate';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from '../schema/types';
import { assign, compact, equalJson, isObject, type JsonObject } from '../../commons/json';
import type { PatchOperation, PatchOpName } from './operations';
import { resolveTarget, type AttributeTarget } from './target';
import { complexValue, elementFromFilter, elementsOf, isPrimary, presentComplex } from './values';

export interface PatchResult {
  readonly resource: ScimResource;
  readonly changed: boolean;
}

/** One operation on one path, after path-less values were expanded into paths. */
interface Step {
  readonly op: PatchOpName;
  readonly path: string;
  readonly value?: unknown;
}

/** Attributes a path-less value may carry that are not client-writable and not worth an error. */
const IGNORED_PATHLESS_KEYS = new Set(['schemas', 'meta']);

export function applyPatch(
  profile: ScimProfile,
  type: ResourceTypeName,
  resource: ScimResource,
  operations: readonly PatchOperation[],
): PatchResult {
  // Copy on write: the engine replaces values and never edits one in place, except the top level and
  // the extension objects it writes into (containerOf copies those), so untouched subtrees are shared.
  const working: JsonObject = { ...resource };
  const touched = new Set<string>();
  const skipped: string[] = [];
  const run = (step: Step) => {
    // `unknownAttributes: ignore`: an operation on an attribute the tenant's schemas lack is skipped, and named.
    if (profile.unknownAttributes === 'ignore' && namesUnknownAttribute(profile, type, step.path)) skipped.push(step.path);
    else applyStep(profile, type, working, step, touched);
  };
  for (const operation of operations) {
    // An operation with a path is its own one step (the usual case: no array, no copy).
    if (operation.path !== undefined) run(operation as Step);
    else for (const step of pathlessSteps(profile, type, operation, working)) run(step);
  }
  if (skipped.length > 0) profile.reportIgnored?.([...new Set(skipped)]);
  // Validation drops nulls and empty values of what was touched (RFC 7643 §2.5); the rest was stored compact.
  const next = normalizeResource(profile, type, working, touched, resource);
  return { resource: next, changed: !equalJson(resource, next) };
}

function pathlessSteps(profile: ScimProfile, type: ResourceTypeName, operation: PatchOperation, resource: JsonObject): Step[] {
  // Path-less: the value's keys are attributes and extension objects (RFC 7644 §3.5.2.1, §3.5.2.3),
  // or paths where the dialect says so.
  const { dialect } = profile;
  const steps: Step[] = [];
  for (const [key, value] of Object.entries(operation.value as JsonObject)) {
    if (IGNORED_PATHLESS_KEYS.has(key.toLowerCase())) continue;
    if (key.toLowerCase() === 'id') {
      if (!dialect.pathlessValueMayRepeatId || value !== resource.id) throw badRequest('mutability', '"id" is read-only.');
      continue;
    }
    if (!dialect.pathlessKeysArePaths && isPath(profile, type, key)) {
      throw invalidPath(
        `Without "path", "value" holds attributes and extension objects; "${key}" is a path: send it as the operation's "path".`,
      );
    }
    steps.push({ op: operation.op, path: key, value });
  }
  return steps;
}

/** True when the path's attribute (before any value filter) is not one of the tenant's: not a syntax error. */
function namesUnknownAttribute(profile: ScimProfile, type: ResourceTypeName, path: string): boolean {
  const { schemas } = profile;
  const base = path.trim().split('[')[0] ?? '';
  if (base === '' || schemas.extensionNamed(type, base)) return false;
  return schemas.resolvePath(type, schemas.qualifyPath(type, base)) === undefined;
}

/** `name.givenName` or `urn:...:User:employeeNumber`: not an attribute name nor an extension URN. */
function isPath(profile: ScimProfile, type: ResourceTypeName, key: string): boolean {
  if (key.toLowerCase().startsWith('urn:')) return profile.schemas.extensionNamed(type, key) === undefined;
  return key.includes('.') || key.includes('[');
}

/** Applies one step; `touched` collects the top-level keys it wrote (for validation at the end). */
function applyStep(profile: ScimProfile, type: ResourceTypeName, resource: JsonObject, step: Step, touched: Set<string>): void {
  const target = resolveTarget(profile, type, step.path);
  // Extension attributes are tracked one by one: validation judges only what the PATCH wrote.
  touched.add(target.kind === 'extension' ? target.urn : target.urn ? `${target.urn}:${target.definition.name}` : target.definition.name);
  if (target.kind === 'extension') return applyToExtension(profile, type, resource, target.urn, step, touched);
  checkMutability(target, resource, step);
  const container = containerOf(resource, target.urn);
  const name = target.definition.name;
  if (target.definition.multiValued && target.definition.type === 'complex') {
    assign(container, name, multiValuedResult(profile.dialect, target, arrayOf(container[name]), step));
  } else if (target.definition.type === 'complex') {
    assign(container, name, complexResult(profile.dialect, target, container[name], step));
  } else {
    const current = container[name];
    assign(
      container,
      name,
      target.filter ? simpleFiltered(profile.dialect, target.filter, current, step) : simpleResult(target.definition, current, step),
    );
  }
  if (target.urn && isObject(resource[target.urn]) && Object.keys(resource[target.urn] as JsonObject).length === 0) {
    Reflect.deleteProperty(resource, target.urn);
  }
}

/** `path: "urn:...:enterprise:2.0:User"`: the value's keys are that extension's attributes. */
function applyToExtension(
  profile: ScimProfile,
  type: ResourceTypeName,
  resource: JsonObject,
  urn: string,
  step: Step,
  touched: Set<string>,
): void {
  if (step.op === 'remove') {
    Reflect.deleteProperty(resource, urn);
    return;
  }
  if (!isObject(step.value)) throw badRequest('invalidValue', `"${urn}" takes an object of its attributes.`);
  for (const [key, value] of Object.entries(step.value)) {
    // A `schemas` member naming this very extension (the python-scim client sends one) says nothing new.
    if (key.toLowerCase() === 'schemas' && namesOnly(value, urn)) continue;
    applyStep(profile, type, resource, { op: step.op, path: `${urn}:${key}`, value }, touched);
  }
}

/** `"schemas": ["<urn>"]` or `"schemas": "<urn>"`, the URN compared case-insensitively. */
function namesOnly(value: unknown, urn: string): boolean {
  const names = Array.isArray(value) ? value : [value];
  return names.length > 0 && names.every((name) => typeof name === 'string' && name.toLowerCase() === urn.toLowerCase());
}

function containerOf(resource: JsonObject, urn: string | undefined): JsonObject {
  if (!urn) return resource;
  const key = Object.keys(resource).find((k) => k.toLowerCase() === urn.toLowerCase());
  const existing = key === undefined ? undefined : resource[key];
  if (key !== undefined && key !== urn) Reflect.deleteProperty(resource, key);
  const container = isObject(existing) ? { ...existing } : {};
  resource[urn] = container;
  return container;
}

/** readOnly attributes cannot be written (RFC 7644 §3.5.2); immutable ones only while unassigned. */
function checkMutability(target: AttributeTarget, resource: JsonObject, step: Step): void {
  const { definition } = target;
  const sub = target.sub;
  if (definition.mutability === 'readOnly' || sub?.mutability === 'readOnly') {
    throw badRequest('mutability', `"${step.path}" is read-only.`);
  }
  if (definition.mutability === 'immutable') {
    const container = target.urn ? resource[target.urn] : resource;
    const current = isObject(container) ? container[definition.name] : undefined;
    if (current !== undefined && (step.op !== 'add' || !equalJson(current, step.value))) {
      throw badRequest('mutability', `"${step.path}" is immutable once set.`);
    }
  }
}

function simpleResult(definition: AttributeDefinition, current: unknown, step: Step): unknown {
  if (step.op === 'remove') {
    // `remove` with a value on a multi-valued simple attribute drops just those values.
    if (!definition.multiValued || step.value === undefined || step.value === null || !Array.isArray(current)) return undefined;
    const doomed = Array.isArray(step.value) ? step.value : [step.value];
    const kept = current.filter((item) => !doomed.some((d) => equalJson(d, item)));
    return kept.length > 0 ? kept : undefined;
  }
  if (!definition.multiValued) return step.value ?? undefined;
  const items = Array.isArray(step.value) ? step.value : [step.value];
  if (step.op === 'replace') return items;
  // Multi-valued simple values (an extension's `badges: ["gold"]`) are strings, not objects.
  const existing: unknown[] = Array.isArray(current) ? current : [];
  return [...existing, ...items.filter((item) => !existing.some((e) => equalJson(e, item)))];
}

/**
 * `badges[value eq "x"]` on a multi-valued simple attribute: `remove` drops the matching values;
 * `add` and `replace` put the value(s) sent in their place (appended when none match, for `add` or
 * where the dialect creates unmatched targets; otherwise noTarget, RFC 7644 §3.5.2.3).
 */
function simpleFiltered(dialect: Dialect, filter: FilterNode, current: unknown, step: Step): unknown[] | undefined {
  const values: unknown[] = Array.isArray(current) ? current : current === undefined || current === null ? [] : [current];
  const kept = values.filter((value) => !evaluateElementFilter(filter, { value }));
  if (step.op !== 'remove') {
    if (kept.length === values.length && step.op === 'replace' && !dialect.unmatchedFilterCreates) {
      throw badRequest('noTarget', `No value matches "${step.path}".`);
    }
    const items = Array.isArray(step.value) ? step.value : [step.value];
    for (const item of items) if (item !== null && item !== undefined && !kept.some((k) => equalJson(k, item))) kept.push(item);
  }
  return kept.length > 0 ? kept : undefined;
}

/** Single-valued complex (`name`, `manager`): sub-attributes merge (RFC 7644 §3.5.2.1, §3.5.2.3). */
function complexResult(dialect: Dialect, target: AttributeTarget, current: unknown, step: Step): JsonObject | undefined {
  const existing = isObject(current) ? { ...current } : {};
  if (target.sub) {
    if (step.op === 'remove') Reflect.deleteProperty(existing, target.sub.name);
    else assign(existing, target.sub.name, step.value ?? undefined);
    // `manager.value` set to "" clears the manager where `manager` set to "" does (the dialect says).
    return presentComplex(dialect, existing);
  }
  if (step.op === 'remove') return undefined;
  const value = complexValue(dialect, target.definition, step.value);
  if (!value) return undefined;
  return compact({ ...existing, ...value }) as JsonObject | undefined;
}

function multiValuedResult(dialect: Dialect, target: AttributeTarget, elements: JsonObject[], step: Step): JsonObject[] | undefined {
  const next = target.filter ? withFilter(dialect, target, target.filter, elements, step) : withoutFilter(dialect, target, elements, step);
  return next.length > 0 ? next : undefined;
}

function withoutFilter(dialect: Dialect, target: AttributeTarget, elements: JsonObject[], step: Step): JsonObject[] {
  const { definition, sub } = target;
  if (sub) {
    // `emails.value` without a filter: every element (RFC 7644 §3.5.2.3); none yet → one new element.
    if (step.op === 'remove') return elements.map((e) => without(e, sub.name));
    if (elements.length === 0) return [{ [sub.name]: step.value }];
    return elements.map((e) => ({ ...e, [sub.name]: step.value }));
  }
  if (step.op === 'remove') {
    if (step.value === undefined || step.value === null) return [];
    // A remove with a value drops the elements with those values, where the dialect reads it so;
    // RFC 7644 §3.5.2.2 would remove every value, which is refused rather than guessed.
    if (!dialect.removeTakesValue) {
      throw invalidValue(
        `"remove" takes no "value" (RFC 7644 §3.5.2.2): select the values with a filter, e.g. ${definition.name}[value eq "..."].`,
      );
    }
    const doomed = elementsOf(dialect, definition, step.value);
    return elements.filter((e) => !doomed.some((d) => d.value !== undefined && equalJson(d.value, e.value)));
  }
  const incoming = elementsOf(dialect, definition, step.value);
  if (step.op === 'replace') return exclusivePrimary(dialect, incoming, incoming);
  const added = incoming.filter((item) => !elements.some((e) => equalJson(e, item)));
  return exclusivePrimary(dialect, [...elements, ...added], added);
}

function withFilter(dialect: Dialect, target: AttributeTarget, filter: FilterNode, elements: JsonObject[], step: Step): JsonObject[] {
  const matches = new Set(elements.filter((e) => evaluateElementFilter(filter, e)));
  const { sub } = target;
  if (step.op === 'remove') {
    // Removing an element's `value` (`emails[type eq "work"].value`) removes the element:
    // a typed email without an address is not an email.
    if (!sub || sub.name === 'value') return elements.filter((e) => !matches.has(e));
    return elements.map((e) => (matches.has(e) ? without(e, sub.name) : e));
  }
  const change = (e: JsonObject): JsonObject => {
    if (sub) return { ...e, [sub.name]: step.value };
    const value = elementsOf(dialect, target.definition, step.value)[0];
    return value ? { ...e, ...value } : e;
  };
  if (matches.size === 0) {
    // RFC 7644 §3.5.2.3: a value filter that matches no record is noTarget, unless the dialect creates it.
    if (!dialect.unmatchedFilterCreates) throw badRequest('noTarget', `No element matches "${step.path}".`);
    const seed = elementFromFilter(filter);
    if (!seed) {
      throw badRequest('noTarget', `No element matches "${step.path}", and its filter does not describe one to create.`);
    }
    const created = change(seed);
    return exclusivePrimary(dialect, [...elements, created], [created]);
  }
  const changed: JsonObject[] = [];
  const next = elements.map((e) => {
    if (!matches.has(e)) return e;
    const updated = change(e);
    changed.push(updated);
    return updated;
  });
  return exclusivePrimary(dialect, next, changed);
}

/** RFC 7643 §2.4: at most one element is primary; the one just written wins. */
function exclusivePrimary(dialect: Dialect, elements: JsonObject[], written: JsonObject[]): JsonObject[] {
  const primary = (e: JsonObject) => isPrimary(dialect, e);
  const winner = written.findLast(primary) ?? elements.findLast(primary);
  if (!winner) return elements;
  return elements.map((e) => (e !== winner && primary(e) ? { ...e, primary: false } : e));
}

function without(element: JsonObject, key: string): JsonObject {
  const { [key]: _removed, ...rest } = element;
  return rest;
}

function arrayOf(value: unknown): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isObject);
}
