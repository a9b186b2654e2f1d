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
import { entraRules } from './entra';
import type { DialectForms, DialectRule } from './forms';
import { oktaRules } from './okta';
import { rfcForms } from './strict';

/** Per tenant in tenants.json (`settings.dialect`). `tolerant` accepts Entra's and Okta's forms together. */
export const DIALECT_NAMES = ['tolerant', 'entra', 'okta', 'strict'] as const;
export type DialectName = (typeof DIALECT_NAMES)[number];

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
