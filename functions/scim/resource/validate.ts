/**
 * Request bodies → stored resources (RFC 7643 §2, §3; RFC 7644 §3.3). Every attribute is checked
 * by the check built from its definition (attribute-values.ts); the resource's structure
 * (core attributes at the top, extension attributes under their URN) is assembled here.
 *
 * Lenient where clients differ and nothing is lost: names in any case, extension attributes
 * nested or as fully qualified top-level keys, client-sent `id`/`meta` and readOnly attributes
 * ignored, unknown URNs in `schemas` dropped, nulls as unassigned (even under an unknown name).
 * Value forms only some clients send are the tenant's dialect's to accept (functions/scim/dialect/).
 * Strict where a silent drop would lose data: an unknown attribute is 400 invalidValue.
 * `password` is accepted and never stored: this service provisions accounts, it does not
 * authenticate them, and a password it cannot use is only a liability.
 */
import { badRequest, invalidValue } from '../scim-error';
import { evaluateElementFilter } from '../filter/evaluate';
import { parsePatchPath } from '../filter/path';
import type { ScimProfile } from '../scim-profile';
import { findAttribute } from '../schema/registry';
import type { AttributeDefinition, ResourceTypeName, ScimResource } from '../schema/types';
import type { Dialect } from '../dialect/dialect';
import { attributeCheck, issuePath, ValueIssue } from './attribute-values';
import { isObject } from '../../commons/json';

type Json = Record<string, unknown>;

/** A POST/PUT body as the resource to store (without `id`: the caller assigns or keeps it). */
export function parseResource(profile: ScimProfile, type: ResourceTypeName, body: unknown): ScimResource {
  if (!isObject(body)) throw badRequest('invalidSyntax', 'The request body must be a JSON object.');
  checkSchemas(profile, type, body);
  const resource = reporting(profile, (ignored) => build(profile, type, body, false, undefined, ignored));
  checkSinglePrimary(profile, type, resource);
  assertRequired(profile, type, resource);
  return resource;
}

/**
 * A resource after PATCH: same checks and canonical shape, keeping its `id`. `touched` names what
 * the PATCH wrote: top-level attribute names, `<urn>:<attribute>` for extension attributes, a whole
 * extension URN. The rest was stored valid and is kept as it is, so a PATCH costs validation of what
 * it changed — and a stored value an extension change left behind never fails an unrelated PATCH.
 * `stored` is the resource before the PATCH: elements of its core multi-valued attributes that the
 * PATCH kept (the very objects: the engine copies on write) are not checked again. RFC 7643's
 * schemas never change, so a stored core element is valid; extension elements are always checked.
 */
export function normalizeResource(
  profile: ScimProfile,
  type: ResourceTypeName,
  resource: ScimResource,
  touched?: ReadonlySet<string>,
  stored?: ScimResource,
): ScimResource {
  return reporting(profile, (ignored) => build(profile, type, resource, true, touched, ignored, stored));
}

/** Runs a validation that may drop unknown attributes (`unknownAttributes: ignore`), then reports their names. */
export function reporting<T>(profile: ScimProfile, run: (ignored: string[]) => T): T {
  const ignored: string[] = [];
  const result = run(ignored);
  if (ignored.length > 0) profile.reportIgnored?.([...new Set(ignored)]);
  return result;
}

/** Schema-required attributes (userName, displayName) and the tenant's own required paths. */
export function assertRequired(profile: ScimProfile, type: ResourceTypeName, resource: ScimResource): void {
  const { schemas } = profile;
  for (const definition of schemas.coreAttributesOf(type)) {
    if (definition.required && !present(resource[definition.name])) {
      throw invalidValue(`"${definition.name}" is required.`);
    }
  }
  const required = schemas.requiredExtensionsOf(type);
  for (const urn of schemas.extensionUrnsOf(type)) {
    const extension = resource[urn];
    // RFC 7643 §6: a required extension must be there; an extension's required attributes must be
    // there whenever the extension is (it cannot be half present).
    if (!isObject(extension) || !present(extension)) {
      if (required.includes(urn)) throw invalidValue(`The extension "${urn}" is required for this tenant.`);
      continue;
    }
    for (const definition of schemas.schemaDefinitionOf(urn).attributes) {
      if (definition.required && !present(extension[definition.name])) throw invalidValue(`"${urn}:${definition.name}" is required.`);
    }
  }
  for (const path of schemas.requiredPaths(type)) {
    if (!hasPath(profile, type, resource, path)) throw invalidValue(`"${path}" is required for this tenant.`);
  }
}

