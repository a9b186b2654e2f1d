/**
 * The dialect room's vocabulary: the questions the core asks about request forms (`DialectForms`)
 * and the shape of one documented quirk (`DialectRule`). Apart from dialect.ts, which composes the
 * dialects from the rules, so that the rules (entra.ts, okta.ts) and the RFC answers (strict.ts)
 * import these words without importing the module that imports them.
 */
import type { SubAttributeAlias } from '../schema/types';

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
