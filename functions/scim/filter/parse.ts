/**
 * The SCIM filter parser (RFC 7644 §3.4.2.2). Precedence is `not` > `and` > `or`; parentheses
 * group. Attribute names resolve against the schema definitions as they are read, so an unknown
 * attribute is a 400 invalidFilter with its name, never a silently empty result.
 */
import { isExactNumber } from '../text-values';
import { invalidFilter } from '../scim-error';
import type { ScimProfile } from '../scim-profile';
import { elementSubAttributesOf, findAttribute, type ResolvedAttribute } from '../schema/registry';
import type { AttributeDefinition, ResourceTypeName } from '../schema/types';
import type { CompareOperator, CompareValue, FilterNode } from './ast';
import { tokenize, type Token } from './lexer';

/** Bounds that keep hostile filters cheap: the text is parsed once and the tree stays shallow. */
export const FILTER_LIMITS = { maxLength: 8192, maxDepth: 50 } as const;

/** The comparison operator a lower-cased word names, if any (a switch: no hashing of the word). */
function compareOperatorOf(word: string): CompareOperator | undefined {
  switch (word) {
    case 'eq':
    case 'ne':
    case 'co':
    case 'sw':
    case 'ew':
    case 'gt':
    case 'ge':
    case 'lt':
    case 'le':
      return word;
    default:
      return undefined;
  }
}
const STRING_TYPES = new Set<AttributeDefinition['type']>(['string', 'reference', 'binary', 'dateTime']);
const NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function parseFilter(profile: ScimProfile, type: ResourceTypeName, text: string): FilterNode {
  return new Parser(profile, type, text, undefined).parseAll();
}

