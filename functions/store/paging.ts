/**
 * The one loop over DynamoDB's paging: a read is asked again from the last key of the page it
 * returned until a page comes back without one. Callers `break` out when they have enough.
 */
export type StartKey = Record<string, unknown>;

/** Every page `read` returns, in order, each read starting where the last one stopped. */
export async function* pages<P extends { readonly lastKey?: StartKey }>(
  read: (startKey: StartKey | undefined) => Promise<P>,
  from?: StartKey,
): AsyncGenerator<P> {
  let startKey = from;
  do {
    const page = await read(startKey);
    yield page;
    startKey = page.lastKey;
  } while (startKey);
}

/** The optional `startKey` of a read, from a key that may be absent. */
export const startingAt = (startKey: StartKey | undefined): { startKey?: StartKey } => (startKey ? { startKey } : {});