function checkSchemas(profile: ScimProfile, type: ResourceTypeName, body: Json): void {
  const core = profile.schemas.resourceType(type).schema;
  const schemas = field(body, 'schemas');
  // Some dialects accept another URN for the Group schema (functions/scim/dialect/).
  const accepted = type === 'Group' ? [core, ...profile.dialect.groupSchemaAliases] : [core];
  const ok =
    Array.isArray(schemas) &&
    schemas.every((s) => typeof s === 'string') &&
    schemas.some((s) => accepted.some((a) => a.toLowerCase() === String(s).toLowerCase()));
  if (!ok) throw invalidValue(`"schemas" must be an array of schema URNs that includes "${core}".`);
}

function build(
  profile: ScimProfile,
  type: ResourceTypeName,
  body: Json,
  keepId: boolean,
  touched: ReadonlySet<string> | undefined,
  ignored: string[],
  stored?: Json,
): ScimResource {
  const { schemas } = profile;
  const pass: Pass = { dialect: profile.dialect, ignore: profile.unknownAttributes === 'ignore', ignored, stored };
  // The result itself collects the top-level attributes: `schemas` first, extension objects last.
  const core: Json = { schemas: undefined };
  const extensions = new Map<string, Json>();
  const extensionOf = (urn: string): Json => {
    const existing = extensions.get(urn);
    if (existing) return existing;
    const created: Json = {};
    extensions.set(urn, created);
    return created;
  };
  for (const key in body) {
    const value = body[key];
    const structural = STRUCTURAL_LENGTHS.has(key.length) ? key.toLowerCase() : undefined;
    if (structural === 'schemas' || structural === 'meta') continue;
    if (structural === 'id') {
      if (keepId && typeof value === 'string') core.id = value;
      continue;
    }
    // An untouched core attribute of a PATCHed resource (most keys) is kept as stored, unexamined.
    if (touched && !isUrn(key) && !touched.has(key)) {
      core[key] = value;
      continue;
    }
    const qualified = isUrn(key);
    const urn = qualified ? schemas.extensionNamed(type, key) : undefined;
    if (touched && !touched.has(key)) {
      if (urn && isObject(value)) {
        // Only the extension attributes the PATCH wrote are judged; the others are kept as stored.
        const attributes = schemas.schemaDefinitionOf(urn).attributes;
        for (const [name, item] of Object.entries(value)) {
          if (touched.has(`${urn}:${name}`)) setAttribute(extensionOf(urn), attributes, name, item, urn, pass);
          else extensionOf(urn)[name] = item;
        }
      } else if (!urn) core[key] = value;
      continue;
    }
    if (urn) {
      if (value === null) continue;
      if (!isObject(value)) throw invalidValue(`"${urn}" must be an object of its attributes.`);
      for (const [name, item] of Object.entries(value))
        setAttribute(extensionOf(urn), schemas.schemaDefinitionOf(urn).attributes, name, item, urn, pass);
      continue;
    }
    const resolved = qualified ? schemas.resolvePath(type, key) : undefined;
    if (resolved && !resolved.subDefinition) {
      // A fully qualified top-level key: `urn:...:enterprise:2.0:User:department`.
      const container = resolved.isCore ? core : extensionOf(resolved.schema);
      put(container, resolved.definition, value, resolved.path, pass);
      continue;
    }
    setAttribute(core, schemas.coreAttributesOf(type), key, value, undefined, pass);
  }
  const urns = [schemas.resourceType(type).schema];
  for (const [urn, attributes] of extensions) {
    if (Object.keys(attributes).length === 0) continue;
    core[urn] = attributes;
    urns.push(urn);
  }
  core.schemas = urns;
  return core as ScimResource;
}

/** The lengths of "id", "meta" and "schemas": other keys need no lower-casing to be told apart from them. */
const STRUCTURAL_LENGTHS = new Set([2, 4, 7]);

/** Whether a key starts with "urn:" in any case, read without building a lower-cased copy. */
const isUrn = (key: string): boolean =>
  key.length > 4 &&
  key.charCodeAt(3) === 0x3a /* : */ &&
  (key.charCodeAt(0) | 0x20) === 0x75 /* u */ &&
  (key.charCodeAt(1) | 0x20) === 0x72 /* r */ &&
  (key.charCodeAt(2) | 0x20) === 0x6e; /* n */

