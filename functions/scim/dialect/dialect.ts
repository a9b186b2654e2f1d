/**
 * The dialect room: every identity provider's non-standard request forms live in
 * functions/scim/dialect/, one named rule per quirk with the public source it comes from. The core
 * asks the tenant's dialect (`profile.dialect`, see ../scim-profile.ts) how to read a form; no other
 * module knows about identity providers.
 *
 * How it fits together (modelled on SCIM-SDK's one-class-per-workaround, server/patch/workarounds):
 *  - `DialectForms` are the questions the core asks, in neutral words ("may a PATCH op arrive in any
 *    case?"). strict.ts answers each one as RFC 7643/7644 do.
 *  - A `DialectRule` (entra.ts, okta.ts) is one documented quirk: a name, its provider, its source
 *    and the answers it changes. A dialect is the RFC answers overlaid by its rules.
 *  - `tolerant` (the default) = every Entra rule and every Okta rule together, which is how the
 *    endpoint has always behaved; `entra` and `okta` take only their provider's rules; `strict`
 *    takes none.
 */
import type { SubAttributeAlias } from '../schema/types';
import { entraRules } from './entra';
import { oktaRules } from './okta';
import { rfcForms } from './strict';

/** Per tenant in tenants.json (`settings.dialect`). `tolerant` accepts Entra's and Okta's forms together. */
export const DIALECT_NAMES = ['tolerant', 'entra', 'okta', 'strict'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

export type PatchOpName = 'add' | 'replace' | 'remove';

/**
 * The questions the core asks about request forms. Each answer in strict.ts cites the RFC text it
 * follows; each rule that changes an answer cites where the provider documents the form it sends.
 */
export interface DialectForms {
  /** A PATCH `op` as sent → its RFC name; undefined when the dialect does not accept that spelling. */
  patchOp(text: string): PatchOpName | undefined;
  /** A boolean sent as a JSON string (`"False"`) → its value; undefined when strings are not booleans. */
  booleanFromText(text: string): boolean | undefined;
  /** A complex value whose `value` is `""` (`{"value": ""}`, or `""` itself) means "unassigned". */
  readonly emptyValueClears: boolean;
  /** A single-valued attribute sent as a one-element array (`"manager": [{...}]`) is that element. */
  readonly singleValueInArray: boolean;
  /** A bare string where a complex attribute with a `value` sub-attribute is expected is its `value`. */
  readonly bareStringIsValue: boolean;
  /**
   * add/replace on a value-filter path that matches no element (`emails[type eq "work"].value`)
   * creates the element the filter describes; otherwise it is 400 noTarget.
   */
  readonly unmatchedFilterCreates: boolean;
  /** `remove` with a `value` on a multi-valued attribute removes just those values; otherwise 400. */
  readonly removeTakesValue: boolean;
  /** Keys of a path-less add/replace value may be paths (`name.givenName`, a URN-qualified attribute). */
  readonly pathlessKeysArePaths: boolean;
  /** A path-less add/replace value may repeat the resource's own `id`; otherwise 400 mutability. */
  readonly pathlessValueMayRepeatId: boolean;
  /** A filter value written as a bare word (`externalId eq jyoung`) → the string it means; undefined: invalidFilter. */
  bareWordFilterValue(word: string): string | undefined;
  /** URNs accepted in a Group's `schemas` in place of the Group schema (and never returned). */
  readonly groupSchemaAliases: readonly string[];
  /** Other names of sub-attributes (accepted in bodies, PATCH paths, filters and projection; never served). */
  readonly subAttributeAliases: readonly SubAttributeAlias[];
}

export type Provider = 'Microsoft Entra ID' | 'Okta';

/** One documented quirk: the forms it changes and where the provider says it sends them. */
export interface DialectRule {
  /** Stable name; unit tests are named after it and docs/dialects.md lists it. */
  readonly name: string;
  readonly provider: Provider;
  /** What the provider sends, in one sentence. */
  readonly summary: string;
  /** Public URL documenting (or showing) the form. */
  readonly source: string;
  readonly forms: Partial<DialectForms>;
}

export interface Dialect extends DialectForms {
  readonly name: DialectName;
  /** The rules in force, in the order they were overlaid on the RFC answers. */
  readonly rules: readonly DialectRule[];
}

/**
 * True when a value means "unassigned" under the dialect's `emptyValueClears`: `""`, or a complex
 * value whose `value` is `""`. The one place that rule is read (validation and PATCH both ask).
 */
export function clearsByEmptyValue(dialect: DialectForms, value: unknown): boolean {
  if (!dialect.emptyValueClears) return false;
  if (value === '') return true;
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as Record<string, unknown>).value === '';
}

/** A boolean as sent: JSON booleans always, strings as the dialect reads them; undefined when neither. */
export function booleanOf(dialect: DialectForms, value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' ? dialect.booleanFromText(value) : undefined;
}

/** The RFC answers overlaid by `rules`, each rule's forms replacing the answers it changes. */
export function composeDialect(name: DialectName, rules: readonly DialectRule[]): Dialect {
  const forms = rules.reduce<DialectForms>((answers, rule) => ({ ...answers, ...rule.forms }), rfcForms);
  return Object.freeze({ ...forms, name, rules });
}

export const strictDialect: Dialect = composeDialect('strict', []);
export const entraDialect: Dialect = composeDialect('entra', entraRules);
export const oktaDialect: Dialect = composeDialect('okta', oktaRules);
/** The default: tolerant of Entra's and Okta's forms together, as the endpoint has always been. */
export const tolerantDialect: Dialect = composeDialect('tolerant', [...entraRules, ...oktaRules]);

const DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  tolerant: tolerantDialect,
  entra: entraDialect,
  okta: oktaDialect,
  strict: strictDialect,
};

export function dialectNamed(name: DialectName | undefined): Dialect {
  return DIALECTS[name ?? 'tolerant'];
}
