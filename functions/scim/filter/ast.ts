/**
 * Filter syntax tree (RFC 7644 §3.4.2.2). Attribute paths are resolved against the schema at
 * parse time, so evaluation never guesses names or case rules.
 */
import type { AttributeDefinition } from '../schema/types';
import type { ResolvedAttribute } from '../schema/registry';

export type CompareOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'ge' | 'lt' | 'le';
export type CompareValue = string | number | boolean | null;

export type FilterNode =
  | { readonly kind: 'compare'; readonly attribute: ResolvedAttribute; readonly op: CompareOperator; readonly value: CompareValue }
  | { readonly kind: 'present'; readonly attribute: ResolvedAttribute }
  | { readonly kind: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly kind: 'not'; readonly filter: FilterNode }
  /**
   * `emails[type eq "work" and value co "@x"]`: `filter` is evaluated against each element of the
   * multi-valued complex attribute; inside it, attributes resolve to that attribute's sub-attributes
   * (their ResolvedAttribute has `definition` = the parent and `subDefinition` = the sub-attribute).
   */
  | { readonly kind: 'valuePath'; readonly attribute: ResolvedAttribute; readonly filter: FilterNode };

/**
 * A PATCH path (RFC 7644 §3.5.2): `attrPath [ "[" valFilter "]" ] [ "." subAttr ]`, resolved.
 * `attribute` undefined with `extension` set means the whole extension object (`urn:...:User`).
 */
export interface PatchPath {
  readonly attribute?: ResolvedAttribute;
  /** Set when the path names an extension object without an attribute. */
  readonly extension?: string;
  /** The value filter selecting elements of a multi-valued attribute. */
  readonly filter?: FilterNode;
  /** Sub-attribute after the value filter: `emails[type eq "work"].value` → `value`. */
  readonly subAttribute?: AttributeDefinition;
}