/** How one validation treats names no schema of the tenant defines, and which it dropped. */
interface Pass {
  /** The tenant's dialect: which value forms the attribute schemas accept. */
  readonly dialect: Dialect;
  readonly ignore: boolean;
  readonly ignored: string[];
  /** A PATCHed resource as it was stored (normalizeResource). */
  readonly stored?: Json;
}

function setAttribute(
  container: Json,
  attributes: readonly AttributeDefinition[],
  name: string,
  value: unknown,
  urn: string | undefined,
  pass: Pass,
): void {
  const definition = findAttribute(attributes, name);
  if (!definition || definition.name === 'id' || definition.name === 'meta') {
    // null is "unassigned" (RFC 7643 §2.5) whatever the name: nothing is lost by leaving it unset
    // (Microsoft's tutorial posts "department": null at the top level).
    if (value === null) return;
    const shown = urn ? `${urn}:${name}` : name;
    if (pass.ignore) {
      pass.ignored.push(shown);
      return;
    }
    throw invalidValue(`Unknown attribute "${shown}".`);
  }
  const before = urn === undefined ? pass.stored?.[definition.name] : undefined;
  put(container, definition, value, urn ? `${urn}:${definition.name}` : definition.name, pass, before);
}

function put(container: Json, definition: AttributeDefinition, input: unknown, path: string, pass: Pass, before?: unknown): void {
  // readOnly values are the server's to set (RFC 7644 §3.3); writeOnly/never ones are not kept.
  if (definition.mutability === 'readOnly' || definition.returned === 'never') return;
  const value = pass.ignore && definition.subAttributes ? withoutUnknownSubAttributes(definition, input, path, pass) : input;
  let checked: unknown;
  try {
    const unchanged = Array.isArray(before) ? (element: unknown) => typeof element === 'object' && before.includes(element) : undefined;
    checked = attributeCheck(pass.dialect, definition)(value, unchanged);
  } catch (error) {
    if (!(error instanceof ValueIssue)) throw error;
    throw invalidValue(`"${issuePath(path, error.path)}": ${error.message}.`);
  }
  if (checked === undefined) Reflect.deleteProperty(container, definition.name);
  else container[definition.name] = checked;
}

/** Under `unknownAttributes: ignore`, members a complex value's definition lacks are dropped (and named). */
function withoutUnknownSubAttributes(definition: AttributeDefinition, value: unknown, path: string, pass: Pass): unknown {
  const strip = (element: unknown): unknown => {
    if (!isObject(element)) return element;
    const kept: Json = {};
    for (const [key, item] of Object.entries(element)) {
      if (findAttribute(definition.subAttributes, key)) kept[key] = item;
      else pass.ignored.push(`${path}.${key}`);
    }
    return kept;
  };
  return Array.isArray(value) ? value.map(strip) : strip(value);
}

/** RFC 7643 §2.4: the primary attribute value "true" MUST appear no more than once. */
function checkSinglePrimary(profile: ScimProfile, type: ResourceTypeName, resource: ScimResource): void {
  const containers: Json[] = [
    resource,
    ...profile.schemas
      .extensionUrnsOf(type)
      .map((u) => resource[u])
      .filter(isObject),
  ];
  for (const container of containers) {
    for (const [name, value] of Object.entries(container)) {
      if (Array.isArray(value) && value.filter((e) => isObject(e) && e.primary === true).length > 1) {
        throw invalidValue(`Only one value of "${name}" may be primary.`);
      }
    }
  }
}

function present(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  if (Array.isArray(value)) return value.some(present);
  if (isObject(value)) return Object.values(value).some(present);
  return true;
}

/** True when the resource has a value at a path such as `roles[primary eq "True"].value`. */
function hasPath(profile: ScimProfile, type: ResourceTypeName, resource: ScimResource, text: string): boolean {
  const path = parsePatchPath(profile, type, profile.schemas.qualifyPath(type, text));
  if (path.extension) return present(resource[path.extension]);
  const attribute = path.attribute;
  if (!attribute) return false;
  const container = attribute.isCore ? resource : resource[attribute.schema];
  const value = isObject(container) ? container[attribute.definition.name] : undefined;
  const sub = path.subAttribute ?? attribute.subDefinition;
  const elements = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
    (e) => !path.filter || (isObject(e) && evaluateElementFilter(path.filter, e)),
  );
  return elements.some((e) => present(sub ? (isObject(e) ? e[sub.name] : undefined) : e));
}

function field(object: Json, name: string): unknown {
  const key = Object.keys(object).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : object[key];
}
