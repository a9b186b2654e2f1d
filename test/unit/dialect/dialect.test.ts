/** How dialects are put together: RFC answers, overlaid by each provider's documented rules. */
import { describe, expect, it } from '@jest/globals';
import { DIALECT_NAMES, dialectNamed, strictDialect, tolerantDialect } from '../../../functions/scim/dialect/dialect';
import { entraRules } from '../../../functions/scim/dialect/entra';
import { oktaRules } from '../../../functions/scim/dialect/okta';
import { rfcForms } from '../../../functions/scim/dialect/strict';

describe('dialects', () => {
  it('every rule is named once, after its provider, with a public https source', () => {
    const rules = [...entraRules, ...oktaRules];
    expect(new Set(rules.map((r) => r.name)).size).toBe(rules.length);
    for (const rule of rules) {
      expect(rule.name).toMatch(rule.provider === 'Okta' ? /^okta\./ : /^entra\./);
      expect(rule.source).toMatch(/^https:\/\//);
      expect(Object.keys(rule.forms).length).toBeGreaterThan(0);
    }
  });

  it('strict answers every question as the RFCs do', () => {
    const { name: _name, rules, ...forms } = strictDialect;
    expect(rules).toEqual([]);
    expect(forms).toEqual(rfcForms);
  });

  it('tolerant carries every Entra and every Okta rule; entra and okta only their own', () => {
    expect(tolerantDialect.rules).toEqual([...entraRules, ...oktaRules]);
    expect(dialectNamed('entra').rules).toEqual(entraRules);
    expect(dialectNamed('okta').rules).toEqual(oktaRules);
  });

  it('an absent setting is the tolerant dialect; every name resolves', () => {
    expect(dialectNamed(undefined)).toBe(tolerantDialect);
    for (const name of DIALECT_NAMES) expect(dialectNamed(name).name).toBe(name);
  });
});
