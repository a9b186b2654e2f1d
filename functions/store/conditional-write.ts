/**
 * A conditional write whose failed condition is an answer, not an error: someone else got there
 * first (a lease taken, a newer value stored, an item gone). One place reads the SDK's
 * ConditionalCheckFailedException, so no repository function repeats the try/catch around it.
 */
import { errorNamed } from '../commons/error-named';

/** True when the write was made, false when its condition failed; any other error is thrown. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (errorNamed(error, 'ConditionalCheckFailedException')) return false;
    throw error;
  }
}
