/**
 * Filling a leased change: its membership items in BatchWriteItem calls of 25, a few in flight, until
 * the holder's write deadline. A holder that runs out of time stops (GroupChangeUnfinished): its
 * change is stored, and the next writer finishes it (recover.ts).
 */
import type { Db } from '../db';
import { addMembers, removeMembers } from '../memberships';
import { GroupChangeUnfinished } from '../store-errors';

/** BatchWriteItem calls a lease holder keeps in flight. */
const WRITE_LANES = 4;
const BATCH = 25;

export async function fillMembers(
  db: Db,
  tenantId: string,
  groupId: string,
  members: { readonly put: readonly string[]; readonly remove: readonly string[] },
  writeDeadline: number,
  retryAt: number,
): Promise<void> {
  const work: (() => Promise<void>)[] = [];
  for (let i = 0; i < members.remove.length; i += BATCH) {
    const ids = members.remove.slice(i, i + BATCH);
    work.push(() => removeMembers(db, tenantId, groupId, ids));
  }
  for (let i = 0; i < members.put.length; i += BATCH) {
    const ids = members.put.slice(i, i + BATCH);
    work.push(() => addMembers(db, tenantId, groupId, ids));
  }
  let next = 0;
  let late = false;
  await Promise.all(
    Array.from({ length: Math.min(WRITE_LANES, work.length) }, async () => {
      while (next < work.length && !late) {
        if (Date.now() >= writeDeadline) {
          late = true;
          break;
        }
        const job = work[next] as () => Promise<void>;
        next += 1;
        await job();
      }
    }),
  );
  if (late) throw new GroupChangeUnfinished(retryAt);
}