/** The filter inside `emails[...]` of a PATCH path: its names are sub-attributes of `parent`. */
export function parseElementFilter(profile: ScimProfile, type: ResourceTypeName, parent: ResolvedAttribute, text: string): FilterNode {
  return new Parser(profile, type, text, parent).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private position = 0;
  private depth = 0;

  constructor(
    private readonly profile: ScimProfile,
    private readonly type: ResourceTypeName,
    text: string,
    /** Set inside a value filter: names resolve to this attribute's sub-attributes. */
    private parent: ResolvedAttribute | undefined,
  ) {
    if (text.length > FILTER_LIMITS.maxLength) {
      throw invalidFilter(`The filter is longer than ${FILTER_LIMITS.maxLength} characters.`);
    }
    this.tokens = tokenize(text);
  }

  parseAll(): FilterNode {
    if (this.tokens.length === 0) throw invalidFilter('The filter is empty.');
    const node = this.parseOr();
    const extra = this.peek();
    if (extra) throw this.error(extra, 'Unexpected');
    return node;
  }

  private parseOr(): FilterNode {
    let node = this.parseAnd();
    while (this.keyword('or')) node = { kind: 'or', left: node, right: this.parseAnd() };
    return node;
  }

  private parseAnd(): FilterNode {
    let node = this.parseUnary();
    while (this.keyword('and')) node = { kind: 'and', left: node, right: this.parseUnary() };
    return node;
  }

  private parseUnary(): FilterNode {
    return this.nested(() => {
      if (this.keyword('not')) return { kind: 'not', filter: this.parseUnary() };
      if (this.take('(')) {
        const node = this.parseOr();
        this.expect(')');
        return node;
      }
      return this.parseAttributeExpression();
    });
  }

  private parseAttributeExpression(): FilterNode {
    const name = this.expectWord('an attribute name');
    if (this.peek()?.kind === '[') return this.parseValuePath(name);
    const operator = this.expectWord('an operator').text.toLowerCase();
    if (operator === 'pr') return { kind: 'present', attribute: this.resolve(name, false) };
    const op = compareOperatorOf(operator);
    if (!op) throw this.error(name, `Unknown operator "${operator}" after`);
    const token = this.peek();
    const attribute = this.resolve(name, true);
    const value = this.booleanAsSent(attribute, this.parseValue(), token);
    checkComparison(attribute, op, value);
    return { kind: 'compare', attribute, op, value };
  }

  /** `emails[type eq "work"]`, optionally followed by `.value eq "x"` (read as one value filter). */
  private parseValuePath(nameToken: Extract<Token, { kind: 'word' }>): FilterNode {
    if (this.parent) throw this.error(nameToken, 'Value filters cannot be nested; found');
    const attribute = this.resolve(nameToken, false);
    if ((attribute.definition.type !== 'complex' && !attribute.definition.multiValued) || attribute.subDefinition) {
      throw invalidFilter(`"${nameToken.text}" is neither complex nor multi-valued, so it takes no value filter.`);
    }
    this.expect('[');
    this.parent = attribute;
    let filter = this.nested(() => this.parseOr());
    this.expect(']');
    const next = this.peek();
    if (next?.kind === 'word' && next.text.startsWith('.')) {
      this.position += 1;
      const sub = { ...next, text: next.text.slice(1) };
      const operator = this.expectWord('an operator').text.toLowerCase();
      const subAttribute = this.resolve(sub, operator !== 'pr');
      const op = compareOperatorOf(operator);
      if (operator === 'pr') {
        filter = { kind: 'and', left: filter, right: { kind: 'present', attribute: subAttribute } };
      } else if (op) {
        const token = this.peek();
        const value = this.booleanAsSent(subAttribute, this.parseValue(), token);
        checkComparison(subAttribute, op, value);
        filter = { kind: 'and', left: filter, right: { kind: 'compare', attribute: subAttribute, op, value } };
      } else {
        throw this.error(sub, `Unknown operator "${operator}" after`);
      }
    }
    this.parent = undefined;
    return { kind: 'valuePath', attribute, filter };
  }

  private parseValue(): CompareValue {
    const token = this.next();
    if (!token) throw invalidFilter('The filter ends where a value was expected.');
    if (token.kind === 'string') return token.value;
    if (token.kind === 'word') {
      const lowered = token.text.toLowerCase();
      if (lowered === 'true') return true;
      if (lowered === 'false') return false;
      if (lowered === 'null') return null;
      if (NUMBER.test(token.text)) {
        // Rounded, 12345678901234567890 would match 12345678901234567000 (scim/text-values.ts).
        if (!isExactNumber(token.text)) throw this.error(token, 'A number that cannot be compared exactly (send it as a string); found');
        return Number(token.text);
      }
      // An unquoted word (`externalId eq jyoung`): a string where the tenant's dialect reads it so.
      const word = this.profile.dialect.bareWordFilterValue(token.text);
      if (word !== undefined) return word;
    }
    throw this.error(token, 'Expected a value (a quoted string, number, true, false or null); found');
  }

  /** A boolean attribute compared with a string (`primary eq "True"`): the boolean the dialect reads, or invalidFilter. */
  private booleanAsSent(attribute: ResolvedAttribute, value: CompareValue, token: Token | undefined): CompareValue {
    if (typeof value !== 'string' || (attribute.subDefinition ?? attribute.definition).type !== 'boolean') return value;
    const read = this.profile.dialect.booleanFromText(value);
    if (read !== undefined) return read;
    if (token) throw this.error(token, `"${attribute.path}" is a boolean: compare it with true or false; found`);
    throw invalidFilter(`"${attribute.path}" is a boolean: compare it with true or false.`);
  }

  /** Resolves a name in the current context; a complex attribute in a comparison means its `value`. */
  private resolve(token: Extract<Token, { kind: 'word' }>, comparing: boolean): ResolvedAttribute {
    const schemas = this.profile.schemas;
    const resolved = this.parent
      ? subAttributeOf(this.parent, token.text)
      : schemas.resolvePath(this.type, schemas.qualifyPath(this.type, token.text));
    if (!resolved) throw invalidFilter(`Unknown attribute "${token.text}" in the filter.`);
    if (!comparing || resolved.definition.type !== 'complex' || resolved.subDefinition) return resolved;
    const value = subAttributeOf(resolved, 'value');
    if (!value) throw invalidFilter(`"${token.text}" is complex: compare one of its sub-attributes.`);
    return value;
  }

  private nested<T>(parse: () => T): T {
    this.depth += 1;
    if (this.depth > FILTER_LIMITS.maxDepth) {
      throw invalidFilter(`The filter nests deeper than ${FILTER_LIMITS.maxDepth} levels.`);
    }
    try {
      return parse();
    } finally {
      this.depth -= 1;
    }
  }

  private keyword(word: string): boolean {
    const token = this.peek();
    if (token?.kind !== 'word' || token.text.length !== word.length || token.text.toLowerCase() !== word) return false;
    this.position += 1;
    return true;
  }

  private take(kind: '(' | ')' | '[' | ']'): boolean {
    if (this.peek()?.kind !== kind) return false;
    this.position += 1;
    return true;
  }

  private expect(kind: '(' | ')' | '[' | ']'): void {
    if (this.take(kind)) return;
    const token = this.peek();
    if (!token) throw invalidFilter(`The filter ends where '${kind}' was expected.`);
    throw this.error(token, `Expected '${kind}'; found`);
  }

  private expectWord(what: string): Extract<Token, { kind: 'word' }> {
    const token = this.next();
    if (!token) throw invalidFilter(`The filter ends where ${what} was expected.`);
    if (token.kind !== 'word') throw this.error(token, `Expected ${what}; found`);
    return token;
  }

  private peek(): Token | undefined {
    return this.tokens[this.position];
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    if (token) this.position += 1;
    return token;
  }

  private error(token: Token, message: string) {
    const shown = token.kind === 'word' ? token.text : token.kind === 'string' ? JSON.stringify(token.value) : token.kind;
    return invalidFilter(`${message} ${shown} at position ${token.at + 1} of the filter.`);
  }
}

