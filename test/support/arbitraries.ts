/** fast-check arbitraries shared by the property tests and the HTTP fuzzing. */
import fc from 'fast-check';
import { USER } from './urns';

/** JSON values shaped like SCIM input: Entra's string booleans, URNs, nested elements with SCIM-ish keys. */
export const scimJson: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('True', 'False', '', 'work', USER),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('value', 'type', 'primary', 'display', 'givenName', 'userName', '$ref', 'bogus'), tie('value'), {
      maxKeys: 4,
    }),
  ),
})).value;
