/** The ScimError a call throws; fails the test when it throws nothing or something else. */
import { ScimError } from '../../functions/scim/scim-error';

export function scimErrorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}