/** A sub-attribute of a complex attribute, as the filter AST represents it (parent + sub). */
const subAttributes = new WeakMap<ResolvedAttribute, Map<string, ResolvedAttribute | undefined>>();

export function subAttributeOf(parent: ResolvedAttribute, name: string): ResolvedAttribute | undefined {
  // Parents come from resolvePath's cache, so their sub-attributes are worth keeping too.
  let known = subAttributes.get(parent);
  if (!known) {
    known = new Map();
    subAttributes.set(parent, known);
  }
  if (known.has(name)) return known.get(name);
  const subDefinition = findAttribute(elementSubAttributesOf(parent.definition), name);
  const resolved = subDefinition ? { ...parent, subDefinition, path: `${parent.path}.${subDefinition.name}` } : undefined;
  if (known.size < 100) known.set(name, resolved);
  return resolved;
}

/** Operator/value pairs that cannot mean anything are errors, not empty results. */
function checkComparison(attribute: ResolvedAttribute, op: CompareOperator, value: CompareValue): void {
  const leaf = attribute.subDefinition ?? attribute.definition;
  const name = attribute.path;
  if (value === null && op !== 'eq' && op !== 'ne') {
    throw invalidFilter(`"${op}" cannot compare "${name}" with null.`);
  }
  if (leaf.type === 'boolean' && op !== 'eq' && op !== 'ne') {
    throw invalidFilter(`"${name}" is a boolean: only eq and ne apply.`);
  }
  if ((op === 'co' || op === 'sw' || op === 'ew') && !STRING_TYPES.has(leaf.type)) {
    throw invalidFilter(`"${op}" applies to strings, and "${name}" is ${leaf.type}.`);
  }
  if (leaf.type === 'complex') throw invalidFilter(`"${name}" is complex: compare one of its sub-attributes.`);
}
